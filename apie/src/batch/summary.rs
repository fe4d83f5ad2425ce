//! What a batch did, said at its end (Ctrl-C and stops included): calls, statuses, error
//! codes with their titles, time paused for the limits and for maintenance, the rate
//! achieved; and, before anything is called (`--estimate`), how long the input will take at
//! the limits that apply.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use api_entreprise::errors::ErrorCode;
use api_entreprise::runtime::{CountedPer, Limit, OperationMeta};

use super::journal::Record;
use super::progress::human;

/// Counts of one run.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// Records written, by outcome: `ok`, `partial`, or the error kind.
    pub(crate) by_outcome: BTreeMap<&'static str, usize>,
    /// Records by HTTP status; `None`: no answer, or not sent.
    pub(crate) by_status: BTreeMap<Option<u16>, usize>,
    /// Error codes of the API's answers, by count.
    pub(crate) by_code: BTreeMap<String, usize>,
    /// Time the batch was paused for the rate limit.
    pub(crate) paused_for_limits: Duration,
    /// Time the batch was paused for the operation's maintenance window.
    pub(crate) paused_for_maintenance: Duration,
}

impl Summary {
    /// Counts one written record.
    pub(crate) fn count(&mut self, record: &Record) {
        let key = match record.error_kind() {
            Some(kind) => kind,
            None if record.partial => "partial",
            None => "ok",
        };
        *self.by_outcome.entry(key).or_default() += 1;
        *self.by_status.entry(record.status).or_default() += 1;
        for code in record.codes() {
            *self.by_code.entry(code.to_owned()).or_default() += 1;
        }
    }

    /// Records written.
    pub(crate) fn total(&self) -> usize {
        self.by_outcome.values().sum()
    }

    /// Calls sent: the records but those refused before sending (invalid identifiers, and
    /// with `--maintenance fail` those inside the window).
    pub(crate) fn calls(&self) -> usize {
        let not_sent: usize = ["validation", "maintenance"]
            .iter()
            .filter_map(|k| self.by_outcome.get(k))
            .sum();
        self.total() - not_sent
    }

    /// The summary, one fact a line, for a run that took `elapsed`.
    pub(crate) fn render(&self, elapsed: Duration) -> String {
        let mut out = String::new();
        let minutes = elapsed.as_secs_f64() / 60.0;
        let rate = if minutes > 0.0 {
            self.calls() as f64 / minutes
        } else {
            0.0
        };
        let list = |map: &mut dyn Iterator<Item = (String, usize)>| {
            map.map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "summary: {} records, {} calls in {} ({rate:.0} calls a minute)",
            self.total(),
            self.calls(),
            human(elapsed)
        );
        if self.total() > 0 {
            let outcomes = list(&mut self.by_outcome.iter().map(|(k, n)| (k.to_string(), *n)));
            let _ = writeln!(out, "  outcomes: {outcomes}");
            let statuses = list(&mut self.by_status.iter().map(|(s, n)| {
                let status = s.map_or_else(|| "no status".to_owned(), |s| s.to_string());
                (status, *n)
            }));
            let _ = writeln!(out, "  statuses: {statuses}");
        }
        let mut codes: Vec<(&String, &usize)> = self.by_code.iter().collect();
        codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (code, n) in codes {
            let title = ErrorCode::from_code(code)
                .title()
                .unwrap_or("(a code the spec does not list)");
            let _ = writeln!(out, "  error {code} ×{n}: {title}");
        }
        let _ = writeln!(
            out,
            "  paused: {} for the rate limit, {} for maintenance",
            human(self.paused_for_limits),
            human(self.paused_for_maintenance)
        );
        out
    }
}

/// How long `calls` calls of `meta` take at the limits that apply, the platform's window
/// lasting `window` (its own, or a mock's shorter one): each limit (the operation's own, its
/// group's, the IP's) needs so many fixed windows, opened by the first call, so the last
/// window need not run out; the slowest decides.
pub(crate) fn estimate(meta: &OperationMeta, calls: usize, window: Duration) -> String {
    let platform = &api_entreprise::PLATFORM;
    let mut limits: Vec<(String, Limit)> = Vec::new();
    if let Some(own) = meta.own_limit {
        limits.push((format!("{own} of the operation"), own));
    }
    let group = meta.group;
    for limit in group.limits {
        let counted = match group.counted_per {
            CountedPer::Token => "per token",
            CountedPer::Ip => "per IP",
        };
        limits.push((format!("{limit} of its group {counted}"), *limit));
    }
    for ip in platform.ip_limits {
        limits.push((format!("{ip} of the IP"), *ip));
    }
    // Each limit's windows on the run's time scale, and how long its calls take.
    let needs = |limit: &Limit| {
        let length = platform.scaled_window(limit.window, window);
        let windows = calls.div_ceil(limit.calls.max(1) as usize);
        (
            length * windows.saturating_sub(1) as u32,
            windows,
            length,
            limit.calls,
        )
    };
    let (at_least, windows, length, per_window) = limits
        .iter()
        .map(|(_, limit)| needs(limit))
        .max_by_key(|&(time, windows, _, calls)| (time, windows, std::cmp::Reverse(calls)))
        .unwrap_or_default();
    let said: Vec<&str> = limits.iter().map(|(text, _)| text.as_str()).collect();
    let mut out = format!(
        "estimate: {calls} calls of {} at {per_window} per {} (the slowest of {}): at least {} \
         ({windows} window{})",
        meta.operation_id,
        human(length),
        said.join(", "),
        human(at_least),
        if windows == 1 { "" } else { "s" }
    );
    if let Some(w) = meta.maintenance {
        let _ = write!(
            out,
            ", plus its daily maintenance {}-{} ({}) if the run crosses it",
            w.from,
            w.to,
            api_entreprise::platform::MAINTENANCE_TIME_ZONE
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_entreprise::runtime::Error;

    fn meta(id: &str) -> &'static OperationMeta {
        api_entreprise::find_operation(id).unwrap()
    }

    #[test]
    fn the_estimate_takes_the_lowest_limit() {
        let window = api_entreprise::platform::WINDOW;
        // DGFIP's fiscal certificate: 5 a minute. 12 calls: 3 windows, 2 to wait out.
        let fiscal = estimate(
            meta("api_entreprise_v4_dgfip_attestations_fiscales"),
            12,
            window,
        );
        assert!(fiscal.contains("at 5 per 1m00s"), "{fiscal}");
        assert!(fiscal.contains("at least 2m00s (3 windows)"), "{fiscal}");
        assert!(fiscal.contains("01:00-02:00 (Europe/Paris)"), "{fiscal}");
        // A JSON operation: 250 a minute; 250 calls fit in one window.
        let json = estimate(meta("api_entreprise_v4_insee_unites_legales"), 250, window);
        assert!(json.contains("at 250 per"), "{json}");
        assert!(json.contains("at least 0.0s (1 window)"), "{json}");
        let more = estimate(meta("api_entreprise_v4_insee_unites_legales"), 1001, window);
        assert!(more.contains("at least 4m00s (5 windows)"), "{more}");
        assert!(!more.contains("maintenance"), "{more}");
        // A mock's shorter minute.
        let fast = estimate(
            meta("api_entreprise_v4_dgfip_attestations_fiscales"),
            11,
            Duration::from_secs(1),
        );
        assert!(fast.contains("at least 2.0s (3 windows)"), "{fast}");
    }

    #[test]
    fn the_summary_counts_statuses_and_codes_with_titles() {
        let mut summary = Summary::default();
        let not_found = |code: &str| {
            let body = format!(
                r#"{{"errors":[{{"code":"{code}","title":"t","detail":"d","meta":{{}}}}]}}"#
            );
            Error::Api(api_entreprise::runtime::decode_error_body(
                &api_entreprise::PLATFORM,
                &api_entreprise::platform::ERROR_ENVELOPE,
                404,
                body.as_bytes(),
            ))
        };
        for error in [not_found("01003"), not_found("01003"), not_found("99999")] {
            summary.count(&Record::failure("x".into(), &error));
        }
        summary.paused_for_maintenance = Duration::from_secs(1800);
        let text = summary.render(Duration::from_secs(120));
        assert!(
            text.contains("summary: 3 records, 3 calls in 2m00s (2 calls a minute)"),
            "{text}"
        );
        let refused = Error::Validation(api_entreprise::runtime::ValidationError::Traceability(
            "x".into(),
        ));
        summary.count(&Record::failure("y".into(), &refused));
        assert_eq!((summary.total(), summary.calls()), (4, 3));
        assert!(text.contains("statuses: 3 404"), "{text}");
        let title = ErrorCode::from_code("01003").title().unwrap();
        assert!(text.contains(&format!("error 01003 ×2: {title}")), "{text}");
        assert!(
            text.contains("error 99999 ×1: (a code the spec does not list)"),
            "{text}"
        );
        assert!(
            text.contains("0.0s for the rate limit, 30m00s for maintenance"),
            "{text}"
        );
    }
}
