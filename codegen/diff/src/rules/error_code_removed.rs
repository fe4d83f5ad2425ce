//! `error_code_removed`: an error code left the examples: breaking (once) when its `ErrorCode` variant goes.

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Info, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ErrorCodeRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ErrorCodeRemoved,
    levels: &[Severity::Breaking, Severity::Warning, Severity::Info],
    summary: "an error code left the examples: breaking (once) when its `ErrorCode` variant goes",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { x, old, member, .. } = *c;
    let (severity, message, rust) = match () {
        _ if x.known_elsewhere => (
            Info,
            format!("error code `{old}` no longer documented for this operation"),
            format!("none: `ErrorCode::{member}` stays (listed for other operations)"),
        ),
        _ if x.name_reused => (
            if x.reported_before { Info } else { Warning },
            format!("error code `{old}` no longer documented anywhere"),
            format!("variant `errors::ErrorCode::{member}` stays but now stands for another code: code naming it still compiles, with another meaning"),
        ),
        _ if x.reported_before => (
            Info,
            format!("error code `{old}` no longer documented anywhere"),
            format!("variant `errors::ErrorCode::{member}` removed (breaking, counted once, for an operation above)"),
        ),
        _ => (
            Breaking,
            format!("error code `{old}` no longer documented anywhere"),
            format!("variant `errors::ErrorCode::{member}` removed: code naming it no longer compiles (the code arrives as `ErrorCode::Other`)"),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
