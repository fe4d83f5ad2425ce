//! `parameter_constraint_narrowed`: a parameter accepts fewer values.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::ParameterConstraintNarrowed`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::ParameterConstraintNarrowed,
    levels: &[Severity::Breaking],
    summary: "a parameter accepts fewer values",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        new,
        param,
        member,
        rust_new,
        method,
        ..
    } = *c;
    let (severity, message, rust) = match () {
        _ if x.positional => (
            Breaking,
            format!("path parameter `{param}` accepts only {new}"),
            format!("argument `{member}` of `{method}` keeps its type `{rust_new}`: values it accepts may now be rejected by the server"),
        ),
        _ => {
            let what = if x.values.is_empty() { format!("accepts only {new}") } else { format!("no longer accepts {}", x.values.join(", ")) };
            (
                Breaking,
                format!("parameter `{param}` {what}"),
                format!("setter `{}::{member}` unchanged (it takes any `{rust_new}`): such values are now rejected by the server", x.builder),
            )
        }
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
