//! `maintenance_changed`: the daily maintenance window changed.

use super::{window, Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::MaintenanceChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::MaintenanceChanged,
    levels: &[Severity::Info],
    summary: "the daily maintenance window changed",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { f, .. } = *c;
    let (severity, message, rust) = (
        Info,
        format!(
            "daily maintenance window changes from {} to {}",
            window(f.old.as_deref()),
            window(f.new.as_deref())
        ),
        format!(
            "`operations::{}.maintenance` changes (metadata only)",
            const_ident(&f.operation.x_operation_id)
        ),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
