//! Property tests of `apie batch`'s input reader (`apie::batch_input`): random bytes in every
//! mode, text lines against what the reader must keep, CSV files with quotes and odd
//! delimiters, lines around the length bound. The fuzz target `batch_input` (`fuzz/`) does
//! the same coverage-guided; this runs in every `cargo test`.

use apie::batch_input::{read_from, Column, MAX_LINE_BYTES};
use proptest::prelude::*;

fn column() -> impl Strategy<Value = Option<Column>> {
    prop_oneof![
        Just(None),
        (1usize..5).prop_map(|n| Some(Column::Index(n))),
        Just(Some(Column::Name("siren".to_string()))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // Found cases are turned into tests by hand; no files written beside the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_are_read_or_refused(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        column in column(),
        delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|'), Just(b' ')],
    ) {
        if let Ok(ids) = read_from(&bytes[..], "in", column.as_ref(), delimiter) {
            for id in &ids.list {
                prop_assert!(!id.is_empty() && id.trim() == id, "{id:?}");
            }
        }
    }

    #[test]
    fn lines_give_each_trimmed_identifier_once_in_order(
        lines in proptest::collection::vec("[ \\t]{0,2}[0-9A-Za-zé]{0,12}[ \\t]{0,2}", 0..40),
        crlf in any::<bool>(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let ids = read_from(text.as_bytes(), "in", None, b',').unwrap();
        let mut expected: Vec<&str> = Vec::new();
        let mut repeated = 0;
        for line in &lines {
            let id = line.trim();
            if id.is_empty() {
                continue;
            }
            if expected.contains(&id) {
                repeated += 1;
            } else {
                expected.push(id);
            }
        }
        prop_assert_eq!(ids.list, expected);
        prop_assert_eq!(ids.repeated, repeated);
    }

    #[test]
    fn csv_cells_come_back_through_quotes(
        rows in proptest::collection::vec(("[0-9]{9}", "[a-z ,;\"\n]{0,10}"), 1..12),
        delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
    ) {
        let d = delimiter as char;
        let mut text = format!("nom{d}siren\n");
        for (siren, name) in &rows {
            text.push_str(&format!("\"{}\"{d}{siren}\n", name.replace('"', "\"\"")));
        }
        let ids = read_from(text.as_bytes(), "in.csv", Some(&Column::Name("siren".into())), delimiter)
            .unwrap();
        let mut expected: Vec<&str> = Vec::new();
        for (siren, _) in &rows {
            if !expected.contains(&siren.as_str()) {
                expected.push(siren);
            }
        }
        prop_assert_eq!(ids.list, expected);
    }

    #[test]
    fn a_line_is_refused_exactly_past_the_bound(
        before in 0usize..5,
        extra in 0usize..3,
        // No header row here: a name would find no column.
        column in prop_oneof![Just(None), Just(Some(Column::Index(1)))],
    ) {
        let mut text = "552049447\n".repeat(before);
        text.push_str(&"7".repeat(MAX_LINE_BYTES - 1 + extra));
        text.push('\n');
        let read = read_from(text.as_bytes(), "in", column.as_ref(), b',');
        if extra <= 1 {
            prop_assert!(read.is_ok(), "{:?}", read.err());
        } else {
            let problem = read.unwrap_err();
            let expected = format!("line {} is longer than {MAX_LINE_BYTES} bytes", before + 1);
            prop_assert!(problem.contains(&expected), "{}", problem);
        }
    }
}
