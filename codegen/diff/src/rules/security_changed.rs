//! `security_changed`: the operation sends its secret another way (bearer, API key in a header or the query): callers built for the old way are refused; info when it needs no secret any more.

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::SecurityChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::SecurityChanged,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "the operation sends its secret another way (bearer, API key in a header or the query): callers built for the old way are refused; info when it needs no secret any more",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { f, x, old, new, .. } = *c;
    let (severity, message, rust) = match () {
        _ if x.secret_dropped => (
            Info,
            format!("needs no secret any more (it took {old})"),
            format!("`operations::{}.auth` becomes `AuthScheme::None`: the client stops sending the secret", const_ident(&f.operation.x_operation_id)),
        ),
        _ => (
            Breaking,
            format!("the secret is now sent as {new} (before: {old}): a caller sending it the old way is refused (401)"),
            format!("`operations::{}.auth` changes: a crate generated before sends the secret the old way", const_ident(&f.operation.x_operation_id)),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
