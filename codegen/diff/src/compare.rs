//! The structural walk: operations matched ([`matching`]), then their parameters
//! ([`params`]), success bodies ([`body`]), error codes and limits compared. It records
//! *what* changed and the facts the rules need to say what that does to the generated crate;
//! how bad a change is belongs to [`super::rules`].

mod body;
mod matching;
mod params;
mod request;

use std::collections::HashSet;

use super::{ChangeKind, OperationRef};
use crate::model::{Api, AuthScheme, Operation};
use body::{rust_type, Side};
use matching::{match_operations, Pairing};

/// A change found by the walk, not yet judged.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) kind: ChangeKind,
    pub(crate) operation: OperationRef,
    pub(crate) location: String,
    pub(crate) old: Option<String>,
    pub(crate) new: Option<String>,
    pub(crate) facts: Facts,
}

/// What the rules need to describe the effect on the generated crate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// The generated method, `client.v3().insee_unites_legales()` (the old one for removals).
    pub(crate) method: String,
    /// Its request builder, `InseeUnitesLegalesRequest`.
    pub(crate) builder: String,
    /// The Rust type holding the field or variant concerned.
    pub(crate) owner: Option<String>,
    /// The field, variant, setter or argument concerned.
    pub(crate) member: Option<String>,
    /// Rust types before and after, where a type is concerned.
    pub(crate) rust_old: Option<String>,
    /// See `rust_old`.
    pub(crate) rust_new: Option<String>,
    /// Whether the field is an `Option` before and after.
    pub(crate) optional: (bool, bool),
    /// A path parameter (positional argument) rather than a builder setter.
    pub(crate) positional: bool,
    /// The Rust item outlives the change: an error code still listed by another operation
    /// (removal) or already listed (addition); an enum value respelled under the same variant.
    pub(crate) known_elsewhere: bool,
    /// The crate-level effect (an `ErrorCode` variant added or removed) was already reported
    /// for another operation.
    pub(crate) reported_before: bool,
    /// An error code's variant name stands for another code before or after (codes renumbered).
    pub(crate) name_reused: bool,
    /// A removed operation was deprecated before.
    pub(crate) was_deprecated: bool,
    /// A removed operation's `x-sunset` day, `YYYY-MM-DD`.
    pub(crate) sunset: Option<String>,
    /// Whether that day has come (today, UTC, on or after it).
    pub(crate) sunset_passed: Option<bool>,
    /// The operation needs no secret any more (security changed to none).
    pub(crate) secret_dropped: bool,
    /// The name before a rename: the generated method, or a path parameter.
    pub(crate) old_name: Option<String>,
    /// The operation's ids before and after, when both are made of its path (the spec
    /// gives none) and a path parameter's rename changed them.
    pub(crate) id_from_path: Option<(String, String)>,
    /// Enum values removed or added, for constraint changes.
    pub(crate) values: Vec<String>,
    /// A constraint change is a bound's (`maximum 100` → `maximum 50`), not the values'.
    pub(crate) bound: bool,
    /// The operation's limits per token allow fewer calls in some window.
    pub(crate) limit_lowered: bool,
    /// The new side must be sent: a request body, or a property added to one.
    pub(crate) required: bool,
    /// The new side accepts null (a request body property).
    pub(crate) nullable: bool,
    /// The HTTP name of the parameter concerned, for a parameter's change.
    pub(crate) parameter: Option<String>,
    /// Names that appeared (traceability parameters now required).
    pub(crate) added: Vec<String>,
    /// Names that went (traceability parameters no longer required).
    pub(crate) removed: Vec<String>,
}

/// Every change between two models, operation by operation (sorted by path, then method).
pub(crate) fn compare(old: &Api, new: &Api) -> Vec<Finding> {
    let mut walker = Walker {
        old: Side::new(old),
        new: Side::new(new),
        clean: HashSet::new(),
        codes_reported: HashSet::new(),
        out: Vec::new(),
    };
    let mut pairings = match_operations(&old.operations, &new.operations);
    pairings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    for pairing in pairings {
        match pairing {
            Pairing::Matched { old, new, moved } => walker.operation(old, new, moved),
            Pairing::Removed(op) => {
                let mut f = finding(ChangeKind::OperationRemoved, op, "", Some(route(op)), None);
                f.facts.was_deprecated = op.deprecated;
                f.facts.sunset_passed = op.sunset.as_deref().map(|day| day <= today().as_str());
                f.facts.sunset = op.sunset.clone();
                walker.out.push(f);
                // Codes only this operation listed leave `ErrorCode` with it.
                walker.error_codes(op, &op.error_codes, &[], true);
            }
            Pairing::Added(op) => {
                walker.out.push(finding(
                    ChangeKind::OperationAdded,
                    op,
                    "",
                    None,
                    Some(route(op)),
                ));
                walker.error_codes(op, &[], &op.error_codes, true);
            }
        }
    }
    walker.out
}

struct Walker<'a> {
    old: Side<'a>,
    new: Side<'a>,
    /// Pairs of named types already compared without a finding: their subtrees are skipped.
    clean: HashSet<(&'a str, &'a str)>,
    /// Error codes whose `ErrorCode` variant was reported added or removed.
    codes_reported: HashSet<String>,
    out: Vec<Finding>,
}

impl<'a> Walker<'a> {
    fn operation(&mut self, o: &'a Operation, n: &'a Operation, moved: bool) {
        let push =
            |w: &mut Self, kind, location: &str, old: Option<String>, new: Option<String>| {
                w.out.push(finding(kind, n, location, old, new));
            };
        if moved {
            push(
                self,
                ChangeKind::OperationMoved,
                "",
                Some(route(o)),
                Some(route(n)),
            );
        }
        let renamed_parameters = o.path != n.path && !moved;
        // An id made of the path changes with it: the rename is the whole story.
        let id_follows_path = renamed_parameters && o.id_from_route && n.id_from_route;
        if renamed_parameters {
            // Matched with the parameters' names erased: only those differ.
            let mut f = finding(
                ChangeKind::PathParameterRenamed,
                n,
                "",
                Some(o.path.clone()),
                Some(n.path.clone()),
            );
            f.facts.old_name = Some(method_path(o));
            f.facts.id_from_path =
                (id_follows_path && o.id != n.id).then(|| (o.id.clone(), n.id.clone()));
            self.out.push(f);
        }
        if o.id != n.id && !id_follows_path {
            let mut f = finding(
                ChangeKind::OperationIdChanged,
                n,
                "",
                Some(o.id.clone()),
                Some(n.id.clone()),
            );
            f.facts.old_name = Some(method_path(o));
            self.out.push(f);
        }
        match (o.deprecated, n.deprecated) {
            (false, true) => push(
                self,
                ChangeKind::OperationDeprecated,
                "",
                Some("false".into()),
                Some("true".into()),
            ),
            (true, false) => push(
                self,
                ChangeKind::OperationUndeprecated,
                "",
                Some("true".into()),
                Some("false".into()),
            ),
            _ => {}
        }
        self.path_params(o, n);
        self.options(o, n);
        if o.traceability != n.traceability {
            let text = |t: &[String]| {
                if t.is_empty() {
                    "none".to_string()
                } else {
                    t.join(", ")
                }
            };
            let mut f = finding(
                ChangeKind::TraceabilityChanged,
                n,
                "",
                Some(text(&o.traceability)),
                Some(text(&n.traceability)),
            );
            f.facts.added = missing(&n.traceability, &o.traceability);
            f.facts.removed = missing(&o.traceability, &n.traceability);
            self.out.push(f);
        }
        match (&o.success, &n.success) {
            (Some(a), Some(b)) => self.body(n, a, b, "", 0),
            (Some(a), None) => {
                let mut f = finding(
                    ChangeKind::SuccessResponseRemoved,
                    n,
                    "/",
                    Some(self.old.describe(a)),
                    None,
                );
                f.facts.rust_old = Some(rust_type(a));
                self.out.push(f);
            }
            (None, Some(b)) => {
                let mut f = finding(
                    ChangeKind::SuccessResponseAdded,
                    n,
                    "/",
                    None,
                    Some(self.new.describe(b)),
                );
                f.facts.rust_new = Some(rust_type(b));
                self.out.push(f);
            }
            (None, None) => {}
        }
        self.request_body(n, o.request_body.as_ref(), n.request_body.as_ref());
        let (was, now) = (&o.success_media_types, &n.success_media_types);
        // A body that appears or goes is `success_response_*`'s to report.
        let (was, now): (&[String], &[String]) = match was.is_empty() || now.is_empty() {
            true => (&[], &[]),
            false => (was, now),
        };
        for m in was.iter().filter(|m| !now.contains(m)) {
            push(
                self,
                ChangeKind::ResponseMediaTypeRemoved,
                "",
                Some(m.clone()),
                None,
            );
        }
        for m in now.iter().filter(|m| !was.contains(m)) {
            push(
                self,
                ChangeKind::ResponseMediaTypeAdded,
                "",
                None,
                Some(m.clone()),
            );
        }
        self.error_codes(n, &o.error_codes, &n.error_codes, false);
        if o.group != n.group {
            push(
                self,
                ChangeKind::EndpointGroupChanged,
                "",
                Some(o.group.clone()),
                Some(n.group.clone()),
            );
        }
        if o.limits_per_token != n.limits_per_token {
            let mut f = finding(
                ChangeKind::RateLimitChanged,
                n,
                "",
                Some(limits_text(&o.limits_per_token)),
                Some(limits_text(&n.limits_per_token)),
            );
            f.facts.limit_lowered = limit_lowered(&o.limits_per_token, &n.limits_per_token);
            self.out.push(f);
        }
        if o.timeout_ms != n.timeout_ms {
            let text = |t: u64| format!("{t} ms");
            push(
                self,
                ChangeKind::TimeoutChanged,
                "",
                Some(text(o.timeout_ms)),
                Some(text(n.timeout_ms)),
            );
        }
        if o.auth != n.auth {
            let mut f = finding(
                ChangeKind::SecurityChanged,
                n,
                "",
                Some(auth_text(&o.auth)),
                Some(auth_text(&n.auth)),
            );
            f.facts.secret_dropped = n.auth == AuthScheme::None;
            self.out.push(f);
        } else if o.auth_scopes != n.auth_scopes {
            let text = |s: &[String]| {
                if s.is_empty() {
                    "none".to_string()
                } else {
                    s.join(", ")
                }
            };
            let mut f = finding(
                ChangeKind::SecurityScopesChanged,
                n,
                "",
                Some(text(&o.auth_scopes)),
                Some(text(&n.auth_scopes)),
            );
            f.facts.added = missing(&n.auth_scopes, &o.auth_scopes);
            f.facts.removed = missing(&o.auth_scopes, &n.auth_scopes);
            self.out.push(f);
        }
        if o.maintenance != n.maintenance {
            let text =
                |m: &Option<(String, String)>| m.as_ref().map(|(from, to)| format!("{from}-{to}"));
            push(
                self,
                ChangeKind::MaintenanceChanged,
                "",
                text(&o.maintenance),
                text(&n.maintenance),
            );
        }
    }

    /// Codes that left or joined an operation's examples. On a removed or added operation
    /// (`whole`), only a code that leaves or joins the whole spec is worth a line, once.
    fn error_codes(&mut self, n: &Operation, before: &[String], after: &[String], whole: bool) {
        for code in before.iter().filter(|c| !after.contains(c)) {
            let known_elsewhere = self.new.codes.contains_key(code.as_str());
            if whole && (known_elsewhere || self.codes_reported.contains(code)) {
                continue;
            }
            let mut f = finding(
                ChangeKind::ErrorCodeRemoved,
                n,
                &format!("error_code:{code}"),
                Some(code.clone()),
                None,
            );
            f.facts.known_elsewhere = known_elsewhere;
            f.facts.reported_before = !known_elsewhere && !self.codes_reported.insert(code.clone());
            f.facts.member = self.old.codes.get(code.as_str()).map(|s| s.to_string());
            f.facts.name_reused = f
                .facts
                .member
                .as_deref()
                .is_some_and(|name| self.new.codes.values().any(|n| *n == name));
            self.out.push(f);
        }
        for code in after.iter().filter(|c| !before.contains(c)) {
            let known_elsewhere = self.old.codes.contains_key(code.as_str());
            if whole && (known_elsewhere || self.codes_reported.contains(code)) {
                continue;
            }
            let mut f = finding(
                ChangeKind::ErrorCodeAdded,
                n,
                &format!("error_code:{code}"),
                None,
                Some(code.clone()),
            );
            f.facts.known_elsewhere = known_elsewhere;
            f.facts.reported_before = !known_elsewhere && !self.codes_reported.insert(code.clone());
            f.facts.member = self.new.codes.get(code.as_str()).map(|s| s.to_string());
            f.facts.name_reused = f
                .facts
                .member
                .as_deref()
                .is_some_and(|name| self.old.codes.values().any(|n| *n == name));
            self.out.push(f);
        }
    }
}

/// How a scheme sends the secret, for reports.
fn auth_text(auth: &AuthScheme) -> String {
    match auth {
        AuthScheme::None => "no secret".to_string(),
        AuthScheme::Bearer => "`Authorization: Bearer`".to_string(),
        AuthScheme::ApiKeyHeader(name) => format!("an API key in the header `{name}`"),
        AuthScheme::ApiKeyQuery(name) => format!("an API key in the query parameter `{name}`"),
    }
}

/// A finding about the parameter called `name` (located at `parameter:<name>`).
fn param_finding(
    kind: ChangeKind,
    op: &Operation,
    name: &str,
    old: Option<String>,
    new: Option<String>,
) -> Finding {
    let mut f = finding(kind, op, &format!("parameter:{name}"), old, new);
    f.facts.parameter = Some(name.to_owned());
    f
}

fn finding(
    kind: ChangeKind,
    op: &Operation,
    location: &str,
    old: Option<String>,
    new: Option<String>,
) -> Finding {
    Finding {
        kind,
        operation: OperationRef {
            method: op.http_method.clone(),
            path: op.path.clone(),
            x_operation_id: op.id.clone(),
        },
        location: location.to_string(),
        old,
        new,
        facts: Facts {
            method: method_path(op),
            builder: op.builder.clone(),
            ..Facts::default()
        },
    }
}

fn route(op: &Operation) -> String {
    format!("{} {}", op.http_method, op.path)
}

/// How the generated client exposes the operation.
fn method_path(op: &Operation) -> String {
    format!("client.{}().{}()", op.accessor, op.method_name)
}

/// The names of `names` that `from` does not hold, in `names`' order.
pub(super) fn missing(names: &[String], from: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| !from.contains(n))
        .cloned()
        .collect()
}

/// Today's date in UTC, `YYYY-MM-DD`, which `x-sunset` days compare with as text.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// An operation's limits per token as they read in findings: `250/min`, `5/min, 50/min`,
/// `none per token`.
fn limits_text(limits: &[apie_spec::profile::LimitRule]) -> String {
    if limits.is_empty() {
        return "none per token".to_string();
    }
    let texts: Vec<String> = limits.iter().map(ToString::to_string).collect();
    texts.join(", ")
}

/// Whether `new` allows fewer calls than `old` in some window: its tightest rate, in calls a
/// second, is lower (no limit per token at all is the loosest).
fn limit_lowered(
    old: &[apie_spec::profile::LimitRule],
    new: &[apie_spec::profile::LimitRule],
) -> bool {
    let tightest = |limits: &[apie_spec::profile::LimitRule]| {
        limits
            .iter()
            .map(|l| f64::from(l.calls) / l.per_secs as f64)
            .fold(f64::INFINITY, f64::min)
    };
    tightest(new) < tightest(old)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        // 2024 is a leap year: 29 February exists.
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
