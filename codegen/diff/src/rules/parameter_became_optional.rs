//! `parameter_became_optional`: a required parameter became optional.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterBecameOptional`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterBecameOptional,
    levels: &[Severity::Info],
    summary: "a required parameter became optional",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x, param, member, ..
    } = *c;
    let (severity, message, rust) = (
        Info,
        format!("parameter `{param}` is now optional"),
        format!(
            "no change: `{}::{member}` was already an optional setter",
            x.builder
        ),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
