//! `required_parameter_added`: a new parameter calls must give.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequiredParameterAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequiredParameterAdded,
    levels: &[Severity::Breaking],
    summary: "a new parameter calls must give",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        new,
        param,
        member,
        rust_new,
        method,
        ..
    } = *c;
    let (severity, message, rust) = match () {
        _ if x.positional => (
            Breaking,
            format!("new path parameter `{param}` ({new})"),
            format!("`{method}` takes a new argument `{member}: {rust_new}`"),
        ),
        _ => (
            Breaking,
            format!("new required parameter `{param}` ({new})"),
            format!(
                "new setter `{}::{member}({rust_new})`; the builder does not enforce it, so calls that do not set it are rejected by the server",
                x.builder
            ),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
