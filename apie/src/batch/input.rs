//! The identifiers to process: one per line, or one column of a CSV file.
//!
//! Surrounding spaces and blank lines (empty cells) are ignored, and an
//! identifier met again is kept once, where it first appears: the same
//! call is never made twice.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Which CSV column holds the identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// By its header: the first row is the header.
    Name(String),
    /// By position, counted from 1 like `cut -f`: every row is data, as a
    /// file addressed by position has no header worth naming.
    Index(usize),
}

impl Column {
    /// A number is a position (from 1), anything else a header name.
    pub fn parse(text: &str) -> Result<Column, String> {
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
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
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
pub struct Shard {
    /// Which share, from 1: "process 1 of 4" as people count processes.
    index: usize,
    /// How many shares.
    count: usize,
}

impl Shard {
    /// Reads `I/N`, I from 1 to N.
    pub fn parse(text: &str) -> Result<Shard, String> {
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
    pub fn take<T>(&self, items: Vec<T>) -> Vec<T> {
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

/// The longest line (a CSV row, in CSV mode) the input may have, in bytes. An identifier
/// line is a few dozen bytes and a spreadsheet row a few hundred: a longer line is not a
/// list of identifiers (a binary file, a JSON dump, a file without line breaks), and
/// refusing it keeps a bad input from being read whole into memory.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// What the input holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Identifiers {
    /// Distinct identifiers, in input order.
    pub list: Vec<String>,
    /// Identifiers dropped because already listed.
    pub repeated: usize,
}

/// Reads the identifiers of `path` (`-`: standard input).
pub fn read(path: &Path, column: Option<&Column>, delimiter: u8) -> Result<Identifiers, String> {
    let name = path.display().to_string();
    if path.as_os_str() == "-" {
        read_from(std::io::stdin().lock(), &name, column, delimiter)
    } else {
        let file =
            std::fs::File::open(path).map_err(|e| format!("cannot read the input {name}: {e}"))?;
        read_from(file, &name, column, delimiter)
    }
}

/// Reads the identifiers from `source`, which `name` names in messages: one a line, or the
/// cells of `column` of CSV rows. Line by line, never more than [`MAX_LINE_BYTES`] of one
/// line in memory.
pub fn read_from(
    source: impl Read,
    name: &str,
    column: Option<&Column>,
    delimiter: u8,
) -> Result<Identifiers, String> {
    let mut source = BufReader::new(source);
    let start = source
        .fill_buf()
        .map_err(|e| format!("cannot read the input {name}: {e}"))?;
    // Spreadsheets often save a byte-order mark, which would otherwise stick to the first
    // header or identifier; "Unicode text" exports are UTF-16, which deserves its own word.
    if start.starts_with(&[0xff, 0xfe]) || start.starts_with(&[0xfe, 0xff]) {
        return Err(format!(
            "the input {name} is UTF-16 text (it starts with a UTF-16 byte-order mark): \
             save it as UTF-8"
        ));
    }
    if start.starts_with(b"\xef\xbb\xbf") {
        source.consume(3);
    }
    // In CSV mode a row may span lines inside quotes: the bound is on rows there.
    let bounded = LineBound::new(source, column.is_some());
    let raw = match column {
        None => plain_lines(bounded, name)?,
        Some(column) => {
            csv_column(bounded, column, delimiter).map_err(|e| format!("{name}: {e}"))?
        }
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

/// The lines of `source`, without their `\n` or `\r\n`.
fn plain_lines(source: LineBound<impl BufRead>, name: &str) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for (number, line) in BufReader::new(source).split(b'\n').enumerate() {
        let mut line = line.map_err(|e| format!("cannot read the input {name}: {e}"))?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let line = String::from_utf8(line).map_err(|e| {
            format!(
                "the input {name} is not UTF-8 text: line {}: {e}",
                number + 1
            )
        })?;
        lines.push(line);
    }
    Ok(lines)
}

/// A reader that fails once a line (or, with `quotes`, a CSV row: a line break inside
/// double quotes does not end it) grows past [`MAX_LINE_BYTES`], before the readers above
/// it have buffered more than that of it.
struct LineBound<R> {
    inner: R,
    /// Whether `"` opens and closes quoted cells, inside which line breaks do not count.
    quotes: bool,
    in_quotes: bool,
    /// Bytes of the current line (row) so far.
    length: usize,
    /// The current line's number, from 1; and where the current row started.
    line: usize,
    row_start: usize,
}

impl<R> LineBound<R> {
    fn new(inner: R, quotes: bool) -> LineBound<R> {
        LineBound {
            inner,
            quotes,
            in_quotes: false,
            length: 0,
            line: 1,
            row_start: 1,
        }
    }
}

impl<R: Read> Read for LineBound<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // No more than what keeps the current line within the bound, plus one byte to see
        // whether it goes past it.
        let room = (MAX_LINE_BYTES + 1).saturating_sub(self.length).max(1);
        let limit = buf.len().min(room);
        let n = self.inner.read(&mut buf[..limit])?;
        for &byte in &buf[..n] {
            match byte {
                b'"' if self.quotes => self.in_quotes = !self.in_quotes,
                b'\n' => {
                    self.line += 1;
                    if !self.in_quotes {
                        self.length = 0;
                        self.row_start = self.line;
                        continue;
                    }
                }
                // The `\r` of a `\r\n` ending is not the line's.
                b'\r' => continue,
                _ => {}
            }
            self.length += 1;
            if self.length > MAX_LINE_BYTES {
                let what = if self.line == self.row_start {
                    format!("line {}", self.line)
                } else {
                    format!("the CSV row of lines {} to {}", self.row_start, self.line)
                };
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    TooLong(format!(
                        "{what} is longer than {MAX_LINE_BYTES} bytes: not a list of \
                         identifiers (one a line, or a CSV file)"
                    )),
                ));
            }
        }
        Ok(n)
    }
}

/// The cells of `column`, rows lacking it giving empty cells.
fn csv_column(source: impl Read, column: &Column, delimiter: u8) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(matches!(column, Column::Name(_)))
        // Rows of different lengths are common in exported files; a short
        // row simply has no identifier.
        .flexible(true)
        .from_reader(source);
    let index = match column {
        Column::Index(n) => n - 1,
        Column::Name(name) => {
            let headers = reader
                .headers()
                .map_err(|e| csv_error("cannot read the CSV header", e))?;
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
        let record = record.map_err(|e| csv_error("invalid CSV", e))?;
        cells.push(record.get(index).unwrap_or_default().to_owned());
    }
    Ok(cells)
}

/// A CSV reader's error: what [`LineBound`] refused as it said it, anything else as the
/// CSV reader does (with its line for a malformed row or bytes that are not UTF-8).
fn csv_error(context: &str, e: csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<TooLong>()) => {
            io.to_string()
        }
        _ => format!("{context}: {e}"),
    }
}

/// [`LineBound`]'s refusal, told apart from other read errors by its type.
#[derive(Debug)]
struct TooLong(String);

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TooLong {}

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

    /// A reader that hands out `prefix`, then `fill` bytes without end: an input that would
    /// fill the memory if a line were read whole.
    struct Endless {
        prefix: std::io::Cursor<Vec<u8>>,
        fill: u8,
        given: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.prefix.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            buf.fill(self.fill);
            self.given += buf.len();
            // A reader that kept on past the bound would be read to the end of the memory.
            assert!(self.given < 1024 * 1024, "read far past the line bound");
            Ok(buf.len())
        }
    }

    #[test]
    fn a_line_past_the_bound_is_refused_with_its_number_without_being_read_whole() {
        for column in [None, Some(Column::Index(1))] {
            let endless = Endless {
                prefix: std::io::Cursor::new(b"552049447\n\n".to_vec()),
                fill: b'7',
                given: 0,
            };
            let problem = read_from(endless, "ids.txt", column.as_ref(), b',').unwrap_err();
            assert!(
                problem.contains("ids.txt") && problem.contains("line 3 is longer than 8192 bytes"),
                "{column:?}: {problem}"
            );
        }
        // Inside quotes the row goes on over line breaks: the bound holds for the row.
        let quoted = format!("siren\n\"{}\"\n", "1\n".repeat(MAX_LINE_BYTES));
        let problem = read_from(
            quoted.as_bytes(),
            "q.csv",
            Some(&Column::Name("siren".into())),
            b',',
        )
        .unwrap_err();
        assert!(problem.contains("the CSV row of lines 2 to"), "{problem}");
    }

    #[test]
    fn a_line_at_the_bound_is_read() {
        let line = "9".repeat(MAX_LINE_BYTES);
        for text in [format!("{line}\r\n1\n"), format!("1\n{line}")] {
            let ids = read_from(text.as_bytes(), "-", None, b',').unwrap();
            assert_eq!(ids.list.len(), 2);
            assert!(ids.list.contains(&line));
            let ids = read_from(text.as_bytes(), "-", Some(&Column::Index(1)), b',').unwrap();
            assert_eq!(ids.list.len(), 2);
        }
        let past = format!("1\n{line}9\n");
        let problem = read_from(past.as_bytes(), "-", None, b',').unwrap_err();
        assert!(problem.contains("line 2 is longer"), "{problem}");
    }

    #[test]
    fn encodings_other_than_utf8_are_named() {
        let latin1 = b"552049447\nSoci\xe9t\xe9\n";
        let problem = read_from(&latin1[..], "in.txt", None, b',').unwrap_err();
        assert!(problem.contains("not UTF-8 text: line 2"), "{problem}");
        let problem = read_from(&latin1[..], "in.csv", Some(&Column::Index(1)), b',').unwrap_err();
        assert!(
            problem.contains("invalid CSV") && problem.contains("UTF-8"),
            "{problem}"
        );
        let utf16 = b"\xff\xfe5\x005\x00";
        let problem = read_from(&utf16[..], "in.txt", None, b',').unwrap_err();
        assert!(problem.contains("UTF-16"), "{problem}");
        // A UTF-8 byte-order mark is dropped in CSV mode too: the header keeps its name.
        let ids = read_from(
            &b"\xef\xbb\xbfsiren\n1\n"[..],
            "-",
            Some(&Column::Name("siren".into())),
            b',',
        )
        .unwrap();
        assert_eq!(ids.list, ["1"]);
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
