//! `apie`: the command-line companion of the `api-entreprise` client.
//!
//! `apie decode --operation <x-operationId> --status <N> <FILE>` decodes a response body
//! with the generated models: prints the typed value as JSON and exits 0, or prints what did
//! not fit (with its JSON path) and exits 1. Bad usage or an unreadable file exits 2.

use std::process::ExitCode;

use api_entreprise::Error;

const USAGE: &str = "usage: apie decode --operation <x-operationId> --status <N> <FILE>
  FILE is a response body (JSON); `-` reads standard input.
Exit codes: 0 decoded, 1 the body does not fit (or is an API error), 2 bad usage or unreadable file.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((command, rest)) if command == "decode" => decode(rest),
        Some((command, _)) if command == "--help" || command == "-h" || command == "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => usage(None),
    }
}

fn usage(problem: Option<&str>) -> ExitCode {
    if let Some(p) = problem {
        eprintln!("error: {p}");
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn decode(args: &[String]) -> ExitCode {
    let (mut operation, mut status, mut file) = (None, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--operation" => operation = it.next().cloned(),
            "--status" => match it.next().map(|s| s.parse::<u16>()) {
                Some(Ok(s)) => status = Some(s),
                _ => return usage(Some("--status needs an HTTP status number")),
            },
            other if other.starts_with("--") => {
                return usage(Some(&format!("unknown option {other}")))
            }
            other => file = Some(other.to_string()),
        }
    }
    let (Some(operation), Some(status), Some(file)) = (operation, status, file) else {
        return usage(Some("decode needs --operation, --status and a FILE"));
    };
    let body = if file == "-" {
        let mut buf = Vec::new();
        match std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf) {
            Ok(_) => buf,
            Err(e) => return usage(Some(&format!("cannot read standard input: {e}"))),
        }
    } else {
        match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(e) => return usage(Some(&format!("cannot read {file}: {e}"))),
        }
    };
    match api_entreprise::decode_any(&operation, status, &body) {
        None => usage(Some(&format!(
            "no operation has the x-operationId `{operation}`"
        ))),
        Some(Ok(value)) => match serde_json::to_string_pretty(&value) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot print the decoded value: {e}");
                ExitCode::from(1)
            }
        },
        Some(Err(Error::Decode(e))) => {
            eprintln!(
                "error: the body does not fit the model of {operation} at `{}`: {}",
                e.path, e.message
            );
            ExitCode::from(1)
        }
        Some(Err(Error::Api(e))) => {
            let codes: Vec<String> = e
                .errors
                .iter()
                .map(|item| {
                    let code = api_entreprise::errors::ErrorCode::from(item);
                    let known = if matches!(code, api_entreprise::errors::ErrorCode::Other(_)) {
                        " (not in the spec)"
                    } else {
                        ""
                    };
                    format!("{} {}{known}: {}", item.code, item.title, item.detail)
                })
                .collect();
            eprintln!(
                "API error, HTTP {}: {}\n  {}",
                e.status,
                e.advice(),
                codes.join("\n  ")
            );
            ExitCode::from(1)
        }
        Some(Err(other)) => {
            eprintln!("error: {other}");
            ExitCode::from(1)
        }
    }
}
