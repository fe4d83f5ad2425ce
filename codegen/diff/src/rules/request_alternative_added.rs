//! `request_alternative_added`: a request body `oneOf` accepts one more alternative.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestAlternativeAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestAlternativeAdded,
    levels: &[Severity::Info],
    summary: "a request body `oneOf` accepts one more alternative",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        new,
        loc,
        owner,
        member,
        ..
    } = *c;
    Verdict {
        severity: Info,
        message: format!("request body value at `{loc}` may be `{new}` too"),
        rust: format!("new variant `{owner}::{member}`"),
    }
}
