//! `path_parameter_renamed`: a path parameter has another name (`{id}` → `{siren}`): the URLs are the same; the operation's id and constant are renamed when the spec gives it no id.

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::PathParameterRenamed`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::PathParameterRenamed,
    levels: &[Severity::Info, Severity::Breaking],
    summary: "a path parameter has another name: same URLs; breaking when the spec gives the operation no id (its id and constant come from the path)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        old,
        new,
        method,
        ..
    } = *c;
    let message = format!("path parameters renamed: `{old}` is now `{new}`; the URLs are the same");
    let old_method = x.old_name.as_deref().unwrap_or(method);
    let renamed_method = if old_method == method {
        String::new()
    } else {
        format!("`{old_method}` renamed `{method}`; ")
    };
    // A positional argument's name is not part of a Rust call: only the names made of the
    // path can break (the spec gives the operation no id).
    let (severity, rust) = match &x.id_from_path {
        Some((old_id, new_id)) => (
            Breaking,
            format!(
                "the spec gives the operation no id, so its id comes from the path: \
                 {renamed_method}constant `operations::{}` renamed `operations::{}`, and an \
                 ignore file or `--maintenance` naming `{old_id}` must say `{new_id}`",
                const_ident(old_id),
                const_ident(new_id)
            ),
        ),
        None => (
            Info,
            format!(
                "`{method}` keeps its name and its arguments; only their documentation changes"
            ),
        ),
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
