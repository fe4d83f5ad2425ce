//! `endpoint_group_changed`: the operation changed endpoint group (the profile's `classify` rules: its limits, timeout and body bound).

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::EndpointGroupChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::EndpointGroupChanged,
    levels: &[Severity::Warning],
    summary: "the operation changed endpoint group (the profile's `classify` rules: its limits, timeout and body bound)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { f, old, new, .. } = *c;
    let (severity, message, rust) = (
        Warning,
        format!("rate-limit family changes from {old} to {new}"),
        format!(
            "`operations::{}.group` becomes `platform::GROUP_{}`",
            const_ident(&f.operation.x_operation_id),
            new.to_ascii_uppercase()
        ),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
