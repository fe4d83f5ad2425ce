//! `request_media_type_added`: the request body may be sent as one more media type.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestMediaTypeAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestMediaTypeAdded,
    levels: &[Severity::Info],
    summary: "the request body may be sent as one more media type",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { new, .. } = *c;
    Verdict {
        severity: Info,
        message: format!("the request body may also be sent as `{new}`"),
        rust: "none: the client sends JSON".into(),
    }
}
