//! `apie call`: one call to API Entreprise from the command line, through
//! the same checks as the typed client (identifiers, traceability, token
//! expiry, retries), printing the typed answer as JSON.
//!
//! Exit codes say where it failed, so scripts can react: 0 success, 2
//! refused before sending (bad usage, bad parameter, missing token or
//! traceability), 3 the API answered with an error (or with a body that
//! does not fit the model), 4 no answer (transport error or timeout).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::LazyLock;
use std::time::Duration;

use api_entreprise::runtime::{
    CallOptions, ClientBuilder, Environment, Error, OnMaintenance, OperationMeta,
    ParseMaintenanceError, Request, Token,
};
use api_entreprise::{Client, Traceability};

const REFUSED: u8 = 2;
const API_ERROR: u8 = 3;
const NO_ANSWER: u8 = 4;

/// `<PREFIX>_CONTEXT` and its siblings: the variables the traceability options fall back on,
/// named after the platform's prefix (`API_ENTREPRISE_` for API Entreprise).
static CONTEXT_ENV: LazyLock<String> = LazyLock::new(|| traceability_env("context"));
static RECIPIENT_ENV: LazyLock<String> = LazyLock::new(|| traceability_env("recipient"));
static OBJECT_ENV: LazyLock<String> = LazyLock::new(|| traceability_env("object"));

fn traceability_env(name: &str) -> String {
    format!(
        "{}_{}",
        api_entreprise::platform::ENV_PREFIX,
        name.to_ascii_uppercase()
    )
}

/// `apie call --help`'s closing part.
const CALL_HELP: &str = "\
Examples:
  export API_ENTREPRISE_TOKEN=$(cat token)
  apie call --operation api_entreprise_v4_insee_unites_legales --param siren=418166096 \\
      --context 'aides publiques' --recipient 13002526500013 --object 'dossier 42'
  apie call --staging --skip-checksum --operation api_entreprise_v3_insee_unites_legales \\
      --param siren=000000001
  apie call --operation api_entreprise_v4_acoss_attestations_sociales --param siren=418166096 \\
      --download attestation.pdf

The answer is checked the way the typed client checks it (identifiers, traceability, token
expiry, retries) and printed as JSON on stdout; the quota left goes to stderr.

Exit codes:
  0  success
  2  refused before sending: bad usage, parameter, identifier or traceability; missing or
     expired token; the provider's maintenance window with --maintenance fail
  3  the API answered an error (message, code, provider, advice), or a body that does not fit
  4  no answer: transport error or timeout";

/// The options `apie call` and `apie batch` share: the operation, its parameters, where to
/// send, the token and the traceability.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ClientArgs {
    /// The operation, by its x-operationId (e.g. api_entreprise_v4_insee_unites_legales)
    #[arg(long, value_name = "X_OPERATION_ID")]
    pub(crate) operation: String,
    /// A parameter of the operation; repeat for each
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub(crate) params: Vec<(String, String)>,
    /// Send to this base URL (a mock, a proxy) instead of production
    #[arg(long, value_name = "URL", conflicts_with = "staging")]
    base_url: Option<String>,
    /// Send to the staging environment instead of production
    #[arg(long)]
    staging: bool,
    /// The token; prefer the variable, since a command line is visible to every user of the
    /// machine
    #[arg(
        long,
        value_name = "TOKEN",
        env = api_entreprise::platform::SECRET_ENV,
        hide_env_values = true,
        value_parser = parse_token
    )]
    token: Option<Secret>,
    /// Traceability: why the data is asked for (for operations that take it)
    #[arg(long, value_name = "TEXT", env = CONTEXT_ENV.as_str())]
    context: Option<String>,
    /// Traceability: the SIRET of the public body the data is for
    #[arg(long, value_name = "SIRET", env = RECIPIENT_ENV.as_str())]
    recipient: Option<String>,
    /// Traceability: the case the data is for (a file number…)
    #[arg(long, value_name = "TEXT", env = OBJECT_ENV.as_str())]
    object: Option<String>,
    /// Give up on a call after this many milliseconds (default: the operation's own timeout)
    #[arg(long, value_name = "MS", value_parser = parse_millis)]
    pub(crate) timeout_ms: Option<Duration>,
    /// Accept SIREN and SIRET failing their Luhn key (staging's fictitious companies)
    #[arg(long)]
    pub(crate) skip_checksum: bool,
}

impl ClientArgs {
    /// Production, staging or `--base-url`.
    pub(crate) fn environment(&self) -> Environment {
        environment(self.base_url.as_deref(), self.staging)
    }
}

/// `--base-url URL`, else `--staging`, else production (`apie call`, `batch`, `status`).
pub(crate) fn environment(base_url: Option<&str>, staging: bool) -> Environment {
    match (base_url, staging) {
        (Some(url), _) => Environment::Custom(url.to_owned()),
        (None, true) => Environment::Staging,
        (None, false) => Environment::default(),
    }
}

/// `apie call`: the shared options and `--download`.
#[derive(Debug, clap::Args)]
#[command(after_help = CALL_HELP)]
pub(crate) struct CallArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Save the document the answer links to (data.document_url) into FILE
    #[arg(long, value_name = "FILE")]
    download: Option<PathBuf>,
    /// Inside the operation's daily maintenance window (the spec's, in the API's time zone):
    /// `send` sends anyway (the client's default), `fail` refuses without sending (exit 2),
    /// `wait` waits for the window's end, then sends
    #[arg(long, value_name = "MODE", default_value = "send", value_parser = on_maintenance)]
    maintenance: OnMaintenance,
}

/// `--maintenance MODE` (`apie call`, `apie batch`).
pub(crate) fn on_maintenance(text: &str) -> Result<OnMaintenance, ParseMaintenanceError> {
    text.parse()
}

/// A token read from the command line or the environment. Its `Debug` is the token's own,
/// which never shows the secret, so the parsed arguments can be printed.
#[derive(Debug, Clone)]
pub(crate) struct Secret(Token);

fn parse_token(text: &str) -> Result<Secret, String> {
    Ok(Secret(Token::new(text.to_owned())))
}

fn parse_param(pair: &str) -> Result<(String, String), String> {
    let (name, value) = pair
        .split_once('=')
        .ok_or_else(|| format!("{pair}: expected name=value"))?;
    Ok((name.to_owned(), value.to_owned()))
}

fn parse_millis(text: &str) -> Result<Duration, String> {
    text.parse()
        .map(Duration::from_millis)
        .map_err(|_| format!("{text}: expected milliseconds"))
}

/// Runs `apie call`.
pub(crate) fn run(args: CallArgs) -> ExitCode {
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
    match runtime.block_on(call(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

/// What stops `apie call`: a problem of the command line, or the client's own error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CallError {
    /// No operation has this id.
    #[error("no operation has the x-operationId `{operation}`{}", did_you_mean(.close))]
    UnknownOperation {
        /// The id given.
        operation: String,
        /// Ids that contain it or that it contains.
        close: Vec<&'static str>,
    },
    /// The operation sends a token and none was given.
    #[error("{operation} needs a token: set {env}")]
    TokenNeeded {
        /// The operation.
        operation: &'static str,
        /// The variable that gives it.
        env: &'static str,
    },
    /// A traceability parameter the operation declares was given nowhere.
    #[error("{operation} needs `{name}`: give --{name} or set {env}")]
    TraceabilityNeeded {
        /// The operation.
        operation: &'static str,
        /// The parameter.
        name: &'static str,
        /// The variable that gives it.
        env: String,
    },
    /// `--download` on an answer without a document link.
    #[error("--download: the answer of {operation} has no data.document_url")]
    NoDocumentUrl {
        /// The operation.
        operation: String,
    },
    /// The client has no model for the operation's answer.
    #[error("no model for {operation}")]
    NoModel {
        /// The operation.
        operation: String,
    },
    /// The answer could not be written out as JSON.
    #[error("cannot print the answer: {0}")]
    Print(#[from] serde_json::Error),
    /// The client refused the call, or the API answered with an error.
    #[error(transparent)]
    Client(#[from] Error),
}

fn did_you_mean(close: &[&str]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean: {}?)", close.join(", "))
    }
}

/// The operation called `operation`, or an error suggesting close names.
pub(crate) fn find_operation(operation: &str) -> Result<&'static OperationMeta, CallError> {
    let Some(meta) = api_entreprise::find_operation(operation) else {
        let close: Vec<&str> = api_entreprise::all_operations()
            .map(|o| o.operation_id)
            .filter(|id| id.contains(operation) || operation.contains(*id))
            .take(5)
            .collect();
        return Err(CallError::UnknownOperation {
            operation: operation.to_owned(),
            close,
        });
    };
    Ok(meta)
}

async fn call(args: CallArgs) -> Result<(), CallError> {
    let CallArgs {
        client,
        download,
        maintenance,
    } = args;
    let operation = client.operation.as_str();
    let meta = find_operation(operation)?;
    let mut request = if client.skip_checksum {
        Request::from_params_without_checksum(meta, &client.params)?
    } else {
        Request::from_params(meta, &client.params)?
    };
    let timeout = client.timeout_ms;
    let client = client_builder(meta, &client)?
        .on_maintenance(maintenance)
        .build()?;
    request.options(CallOptions {
        timeout,
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
    let body = serde_json::to_vec(&response.body)?;
    let decoded =
        api_entreprise::decode_any(operation, response.status, &body).ok_or_else(|| {
            CallError::NoModel {
                operation: operation.to_owned(),
            }
        })??;
    let json = serde_json::to_string_pretty(&decoded)?;
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
    if let Some(path) = download {
        let url = response
            .body
            .pointer("/data/document_url")
            .and_then(|v| v.as_str())
            .ok_or_else(|| CallError::NoDocumentUrl {
                operation: operation.to_owned(),
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

/// The client's environment, token (`--token`, else API_ENTREPRISE_TOKEN) and traceability
/// (options, else API_ENTREPRISE_CONTEXT / _RECIPIENT / _OBJECT), checked for `meta`.
pub(crate) fn client_builder(
    meta: &'static OperationMeta,
    args: &ClientArgs,
) -> Result<ClientBuilder<Client>, CallError> {
    let operation = meta.operation_id;
    let mut builder = Client::builder().environment(args.environment());
    let secret_env = api_entreprise::platform::SECRET_ENV;
    if let Some(Secret(token)) = &args.token {
        builder = builder.token(token.clone());
    } else if meta.requires_token() {
        return Err(CallError::TokenNeeded {
            operation,
            env: secret_env,
        });
    }
    if meta.requires_traceability() {
        // A blank value is no value, from the command line as from the environment.
        let given = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        let flag = |name: &str| match name {
            "context" => given(&args.context),
            "recipient" => given(&args.recipient),
            "object" => given(&args.object),
            _ => None,
        };
        let mut values = Vec::new();
        for name in meta.traceability {
            let value = flag(name).ok_or_else(|| CallError::TraceabilityNeeded {
                operation,
                name,
                env: traceability_env(name),
            })?;
            values.push((*name, value));
        }
        let pairs = values.iter().map(|(n, v)| (*n, v.as_str()));
        builder = builder.traceability(Traceability::from_pairs(pairs).map_err(Error::from)?);
    }
    Ok(builder)
}

/// Prints the error in plain words and picks the exit code.
fn report(error: &CallError) -> ExitCode {
    let CallError::Client(error) = error else {
        eprintln!("error: {error}");
        return ExitCode::from(REFUSED);
    };
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
        Error::BodyTooLarge { .. } => {
            eprintln!("error: {error}");
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
