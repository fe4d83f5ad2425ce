//! `parameter_added`: a new optional parameter: a new builder setter.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterAdded,
    levels: &[Severity::Info],
    summary: "a new optional parameter: a new builder setter",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        new,
        param,
        member,
        rust_new,
        ..
    } = *c;
    let (severity, message, rust) = (
        Info,
        format!("new optional parameter `{param}` ({new})"),
        format!("new setter `{}::{member}({rust_new})`", x.builder),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
