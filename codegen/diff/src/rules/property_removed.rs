//! `property_removed`: a response property is gone: its field is removed.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::PropertyRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::PropertyRemoved,
    levels: &[Severity::Breaking],
    summary: "a response property is gone: its field is removed",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        old, loc, field, ..
    } = *c;
    let (severity, message, rust) = (
        Breaking,
        format!("response property `{loc}` removed (was {old})"),
        format!("{field} removed"),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
