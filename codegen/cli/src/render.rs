//! Diagnostics as people and CI read them: the offending line with a caret under the column
//! (rendered by annotate-snippets, as rustc and cargo do), JSON lines, or GitHub workflow
//! annotations.
//!
//! The renderer lives in the command line, not in `apie-spec`: the client's build compiles
//! `apie-spec` and prints its diagnostics with their one-line `Display`, which needs no
//! source text and no extra dependency.

use std::collections::HashMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use apie_spec::diagnostic::{Diagnostic, Severity};
use serde::Serialize;

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Each diagnostic with its line and a caret, grouped per file, counts at the end.
    #[default]
    Text,
    /// One JSON object a line: severity, kind, file, line, column, pointer, message.
    Json,
    /// GitHub Actions workflow annotations: `::error file=…,line=…,col=…::message`.
    Github,
}

/// Renders `diagnostics`, reading each file from disk once for the snippets (a file that
/// cannot be read as text gets its diagnostics without a snippet). `color` is for a terminal.
pub fn render(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    render_with(diagnostics, format, color, &mut |file| {
        std::fs::read_to_string(file).ok()
    })
}

/// [`render`] with the files' text from `source` (`None`: no snippet for that file).
pub fn render_with(
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
    source: &mut dyn FnMut(&str) -> Option<String>,
) -> String {
    match format {
        Format::Text => text(diagnostics, color, source),
        Format::Json => json_lines(diagnostics),
        Format::Github => github(diagnostics),
    }
}

/// A file's text cut into lines, read once for all its diagnostics.
struct Lines {
    text: String,
    /// Byte range of each line, without its end of line.
    ranges: Vec<std::ops::Range<usize>>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let mut ranges = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            ranges.push(start..start + content.len());
            start += line.len();
        }
        Lines { text, ranges }
    }

    /// Line `n`, from 1.
    fn line(&self, n: usize) -> Option<&str> {
        let range = self.ranges.get(n.checked_sub(1)?)?;
        Some(&self.text[range.clone()])
    }
}

fn text(
    diagnostics: &[Diagnostic],
    color: bool,
    source: &mut dyn FnMut(&str) -> Option<String>,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Files in the order their first diagnostic was found; within a file, top to bottom.
    let mut files: Vec<&str> = Vec::new();
    for d in diagnostics {
        if !files.contains(&d.file.as_str()) {
            files.push(&d.file);
        }
    }
    let mut texts: HashMap<&str, Option<Lines>> = HashMap::new();
    let mut out = String::new();
    for file in &files {
        let lines = texts
            .entry(file)
            .or_insert_with(|| source(file).map(Lines::new));
        let mut in_file: Vec<&Diagnostic> =
            diagnostics.iter().filter(|d| d.file == *file).collect();
        in_file.sort_by_key(|d| d.position);
        for d in &in_file {
            let group = snippet(d, lines.as_ref());
            let _ = writeln!(out, "{}\n", renderer.render(&[group]));
        }
        let _ = writeln!(out, "{file}: {}", counts(in_file.iter().copied()));
    }
    if files.len() > 1 {
        let _ = writeln!(
            out,
            "total: {} in {} files",
            counts(diagnostics.iter()),
            files.len()
        );
    }
    out
}

/// One diagnostic as annotate-snippets draws it: `error[kind]: message`, the place, the line
/// with the column underlined, and the JSON pointer as a note.
fn snippet<'a>(d: &'a Diagnostic, lines: Option<&'a Lines>) -> Group<'a> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.kind);
    let line = d.position.line;
    let group = match lines.and_then(|l| l.line(line)) {
        Some(text) => {
            let span = token_at(text, d.position.column);
            title.element(
                Snippet::source(text)
                    .line_start(line)
                    .path(d.file.as_str())
                    .annotation(AnnotationKind::Primary.span(span)),
            )
        }
        // No text to show (unreadable or binary file, or a position past its end): the
        // place alone, as `file:line:column`.
        None if line > 0 => title.element(
            Origin::path(d.file.as_str())
                .line(line)
                .char_column(d.position.column),
        ),
        None => title.element(Origin::path(d.file.as_str())),
    };
    if d.pointer.is_empty() {
        group
    } else {
        group.element(Level::NOTE.message(format!("at {}", d.pointer)))
    }
}

/// The bytes of the token starting at character `column` (from 1) of `line`: up to the next
/// space, a YAML key's colon or a flow collection's comma. A column past the end gives an
/// empty span at the end, which annotate-snippets draws as a caret after the last character.
fn token_at(line: &str, column: usize) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    if let Some(space) = rest.chars().next().filter(|c| c.is_whitespace()) {
        // Pointing at a space: that space, not the word after it.
        return start..start + space.len_utf8();
    }
    let len = rest
        .char_indices()
        .find(|(i, c)| *i > 0 && (c.is_whitespace() || matches!(c, ':' | ',' | ']' | '}')))
        .map_or(rest.len(), |(i, _)| i);
    start..start + len
}

/// `2 errors, 1 warning`: the counts the text format ends with.
pub fn counts<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> String {
    let (mut errors, mut warnings) = (0, 0);
    for d in diagnostics {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
    }
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// A diagnostic as a JSON line. The field order is part of the format: a struct keeps it.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    kind: &'a str,
    file: &'a str,
    /// `null` when the position is unknown.
    line: Option<usize>,
    column: Option<usize>,
    pointer: &'a str,
    message: &'a str,
}

fn json_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let known = |n: usize| (n > 0).then_some(n);
        let line = JsonDiagnostic {
            severity: severity(d.severity),
            kind: d.kind,
            file: &d.file,
            line: known(d.position.line),
            column: known(d.position.column),
            pointer: &d.pointer,
            message: &d.message,
        };
        // Serializing a struct of strings and numbers cannot fail.
        if let Ok(json) = serde_json::to_string(&line) {
            out.push_str(&json);
            out.push('\n');
        }
    }
    out
}

fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = severity(d.severity);
        let mut properties = format!("file={}", gh_property(&d.file));
        if d.position.line > 0 {
            let _ = write!(properties, ",line={}", d.position.line);
            if d.position.column > 0 {
                let _ = write!(properties, ",col={}", d.position.column);
            }
        }
        let _ = write!(properties, ",title={}", gh_property(d.kind));
        let mut message = d.message.clone();
        if !d.pointer.is_empty() {
            let _ = write!(message, " (at {})", d.pointer);
        }
        let _ = writeln!(out, "::{command} {properties}::{}", gh_data(&message));
    }
    out
}

/// `error` or `warning`: the level's name in every format (and GitHub's command names).
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A workflow command's message: `%`, CR and LF escaped, as GitHub's toolkit does.
fn gh_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which end a property.
fn gh_property(text: &str) -> String {
    gh_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use apie_spec::diagnostic::Position;

    fn diagnostic(severity: Severity, file: &str, line: usize, column: usize) -> Diagnostic {
        Diagnostic {
            severity,
            kind: "dangling-ref",
            file: file.to_owned(),
            position: Position { line, column },
            pointer: "/paths/~1x/get".to_owned(),
            message: "`#/components/schemas/A` is not defined".to_owned(),
        }
    }

    #[test]
    fn the_caret_is_under_the_column_even_after_wide_characters() {
        let d = diagnostic(Severity::Error, "a.yml", 2, 10);
        let source = "paths:\n  siège: $ref\n";
        let out = render_with(&[d], Format::Text, false, &mut |_| Some(source.to_owned()));
        let caret_line = out
            .lines()
            .find(|l| l.contains('^'))
            .unwrap_or_else(|| panic!("{out}"));
        let code_line = out
            .lines()
            .find(|l| l.contains("siège"))
            .unwrap_or_else(|| panic!("{out}"));
        // Same display column: `$` of `$ref` is the 10th character of its line.
        let display = |l: &str, at: usize| l[..at].chars().count();
        assert_eq!(
            display(caret_line, caret_line.find('^').unwrap()),
            display(code_line, code_line.find('$').unwrap()),
            "{out}"
        );
        assert!(out.contains("^^^^"), "the token is underlined: {out}");
        assert!(out.contains("a.yml:2:10"), "{out}");
        assert!(out.contains("note: at /paths/~1x/get"), "{out}");
    }

    #[test]
    fn without_the_text_the_place_is_still_given() {
        let diagnostics = [
            diagnostic(Severity::Error, "gone.yml", 3, 4),
            diagnostic(Severity::Warning, "other.yml", 0, 0),
        ];
        let out = render_with(&diagnostics, Format::Text, false, &mut |_| None);
        assert!(out.contains("gone.yml:3:4"), "{out}");
        assert!(out.contains("gone.yml: 1 error, 0 warnings"), "{out}");
        assert!(out.contains("other.yml: 0 errors, 1 warning"), "{out}");
        assert!(
            out.trim_end()
                .ends_with("total: 1 error, 1 warning in 2 files"),
            "{out}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let d = [diagnostic(Severity::Error, "a.yml", 1, 1)];
        let mut source = |_: &str| Some("x: 1\n".to_owned());
        assert!(!render_with(&d, Format::Text, false, &mut source).contains('\u{1b}'));
        assert!(render_with(&d, Format::Text, true, &mut source).contains('\u{1b}'));
    }

    #[test]
    fn tokens_end_at_spaces_and_yaml_punctuation() {
        assert_eq!(token_at("  $ref: x", 3), 2..6);
        assert_eq!(token_at("a, b", 1), 0..1);
        assert_eq!(token_at("abc", 9), 3..3);
        assert_eq!(token_at("a  b", 2), 1..2);
        assert_eq!(token_at("", 1), 0..0);
    }

    #[test]
    fn machine_formats_escape_and_omit_unknown_positions() {
        let mut d = diagnostic(Severity::Warning, "a,b:c.yml", 0, 0);
        d.message = "100% sure\nreally".to_owned();
        let github = render_with(&[d.clone()], Format::Github, false, &mut |_| None);
        assert_eq!(
            github,
            "::warning file=a%2Cb%3Ac.yml,title=dangling-ref::100%25 sure%0Areally (at /paths/~1x/get)\n"
        );
        let json = render_with(&[d], Format::Json, false, &mut |_| None);
        let value: serde_json::Value = serde_json::from_str(json.trim_end()).unwrap();
        assert_eq!(value["line"], serde_json::Value::Null);
        assert_eq!(value["severity"], "warning");
    }
}
