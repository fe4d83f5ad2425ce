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
        param,
        member,
        method,
        ..
    } = *c;
    let (severity, message, rust) = match () {
        _ if x.positional => (
            Info,
            format!("path parameter `{param}` accepts any value"),
            format!("no change to argument `{member}` of `{method}`"),
        ),
        _ => {
            let what = if x.values.is_empty() {
                "accepts any value".to_string()
            } else {
                format!("also accepts {}", x.values.join(", "))
            };
            (
                Info,
                format!("parameter `{param}` {what}"),
                format!(
                    "no change to `{}::{member}` beyond its documentation",
                    x.builder
                ),
            )
        }
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
