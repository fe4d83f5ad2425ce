use api_entreprise::runtime::Siren;
use api_entreprise::{Client, Environment, Traceability};

#[tokio::main]
async fn main() -> Result<(), api_entreprise::Error> {
    // The local mock's address (`apie mock` prints it), else the API's staging deployment.
    let environment = match std::env::var("API_ENTREPRISE_BASE_URL") {
        Ok(url) => Environment::Custom(url),
        Err(_) => Environment::Staging,
    };
    let client = Client::builder()
        .environment(environment)
        .token(api_entreprise::token_from_env()?) // API_ENTREPRISE_TOKEN; never printed
        .traceability(Traceability::new("aides publiques", "13002526500013", "dossier 42")?)
        .build()?;
    let siren: Siren = "418166096".parse()?; // refused before any request when invalid
    let response = client.v4().insee_unites_legales(siren).await?;
    println!(
        "{} ({} calls left this minute)",
        response.body.data.siren,
        response.rate_limit.remaining.unwrap_or(0)
    );
    Ok(())
}
