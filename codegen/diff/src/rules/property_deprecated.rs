//! `property_deprecated`: a response property is deprecated: `#[deprecated]` on its field.

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::PropertyDeprecated`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::PropertyDeprecated,
    levels: &[Severity::Warning],
    summary: "a response property is deprecated: `#[deprecated]` on its field",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { loc, field, .. } = *c;
    let (severity, message, rust) = (
        Warning,
        format!("response property `{loc}` deprecated"),
        format!("`#[deprecated]` added to {field}: readers get a deprecation warning"),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
