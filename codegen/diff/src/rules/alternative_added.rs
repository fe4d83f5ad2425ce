//! `alternative_added`: a response `oneOf` gained an alternative: breaks HTTP clients that handle each shape, not the crate (`Other`).

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::AlternativeAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::AlternativeAdded,
    levels: &[Severity::Warning],
    summary: "a response `oneOf` gained an alternative: breaks HTTP clients that handle each shape, not the crate (`Other`)",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        new,
        loc,
        member,
        owner,
        ..
    } = *c;
    Verdict {
        severity: Warning,
        message: format!(
            "the value at `{loc}` may now be `{new}`: breaking for clients that handle each of its shapes"
        ),
        rust: format!(
            "new variant `{owner}::{member}`; not breaking for the crate: `{owner}` is `#[non_exhaustive]`, and released crates keep such a value in `Other`"
        ),
    }
}
