//! `response_media_type_added`: the success response may be sent as one more media type.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ResponseMediaTypeAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ResponseMediaTypeAdded,
    levels: &[Severity::Info],
    summary: "the success response may be sent as one more media type",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { new, .. } = *c;
    Verdict {
        severity: Info,
        message: format!("the success response may also be `{new}`"),
        rust: "none: the client asks for and reads JSON".into(),
    }
}
