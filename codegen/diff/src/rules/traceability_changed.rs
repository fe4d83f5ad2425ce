//! `traceability_changed`: traceability parameters (`context`, `recipient`, `object`, any subset) became required (warning) or not (info).

use super::{Context, Rule, Verdict};
use crate::Severity::{Info, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::TraceabilityChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::TraceabilityChanged,
    levels: &[Severity::Warning, Severity::Info],
    summary: "traceability parameters (`context`, `recipient`, `object`, any subset) became required (warning) or not (info)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let quoted = |names: &[String]| -> String {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        names.join(", ")
    };
    let (added, removed) = (&c.x.added, &c.x.removed);
    let message = match (added.is_empty(), removed.is_empty()) {
        (false, true) => format!("{} now required", quoted(added)),
        (true, false) => format!("{} no longer required", quoted(removed)),
        _ => format!(
            "{} now required, {} no longer",
            quoted(added),
            quoted(removed)
        ),
    };
    Verdict {
        severity: if added.is_empty() { Info } else { Warning },
        message,
        rust: "no code change: the client sends them from its configuration (`CallOptions` overrides them per call)".into(),
    }
}
