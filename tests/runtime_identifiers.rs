//! Table tests of the identifier newtypes.

use api_entreprise::runtime::{
    encode_path_segment, Eori, IdentifierErrorReason, IdentifierKind, Month, PathParam,
    PathSegment, Rna, Siren, SirenOrRna, SirenOrSiretOrRna, Siret, SiretOrEori, SiretOrRna, Year,
};

#[test]
fn siren_table() {
    let valid = ["130025265", "418166096", "775672272", "356000000"];
    for input in valid {
        let siren: Siren = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(siren.as_str(), input);
        assert_eq!(siren.to_string(), input);
        assert_eq!(siren.looked_up_siren(), Some(input));
        assert_eq!(Siren::try_from(input).as_ref(), Ok(&siren));
    }

    let invalid = [
        ("130025266", IdentifierErrorReason::Checksum),
        ("", IdentifierErrorReason::Empty),
        (
            "13002526",
            IdentifierErrorReason::Length {
                expected: "9",
                found: 8,
            },
        ),
        (
            "1300252655",
            IdentifierErrorReason::Length {
                expected: "9",
                found: 10,
            },
        ),
        (
            "13002A265",
            IdentifierErrorReason::InvalidCharacter {
                position: 6,
                found: 'A',
                expected: "a digit",
            },
        ),
        (
            "130 02526",
            IdentifierErrorReason::InvalidCharacter {
                position: 4,
                found: ' ',
                expected: "a digit",
            },
        ),
    ];
    for (input, reason) in invalid {
        let err = input.parse::<Siren>().expect_err(input);
        assert_eq!(err.kind, IdentifierKind::Siren);
        assert_eq!(err.input, input);
        assert_eq!(err.reason, reason, "{input}");
    }
}

#[test]
fn siren_error_message_names_input_and_reason() {
    let err = "130025266".parse::<Siren>().expect_err("bad checksum");
    let text = err.to_string();
    assert!(text.contains("SIREN"), "{text}");
    assert!(text.contains("130025266"), "{text}");
    assert!(text.contains("checksum"), "{text}");
}

#[test]
fn siret_table() {
    let valid = [
        ("13002526500013", "130025265"),
        // La Poste head office: follows Luhn.
        ("35600000000048", "356000000"),
        // La Poste establishment: not Luhn, digits add up to 45.
        ("35600000049837", "356000000"),
        ("35600000000105", "356000000"),
        ("41816609600069", "418166096"),
    ];
    for (input, siren) in valid {
        let siret: Siret = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(siret.as_str(), input);
        assert_eq!(siret.siren().as_str(), siren);
        assert_eq!(siret.looked_up_siren(), Some(siren));
    }

    let invalid = [
        ("13002526500014", IdentifierErrorReason::Checksum),
        ("35600000049838", IdentifierErrorReason::LaPosteChecksum),
        // Luhn-valid, but La Poste establishments use the sum rule.
        ("35600000000113", IdentifierErrorReason::LaPosteChecksum),
        (
            "130025265",
            IdentifierErrorReason::Length {
                expected: "14",
                found: 9,
            },
        ),
    ];
    for (input, reason) in invalid {
        let err = input.parse::<Siret>().expect_err(input);
        assert_eq!(err.kind, IdentifierKind::Siret);
        assert_eq!(err.reason, reason, "{input}");
    }
}

#[test]
fn rna_eori_table() {
    for input in ["W751212517", "W000000000"] {
        let rna: Rna = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(rna.as_str(), input);
        assert_eq!(rna.looked_up_siren(), None);
    }
    for input in [
        "w751212517",
        "X751212517",
        "W75121251",
        "W7512125170",
        "W75121251A",
        "",
    ] {
        assert!(input.parse::<Rna>().is_err(), "{input}");
    }
    let err = "w751212517".parse::<Rna>().expect_err("lowercase");
    assert!(matches!(
        err.reason,
        IdentifierErrorReason::InvalidCharacter {
            position: 1,
            found: 'w',
            ..
        }
    ));

    for input in [
        "FR13002526500013",
        "DE1",
        "GB123456789000",
        "FR123456789012345",
    ] {
        let eori: Eori = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(eori.as_str(), input);
    }
    for input in [
        "fr13002526500013",
        "FR",
        "F1234",
        "FR-123",
        "FR1234567890123456",
    ] {
        assert!(input.parse::<Eori>().is_err(), "{input}");
    }
}

#[test]
fn year_month_table() {
    let year: Year = "2023".parse().expect("year");
    assert_eq!(year.value(), 2023);
    assert_eq!(year.as_str(), "2023");
    assert_eq!(Year::new(1900).map(|y| y.value()), Ok(1900));
    for input in ["1899", "2101", "23", "20234", "2O23", ""] {
        assert!(input.parse::<Year>().is_err(), "{input}");
    }

    for (input, value, text) in [
        ("1", 1, "01"),
        ("01", 1, "01"),
        ("9", 9, "09"),
        ("12", 12, "12"),
    ] {
        let month: Month = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(month.value(), value);
        assert_eq!(month.as_str(), text);
        assert_eq!(month.to_string(), text);
        assert_eq!(month.as_path_segment(), text);
    }
    for input in ["0", "00", "13", "001", "", "1a", "-1"] {
        assert!(input.parse::<Month>().is_err(), "{input}");
    }
    assert_eq!(Month::from(time::Month::March).as_str(), "03");
}

#[test]
fn sum_types_try_each_alternative() {
    let siret_or_rna: SiretOrRna = "13002526500013".parse().expect("siret");
    assert!(matches!(siret_or_rna, SiretOrRna::Siret(_)));
    assert_eq!(siret_or_rna.looked_up_siren(), Some("130025265"));
    let siret_or_rna: SiretOrRna = "W751212517".parse().expect("rna");
    assert!(matches!(siret_or_rna, SiretOrRna::Rna(_)));
    assert_eq!(siret_or_rna.looked_up_siren(), None);

    let siren_or_rna: SirenOrRna = "130025265".parse().expect("siren");
    assert_eq!(siren_or_rna.looked_up_siren(), Some("130025265"));
    assert_eq!(siren_or_rna.as_path_segment(), "130025265");

    let any: SirenOrSiretOrRna = "13002526500013".parse().expect("siret");
    assert!(matches!(any, SirenOrSiretOrRna::Siret(_)));
    let any: SirenOrSiretOrRna = "130025265".parse().expect("siren");
    assert!(matches!(any, SirenOrSiretOrRna::Siren(_)));

    let customs: SiretOrEori = "FR13002526500013".parse().expect("eori");
    assert!(matches!(customs, SiretOrEori::Eori(_)));
    assert_eq!(customs.looked_up_siren(), None);

    let err = "13002526500014".parse::<SiretOrRna>().expect_err("neither");
    assert_eq!(err.kind, IdentifierKind::SiretOrRna);
    let IdentifierErrorReason::NoAlternative { attempts } = &err.reason else {
        panic!("unexpected reason {:?}", err.reason);
    };
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].reason, IdentifierErrorReason::Checksum);
    let text = err.to_string();
    assert!(
        text.contains("not a SIRET") && text.contains("checksum"),
        "{text}"
    );
}

#[test]
fn path_segments_and_encoding() {
    let segment: PathSegment = "a b&c".parse().expect("segment");
    assert_eq!(encode_path_segment(segment.as_path_segment()), "a%20b%26c");
    for input in ["", "a/b", ".", ".."] {
        assert!(input.parse::<PathSegment>().is_err(), "{input:?}");
    }
    assert_eq!(encode_path_segment("AZaz09-._~"), "AZaz09-._~");
    assert_eq!(encode_path_segment("é?#%/"), "%C3%A9%3F%23%25%2F");
}

#[test]
fn serialize_as_string() {
    let siret: Siret = "13002526500013".parse().expect("siret");
    assert_eq!(
        serde_json::to_string(&siret).expect("json"),
        "\"13002526500013\""
    );
    let month: Month = "3".parse().expect("month");
    assert_eq!(serde_json::to_string(&month).expect("json"), "\"03\"");
    let either: SiretOrRna = "W751212517".parse().expect("rna");
    assert_eq!(
        serde_json::to_string(&either).expect("json"),
        "\"W751212517\""
    );
}

#[test]
fn staging_identifiers_skip_only_the_checksum() {
    use api_entreprise::runtime::{Siren, Siret};
    // Staging's fictitious companies fail the Luhn key on purpose.
    assert!("000000001".parse::<Siren>().is_err());
    assert_eq!(
        Siren::without_checksum("000000001").unwrap().as_str(),
        "000000001"
    );
    assert!(Siret::without_checksum("13002526500001").is_ok());
    // Length and digits are still checked.
    assert!(Siren::without_checksum("00000001").is_err());
    assert!(Siret::without_checksum("1300252650000A").is_err());
}
