//! `parameter_constraint_narrowed`: a parameter accepts fewer values (a value unlisted, a pattern, a bound raised or lowered).

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterConstraintNarrowed`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterConstraintNarrowed,
    levels: &[Severity::Breaking],
    summary:
        "a parameter accepts fewer values (a value unlisted, a pattern, a bound raised or lowered)",
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
        rust_new,
        method,
        ..
    } = *c;
    // A bound moved, values listed or unlisted, or the pattern.
    let what = if x.bound {
        format!("now has {new} (was {old})")
    } else if !x.values.is_empty() {
        format!("no longer accepts {}", x.values.join(", "))
    } else {
        format!("accepts only {new}")
    };
    let (message, rust) = if x.positional {
        (
            format!("path parameter `{param}` {what}"),
            format!("argument `{member}` of `{method}` keeps its type `{rust_new}`: values it accepts may now be rejected by the server"),
        )
    } else {
        (
            format!("parameter `{param}` {what}"),
            format!("setter `{}::{member}` unchanged (it takes any `{rust_new}`): such values are now rejected by the server", x.builder),
        )
    };
    Verdict {
        severity: Breaking,
        message,
        rust,
    }
}
