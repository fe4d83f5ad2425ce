//! `request_enum_value_added`: a request body enum accepts one more value.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestEnumValueAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestEnumValueAdded,
    levels: &[Severity::Info],
    summary: "a request body enum accepts one more value",
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
        message: format!("request body enum at `{loc}` accepts `{new}` too"),
        rust: format!("new variant `{owner}::{member}`"),
    }
}
