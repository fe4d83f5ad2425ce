//! `apie status`: what the API's open monitoring routes say (no token needed): the current
//! status of every endpoint as a table, or as JSON for scripts, and one endpoint's
//! availability history as a chart of bars, one a day. `apie batch --check-status` reads the
//! same status before calling ([`warn_if_down`]).

use std::process::ExitCode;

use api_entreprise::runtime::{CurrentStatus, EndpointStatus, OperationMeta, ProviderAvailability};
use api_entreprise::Client;

/// No answer, or an answer that does not fit.
const EXIT_FAILED: u8 = 4;

/// `apie status --help`'s closing part.
const STATUS_HELP: &str = "\
Examples:
  apie status                      # every endpoint: endpoint, provider, version, code, since
  apie status --json | jq '.[] | select(.code != 200)'
  apie status --history apie_2_etablissements --period 1w

Reads the open monitoring routes (no token). On a terminal, what is down is in red (never with
NO_COLOR, nor in a pipe). The history draws one bar a day and the total availability.

Exit codes:
  0  printed (whatever the endpoints' state)
  2  bad usage
  4  no answer from the monitoring route, or an answer that does not fit";

/// `apie status`: what the command line asked for.
#[derive(Debug, clap::Args)]
#[command(after_help = STATUS_HELP)]
pub(crate) struct StatusArgs {
    /// Ask this base URL (a mock, a proxy) instead of production
    #[arg(long, value_name = "URL", conflicts_with = "staging")]
    base_url: Option<String>,
    /// Ask the staging environment instead of production
    #[arg(long)]
    staging: bool,
    /// Print the answer as JSON (one object per endpoint; with --history, the history)
    #[arg(long)]
    json: bool,
    /// Draw this endpoint's availability history instead of the current status
    #[arg(long, value_name = "ENDPOINT")]
    history: Option<String>,
    /// The history's period: a number and a unit, m, h, d or w
    #[arg(
        long,
        value_name = "PERIOD",
        default_value = "1w",
        requires = "history"
    )]
    period: String,
}

/// Runs `apie status`.
pub(crate) fn run(args: StatusArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let client = match Client::builder()
        .environment(crate::call::environment(
            args.base_url.as_deref(),
            args.staging,
        ))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let colour = crate::docs::color_choice() == clap::ColorChoice::Auto;
    let printed = runtime.block_on(async {
        match &args.history {
            Some(endpoint) => {
                let history = client
                    .watchdoge()
                    .stats_provider_availabilities(endpoint.as_str(), args.period.as_str())
                    .await?
                    .body;
                Ok::<_, api_entreprise::runtime::Error>(if args.json {
                    to_json(&history)
                } else {
                    chart(&history)
                })
            }
            None => {
                let status = client.watchdoge().dashboard_current_status().await?.body;
                Ok(if args.json {
                    to_json(&status.results)
                } else {
                    table(&status, colour)
                })
            }
        }
    });
    match printed {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).map_or_else(|e| format!("{e}\n"), |s| s + "\n")
}

/// The endpoint's name as the history route takes it: `uname`, else `name`.
fn endpoint_name(e: &EndpointStatus) -> String {
    e.uname
        .clone()
        .or_else(|| e.name.clone())
        .unwrap_or_default()
}

fn version(e: &EndpointStatus) -> String {
    match &e.api_version {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The current status as a table: endpoint, provider, version, code, since when; down rows
/// in red when `colour`, and a count at the end.
pub(crate) fn table(status: &CurrentStatus, colour: bool) -> String {
    let header = ["ENDPOINT", "PROVIDER", "VERSION", "CODE", "SINCE"].map(str::to_owned);
    let rows: Vec<([String; 5], Option<bool>)> = status
        .results
        .iter()
        .map(|e| {
            let code = e.code.map(|c| c.to_string()).unwrap_or_else(|| "?".into());
            let row = [
                endpoint_name(e),
                e.provider.clone().unwrap_or_default(),
                version(e),
                code,
                e.timestamp.clone().unwrap_or_default(),
            ];
            (row, e.is_up())
        })
        .collect();
    let mut widths = header.clone().map(|h| h.chars().count());
    for (row, _) in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; 5]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = line(&header) + "\n";
    let down = rows.iter().filter(|(_, up)| *up == Some(false)).count();
    for (row, up) in &rows {
        let text = line(row);
        match (up, colour) {
            (Some(false), true) => out.push_str(&format!("\x1b[31m{text}\x1b[0m\n")),
            (None, true) => out.push_str(&format!("\x1b[33m{text}\x1b[0m\n")),
            _ => out.push_str(&format!("{text}\n")),
        }
    }
    out.push_str(&format!("{} endpoints, {down} down\n", rows.len()));
    out
}

/// Width of a full (100 %) bar.
const BAR: usize = 40;

/// The availability history: one bar a day (a full bar is 100 %), then the total.
pub(crate) fn chart(history: &ProviderAvailability) -> String {
    let name = history.endpoint.as_deref().unwrap_or("?");
    let period = history.period.as_deref().unwrap_or("?");
    let mut out = format!("availability of {name} over {period}\n");
    for (day, percent) in &history.days_availability {
        out.push_str(&format!("{day}  {}  {percent:6.2} %\n", bar(*percent)));
    }
    if history.days_availability.is_empty() {
        out.push_str("(no day in the answer)\n");
    }
    match history.total_availability {
        Some(total) => out.push_str(&format!("total: {total:.2} %\n")),
        None => out.push_str("total: unknown\n"),
    }
    out
}

/// A bar of `percent` (0 to 100) in eighths of a character.
fn bar(percent: f64) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (percent.clamp(0.0, 100.0) / 100.0 * (BAR * 8) as f64).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        bar.push(PARTS[eighths % 8]);
    }
    format!("{bar:<BAR$}")
}

/// The status's entry for `meta`: `uname` or an `operation_id` field naming it, else the
/// entry whose `name` is its path.
fn entry_for<'s>(status: &'s CurrentStatus, meta: &OperationMeta) -> Option<&'s EndpointStatus> {
    let id = meta.operation_id;
    status
        .results
        .iter()
        .find(|e| {
            e.uname.as_deref() == Some(id)
                || e.extra.get("operation_id").and_then(|v| v.as_str()) == Some(id)
        })
        .or_else(|| {
            status
                .results
                .iter()
                .find(|e| e.name.as_deref() == Some(meta.path))
        })
}

/// `apie batch --check-status`: asks the status and warns on stderr when `meta`'s endpoint
/// is down. Only a warning: the status is the monitoring's view, and the batch's own
/// handling of errors and maintenance still applies.
pub(crate) async fn warn_if_down(client: &Client, meta: &OperationMeta) {
    let status = match client.watchdoge().dashboard_current_status().await {
        Ok(response) => response.body,
        Err(e) => {
            eprintln!("warning: --check-status: the status could not be read: {e}");
            return;
        }
    };
    match entry_for(&status, meta) {
        Some(e) if e.is_up() == Some(false) => eprintln!(
            "warning: {} is down according to the API's status: code {} since {}",
            meta.operation_id,
            e.code.map(|c| c.to_string()).unwrap_or_default(),
            e.timestamp.as_deref().unwrap_or("?")
        ),
        Some(_) => eprintln!("status: {} is up", meta.operation_id),
        None => eprintln!(
            "status: {} is not listed in the API's status",
            meta.operation_id
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> CurrentStatus {
        serde_json::from_value(serde_json::json!([
            {"uname": "a_up", "provider": "insee", "api_version": 3, "code": 200,
             "timestamp": "2025-01-15T10:00:00Z"},
            {"uname": "b_down", "provider": "dgfip", "api_version": "v4", "code": 503,
             "timestamp": "2025-01-15T09:00:00Z"},
        ]))
        .unwrap()
    }

    #[test]
    fn the_table_aligns_columns_and_colours_only_when_asked() {
        let plain = table(&status(), false);
        assert_eq!(
            plain,
            "ENDPOINT  PROVIDER  VERSION  CODE  SINCE\n\
             a_up      insee     3        200   2025-01-15T10:00:00Z\n\
             b_down    dgfip     v4       503   2025-01-15T09:00:00Z\n\
             2 endpoints, 1 down\n"
        );
        assert!(!plain.contains('\x1b'));
        let coloured = table(&status(), true);
        assert!(coloured.contains("\x1b[31mb_down"), "{coloured}");
        assert!(!coloured.contains("\x1b[31ma_up"), "{coloured}");
    }

    #[test]
    fn the_chart_draws_a_bar_a_day_and_the_total() {
        let history: ProviderAvailability = serde_json::from_value(serde_json::json!({
            "endpoint": "b_down", "period": "1w", "total_availability": 75.0,
            "days_availability": {"2025-01-14": 100.0, "2025-01-15": 50.0}
        }))
        .unwrap();
        let text = chart(&history);
        let full = "█".repeat(BAR);
        let half = format!("{}{}", "█".repeat(BAR / 2), " ".repeat(BAR / 2));
        assert!(
            text.contains(&format!("2025-01-14  {full}  100.00 %")),
            "{text}"
        );
        assert!(
            text.contains(&format!("2025-01-15  {half}   50.00 %")),
            "{text}"
        );
        assert!(text.ends_with("total: 75.00 %\n"), "{text}");
        // 1 % of 40 characters: 3.2 eighths of one, drawn as three.
        assert_eq!(bar(1.0).trim_end(), "▍");
    }
}
