//! Hardening against hostile or broken input: a pasted 1,000-word "address" costs a bounded
//! amount of work (counted, not timed) and still gets a sensible answer; the online geocoder
//! refuses plain http to remote hosts and cuts off oversized responses.

use super::synthetic;

use routemate_core::geocode::GeocodeLevel;
use routemate_geocode::chain::budget::{MAX_READINGS, MAX_STREETS_EXAMINED};
use routemate_geocode::chain::OfflineGeocoder;
use routemate_geocode::parse::{parse, FLAG_TOO_LONG, MAX_SPLITS, MAX_STREET_WORDS};
use std::sync::OnceLock;

/// Streets in the shared synthetic gazetteer: far more than one address may examine.
const STREETS: usize = 12_000;

fn geocoder() -> &'static OfflineGeocoder {
    static G: OnceLock<OfflineGeocoder> = OnceLock::new();
    G.get_or_init(|| OfflineGeocoder::new(Some(synthetic::gazetteer(STREETS)), None))
}

fn has_flag(flags: &[String], f: &str) -> bool {
    flags.iter().any(|x| x == f)
}

#[test]
fn a_pasted_note_is_parsed_into_a_bounded_number_of_short_readings() {
    let p = parse(&synthetic::pasted_note(1_000));
    assert!(has_flag(&p.flags, FLAG_TOO_LONG), "{:?}", p.flags);
    assert_eq!(p.number.as_ref().map(|n| n.text.as_str()), Some("15"));
    assert!(
        !p.splits.is_empty() && p.splits.len() <= MAX_SPLITS,
        "{}",
        p.splits.len()
    );
    for s in &p.splits {
        let words = s.street.base.split(' ').count();
        assert!(words <= MAX_STREET_WORDS, "{:?}", s.street);
    }
    // An ordinary address is not affected.
    assert!(parse("15 Smith Street, South Brisbane QLD 4101")
        .flags
        .is_empty());
}

#[test]
fn a_1000_word_address_examines_a_bounded_share_of_a_large_gazetteer() {
    let g = geocoder();
    assert_eq!(g.main().unwrap().stats().unwrap().streets, STREETS as u64);
    let (r, work) = g.geocode_with_work(&synthetic::pasted_note(1_000));
    assert!(work.readings <= MAX_READINGS, "{work:?}");
    assert!(work.streets_examined <= MAX_STREETS_EXAMINED, "{work:?}");
    assert!(
        work.streets_examined < STREETS / 2,
        "must never read the whole gazetteer: {work:?}"
    );
    // Nothing in the note names a place: a clear failure, saying why.
    assert_eq!(r.level, GeocodeLevel::None);
    assert!(has_flag(&r.flags, FLAG_TOO_LONG), "{:?}", r.flags);
}

#[test]
fn a_1000_word_address_still_reads_the_postcode_at_its_end() {
    let g = geocoder();
    let address = format!("{} QLD 4503", synthetic::pasted_note(1_000));
    let (r, work) = g.geocode_with_work(&address);
    assert!(work.streets_examined < STREETS / 2, "{work:?}");
    assert_eq!(r.level, GeocodeLevel::Postcode, "{r:?}");
    assert!(r.matched.as_deref().unwrap_or("").contains("4503"), "{r:?}");
    assert!(has_flag(&r.flags, FLAG_TOO_LONG));
}

#[test]
fn a_megabyte_of_text_is_cut_and_its_tail_still_read() {
    let g = geocoder();
    let address = format!("{} QLD 4503", "x".repeat(1_000_000));
    let (r, work) = g.geocode_with_work(&address);
    assert_eq!(
        work.fuzzy_searches, 0,
        "a name that long gets no typo search"
    );
    assert_eq!(r.level, GeocodeLevel::Postcode, "{r:?}");
    assert!(has_flag(&r.flags, FLAG_TOO_LONG));
}

#[test]
fn an_exact_address_examines_only_its_own_street() {
    let g = geocoder();
    let name = synthetic::street_base(4_321);
    let kind = synthetic::street_kind(4_321);
    let (r, work) = g.geocode_with_work(&format!("1 {name} {kind}"));
    assert_eq!(r.level, GeocodeLevel::Address, "{r:?}");
    assert_eq!(work.fuzzy_searches, 0, "{work:?}");
    assert!(work.streets_examined <= 2, "{work:?}");
}

#[test]
fn a_typo_without_a_suburb_is_found_from_a_bounded_pool() {
    let g = geocoder();
    let i = 11_111;
    let name = synthetic::street_base(i);
    // One letter changed in the middle of the name.
    let mut typo: Vec<char> = name.chars().collect();
    let mid = typo.len() / 2;
    typo[mid] = if typo[mid] == 'x' { 'y' } else { 'x' };
    let typo: String = typo.into_iter().collect();
    let kind = synthetic::street_kind(i);
    let (r, work) = g.geocode_with_work(&format!("1 {typo} {kind}"));
    assert_eq!(r.level, GeocodeLevel::Address, "{typo}: {r:?}");
    assert!(
        r.matched.as_deref().unwrap_or("").contains(&name),
        "{typo}: {r:?}"
    );
    assert!(work.fuzzy_searches >= 1);
    assert!(work.streets_examined < STREETS / 2, "{work:?}");
}

mod online {
    use routemate_geocode::online::{Nominatim, OnlineError, MAX_RESPONSE_BYTES};
    use routemate_geocode::remote::RemoteError;
    use routemate_geocode::NominatimConfig;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::time::Duration;

    /// A loopback server answering every request with `head` and then `body_bytes` bytes of
    /// JSON-ish filler, written until the client hangs up.
    fn flood(head: &'static str, body_bytes: usize) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 2 {
                    line.clear();
                }
                let _ = stream.write_all(head.as_bytes());
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < body_bytes && stream.write_all(&chunk).is_ok() {
                    sent += chunk.len();
                }
            }
        });
        url
    }

    fn config(url: &str) -> NominatimConfig {
        let mut c = NominatimConfig::new(url);
        c.min_interval = Duration::from_millis(10);
        c.timeout = Duration::from_secs(10);
        c
    }

    #[test]
    fn a_huge_response_is_cut_off_at_the_cap() {
        let url = flood(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
            16 * 1024 * 1024,
        );
        let n = Nominatim::start(config(&url)).unwrap();
        let e = n.lookup("15 Smith Street, South Brisbane").unwrap_err();
        assert_eq!(
            e,
            OnlineError::Remote(RemoteError::TooLarge {
                limit: MAX_RESPONSE_BYTES
            })
        );
        assert_eq!(e.code(), "REMOTE_TOO_LARGE");
        assert!(e.to_string().contains("limit"), "{e}");
    }

    #[test]
    fn a_declared_huge_length_is_refused_before_reading() {
        let url = flood(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
             Content-Length: 1000000000\r\nConnection: close\r\n\r\n",
            0,
        );
        let mut c = config(&url);
        c.max_response_bytes = 1_000;
        let n = Nominatim::start(c).unwrap();
        let e = n.lookup("15 Smith Street, South Brisbane").unwrap_err();
        assert_eq!(
            e,
            OnlineError::Remote(RemoteError::TooLarge { limit: 1_000 })
        );
    }

    #[test]
    fn plain_http_to_a_remote_host_is_refused_with_a_clear_message() {
        let e = Nominatim::start(NominatimConfig::new("http://nominatim.example.org")).unwrap_err();
        assert_eq!(e.code(), "GEOCODE_ONLINE_CONFIG");
        let msg = e.to_string();
        assert!(
            msg.contains("https://") && msg.contains("nominatim.example.org"),
            "{msg}"
        );
        // https, loopback http and an explicit override are accepted.
        assert!(Nominatim::start(NominatimConfig::new("https://nominatim.example.org")).is_ok());
        assert!(Nominatim::start(NominatimConfig::new("http://127.0.0.1:9")).is_ok());
        let mut insecure = NominatimConfig::new("http://nominatim.example.org");
        insecure.allow_insecure = true;
        assert!(Nominatim::start(insecure).is_ok());
    }
}

mod cache {
    use routemate_geocode::cache_limit::{trim, Trimmed};
    use serde_json::json;

    fn entry(generation: u64) -> Vec<u8> {
        serde_json::to_vec(&json!({"generation": generation, "result": {"level": "locality"}}))
            .unwrap()
    }

    #[test]
    fn stale_answers_go_and_the_rest_is_cut_to_three_quarters_of_the_bound() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let cache = db.open_tree("cache").unwrap();
        for i in 0..10 {
            cache.insert(format!("old {i}"), entry(1)).unwrap();
        }
        cache.insert("garbage", &b"not json"[..]).unwrap();
        for i in 0..30 {
            cache
                .insert(format!("acct\0{i} smith street"), entry(2))
                .unwrap();
        }
        let t = trim(&cache, 2, 20).unwrap();
        assert_eq!(
            t,
            Trimmed {
                stale: 11,
                excess: 15,
                kept: 15
            }
        );
        assert_eq!(cache.len(), 15);
        assert!(cache.iter().all(|kv| kv.unwrap().1 == entry(2)));
        // Within the bound nothing live is touched.
        assert_eq!(
            trim(&cache, 2, 20).unwrap(),
            Trimmed {
                kept: 15,
                ..Trimmed::default()
            }
        );
    }
}
