//! `parameter_removed`: a parameter is gone: its setter or argument is removed.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterRemoved,
    levels: &[Severity::Breaking],
    summary: "a parameter is gone: its setter or argument is removed",
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
