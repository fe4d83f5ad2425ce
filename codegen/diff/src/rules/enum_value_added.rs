//! `enum_value_added`: a response enum gained a value: breaks exhaustive HTTP clients, not the crate (`Other`).

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::EnumValueAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::EnumValueAdded,
    levels: &[Severity::Warning],
    summary:
        "a response enum gained a value: breaks exhaustive HTTP clients, not the crate (`Other`)",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        new,
        loc,
        member,
        owner,
        ..
    } = *c;
    let (severity, message, rust) = match () {
        _ if x.known_elsewhere => (
            Warning,
            format!("enum at `{loc}` gains the value `{new}`, a respelling of a value it lost"),
            format!("no new variant: `{owner}::{member}` now stands for `{new}`; released crates decode `{new}` as `Other`"),
        ),
        _ => (
            Warning,
            format!("enum at `{loc}` gains the value `{new}`: breaking for clients that match every value"),
            format!(
                "new variant `{owner}::{member}`; not breaking for the crate: `{owner}` is `#[non_exhaustive]` and keeps unknown values in `Other(String)`, so existing matches still compile and released crates decode `{new}` as `Other`"
            ),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
