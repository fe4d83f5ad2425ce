//! `parameter_type_changed`: a parameter's type (or a path parameter's identifier) changed.

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterTypeChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterTypeChanged,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "a parameter's type (or a path parameter's identifier) changed: breaking, as values sent before may be refused, unless it now takes any text and its setter stays",
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
        // Any text now: every value sent before still is one.
        _ if rust_old == rust_new && new == "string" => (
            Info,
            format!("parameter `{param}` changes type from {old} to {new}: it accepts any text"),
            format!("no change: `{}::{member}` still takes a `{rust_new}`", x.builder),
        ),
        _ if rust_old == rust_new => (
            Breaking,
            format!("parameter `{param}` changes type from {old} to {new}: values sent before may be refused"),
            format!("no change: `{}::{member}` still takes a `{rust_new}`, but the server checks the new type", x.builder),
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
