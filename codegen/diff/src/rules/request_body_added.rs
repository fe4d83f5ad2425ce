//! `request_body_added`: the operation takes a request body: breaking when it must be sent.

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestBodyAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestBodyAdded,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "the operation takes a request body: breaking when it must be sent",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { x, new, method, .. } = *c;
    let severity = if x.required { Breaking } else { Info };
    let must = if x.required {
        "a required"
    } else {
        "an optional"
    };
    Verdict {
        severity,
        message: format!("the operation takes {must} request body ({new})"),
        rust: if x.required {
            format!("`{method}` takes a new argument `request_body`: calls of it no longer compile without one")
        } else {
            format!("new setter `{}::request_body`", x.builder)
        },
    }
}
