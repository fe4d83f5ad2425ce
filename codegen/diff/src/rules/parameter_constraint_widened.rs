//! `parameter_constraint_widened`: a parameter accepts more values.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterConstraintWidened`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterConstraintWidened,
    levels: &[Severity::Info],
    summary: "a parameter accepts more values",
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
        method,
        ..
    } = *c;
    // A bound moved, values listed or unlisted, or the pattern.
    let what = if x.bound {
        format!("now has {new} (was {old})")
    } else if !x.values.is_empty() {
        format!("also accepts {}", x.values.join(", "))
    } else {
        "accepts any value".to_string()
    };
    let (message, rust) = if x.positional {
        (
            format!("path parameter `{param}` {what}"),
            format!("no change to argument `{member}` of `{method}`"),
        )
    } else {
        (
            format!("parameter `{param}` {what}"),
            format!(
                "no change to `{}::{member}` beyond its documentation",
                x.builder
            ),
        )
    };
    Verdict {
        severity: Info,
        message,
        rust,
    }
}
