//! `request_media_type_removed`: the request body can no longer be sent as one of its media types: callers using it are refused (415).

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestMediaTypeRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestMediaTypeRemoved,
    levels: &[Severity::Breaking],
    summary: "the request body can no longer be sent as one of its media types: callers using it are refused (415)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { old, .. } = *c;
    Verdict {
        severity: Breaking,
        message: format!("the request body can no longer be sent as `{old}`: callers sending it are refused (415)"),
        rust: "none when it was not JSON: the client sends JSON".into(),
    }
}
