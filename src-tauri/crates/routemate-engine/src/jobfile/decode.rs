//! Text decoding of job files: spreadsheet exports arrive as UTF-8 (with or without BOM), UTF-16
//! with BOM (Excel "Unicode text") or Windows-1252 (older Excel "CSV"), and we must read them all.

use std::borrow::Cow;

/// The encoding a job file was read with (reported in results so a wrong guess is visible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8 and no BOM: read as Windows-1252, which maps every byte to a character.
    Windows1252,
}

/// Decodes `bytes`, stripping any BOM. Never fails: Windows-1252 is the fallback.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        if let Ok(s) = std::str::from_utf8(rest) {
            return (Cow::Borrowed(s), Encoding::Utf8Bom);
        }
        let (s, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return (s, Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (s, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        return (s, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (s, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        return (s, Encoding::Utf16Be);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(_) => {
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (s, Encoding::Windows1252)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        assert_eq!(decode(b"a,b").1, Encoding::Utf8);
        assert_eq!(decode(b"\xEF\xBB\xBFa").0, "a");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Zoë".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le), (Cow::Borrowed("Zoë"), Encoding::Utf16Le));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Zoë".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&be).0, "Zoë");
        // "Café" in Windows-1252: é = 0xE9, invalid as UTF-8.
        assert_eq!(
            decode(b"Caf\xE9"),
            (Cow::Borrowed("Café"), Encoding::Windows1252)
        );
        // 0x80 is the euro sign in Windows-1252 (not Latin-1's control character).
        assert_eq!(decode(b"\x80 5").0, "€ 5");
    }
}
