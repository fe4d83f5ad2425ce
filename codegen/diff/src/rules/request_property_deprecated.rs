//! `request_property_deprecated`: a request body property is deprecated: stop sending it.

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestPropertyDeprecated`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestPropertyDeprecated,
    levels: &[Severity::Warning],
    summary: "a request body property is deprecated: stop sending it",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { loc, .. } = *c;
    Verdict {
        severity: Warning,
        message: format!("request body property `{loc}` deprecated: stop sending it"),
        rust: "none: the field stays".into(),
    }
}
