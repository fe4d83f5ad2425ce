//! `parameter_type_changed`: a parameter's type (or a path parameter's identifier) changed.

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterTypeChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterTypeChanged,
    levels: &[Severity::Breaking],
    summary: "a parameter's type (or a path parameter's identifier) changed",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        old,
        new,
        param,
        member,
        rust_old,
        rust_new,
        method,
        ..
    } = *c;
    let (severity, message, rust) = match () {
        _ if x.positional => (
            Breaking,
            match &x.old_name {
                Some(was) => format!("path parameter `{was}` renamed `{param}`: it now takes a `{new}` instead of a `{old}`"),
                None => format!("path parameter `{param}` now takes a `{new}` instead of a `{old}`"),
            },
            format!("argument `{member}` of `{method}` changes type from `{rust_old}` to `{rust_new}`"),
        ),
        _ if rust_old == rust_new => (
            Warning,
            format!("parameter `{param}` changes type from {old} to {new}"),
            format!("no change: `{}::{member}` still takes a `{rust_new}`; check the values sent", x.builder),
        ),
        _ => (
            Breaking,
            format!("parameter `{param}` changes type from {old} to {new}"),
            format!("setter `{}::{member}` takes a `{rust_new}` instead of a `{rust_old}`", x.builder),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
