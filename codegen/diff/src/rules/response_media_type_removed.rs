//! `response_media_type_removed`: a media type the success response was sent as is gone: callers asking for it are refused (406).

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ResponseMediaTypeRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ResponseMediaTypeRemoved,
    levels: &[Severity::Breaking],
    summary: "a media type the success response was sent as is gone: callers asking for it are refused (406)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { old, .. } = *c;
    Verdict {
        severity: Breaking,
        message: format!("the success response is no longer sent as `{old}`: callers asking for it are refused (406)"),
        rust: "none when it was not JSON: the client asks for and reads JSON".into(),
    }
}
