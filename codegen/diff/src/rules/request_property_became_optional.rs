//! `request_property_became_optional`: a request body property may now be left out.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestPropertyBecameOptional`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestPropertyBecameOptional,
    levels: &[Severity::Info],
    summary: "a request body property may now be left out",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { loc, field, .. } = *c;
    Verdict {
        severity: Info,
        message: format!("request body property `{loc}` is now optional"),
        rust: format!(
            "{field} may be left out (the generated client does not send request bodies yet)"
        ),
    }
}
