//! `apie decode`: does a recorded body fit its model? A 2xx body is decoded into the
//! operation's model, any other into the platform's error envelope; what fits is printed as
//! JSON (exit 0), what does not is named with its JSON path (exit 1). A CI job validating
//! recorded responses can thus tell a good error body from garbage. Bad usage exits 2.
//! `--report-undeclared` also lists on stderr what a success body holds that the spec does
//! not declare (fields, enum values), with JSON paths: what to tell the spec's publisher.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use api_entreprise::errors::ErrorCode;
use api_entreprise::runtime::{ApiError, Error, UndeclaredReport};
use serde::Serialize;

/// The body does not fit.
const NO_FIT: u8 = 1;
/// Bad usage or unreadable file.
const USAGE: u8 = 2;

/// `apie decode --help`'s closing part.
const DECODE_HELP: &str = "\
Examples:
  apie decode --operation api_entreprise_v3_insee_unites_legales --status 200 body.json
  curl … | apie decode --operation api_entreprise_v3_insee_unites_legales --status 404 -
  apie decode --report-undeclared --operation api_entreprise_v3_dgfip_attestations_fiscales --status 200 body.json

A 2xx body must fit the operation's model: printed as the typed value. Any other status must
be the API's error envelope ({\"errors\": [{\"code\", \"title\", \"detail\", …}]}): printed as
the typed error, with each code's status, title and provider from the spec (known: false for a
code the spec does not list). What does not fit is named on stderr with its JSON path.
Nothing is dropped: fields the spec does not declare are printed with the others, and
--report-undeclared lists them on stderr with their JSON paths (arrays as *), with the enum
values the spec does not list.

Exit codes:
  0  the body fits: the success model for 2xx, the error envelope for other statuses
  1  the body does not fit (not JSON, or a value of another shape: its JSON path is printed)
  2  bad usage (unknown operation, bad status) or unreadable file";

/// `apie decode --operation <x-operationId> --status <N> <FILE>`.
#[derive(Debug, clap::Args)]
#[command(after_help = DECODE_HELP)]
pub(crate) struct DecodeArgs {
    /// The operation that answered, by its x-operationId
    #[arg(long, value_name = "X_OPERATION_ID")]
    operation: String,
    /// The answer's HTTP status: 2xx decodes into the operation's model, any other into the
    /// error envelope
    #[arg(long, value_name = "N")]
    status: u16,
    /// The body (JSON); `-` reads standard input
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Also list on stderr, with their JSON paths, the fields of a success body that the spec
    /// does not declare and the enum values it does not list
    #[arg(long)]
    report_undeclared: bool,
}

/// The typed error as printed: the envelope's items, each with what the spec says of its
/// code.
#[derive(Debug, Serialize)]
struct TypedError<'a> {
    status: u16,
    advice: &'static str,
    errors: Vec<TypedItem<'a>>,
}

/// One item of [`TypedError`].
#[derive(Debug, Serialize)]
struct TypedItem<'a> {
    #[serde(flatten)]
    item: &'a api_entreprise::runtime::ErrorItem,
    /// Whether the spec lists the code (`ErrorCode` has a variant for it).
    known: bool,
    /// The status, title and provider the spec gives the code, when it lists it.
    #[serde(skip_serializing_if = "Option::is_none")]
    spec_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec_title: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec_provider: Option<&'static str>,
}

impl<'a> TypedError<'a> {
    fn new(error: &'a ApiError) -> TypedError<'a> {
        let errors = error
            .errors
            .iter()
            .map(|item| {
                let code = ErrorCode::from(item);
                TypedItem {
                    item,
                    known: !matches!(code, ErrorCode::Other(_)),
                    spec_status: code.status(),
                    spec_title: code.title(),
                    spec_provider: code.provider(),
                }
            })
            .collect();
        TypedError {
            status: error.status,
            advice: error.advice(),
            errors,
        }
    }
}

/// Runs `apie decode`.
pub(crate) fn run(args: &DecodeArgs) -> ExitCode {
    let DecodeArgs {
        operation,
        status,
        file,
        report_undeclared,
    } = args;
    let body = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        match std::io::stdin().read_to_end(&mut buf) {
            Ok(_) => buf,
            Err(e) => return fail(USAGE, &format!("cannot read standard input: {e}")),
        }
    } else {
        match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => return fail(USAGE, &format!("cannot read {}: {e}", file.display())),
        }
    };
    match api_entreprise::decode_any(operation, *status, &body) {
        None => fail(
            USAGE,
            &format!("no operation has the x-operationId `{operation}`"),
        ),
        Some(Ok(value)) => {
            if *report_undeclared {
                eprint!(
                    "{}",
                    undeclared_text(operation, &UndeclaredReport::of(&value))
                );
            }
            print_json(&value)
        }
        Some(Err(Error::Decode(e))) => fail(
            NO_FIT,
            &format!(
                "the HTTP {status} body does not fit the model of {operation} at `{}`: {}",
                e.path, e.message
            ),
        ),
        Some(Err(Error::Api(e))) => match &e.not_understood {
            Some(why) => fail(
                NO_FIT,
                &format!("the HTTP {status} body is not the API's error envelope: {why}"),
            ),
            None => {
                if *report_undeclared {
                    // The envelope is the platform's, read through the profile's pointers
                    // into the runtime's own type: no model of the spec to compare with.
                    eprintln!("undeclared: not looked for in an error body (HTTP {status})");
                }
                // The human summary beside the JSON: what a reader looks for first.
                eprintln!("API error, HTTP {}: {}", e.status, e.advice());
                for item in &e.errors {
                    let known = if matches!(ErrorCode::from(item), ErrorCode::Other(_)) {
                        " (not in the spec)"
                    } else {
                        ""
                    };
                    eprintln!("  {} {}{known}: {}", item.code, item.title, item.detail);
                }
                print_json(&TypedError::new(&e))
            }
        },
        Some(Err(other)) => fail(NO_FIT, &other.to_string()),
    }
}

/// The report of `--report-undeclared`: a count line, then one line per field or value (and
/// per value no `oneOf` alternative reads, which only a spec with `oneOf` can have).
fn undeclared_text(operation: &str, report: &UndeclaredReport) -> String {
    let mut out = format!(
        "undeclared in the body of {operation}: {} fields, {} enum values the spec does not list\n",
        report.fields.len(),
        report.enum_values.len()
    );
    for path in &report.fields {
        out.push_str(&format!("  field {path}\n"));
    }
    for (path, value) in &report.enum_values {
        out.push_str(&format!("  enum value {path} = {value:?}\n"));
    }
    for path in &report.unread_alternatives {
        out.push_str(&format!(
            "  value {path} read by none of its alternatives\n"
        ));
    }
    out
}

/// Prints `value` as pretty JSON: exit 0.
fn print_json(value: &impl Serialize) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(NO_FIT, &format!("cannot print the decoded value: {e}")),
    }
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}
