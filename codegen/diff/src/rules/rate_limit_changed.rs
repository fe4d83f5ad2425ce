//! `rate_limit_changed`: a limit per token went down (warning) or up (info).

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::{Info, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RateLimitChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RateLimitChanged,
    levels: &[Severity::Warning, Severity::Info],
    summary: "a limit per token went down (warning) or up (info)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { f, x, old, new, .. } = *c;
    let (severity, message, rust) = {
        (
                if x.limit_lowered { Warning } else { Info },
                format!("rate limit changes from {old} to {new}"),
                format!(
                    "`operations::{}.limits_per_token()` becomes {new}: callers that pace themselves on it follow once regenerated",
                    const_ident(&f.operation.x_operation_id),
                ),
            )
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
