//! TSPLIB asymmetric instances (`TYPE: ATSP`, `EDGE_WEIGHT_TYPE: EXPLICIT`,
//! `EDGE_WEIGHT_FORMAT: FULL_MATRIX`) as a pure `&str` parser: the matrix row by row, entry
//! `(i, j)` the cost from node `i + 1` to node `j + 1`. The diagonal (often a large "infinity")
//! is never used and is stored as 0. Every error names the line and what is wrong there.

use crate::instance::{Instance, InstanceError};
use routemate_core::optimize::DistanceMatrix;

fn syntax(line: usize, reason: impl Into<String>) -> InstanceError {
    InstanceError::Tsplib {
        line,
        reason: reason.into(),
    }
}

/// True when the header (the lines before the first section) says `TYPE : ATSP`.
pub fn is_atsp(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.ends_with("_SECTION") && *l != "EOF")
        .filter_map(|l| l.split_once(':'))
        .any(|(k, v)| k.trim() == "TYPE" && v.trim() == "ATSP")
}

/// Parses a TSPLIB ATSP file with a full explicit matrix. Node `i` becomes index `i - 1`.
///
/// Errors: a header line that is not `KEY : VALUE`, a `TYPE`, `EDGE_WEIGHT_TYPE` or
/// `EDGE_WEIGHT_FORMAT` other than `ATSP`, `EXPLICIT`, `FULL_MATRIX`, a missing or zero
/// `DIMENSION`, an entry that is not a whole number in `0..=u32::MAX`, and a matrix with fewer or
/// more than `DIMENSION²` entries (a truncated file says where it ended and which entry is
/// missing).
pub fn parse_atsp(text: &str) -> Result<Instance, InstanceError> {
    let mut name = String::new();
    let mut dim: Option<usize> = None;
    let mut explicit = false;
    let mut full_matrix = false;
    let mut data: Option<Vec<u32>> = None;
    let mut last_line = 0;
    let mut lines = text.lines().enumerate().map(|(k, l)| (k + 1, l.trim()));
    while let Some((line, raw)) = lines.next() {
        last_line = line;
        if raw.is_empty() {
            continue;
        }
        if raw == "EOF" {
            break;
        }
        if raw.starts_with("EDGE_WEIGHT_SECTION") {
            let n = dim.ok_or_else(|| syntax(line, "EDGE_WEIGHT_SECTION before DIMENSION"))?;
            if !explicit {
                return Err(syntax(line, "EDGE_WEIGHT_TYPE: EXPLICIT must come first"));
            }
            if !full_matrix {
                return Err(syntax(
                    line,
                    "EDGE_WEIGHT_FORMAT: FULL_MATRIX must come first",
                ));
            }
            let (matrix, end) = read_matrix(n, &mut lines, line)?;
            last_line = end;
            data = Some(matrix);
            continue;
        }
        let Some((key, value)) = raw.split_once(':') else {
            return Err(syntax(
                line,
                "expected `KEY : VALUE`, EDGE_WEIGHT_SECTION or EOF",
            ));
        };
        let value = value.trim();
        match key.trim() {
            "NAME" => name = value.to_string(),
            "TYPE" if value != "ATSP" => {
                return Err(syntax(line, format!("TYPE is {value:?}, expected ATSP")))
            }
            "DIMENSION" => match value.parse::<usize>() {
                Ok(n) if n > 0 => dim = Some(n),
                _ => {
                    return Err(syntax(
                        line,
                        format!("DIMENSION {value:?} is not a positive whole number"),
                    ))
                }
            },
            "EDGE_WEIGHT_TYPE" if value != "EXPLICIT" => {
                return Err(syntax(
                    line,
                    format!("EDGE_WEIGHT_TYPE {value:?} is not supported for ATSP (EXPLICIT is)"),
                ))
            }
            "EDGE_WEIGHT_TYPE" => explicit = true,
            "EDGE_WEIGHT_FORMAT" if value != "FULL_MATRIX" => {
                return Err(syntax(
                    line,
                    format!("EDGE_WEIGHT_FORMAT {value:?} is not supported (FULL_MATRIX is)"),
                ))
            }
            "EDGE_WEIGHT_FORMAT" => full_matrix = true,
            _ => {}
        }
    }
    let n = dim.ok_or_else(|| syntax(last_line.max(1), "no DIMENSION"))?;
    let data = data.ok_or_else(|| syntax(last_line.max(1), "no EDGE_WEIGHT_SECTION"))?;
    Ok(Instance {
        name,
        matrix: DistanceMatrix::from_vec(n, data),
    })
}

/// Reads `n²` whole numbers after the section header on line `header`; returns them (diagonal
/// zeroed) and the number of the last line read.
fn read_matrix<'a>(
    n: usize,
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
    header: usize,
) -> Result<(Vec<u32>, usize), InstanceError> {
    let total = n
        .checked_mul(n)
        .ok_or_else(|| syntax(header, "DIMENSION is too large"))?;
    let mut data = Vec::with_capacity(total);
    let mut last = header;
    while data.len() < total {
        let Some((line, raw)) = lines.next() else {
            let (row, col) = (data.len() / n + 1, data.len() % n + 1);
            return Err(syntax(
                last,
                format!(
                    "the file ends after {} of the {n}×{n} = {total} matrix entries \
                     (row {row}, column {col} is missing)",
                    data.len()
                ),
            ));
        };
        last = line;
        if raw == "EOF" {
            let (row, col) = (data.len() / n + 1, data.len() % n + 1);
            return Err(syntax(
                line,
                format!(
                    "EOF after {} of the {total} matrix entries (row {row}, column {col} is \
                     missing)",
                    data.len()
                ),
            ));
        }
        for token in raw.split_whitespace() {
            let k = data.len();
            if k == total {
                return Err(syntax(
                    line,
                    format!("more than the {n}×{n} = {total} matrix entries (extra {token:?})"),
                ));
            }
            let (i, j) = (k / n, k % n);
            let v: u32 = token.parse().map_err(|_| {
                syntax(
                    line,
                    format!(
                        "entry {token:?} (row {}, column {}) is not a whole number in \
                         0..={}",
                        i + 1,
                        j + 1,
                        u32::MAX
                    ),
                )
            })?;
            data.push(if i == j { 0 } else { v });
        }
    }
    Ok((data, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "NAME: tiny\nTYPE: ATSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\n\
        EDGE_WEIGHT_FORMAT: FULL_MATRIX\nEDGE_WEIGHT_SECTION\n9999 1 2\n3 9999\n4 5 6 9999\nEOF\n";

    fn reason(e: InstanceError) -> (usize, String) {
        match e {
            InstanceError::Tsplib { line, reason } => (line, reason),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rows_may_wrap_and_the_diagonal_is_ignored() {
        let inst = parse_atsp(SMALL).unwrap();
        assert_eq!(inst.name, "tiny");
        let m = &inst.matrix;
        let rows: Vec<Vec<u32>> = (0..3)
            .map(|i| (0..3).map(|j| m.get(i, j)).collect())
            .collect();
        assert_eq!(rows, vec![vec![0, 1, 2], vec![3, 0, 4], vec![5, 6, 0]]);
    }

    #[test]
    fn a_truncated_matrix_names_the_last_line_and_the_missing_entry() {
        let cut = SMALL.replace("4 5 6 9999\nEOF\n", "4 5\n");
        let (line, why) = reason(parse_atsp(&cut).unwrap_err());
        assert_eq!(line, 9);
        assert!(why.contains("7 of the 3×3 = 9"), "{why}");
        assert!(why.contains("row 3, column 2 is missing"), "{why}");
    }

    #[test]
    fn bad_entries_and_headers_say_which_line() {
        let bad = SMALL.replace("3 9999\n", "3 x9\n");
        let (line, why) = reason(parse_atsp(&bad).unwrap_err());
        assert_eq!(line, 8);
        assert!(why.contains("\"x9\" (row 2, column 2)"), "{why}");
        let extra = SMALL.replace("6 9999\n", "6 9999 7\n");
        assert!(reason(parse_atsp(&extra).unwrap_err())
            .1
            .contains("more than"));
        let lower = SMALL.replace("FULL_MATRIX", "LOWER_DIAG_ROW");
        assert_eq!(reason(parse_atsp(&lower).unwrap_err()).0, 5);
        let no_dim = SMALL.replace("DIMENSION: 3\n", "");
        let (line, why) = reason(parse_atsp(&no_dim).unwrap_err());
        assert_eq!(
            (line, why.as_str()),
            (5, "EDGE_WEIGHT_SECTION before DIMENSION")
        );
        let negative = SMALL.replace("9999 1 2", "9999 -1 2");
        assert!(reason(parse_atsp(&negative).unwrap_err())
            .1
            .contains("row 1, column 2"));
    }
}
