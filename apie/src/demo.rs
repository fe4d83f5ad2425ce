//! `apie demo`: the main job on embedded defaults. Starts the local mock
//! (the spec's examples this apie was built with, plus the staging payloads
//! `API_ENTREPRISE_PAYLOADS` names, if set), then calls it through the
//! generated client the way an application would: one operation of each
//! API version, the open monitoring route, the token's privileges, a
//! refused call. Exit 0 when every step behaved as expected. Nothing beside
//! the checkout is needed: without payloads the mock answers its examples,
//! and without a token file it makes up a token.

use std::process::ExitCode;

use std::time::Duration;

use api_entreprise::runtime::{CallOptions, Error, Request, Siren, Token};
use api_entreprise::{Client, Traceability};
use apie_mock::{MockConfig, MockServer};

/// Octo Technology, the company the spec's own examples look up.
const SIREN: &str = "418166096";
/// DINUM, a public body: the recipient of the data.
const RECIPIENT: &str = "13002526500013";

/// Runs `apie demo` (clap has refused any argument: it takes none).
pub(crate) fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(demo()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn demo() -> Result<(), String> {
    let server = MockServer::start_with(MockConfig::default())
        .await
        .map_err(|e| format!("the mock did not start: {e}"))?;
    let summary = server.summary();
    let answers = match &summary.data_dir {
        Some(dir) => format!(
            "{} staging payloads from {}, else the spec's examples",
            summary.payloads,
            dir.display()
        ),
        None => format!(
            "the spec's examples (no payloads: {} is not set)",
            apie_mock::PAYLOADS_ENV
        ),
    };
    let token_from = match &summary.token_file {
        Some(file) => format!("the token in {}", file.display()),
        None => "a token the mock made up".to_string(),
    };
    println!(
        "apie mock on {}: {} operations of {}, answering from {answers}; calling with {token_from}",
        server.base_url(),
        summary.operations,
        summary.specs.join(" and "),
    );
    let token = server.staging_token();
    let client = Client::builder()
        .base_url(server.base_url())
        .token(Token::new(token))
        .traceability(
            Traceability::new("démonstration", RECIPIENT, "apie demo")
                .map_err(|e| e.to_string())?,
        )
        .build()
        .map_err(|e| e.to_string())?;
    let siren: Siren = SIREN
        .parse()
        .map_err(|e: api_entreprise::runtime::IdentifierError| e.to_string())?;
    let failed = |step: &str, e: Error| format!("{step}: {e}");

    let v4 = client
        .v4()
        .insee_unites_legales(siren.clone())
        .await
        .map_err(|e| failed("v4 unité légale", e))?;
    let v4_body = serde_json::to_value(&v4.body).map_err(|e| e.to_string())?;
    println!(
        "v4 GET insee/sirene/unites_legales/{SIREN}: HTTP {}, siren {}, {} calls left this minute",
        v4.status,
        v4_body["data"]["siren"],
        v4.rate_limit.remaining.unwrap_or_default()
    );

    let v3 = client
        .v3()
        .infogreffe_mandataires_sociaux(siren.clone())
        .await
        .map_err(|e| failed("v3 mandataires sociaux", e))?;
    println!(
        "v3 GET infogreffe/rcs/unites_legales/{SIREN}/mandataires_sociaux: HTTP {}, {} calls left this minute",
        v3.status,
        v3.rate_limit.remaining.unwrap_or_default()
    );

    #[allow(deprecated)]
    let v2 = client.v2().entreprises_restored(siren.clone()).await;
    match v2 {
        Ok(r) => println!("v2 GET entreprises/{SIREN} (legacy): HTTP {}", r.status),
        Err(Error::Api(e)) => println!("v2 GET entreprises/{SIREN} (legacy): {e}"),
        Err(e) => return Err(failed("v2 entreprise", e)),
    }

    let status = client
        .watchdoge()
        .dashboard_current_status()
        .await
        .map_err(|e| failed("monitoring", e))?;
    let up = status
        .body
        .results
        .iter()
        .filter(|s| s.is_up() == Some(true))
        .count();
    println!(
        "monitoring (no token): {up} of {} endpoints up",
        status.body.results.len()
    );

    let privileges = client
        .privileges()
        .privileges()
        .await
        .map_err(|e| failed("privileges", e))?
        .body;
    println!(
        "privileges: {} scopes, {} operations known to be open",
        privileges.scopes().len(),
        privileges
            .allowed_operations(&api_entreprise::PLATFORM)
            .len()
    );

    throttle(&client).await?;

    // A typo is refused before anything is sent.
    match "418166097".parse::<Siren>() {
        Err(e) => println!("refused before sending: {e}"),
        Ok(_) => return Err("a SIREN with a wrong key was accepted".into()),
    }
    // The made-up token goes into a file of the user's own, which the lines name: a token
    // is never printed, not even one that opens nothing but a mock.
    let token_file = match summary.token_file.clone() {
        Some(file) => file,
        None => write_demo_token(&server.staging_token())?,
    };
    println!("{}", shell_lines(&server, &token_file));
    server.shutdown().await;
    Ok(())
}

/// Writes the mock's made-up token into `apie-demo-token` in the temporary folder, readable
/// by its owner alone; its path.
fn write_demo_token(token: &str) -> Result<std::path::PathBuf, String> {
    use std::io::Write;
    let path = std::env::temp_dir().join("apie-demo-token");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .map_err(|e| format!("cannot write the demo's token into {}: {e}", path.display()))?;
    file.write_all(token.as_bytes())
        .map_err(|e| format!("cannot write the demo's token into {}: {e}", path.display()))?;
    Ok(path)
}

/// The same v4 call from the shell, as lines that work when pasted: a mock of the user's
/// own on this one's port (freed when the demo ends), the call with a token it accepts, read
/// from `token_file`, and the mock stopped. The token file is named, never printed (a habit
/// of printing tokens is not one to teach).
fn shell_lines(server: &MockServer, token_file: &std::path::Path) -> String {
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "apie".to_owned());
    let exe = shell_quote(&exe);
    let base_url = server.base_url();
    let port = base_url.rsplit(':').next().unwrap_or_default();
    let token = format!(
        "\"$(cat {})\"",
        shell_quote(&token_file.display().to_string())
    );
    format!(
        "same call from the shell (a mock of your own, which accepts any well-formed JWT):\n  \
         {exe} mock --port {port} >/dev/null & sleep 2\n  \
         API_ENTREPRISE_TOKEN={token} {exe} call --operation api_entreprise_v4_insee_unites_legales \
         --param siren={SIREN} --base-url {base_url} --context démonstration \
         --recipient {RECIPIENT} --object 'apie demo'\n  \
         kill $!"
    )
}

/// `text` as one shell word: as it is when it holds nothing the shell reads, else in single
/// quotes.
fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@,+".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// DGFIP's fiscal certificate allows 5 calls a minute: five go, the sixth,
/// told not to wait, is refused before sending with the time it could go.
async fn throttle(client: &Client) -> Result<(), String> {
    const OPERATION: &str = "api_entreprise_v4_dgfip_attestations_fiscales";
    let meta = api_entreprise::find_operation(OPERATION).ok_or("fiscal certificate operation")?;
    let request = || {
        Request::from_params(meta, &[("siren".to_owned(), SIREN.to_owned())])
            .map_err(|e| e.to_string())
    };
    let own = meta
        .own_limit
        .ok_or("the fiscal certificate has a limit of its own")?;
    for _ in 0..own.calls {
        client
            .execute_bytes(request()?)
            .await
            .map_err(|e| format!("fiscal certificate: {e}"))?;
    }
    let mut one_more = request()?;
    one_more.options(CallOptions {
        max_wait: Some(Duration::ZERO),
        ..CallOptions::default()
    });
    match client.execute_bytes(one_more).await {
        Err(e @ Error::Throttled { .. }) => println!("throttle: call 6 not sent: {e}"),
        Ok(r) => {
            return Err(format!(
                "call 6 of a 5-a-minute operation was sent: HTTP {}",
                r.status
            ))
        }
        Err(e) => return Err(format!("fiscal certificate, call 6: {e}")),
    }
    for b in client.throttle_snapshot().buckets {
        println!(
            "throttle: bucket {:<45} {:>3}/{:<4} used this window, {} sent, {} x 429",
            b.bucket, b.used, b.limit, b.sent, b.too_many_requests
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn words_are_quoted_only_when_the_shell_would_read_them() {
        assert_eq!(shell_quote("/usr/bin/apie"), "/usr/bin/apie");
        assert_eq!(shell_quote("/my dir/apie"), "'/my dir/apie'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_quote(""), "''");
    }
}
