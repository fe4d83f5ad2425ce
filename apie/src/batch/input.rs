//! The identifiers to process: one per line, or one column of a CSV file.
//!
//! Surrounding spaces and blank lines (empty cells) are ignored, and an
//! identifier met again is kept once, where it first appears: the same
//! call is never made twice.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// Which CSV column holds the identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Column {
    /// By its header: the first row is the header.
    Name(String),
    /// By position, counted from 1 like `cut -f`: every row is data, as a
    /// file addressed by position has no header worth naming.
    Index(usize),
}

impl Column {
    /// A number is a position (from 1), anything else a header name.
    pub(crate) fn parse(text: &str) -> Result<Column, String> {
        let text = text.trim();
        match text.parse::<usize>() {
            Ok(0) => Err("--column 0: columns are counted from 1".to_owned()),
            Ok(n) => Ok(Column::Index(n)),
            Err(_) if text.is_empty() => Err("--column needs a header name or a number".to_owned()),
            Err(_) => Ok(Column::Name(text.to_owned())),
        }
    }
}

/// Reads a `--delimiter`: one ASCII character, or `tab` / `\t`.
pub(crate) fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [byte] if byte.is_ascii() && *byte != b'"' && *byte != b'\n' => Ok(*byte),
            _ => Err(format!(
                "--delimiter {text:?}: expected one character, such as , ; | or tab"
            )),
        },
    }
}

/// `--shard I/N`: the share of the input that process I of N takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shard {
    /// Which share, from 1: "process 1 of 4" as people count processes.
    index: usize,
    /// How many shares.
    count: usize,
}

impl Shard {
    /// Reads `I/N`, I from 1 to N.
    pub(crate) fn parse(text: &str) -> Result<Shard, String> {
        let parsed = text
            .split_once('/')
            .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((index, count)) if count >= 1 && (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            Some((_, count)) if count >= 1 => {
                Err(format!("{text}: the shard number goes from 1 to {count}"))
            }
            _ => Err(format!(
                "{text}: expected I/N, shard I (from 1) of N, such as 1/4"
            )),
        }
    }

    /// The items of this shard: positions I, I+N, I+2N… counted from 1. Every item is in
    /// exactly one of the N shards, and which one depends only on its position.
    pub(crate) fn take<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(position, _)| position % self.count == self.index - 1)
            .map(|(_, item)| item)
            .collect()
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What the input holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Identifiers {
    /// Distinct identifiers, in input order.
    pub(crate) list: Vec<String>,
    /// Identifiers dropped because already listed.
    pub(crate) repeated: usize,
}

/// Reads the identifiers of `path` (`-`: standard input).
pub(crate) fn read(
    path: &Path,
    column: Option<&Column>,
    delimiter: u8,
) -> Result<Identifiers, String> {
    let name = path.display();
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    read.map_err(|e| format!("cannot read the input {name}: {e}"))?;
    let text =
        String::from_utf8(bytes).map_err(|e| format!("the input {name} is not UTF-8 text: {e}"))?;
    // Spreadsheets often save a byte-order mark, which would otherwise
    // stick to the first header or identifier.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let raw = match column {
        None => text.lines().map(str::to_owned).collect(),
        Some(column) => csv_column(text, column, delimiter).map_err(|e| format!("{name}: {e}"))?,
    };
    let mut seen = HashSet::new();
    let mut out = Identifiers::default();
    for identifier in raw {
        let identifier = identifier.trim();
        if identifier.is_empty() {
            continue;
        }
        if seen.insert(identifier.to_owned()) {
            out.list.push(identifier.to_owned());
        } else {
            out.repeated += 1;
        }
    }
    Ok(out)
}

/// The cells of `column`, rows lacking it giving empty cells.
fn csv_column(text: &str, column: &Column, delimiter: u8) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(matches!(column, Column::Name(_)))
        // Rows of different lengths are common in exported files; a short
        // row simply has no identifier.
        .flexible(true)
        .from_reader(text.as_bytes());
    let index = match column {
        Column::Index(n) => n - 1,
        Column::Name(name) => {
            let headers = reader
                .headers()
                .map_err(|e| format!("cannot read the CSV header: {e}"))?;
            match headers.iter().position(|h| h.trim() == name) {
                Some(i) => i,
                None => {
                    let known: Vec<&str> = headers.iter().map(str::trim).collect();
                    let hint = if known.len() == 1 && delimiter != b';' && known[0].contains(';') {
                        " (semicolon-separated? add --delimiter ';')"
                    } else {
                        ""
                    };
                    return Err(format!(
                        "no column `{name}` in the CSV header (columns: {}){hint}",
                        known.join(", ")
                    ));
                }
            }
        }
    };
    let mut cells = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("invalid CSV: {e}"))?;
        cells.push(record.get(index).unwrap_or_default().to_owned());
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(
        text: &str,
        column: Option<&Column>,
        delimiter: u8,
    ) -> Result<Identifiers, String> {
        let path = std::env::temp_dir().join(format!(
            "apie-batch-input-{}-{}",
            std::process::id(),
            text.len()
        ));
        std::fs::write(&path, text).unwrap();
        let out = read(&path, column, delimiter);
        std::fs::remove_file(&path).unwrap();
        out
    }

    #[test]
    fn lines_are_trimmed_blank_skipped_repeats_dropped() {
        let ids = read_text("\u{feff} 1 \n\n2\r\n1\n  \n3", None, b',').unwrap();
        assert_eq!(ids.list, ["1", "2", "3"]);
        assert_eq!(ids.repeated, 1);
    }

    #[test]
    fn csv_by_name_or_position() {
        let text = "nom;siren\nA; 1 \nB\nC;2\n";
        let by_name = read_text(text, Some(&Column::Name("siren".into())), b';').unwrap();
        assert_eq!(by_name.list, ["1", "2"]);
        let by_index = read_text(text, Some(&Column::Index(2)), b';').unwrap();
        assert_eq!(by_index.list, ["siren", "1", "2"]);
        let unknown = read_text(text, Some(&Column::Name("siret".into())), b',').unwrap_err();
        assert!(unknown.contains("--delimiter"), "{unknown}");
    }

    #[test]
    fn shards_split_the_input_without_overlap() {
        let items: Vec<u32> = (1..=10).collect();
        let shards: Vec<Vec<u32>> = (1..=3)
            .map(|i| Shard::parse(&format!("{i}/3")).unwrap().take(items.clone()))
            .collect();
        assert_eq!(shards, [vec![1, 4, 7, 10], vec![2, 5, 8], vec![3, 6, 9]]);
        assert_eq!(Shard::parse("1/1").unwrap().take(items.clone()), items);
        // More shards than items: some are empty, none repeats an item.
        assert_eq!(Shard::parse("5/12").unwrap().take(items.clone()), [5]);
        assert!(Shard::parse("12/12").unwrap().take(items).is_empty());
        for (bad, says) in [
            ("0/3", "from 1 to 3"),
            ("4/3", "from 1 to 3"),
            ("1/0", "expected I/N"),
            ("1", "expected I/N"),
            ("a/b", "expected I/N"),
            ("-1/3", "expected I/N"),
        ] {
            let problem = Shard::parse(bad).unwrap_err();
            assert!(problem.contains(says), "{bad}: {problem}");
        }
        assert_eq!(Shard::parse(" 2 / 4 ").unwrap().to_string(), "2/4");
    }

    #[test]
    fn column_and_delimiter_options() {
        assert_eq!(Column::parse("2"), Ok(Column::Index(2)));
        assert_eq!(Column::parse(" siren "), Ok(Column::Name("siren".into())));
        assert!(Column::parse("0").is_err());
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter(";;").is_err());
    }
}
