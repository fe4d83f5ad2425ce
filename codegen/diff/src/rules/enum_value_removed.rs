//! `enum_value_removed`: a response enum lost a value: its variant is removed (warning when a respelling keeps it).

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::EnumValueRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::EnumValueRemoved,
    levels: &[Severity::Breaking, Severity::Warning],
    summary:
        "a response enum lost a value: its variant is removed (warning when a respelling keeps it)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        old,
        loc,
        member,
        owner,
        ..
    } = *c;
    let (severity, message, rust) = match () {
        _ if x.known_elsewhere => (
            Warning,
            format!("enum at `{loc}` loses the value `{old}`, respelled under the same variant name"),
            format!("variant `{owner}::{member}` stays under its new spelling: code naming it still compiles"),
        ),
        _ => (
            Breaking,
            format!("enum at `{loc}` loses the value `{old}`"),
            format!("variant `{owner}::{member}` removed: code naming it no longer compiles"),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
