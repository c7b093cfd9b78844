//! Australian address vocabulary: street types, street suffixes, states, unit and PO-box words.
//!
//! Both the parser (for queries) and the importers (for gazetteer rows) canonicalise through these
//! tables, so "Tce" in a query and "Terrace" in OpenStreetMap meet on the same key.

/// (canonical full word, abbreviations and common variants). Canonical is lowercase.
const STREET_TYPES: &[(&str, &[&str])] = &[
    ("street", &["st", "str", "strt", "streets"]),
    ("road", &["rd"]),
    ("avenue", &["ave", "av", "avn", "avnue"]),
    ("terrace", &["tce", "terr", "ter", "trc"]),
    ("parade", &["pde", "prde"]),
    ("crescent", &["cres", "cr", "crs", "cresent", "crsnt"]),
    ("highway", &["hwy", "hway", "hiway"]),
    ("drive", &["dr", "drv", "dve"]),
    ("court", &["ct", "crt"]),
    ("place", &["pl", "plc"]),
    ("lane", &["ln", "la"]),
    ("close", &["cl"]),
    ("boulevard", &["bvd", "blvd", "bvde", "boulevarde"]),
    ("circuit", &["cct", "cir", "crct"]),
    ("esplanade", &["esp", "espl"]),
    ("grove", &["gr", "gv", "grv"]),
    ("square", &["sq"]),
    ("way", &["wy"]),
    ("walk", &["wk", "wlk"]),
    ("track", &["trk"]),
    ("trail", &["trl", "tr"]),
    ("mews", &[]),
    ("row", &[]),
    ("rise", &["rse"]),
    ("ridge", &["rdg"]),
    ("vista", &["vsta"]),
    ("view", &["vw"]),
    ("parkway", &["pkwy", "pwy"]),
    ("plaza", &["plz"]),
    ("promenade", &["prom"]),
    ("quay", &["qy"]),
    ("circle", &["circ"]),
    ("arcade", &["arc"]),
    ("access", &["accs"]),
    ("alley", &["ally"]),
    ("approach", &["app", "appr"]),
    ("bend", &["bnd"]),
    ("broadway", &["bwy"]),
    ("bypass", &["bypa", "byp"]),
    ("causeway", &["cway", "cswy"]),
    ("chase", &["ch", "cha"]),
    ("concourse", &["con", "cnc"]),
    ("corner", &["cnr"]),
    ("cove", &["cv"]),
    ("crossing", &["cross", "crsg"]),
    ("entrance", &["ent"]),
    ("freeway", &["fwy"]),
    ("gardens", &["gdns", "gdn"]),
    ("gate", &["gte"]),
    ("glade", &["gld"]),
    ("glen", &["gln"]),
    ("green", &["grn"]),
    ("heights", &["hts", "hgts"]),
    ("loop", &["lp"]),
    ("mall", &[]),
    ("motorway", &["mwy"]),
    ("outlook", &["otlk"]),
    ("pass", &[]),
    ("path", &["pth"]),
    ("pathway", &["pway"]),
    ("point", &["pt", "pnt"]),
    ("reserve", &["res"]),
    ("retreat", &["rtt"]),
    ("ramble", &["rmbl"]),
    ("serviceway", &["swy"]),
    ("strip", &["strp"]),
    ("tollway", &["twy"]),
    ("turn", &["trn"]),
    ("wynd", &["wyn"]),
];

/// Direction / position words that follow the type ("Stanley Street East").
const SUFFIXES: &[(&str, &[&str])] = &[
    ("north", &["n", "nth"]),
    ("south", &["s", "sth"]),
    ("east", &["e"]),
    ("west", &["w"]),
    ("upper", &["up"]),
    ("lower", &["lr"]),
    ("extension", &["ext"]),
    ("central", &["cen"]),
];

/// (code, full name, first postcode digit(s) the state uses).
const STATES: &[(&str, &str)] = &[
    ("qld", "queensland"),
    ("nsw", "new south wales"),
    ("vic", "victoria"),
    ("act", "australian capital territory"),
    ("tas", "tasmania"),
    ("sa", "south australia"),
    ("wa", "western australia"),
    ("nt", "northern territory"),
];

/// Canonical street type for a token ("tce" → "terrace"), exact matches only.
pub fn street_type(token: &str) -> Option<&'static str> {
    STREET_TYPES
        .iter()
        .find(|(full, abbrevs)| *full == token || abbrevs.contains(&token))
        .map(|(full, _)| *full)
}

/// Street type for a token with one typo ("stret", "terace"); only for words of five letters or
/// more, because shorter tokens ("sr", "rdd") are as likely to be names as misspelt types.
pub fn street_type_fuzzy(token: &str) -> Option<&'static str> {
    if let Some(t) = street_type(token) {
        return Some(t);
    }
    if token.len() < 5 || token.chars().any(|c| !c.is_ascii_alphabetic()) {
        return None;
    }
    STREET_TYPES
        .iter()
        .map(|(full, _)| *full)
        .filter(|full| full.len() >= 5)
        .find(|full| strsim::damerau_levenshtein(full, token) == 1)
}

/// Canonical suffix word for a token ("e" → "east").
pub fn street_suffix(token: &str) -> Option<&'static str> {
    SUFFIXES
        .iter()
        .find(|(full, abbrevs)| *full == token || abbrevs.contains(&token))
        .map(|(full, _)| *full)
}

/// State code for a state name or code, given as lowercase tokens; returns how many tokens the
/// name used (so "new south wales" consumes three).
pub fn state_at_end(tokens: &[String]) -> Option<(&'static str, usize)> {
    for (code, full) in STATES {
        let words: Vec<&str> = full.split(' ').collect();
        if tokens.len() >= words.len() {
            let tail = &tokens[tokens.len() - words.len()..];
            if tail.iter().zip(&words).all(|(a, b)| a == b) {
                return Some((code, words.len()));
            }
        }
        if tokens.last().map(|t| t == code).unwrap_or(false) {
            return Some((code, 1));
        }
    }
    None
}

/// State code ("qld") for any spelling of a state, or `None`.
pub fn state_code(text: &str) -> Option<&'static str> {
    let t = text.trim().to_lowercase();
    STATES
        .iter()
        .find(|(code, full)| *code == t || *full == t)
        .map(|(code, _)| *code)
}

/// Which state a postcode belongs to, from Australia Post's ranges (used to flag contradictions).
pub fn state_of_postcode(postcode: &str) -> Option<&'static str> {
    let n: u32 = postcode.parse().ok()?;
    Some(match n {
        200..=299 | 2600..=2619 | 2900..=2920 => "act",
        800..=999 => "nt",
        1000..=2599 | 2620..=2899 | 2921..=2999 => "nsw",
        3000..=3999 | 8000..=8999 => "vic",
        4000..=4999 | 9000..=9999 => "qld",
        5000..=5999 => "sa",
        6000..=6999 => "wa",
        7000..=7999 => "tas",
        _ => return None,
    })
}

/// Words that introduce a sub-address (unit, level, shop …) and are dropped before matching.
pub fn is_unit_word(token: &str) -> bool {
    matches!(
        token,
        "unit"
            | "u"
            | "flat"
            | "f"
            | "apartment"
            | "apt"
            | "suite"
            | "ste"
            | "shop"
            | "shp"
            | "villa"
            | "townhouse"
            | "th"
            | "room"
            | "rm"
            | "office"
            | "lot"
            | "kiosk"
            | "warehouse"
            | "whse"
            | "factory"
            | "fy"
    )
}

/// Words that introduce a floor ("Level 3", "Lvl 3", "Floor 2", "Ground Floor").
pub fn is_level_word(token: &str) -> bool {
    matches!(
        token,
        "level" | "lvl" | "lev" | "l" | "floor" | "fl" | "flr"
    )
}

/// Postal-only delivery points: these cannot be driven to and are never guessed.
pub fn postal_only_kind(text: &str) -> Option<&'static str> {
    let compact: String = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let words: Vec<&str> = compact.split_whitespace().collect();
    let has = |seq: &[&str]| words.windows(seq.len()).any(|w| w == seq);
    if has(&["po", "box"])
        || has(&["gpo", "box"])
        || has(&["p", "o", "box"])
        || has(&["post", "office", "box"])
        || words.first() == Some(&"pobox")
        || has(&["box"]) && words.iter().any(|w| *w == "po" || *w == "gpo")
    {
        return Some("po_box");
    }
    if has(&["locked", "bag"]) || has(&["private", "bag"]) || has(&["mail", "bag"]) {
        return Some("locked_bag");
    }
    if has(&["care", "of", "post", "office"]) || has(&["poste", "restante"]) {
        return Some("poste_restante");
    }
    if words
        .first()
        .map(|w| *w == "rmb" || *w == "rsd" || *w == "cmb")
        .unwrap_or(false)
    {
        return Some("roadside_mail_box");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_both_ways() {
        assert_eq!(street_type("tce"), Some("terrace"));
        assert_eq!(street_type("street"), Some("street"));
        assert_eq!(street_type("pde"), Some("parade"));
        assert_eq!(street_type("smith"), None);
        assert_eq!(street_type_fuzzy("stret"), Some("street"));
        assert_eq!(street_type_fuzzy("terace"), Some("terrace"));
        assert_eq!(street_type_fuzzy("smith"), None);
    }

    #[test]
    fn postcode_states() {
        assert_eq!(state_of_postcode("4101"), Some("qld"));
        assert_eq!(state_of_postcode("2600"), Some("act"));
        assert_eq!(state_of_postcode("0800"), Some("nt"));
        assert_eq!(state_of_postcode("3000"), Some("vic"));
    }

    #[test]
    fn postal_only() {
        assert_eq!(
            postal_only_kind("PO Box 123, Brisbane QLD 4001"),
            Some("po_box")
        );
        assert_eq!(postal_only_kind("P.O. Box 5"), Some("po_box"));
        assert_eq!(postal_only_kind("GPO Box 2400 Brisbane"), Some("po_box"));
        assert_eq!(
            postal_only_kind("Locked Bag 1, Eagle Farm"),
            Some("locked_bag")
        );
        assert_eq!(postal_only_kind("15 Box Street, Toowong"), None);
    }
}
