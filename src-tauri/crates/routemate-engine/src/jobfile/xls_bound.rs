//! The size an `.xls` sheet claims, read before calamine does: calamine reserves memory for a
//! sheet's whole `Dimensions` range up front (rows × columns cells), so one damaged or hostile
//! record of a few bytes could ask for a hundred gigabytes and abort the process (found by the
//! engine's `damaged_workbooks_never_panic` property test). This walks the BIFF records of the
//! workbook stream (read with `cfb`, capped at the file's size) and checks every `Dimensions`
//! record the way calamine will read it.

use super::quote::quote;
use super::sheet::MAX_SHEET_CELLS;
use super::Problem;
use std::io::{Cursor, Read};

/// BIFF record type of `Dimensions` (MS-XLS 2.4.90).
const DIMENSIONS: u16 = 0x0200;

/// `Err` when the file is not a readable compound file or a sheet claims more than
/// [`MAX_SHEET_CELLS`] cells.
pub fn check(bytes: &[u8]) -> Result<(), Problem> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Problem::file(
            "unreadable_workbook",
            format!("cannot read the workbook: {}", quote(&e.to_string())),
        )
    };
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    // BIFF8 names the stream "Workbook", BIFF5 "Book" (calamine reads either).
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| unreadable(&"it has no workbook stream"))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(|e| unreadable(&e))?
        .take(bytes.len() as u64)
        .read_to_end(&mut stream)
        .map_err(|e| unreadable(&e))?;
    for data in records(&stream).filter_map(|(typ, data)| (typ == DIMENSIONS).then_some(data)) {
        let (rows, cols) = claimed(data);
        if rows.saturating_mul(cols) > MAX_SHEET_CELLS as u64 {
            return Err(Problem::file(
                "sheet_too_large",
                format!(
                    "a sheet spans {rows} rows by {cols} columns; a job sheet may span at most \
                     {MAX_SHEET_CELLS} cells"
                ),
            ));
        }
    }
    Ok(())
}

/// The BIFF records of a stream: (type, data), stopping at a record that runs past the end.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let head = stream.get(at..at + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// Rows and columns calamine will reserve for a `Dimensions` record (mirrors its
/// `parse_dimensions`, including the wrap-around of a first row past the last).
fn claimed(r: &[u8]) -> (u64, u64) {
    let u16_at = |i: usize| u16::from_le_bytes([r[i], r[i + 1]]) as u32;
    let u32_at = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return (0, 0), // calamine refuses the record itself
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl < 1 || cl < 1 {
        return (1, 1);
    }
    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1);
    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1);
    (rows as u64, cols as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut r = Vec::new();
        r.extend_from_slice(&rf.to_le_bytes());
        r.extend_from_slice(&rl.to_le_bytes());
        r.extend_from_slice(&cf.to_le_bytes());
        r.extend_from_slice(&cl.to_le_bytes());
        r.extend_from_slice(&[0, 0]);
        r
    }

    #[test]
    fn dimensions_are_read_as_calamine_reads_them() {
        assert_eq!(claimed(&dims(0, 10, 0, 5)), (10, 5));
        // A first row past the last wraps around in calamine: billions of rows.
        assert_eq!(claimed(&dims(20, 10, 0, 5)).0, (u32::MAX - 9) as u64);
        assert_eq!(claimed(&dims(0, 0, 0, 0)), (1, 1));
        // A first column past 0xFF is read as 0.
        assert_eq!(claimed(&dims(0, 2, 300, 400)), (2, 400));
    }

    #[test]
    fn records_stop_at_a_record_running_past_the_end() {
        let mut s = vec![0x00, 0x02, 2, 0, 7, 7];
        s.extend_from_slice(&[0x09, 0x08, 200, 0, 1]);
        let got: Vec<_> = records(&s).collect();
        assert_eq!(got, vec![(0x0200, &[7u8, 7][..])]);
    }
}
