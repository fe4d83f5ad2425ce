//! `apie call`: one call to API Entreprise from the command line, through
//! the same checks as the typed client (identifiers, traceability, token
//! expiry, retries), printing the typed answer as JSON.
//!
//! Exit codes say where it failed, so scripts can react: 0 success, 2
//! refused before sending (bad usage, bad parameter, missing token or
//! traceability), 3 the API answered with an error (or with a body that
//! does not fit the model), 4 no answer (transport error or timeout).

use std::process::ExitCode;
use std::time::Duration;

use api_entreprise::runtime::{
    CallOptions, Client, ClientBuilder, Environment, Error, OperationMeta, Request, Token,
    Traceability,
};

use crate::usage;

const REFUSED: u8 = 2;
const API_ERROR: u8 = 3;
const NO_ANSWER: u8 = 4;

/// What the command line asked for (`apie batch` reads the same options).
#[derive(Debug, Default)]
pub(crate) struct CallArgs {
    pub(crate) operation: Option<String>,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) environment: Option<Environment>,
    pub(crate) context: Option<String>,
    pub(crate) recipient: Option<String>,
    pub(crate) object: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) download: Option<std::path::PathBuf>,
    pub(crate) skip_checksum: bool,
}

pub(crate) fn parse(args: &[String]) -> Result<CallArgs, String> {
    let mut out = CallArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--operation" => out.operation = Some(crate::flag_value(&mut it, arg)?),
            "--param" => {
                let pair = crate::flag_value(&mut it, arg)?;
                let (name, v) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--param {pair}: expected name=value"))?;
                out.params.push((name.to_owned(), v.to_owned()));
            }
            "--base-url" => {
                out.environment = Some(Environment::Custom(crate::flag_value(&mut it, arg)?));
            }
            "--staging" => out.environment = Some(Environment::Staging),
            "--context" => out.context = Some(crate::flag_value(&mut it, arg)?),
            "--recipient" => out.recipient = Some(crate::flag_value(&mut it, arg)?),
            "--object" => out.object = Some(crate::flag_value(&mut it, arg)?),
            "--timeout-ms" => {
                let ms = crate::flag_value(&mut it, arg)?;
                let ms: u64 = ms
                    .parse()
                    .map_err(|_| format!("--timeout-ms {ms}: expected milliseconds"))?;
                out.timeout = Some(Duration::from_millis(ms));
            }
            "--download" => out.download = Some(crate::flag_value(&mut it, arg)?.into()),
            "--skip-checksum" => out.skip_checksum = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(out)
}

/// Runs `apie call ARGS`.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let args = match parse(args) {
        Ok(a) => a,
        Err(problem) => return usage(Some(&problem)),
    };
    let Some(operation) = args.operation.clone() else {
        return usage(Some("call needs --operation <x-operationId>"));
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(NO_ANSWER);
        }
    };
    match runtime.block_on(call(&operation, args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

/// The environment variable's value, if set and not blank.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The operation called `operation`, or an error suggesting close names.
pub(crate) fn find_operation(operation: &str) -> Result<&'static OperationMeta, Error> {
    let Some(meta) = api_entreprise::find_operation(operation) else {
        let close: Vec<&str> = api_entreprise::all_operations()
            .map(|o| o.operation_id)
            .filter(|id| id.contains(operation) || operation.contains(*id))
            .take(5)
            .collect();
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" (did you mean: {}?)", close.join(", "))
        };
        return Err(Error::Config(format!(
            "no operation has the x-operationId `{operation}`{hint}"
        )));
    };
    Ok(meta)
}

async fn call(operation: &str, args: CallArgs) -> Result<(), Error> {
    let meta = find_operation(operation)?;
    let mut request = if args.skip_checksum {
        Request::from_params_without_checksum(meta, &args.params)?
    } else {
        Request::from_params(meta, &args.params)?
    };
    let client = client_builder(meta, &args)?.build()?;
    request.options(CallOptions {
        timeout: args.timeout,
        ..CallOptions::default()
    });

    // Decoded as JSON first, which on a 206 also turns "Donnée indisponible"
    // placeholders into nulls; then into the operation's typed model.
    let response = client.execute::<serde_json::Value>(request).await?;
    if !response.unavailable.is_empty() {
        eprintln!(
            "partial answer (206): unavailable: {}",
            response.unavailable.join(", ")
        );
    }
    let body = serde_json::to_vec(&response.body)
        .map_err(|e| Error::Config(format!("cannot read the answer: {e}")))?;
    let decoded = api_entreprise::decode_any(operation, response.status, &body)
        .unwrap_or_else(|| Err(Error::Config(format!("no model for {operation}"))))?;
    let json = serde_json::to_string_pretty(&decoded)
        .map_err(|e| Error::Config(format!("cannot print the answer: {e}")))?;
    println!("{json}");
    if let Some(remaining) = response.rate_limit.remaining {
        eprintln!(
            "rate limit: {remaining} of {} calls left in this window",
            response
                .rate_limit
                .limit
                .map_or_else(|| "?".to_owned(), |l| l.to_string())
        );
    }
    if let Some(path) = args.download {
        let url = response
            .body
            .pointer("/data/document_url")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                Error::Config(format!(
                    "--download: the answer of {operation} has no data.document_url"
                ))
            })?;
        let expires_in = response
            .body
            .pointer("/data/expires_in")
            .and_then(|v| v.as_i64());
        let link = response.document_link(url, expires_in);
        let bytes = client.download_document_to_file(&link, &path, None).await?;
        eprintln!("document saved to {} ({bytes} bytes)", path.display());
    }
    Ok(())
}

/// The client's environment, token (API_ENTREPRISE_TOKEN) and traceability
/// (options, else API_ENTREPRISE_CONTEXT / _RECIPIENT / _OBJECT), checked
/// for `meta`.
pub(crate) fn client_builder(
    meta: &'static OperationMeta,
    args: &CallArgs,
) -> Result<ClientBuilder, Error> {
    let operation = meta.operation_id;
    let mut builder = Client::builder().environment(args.environment.clone().unwrap_or_default());
    let secret_env = api_entreprise::platform::SECRET_ENV;
    if let Some(token) = env(secret_env) {
        builder = builder.token(Token::new(token));
    } else if meta.requires_token {
        return Err(Error::Config(format!(
            "{operation} needs a token: set {secret_env}"
        )));
    }
    if meta.requires_traceability() {
        // The flags `--context`, `--recipient`, `--object`, else `<PREFIX>_<NAME>`.
        let flag = |name: &str| match name {
            "context" => args.context.clone(),
            "recipient" => args.recipient.clone(),
            "object" => args.object.clone(),
            _ => None,
        };
        let mut values = Vec::new();
        for name in meta.traceability {
            let var = format!(
                "{}_{}",
                api_entreprise::platform::ENV_PREFIX,
                name.to_ascii_uppercase()
            );
            let value = flag(name).or_else(|| env(&var)).ok_or_else(|| {
                Error::Config(format!(
                    "{operation} needs `{name}`: give --{name} or set {var}"
                ))
            })?;
            values.push((*name, value));
        }
        let pairs = values.iter().map(|(n, v)| (*n, v.as_str()));
        builder = builder.traceability(Traceability::from_pairs(pairs)?);
    }
    Ok(builder)
}

/// Prints the error in plain words and picks the exit code.
fn report(error: &Error) -> ExitCode {
    match error {
        Error::Api(api) => {
            eprintln!("API error: {api}");
            for item in api.errors.iter().skip(1) {
                eprintln!("  also [{}] {}: {}", item.code, item.title, item.detail);
            }
            let providers = api.providers();
            if !providers.is_empty() {
                eprintln!("  provider: {}", providers.join(", "));
            }
            ExitCode::from(API_ERROR)
        }
        Error::Decode(e) => {
            eprintln!("error: {e}");
            ExitCode::from(API_ERROR)
        }
        Error::Timeout { .. } | Error::Transport { .. } => {
            eprintln!("error: {error}");
            ExitCode::from(NO_ANSWER)
        }
        _ => {
            eprintln!("error: {error}");
            ExitCode::from(REFUSED)
        }
    }
}
