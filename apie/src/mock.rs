//! `apie mock [--port N] [--data DIR] [--spec FILE] [--spec-v2 FILE] [--minute-ms N]`: serves
//! a local API Entreprise ([`apie_mock`]) until Ctrl-C.
//!
//! Exit codes: 0 stopped by Ctrl-C, 1 the server could not start (a file it needs is missing
//! or malformed, the port is taken), 2 bad usage.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use apie_mock::{MockConfig, MockServer};

pub(crate) fn run(args: &[String]) -> ExitCode {
    let config = match parse(args) {
        Ok(config) => config,
        Err(problem) => return crate::usage(Some(&problem)),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(config))
}

async fn serve(config: MockConfig) -> ExitCode {
    let server = match MockServer::start_with(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let summary = server.summary();
    println!("apie mock listening on {}", server.base_url());
    println!(
        "{} operations ({} and {}), {} error codes from the spec's examples",
        summary.operations,
        summary.spec.display(),
        summary.spec_v2.display(),
        summary.error_codes
    );
    match &summary.data_dir {
        Some(dir) => println!(
            "{} staging payloads from {}",
            summary.payloads,
            dir.display()
        ),
        None => println!("no staging payloads found: answering from the spec's examples"),
    }
    // The staging token is public, but a habit of printing tokens is not one to teach.
    if server.staging_token().is_some() {
        println!("the staging token beside the payloads is accepted, as is any well-formed JWT");
    } else {
        println!("any well-formed JWT is accepted as bearer token");
    }
    for warning in server.warnings() {
        eprintln!("warning: {warning}");
    }
    println!("Ctrl-C stops it.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    server.shutdown().await;
    println!("apie mock stopped");
    ExitCode::SUCCESS
}

/// The options, each given at most once, as `--name VALUE` or `--name=VALUE`.
fn parse(args: &[String]) -> Result<MockConfig, String> {
    let mut config = MockConfig::default();
    let mut seen: Vec<String> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        if !matches!(
            name,
            "--port" | "--data" | "--spec" | "--spec-v2" | "--minute-ms"
        ) {
            return Err(format!("unknown argument `{arg}`"));
        }
        if seen.iter().any(|s| s == name) {
            return Err(format!("{name} is given twice"));
        }
        seen.push(name.to_string());
        let value = match inline {
            Some(value) => value,
            None => rest
                .next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))?,
        };
        if value.is_empty() {
            return Err(format!("{name} needs a value"));
        }
        match name {
            "--port" => {
                config.port = value.parse().map_err(|_| {
                    format!("--port takes a port number (0 to 65535), not `{value}`")
                })?
            }
            "--data" => config.data_dir = Some(PathBuf::from(value)),
            "--spec" => config.spec = Some(PathBuf::from(value)),
            "--spec-v2" => config.spec_v2 = Some(PathBuf::from(value)),
            _ => {
                let ms: u64 = value.parse().ok().filter(|ms| *ms > 0).ok_or_else(|| {
                    format!("--minute-ms takes a positive number of milliseconds, not `{value}`")
                })?;
                config.minute = Duration::from_millis(ms);
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_set_the_config() {
        let config = parse(&args(&[
            "--port",
            "8080",
            "--data=/tmp/payloads",
            "--spec",
            "a.yml",
            "--spec-v2",
            "b.yml",
            "--minute-ms",
            "500",
        ]))
        .unwrap();
        assert_eq!(config.port, 8080);
        assert_eq!(config.data_dir, Some(PathBuf::from("/tmp/payloads")));
        assert_eq!(config.spec, Some(PathBuf::from("a.yml")));
        assert_eq!(config.spec_v2, Some(PathBuf::from("b.yml")));
        assert_eq!(config.minute, Duration::from_millis(500));
        assert_eq!(parse(&[]).unwrap(), MockConfig::default());
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        for (list, expected) in [
            (&["--port", "http"][..], "port number"),
            (&["--port", "70000"][..], "port number"),
            (&["--port"][..], "needs a value"),
            (&["--data="][..], "needs a value"),
            (&["--minute-ms", "0"][..], "positive"),
            (&["--verbose"][..], "unknown argument"),
            (&["extra"][..], "unknown argument"),
            (&["--port", "1", "--port", "2"][..], "twice"),
        ] {
            let problem = parse(&args(list)).unwrap_err();
            assert!(problem.contains(expected), "{list:?}: {problem}");
        }
    }
}
