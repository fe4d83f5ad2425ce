//! `parameter_became_required`: an optional parameter became required.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterBecameRequired`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterBecameRequired,
    levels: &[Severity::Breaking],
    summary: "an optional parameter became required",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x, param, member, ..
    } = *c;
    let (severity, message, rust) = (
            Breaking,
            format!("parameter `{param}` is now required"),
            format!("setter `{}::{member}` unchanged, but calls that do not set it are now rejected by the server", x.builder),
        );
    Verdict {
        severity,
        message,
        rust,
    }
}
