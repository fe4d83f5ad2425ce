//! `request_property_became_optional`: a request body property may now be left out.

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestPropertyBecameOptional`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestPropertyBecameOptional,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "a request body property may now be left out: breaking for the crate when its field becomes an `Option` (it leaves `new`'s arguments), info when it already was one",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        loc,
        field,
        rust_old,
        rust_new,
        ..
    } = *c;
    let (severity, rust) = if rust_old == rust_new {
        (Info, format!("no type change: {field} stays `{rust_new}`"))
    } else {
        (
            Breaking,
            format!("{field} becomes `{rust_new}` and leaves `new`'s arguments: code building the body no longer compiles as is"),
        )
    };
    Verdict {
        severity,
        message: format!("request body property `{loc}` is now optional"),
        rust,
    }
}
