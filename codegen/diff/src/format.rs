//! Printing a [`Report`]: one function per output format. The JSON is serde's, from structs
//! whose field order is the documented key order (a struct keeps its order whatever features
//! `serde_json` is built with; `by_kind` is sorted).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Change, OperationRef, Report, Severity};

/// An output format of `apie-codegen diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for a terminal.
    Text,
    /// Markdown, to paste in a changelog or a pull request.
    Markdown,
    /// The stable machine format (see the module docs of [`super`]).
    Json,
    /// GitHub Actions workflow commands (`::error title=...::...`).
    Github,
}

impl Format {
    /// Parses `text`, `markdown`, `json` or `github`.
    pub fn from_id(id: &str) -> Option<Format> {
        match id {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// How the two specs are named in headers (usually the arguments as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The old spec.
    pub old: String,
    /// The new spec.
    pub new: String,
}

/// Prints a report in a format.
pub fn render(report: &Report, format: Format, labels: &Labels) -> String {
    match format {
        Format::Text => text(report, labels),
        Format::Markdown => markdown(report, labels),
        Format::Json => json(report),
        Format::Github => github(report),
    }
}

fn totals(report: &Report) -> String {
    let s = &report.summary;
    if s.total() == 0 {
        return "no changes".into();
    }
    let plural = if s.total() == 1 { "" } else { "s" };
    format!(
        "{} change{plural}: {} breaking, {} warning, {} info",
        s.total(),
        s.breaking,
        s.warning,
        s.info
    )
}

fn route(c: &Change) -> String {
    format!("{} {}", c.operation.method, c.operation.path)
}

/// Plain text: a header, then each change on three lines.
pub fn text(report: &Report, labels: &Labels) -> String {
    let mut out = format!("spec diff {} -> {}\n", labels.old, labels.new);
    let _ = writeln!(
        out,
        "{}; crate bump: {}",
        totals(report),
        report.summary.semver.as_str()
    );
    for c in &report.changes {
        let location = if c.location.is_empty() {
            String::new()
        } else {
            format!(" {}", c.location)
        };
        let _ = writeln!(
            out,
            "\n{:<8} {} {} ({}){location}",
            c.severity.as_str(),
            c.kind.id(),
            route(c),
            c.operation.x_operation_id
        );
        let _ = writeln!(out, "    {}", c.message);
        let _ = writeln!(out, "    rust: {}", c.rust);
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Markdown: the bump and totals (ready for a changelog), one table per operation, then the
/// counts by kind.
pub fn markdown(report: &Report, labels: &Labels) -> String {
    let s = &report.summary;
    let mut out = format!("## Spec diff: `{}` → `{}`\n\n", labels.old, labels.new);
    let _ = writeln!(
        out,
        "**Crate bump: {}** — {}.",
        s.semver.as_str(),
        totals(report)
    );
    let mut current: Option<(&str, &str)> = None;
    for c in &report.changes {
        let key = (c.operation.path.as_str(), c.operation.method.as_str());
        if current != Some(key) {
            current = Some(key);
            let _ = writeln!(
                out,
                "\n### `{}` (`{}`)\n",
                route(c),
                c.operation.x_operation_id
            );
            out.push_str(
                "| Severity | Kind | Location | Change | Rust crate |\n|---|---|---|---|---|\n",
            );
        }
        let location = if c.location.is_empty() {
            String::new()
        } else {
            format!("`{}`", cell(&c.location))
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {location} | {} | {} |",
            c.severity.as_str(),
            c.kind.id(),
            cell(&c.message),
            cell(&c.rust)
        );
    }
    if !s.by_kind.is_empty() {
        out.push_str("\n### Changes by kind\n\n| Kind | Count |\n|---|---|\n");
        for (kind, n) in &s.by_kind {
            let _ = writeln!(out, "| `{kind}` | {n} |");
        }
    }
    out
}

/// The stable JSON format: `{"changes": [...], "summary": {...}}`, written by serde from
/// these views of the report (ids and levels as their stable texts).
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    changes: Vec<JsonChange<'a>>,
    summary: JsonSummary<'a>,
}

#[derive(serde::Serialize)]
struct JsonChange<'a> {
    kind: &'static str,
    severity: &'static str,
    operation: &'a OperationRef,
    location: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    message: &'a str,
    rust: &'a str,
}

#[derive(serde::Serialize)]
struct JsonSummary<'a> {
    total: usize,
    by_severity: BySeverity,
    by_kind: &'a BTreeMap<&'static str, usize>,
    semver: &'static str,
}

#[derive(serde::Serialize)]
struct BySeverity {
    breaking: usize,
    warning: usize,
    info: usize,
}

/// The report as the stable JSON (`{"changes": […], "summary": {…}}`), pretty-printed, one
/// final newline.
pub fn json(report: &Report) -> String {
    let s = &report.summary;
    let view = JsonReport {
        changes: report
            .changes
            .iter()
            .map(|c| JsonChange {
                kind: c.kind.id(),
                severity: c.severity.as_str(),
                operation: &c.operation,
                location: &c.location,
                old: c.old.as_deref(),
                new: c.new.as_deref(),
                message: &c.message,
                rust: &c.rust,
            })
            .collect(),
        summary: JsonSummary {
            total: s.total(),
            by_severity: BySeverity {
                breaking: s.breaking,
                warning: s.warning,
                info: s.info,
            },
            by_kind: &s.by_kind,
            semver: s.semver.as_str(),
        },
    };
    // Only strings, numbers and maps with string keys: serialising cannot fail.
    let mut out = serde_json::to_string_pretty(&view).unwrap_or_default();
    out.push('\n');
    out
}

/// Escapes the message of a workflow command.
fn gh_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property (`title=`) of a workflow command.
fn gh_property(text: &str) -> String {
    gh_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions annotations: breaking → `::error`, warning → `::warning`, info → `::notice`,
/// and a closing notice with the totals and the bump.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let command = match c.severity {
            Severity::Breaking => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = format!("{} {}", c.kind.id(), route(c));
        let location = if c.location.is_empty() {
            String::new()
        } else {
            format!(" {}", c.location)
        };
        let message = format!(
            "{} ({}){location}: {}. Rust: {}",
            route(c),
            c.operation.x_operation_id,
            c.message,
            c.rust
        );
        let _ = writeln!(
            out,
            "::{command} title={}::{}",
            gh_property(&title),
            gh_data(&message)
        );
    }
    let summary = format!(
        "{}; crate bump: {}",
        totals(report),
        report.summary.semver.as_str()
    );
    let _ = writeln!(out, "::notice title=spec diff::{}", gh_data(&summary));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes() {
        assert_eq!(gh_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(gh_data("a:b\r"), "a:b%0D");
    }

    #[test]
    fn markdown_cells_escape_pipes() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
