//! `error_code_added`: an error code appeared in the operation's examples.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ErrorCodeAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ErrorCodeAdded,
    levels: &[Severity::Info],
    summary: "an error code appeared in the operation's examples",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { x, new, member, .. } = *c;
    let (severity, message, rust) = {
        let rust = if x.known_elsewhere {
            format!("none: `ErrorCode::{member}` already exists (listed for other operations)")
        } else if x.name_reused {
            format!("no new variant: `errors::ErrorCode::{member}` now stands for `{new}`")
        } else if x.reported_before {
            format!(
                "new variant `errors::ErrorCode::{member}` (reported once, for an operation above)"
            )
        } else {
            format!("new variant `errors::ErrorCode::{member}` (`#[non_exhaustive]`: not breaking)")
        };
        (Info, format!("error code `{new}` documented"), rust)
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
