//! `parameter_removed`: a parameter is gone: its setter or argument is removed (warning when it was deprecated first).

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterRemoved,
    levels: &[Severity::Breaking, Severity::Warning],
    summary: "a parameter is gone: its setter or argument is removed (warning when it was deprecated first)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        old,
        param,
        member,
        method,
        ..
    } = *c;
    let (severity, message, rust) = match () {
        _ if x.positional => (
            Breaking,
            format!("path parameter `{param}` removed"),
            format!("`{method}` loses its argument `{member}`"),
        ),
        // The path callers were told of: its setter warned them first.
        _ if x.was_deprecated => (
            Warning,
            format!("parameter `{param}` ({old}) removed, after its deprecation"),
            format!(
                "setter `{}::{member}` removed: code still calling it (past its deprecation warning) no longer compiles",
                x.builder
            ),
        ),
        _ => (
            Breaking,
            format!("parameter `{param}` ({old}) removed"),
            format!("setter `{}::{member}` removed", x.builder),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
