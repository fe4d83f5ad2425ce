//! `request_property_added`: a request body property appeared: breaking when it is required.

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestPropertyAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestPropertyAdded,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "a request body property appeared: breaking when it is required",
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
        rust_new,
        ..
    } = *c;
    let (severity, what) = if x.required {
        (Breaking, "required: calls without it are refused")
    } else {
        (Info, "optional")
    };
    Verdict {
        severity,
        message: format!("request body property `{loc}` added ({new}, {what})"),
        rust: format!("new field `{member}: {rust_new}` in `models::{owner}`"),
    }
}
