//! Address tokenizer: lowercase, meaningless punctuation dropped, accents folded, number ranges
//! ("12 - 14") and joined numbers ("1.1 & 1.2") kept as one token, commas kept as boundaries.

use crate::parse::{is_number_token, starts_with_digit};

/// Lowercases, drops punctuation that carries no meaning and splits into tokens; commas are kept
/// as their own "," token because they mark the street/locality boundary.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let c = c.to_ascii_lowercase();
        match c {
            'a'..='z' | '0'..='9' | '/' | '&' => cleaned.push(c),
            '-' | '–' | '—' => cleaned.push('-'),
            ',' | ';' | '\n' | '|' => cleaned.push_str(" , "),
            '\'' | '’' | '#' => {}
            '.' => {
                // "1.1" stays; "St." and "P.O." lose the dot.
                let digit_both = i > 0
                    && chars[i - 1].is_ascii_digit()
                    && chars
                        .get(i + 1)
                        .map(|c| c.is_ascii_digit())
                        .unwrap_or(false);
                cleaned.push(if digit_both { '.' } else { ' ' });
            }
            _ if c.is_alphabetic() => cleaned.extend(fold_accent(c)),
            _ => cleaned.push(' '),
        }
    }
    // "12 - 14" → "12-14"; "15 /" oddities are left alone.
    let raw: Vec<&str> = cleaned.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let t = raw[i];
        if t == "-" && !out.is_empty() && i + 1 < raw.len() {
            let prev = out.last().map(|s| s.as_str()).unwrap_or("");
            if is_number_token(prev) && is_number_token(raw[i + 1]) {
                let merged = format!("{prev}-{}", raw[i + 1]);
                *out.last_mut().unwrap_or(&mut String::new()) = merged;
                i += 2;
                continue;
            }
        }
        if t == "&" && !out.is_empty() && i + 1 < raw.len() {
            let prev = out.last().map(|s| s.as_str()).unwrap_or("");
            if starts_with_digit(prev) && starts_with_digit(raw[i + 1]) {
                let merged = format!("{prev}&{}", raw[i + 1]);
                *out.last_mut().unwrap_or(&mut String::new()) = merged;
                i += 2;
                continue;
            }
        }
        if t.ends_with('-') && t.len() > 1 && i + 1 < raw.len() && is_number_token(raw[i + 1]) {
            out.push(format!("{t}{}", raw[i + 1]));
            i += 2;
            continue;
        }
        let trimmed = t.trim_matches('-');
        if !trimmed.is_empty() {
            out.push(trimmed.to_string());
        }
        i += 1;
    }
    // Drop repeated commas and commas at the edges.
    let mut tokens: Vec<String> = Vec::with_capacity(out.len());
    for t in out {
        if t == "," && tokens.last().map(|l| l == ",").unwrap_or(true) {
            continue;
        }
        tokens.push(t);
    }
    while tokens.last().map(|t| t == ",").unwrap_or(false) {
        tokens.pop();
    }
    tokens
}

fn fold_accent(c: char) -> Option<char> {
    let plain = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        _ if c.is_ascii_alphabetic() => c,
        _ => return None,
    };
    Some(plain)
}
