//! `apie decode`: decodes a response body with the generated models, printing the typed value
//! as JSON (exit 0) or what did not fit, with its JSON path (exit 1). Bad usage exits 2.

use std::process::ExitCode;

use api_entreprise::Error;

use crate::usage;

pub(crate) fn decode(args: &[String]) -> ExitCode {
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
