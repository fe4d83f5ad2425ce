//! `parameter_default_changed`: a parameter's default changed: calls leaving it out get other results.

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterDefaultChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterDefaultChanged,
    levels: &[Severity::Warning],
    summary: "a parameter's default changed: calls leaving it out get other results",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        old,
        new,
        param,
        member,
        ..
    } = *c;
    Verdict {
        severity: Warning,
        message: format!(
            "parameter `{param}` defaults to {new} (was {old}): calls leaving it out get other results"
        ),
        rust: format!(
            "no change to `{}::{member}`: the default is the server's, set it to keep the old one",
            x.builder
        ),
    }
}
