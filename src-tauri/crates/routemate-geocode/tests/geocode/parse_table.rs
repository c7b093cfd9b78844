//! Parser table: real-world Australian spellings and what must be read out of them.

use routemate_geocode::normalise;
use routemate_geocode::parse::parse;

/// (input, unit, number, street key, locality, state, postcode)
type Case = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const CASES: &[Case] = &[
    (
        "15 Smith Street, South Brisbane QLD 4101",
        None,
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        Some("qld"),
        Some("4101"),
    ),
    (
        "15 Smith St, South Brisbane QLD 4101",
        None,
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        Some("qld"),
        Some("4101"),
    ),
    (
        "2/15 Smith St, South Brisbane QLD 4101",
        Some("2"),
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        Some("qld"),
        Some("4101"),
    ),
    (
        "Unit 2, 15 Smith Street, South Brisbane",
        Some("2"),
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        None,
        None,
    ),
    (
        "U2 15 Smith St South Brisbane Qld 4101",
        Some("2"),
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        Some("qld"),
        Some("4101"),
    ),
    (
        "Flat 4/22 Grey St, South Brisbane",
        Some("4"),
        Some("22"),
        Some("grey street"),
        Some("south brisbane"),
        None,
        None,
    ),
    (
        "Apt 7B, 3 Ernest St",
        Some("7b"),
        Some("3"),
        Some("ernest street"),
        None,
        None,
        None,
    ),
    (
        "Shop 3, 100 Eagle St, Brisbane City QLD 4000",
        Some("3"),
        Some("100"),
        Some("eagle street"),
        Some("brisbane city"),
        Some("qld"),
        Some("4000"),
    ),
    (
        "12-14 Hope St, Spring Hill QLD 4000",
        None,
        Some("12-14"),
        Some("hope street"),
        Some("spring hill"),
        Some("qld"),
        Some("4000"),
    ),
    (
        "12 - 14 Hope Street Spring Hill 4000",
        None,
        Some("12-14"),
        Some("hope street"),
        Some("spring hill"),
        None,
        Some("4000"),
    ),
    (
        "163-165 Grey St, South Brisbane",
        None,
        Some("163-165"),
        Some("grey street"),
        Some("south brisbane"),
        None,
        None,
    ),
    (
        "37A Tribune St South Brisbane",
        None,
        Some("37a"),
        Some("tribune street"),
        Some("south brisbane"),
        None,
        None,
    ),
    (
        "37 a Tribune Street",
        None,
        Some("37"),
        Some("a tribune street"),
        None,
        None,
        None,
    ),
    (
        "8 Petrie Tce, Brisbane QLD 4000",
        None,
        Some("8"),
        Some("petrie terrace"),
        Some("brisbane"),
        Some("qld"),
        Some("4000"),
    ),
    (
        "8 Petrie Terrace Brisbane",
        None,
        Some("8"),
        Some("petrie terrace"),
        Some("brisbane"),
        None,
        None,
    ),
    (
        "5 Ocean Pde, Coolangatta QLD 4225",
        None,
        Some("5"),
        Some("ocean parade"),
        Some("coolangatta"),
        Some("qld"),
        Some("4225"),
    ),
    (
        "9 Banksia Cres, Toowong 4066",
        None,
        Some("9"),
        Some("banksia crescent"),
        Some("toowong"),
        None,
        Some("4066"),
    ),
    (
        "1200 Bruce Hwy, Caboolture QLD",
        None,
        Some("1200"),
        Some("bruce highway"),
        Some("caboolture"),
        Some("qld"),
        None,
    ),
    (
        "40 Station Rd Indooroopilly Queensland 4068",
        None,
        Some("40"),
        Some("station road"),
        Some("indooroopilly"),
        Some("qld"),
        Some("4068"),
    ),
    (
        "40 Station Road, Indooroopilly, Queensland, 4068, Australia",
        None,
        Some("40"),
        Some("station road"),
        Some("indooroopilly"),
        Some("qld"),
        Some("4068"),
    ),
    (
        "10 george st sydney nsw 2000",
        None,
        Some("10"),
        Some("george street"),
        Some("sydney"),
        Some("nsw"),
        Some("2000"),
    ),
    (
        "10 George Street, Sydney, New South Wales 2000",
        None,
        Some("10"),
        Some("george street"),
        Some("sydney"),
        Some("nsw"),
        Some("2000"),
    ),
    (
        "1 Flinders St Melbourne VIC 3000",
        None,
        Some("1"),
        Some("flinders street"),
        Some("melbourne"),
        Some("vic"),
        Some("3000"),
    ),
    (
        "3 King William St, Adelaide SA 5000",
        None,
        Some("3"),
        Some("king william street"),
        Some("adelaide"),
        Some("sa"),
        Some("5000"),
    ),
    (
        "3 King William St, Adelaide, South Australia 5000",
        None,
        Some("3"),
        Some("king william street"),
        Some("adelaide"),
        Some("sa"),
        Some("5000"),
    ),
    (
        "100 St Georges Tce, Perth WA 6000",
        None,
        Some("100"),
        Some("saint georges terrace"),
        Some("perth"),
        Some("wa"),
        Some("6000"),
    ),
    (
        "20 Stanley Street East, Woolloongabba",
        None,
        Some("20"),
        Some("stanley street east"),
        Some("woolloongabba"),
        None,
        None,
    ),
    (
        "20 Stanley St E Woolloongabba",
        None,
        Some("20"),
        Some("stanley street east"),
        Some("woolloongabba"),
        None,
        None,
    ),
    (
        "15 Main St Kangaroo Point QLD 4169",
        None,
        Some("15"),
        Some("main street"),
        Some("kangaroo point"),
        Some("qld"),
        Some("4169"),
    ),
    (
        "7 Boundary St West End 4101",
        None,
        Some("7"),
        Some("boundary street"),
        Some("west end"),
        None,
        Some("4101"),
    ),
    (
        "Level 3, 100 Eagle St, Brisbane",
        None,
        Some("100"),
        Some("eagle street"),
        Some("brisbane"),
        None,
        None,
    ),
    (
        "L3 100 Eagle Street Brisbane QLD 4000",
        None,
        Some("100"),
        Some("eagle street"),
        Some("brisbane"),
        Some("qld"),
        Some("4000"),
    ),
    (
        "Suncorp Place, 300 Queen St, Brisbane",
        None,
        Some("300"),
        Some("queen street"),
        Some("brisbane"),
        None,
        None,
    ),
    (
        "  15,, Smith  St.,, South Brisbane,, QLD ",
        None,
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        Some("qld"),
        None,
    ),
    (
        "15 SMITH STREET SOUTH BRISBANE QLD 4101",
        None,
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        Some("qld"),
        Some("4101"),
    ),
    (
        "15 Smith Stret, South Brisbane",
        None,
        Some("15"),
        Some("smith street"),
        Some("south brisbane"),
        None,
        None,
    ),
    (
        "2 O'Connell Tce, Bowen Hills",
        None,
        Some("2"),
        Some("oconnell terrace"),
        Some("bowen hills"),
        None,
        None,
    ),
    (
        "4 The Esplanade, Surfers Paradise QLD 4217",
        None,
        Some("4"),
        Some("the esplanade"),
        Some("surfers paradise"),
        Some("qld"),
        Some("4217"),
    ),
    (
        "88 Mt Cotton Rd, Capalaba",
        None,
        Some("88"),
        Some("mount cotton road"),
        Some("capalaba"),
        None,
        None,
    ),
    (
        "6 Smith Ave, Hope Island",
        None,
        Some("6"),
        Some("smith avenue"),
        Some("hope island"),
        None,
        None,
    ),
    (
        "Vulture Street, South Brisbane",
        None,
        None,
        Some("vulture street"),
        Some("south brisbane"),
        None,
        None,
    ),
    (
        "South Brisbane QLD 4101",
        None,
        None,
        None,
        None,
        Some("qld"),
        Some("4101"),
    ),
];

#[test]
fn table_of_real_world_spellings() {
    let mut failures = Vec::new();
    for &(input, unit, number, street, locality, state, postcode) in CASES {
        let p = parse(input);
        let got = (
            p.unit.as_deref(),
            p.number.as_ref().map(|n| n.text.as_str()),
            p.splits.first().map(|s| s.street.key()),
            p.locality(),
            p.state,
            p.postcode.as_deref(),
        );
        // Any of the readings may carry the street and locality (the matcher picks one).
        let street_ok = street.is_none() && p.splits.is_empty()
            || p.splits.iter().any(|s| {
                Some(s.street.key().as_str()) == street
                    && (locality.is_none() || s.locality.as_deref() == locality)
            });
        if got.0 != unit || got.1 != number || !street_ok || got.4 != state || got.5 != postcode {
            failures.push(format!("{input:?} → {got:?} (splits {:?})", p.splits));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn postal_only_addresses_are_flagged() {
    for a in [
        "PO Box 123, Brisbane QLD 4001",
        "GPO Box 2400 Brisbane",
        "Locked Bag 5, Eagle Farm",
    ] {
        assert!(parse(a).is_postal_only(), "{a}");
    }
    assert!(!parse("15 Box St, Toowong").is_postal_only());
}

#[test]
fn postcode_in_another_state_is_flagged() {
    let p = parse("10 George St, Sydney NSW 4000");
    assert!(
        p.flags.contains(&"postcode_state_mismatch".to_string()),
        "{:?}",
        p.flags
    );
}

#[test]
fn normalised_key_is_the_same_for_equivalent_spellings() {
    let a = normalise("Unit 2, 15 Smith Street, South Brisbane, Queensland 4101");
    let b = normalise("2/15 smith st south brisbane qld 4101");
    assert_eq!(a, b);
    assert_ne!(a, normalise("3/15 Smith St, South Brisbane QLD 4101"));
}

proptest::proptest! {
    /// Whatever a dispatcher pastes, the parser and the key never panic, and the key is stable.
    #[test]
    fn parser_never_panics(s in "\\PC{0,80}") {
        let _ = parse(&s);
        proptest::prop_assert_eq!(normalise(&s), normalise(&s));
    }

    #[test]
    fn address_like_text_never_panics(
        s in "[0-9/ ,.&-]{0,6}[A-Za-z ,.'-]{0,30}(St|Rd|Tce|Street|Qld|QLD|NSW|4101| )*[0-9]{0,4}"
    ) {
        let _ = parse(&s);
        let _ = normalise(&s);
    }
}
