//! `security_scopes_changed`: the scopes the operation's token needs changed: breaking when it needs more.

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::SecurityScopesChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::SecurityScopesChanged,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "the scopes the operation's token needs changed: breaking when it needs more (tokens without them are refused, 403), info when fewer",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { x, old, new, .. } = *c;
    let quoted = |names: &[String]| {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        names.join(", ")
    };
    let (severity, message) = if x.added.is_empty() {
        (
            Info,
            format!(
                "the token no longer needs {} (scopes: {new}, were {old})",
                quoted(&x.removed)
            ),
        )
    } else {
        (
            Breaking,
            format!("the token now needs {} (scopes: {new}, were {old}): tokens without them are refused (403)", quoted(&x.added)),
        )
    };
    Verdict {
        severity,
        message,
        rust: "none: the scopes are the token's, not the client's".into(),
    }
}
