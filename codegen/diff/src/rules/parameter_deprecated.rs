//! `parameter_deprecated`: a query or header parameter is deprecated: `#[deprecated]` on its setter.

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterDeprecated`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterDeprecated,
    levels: &[Severity::Warning],
    summary: "a query or header parameter is deprecated: `#[deprecated]` on its setter",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x, param, member, ..
    } = *c;
    Verdict {
        severity: Warning,
        message: format!("parameter `{param}` deprecated: it may be removed"),
        rust: format!(
            "`#[deprecated]` added to the setter `{}::{member}`: callers get a deprecation warning",
            x.builder
        ),
    }
}
