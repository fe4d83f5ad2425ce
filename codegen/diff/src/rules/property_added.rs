//! `property_added`: a response property appeared: a new field.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::PropertyAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::PropertyAdded,
    levels: &[Severity::Info],
    summary: "a response property appeared: a new field",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        new,
        loc,
        member,
        owner,
        rust_new,
        ..
    } = *c;
    let (severity, message, rust) = (
            Info,
            format!("response property `{loc}` added ({new})"),
            format!("new field `{member}: {rust_new}` in `{owner}` (the struct is `#[non_exhaustive]`: not breaking)"),
        );
    Verdict {
        severity,
        message,
        rust,
    }
}
