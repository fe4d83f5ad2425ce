//! Uses each dependency a little, so that each is compiled and linked as the client would.

#[derive(serde::Deserialize, serde::Serialize, Debug)]
struct Body {
    siren: String,
}

#[derive(thiserror::Error, Debug)]
#[error("{0}")]
struct Failed(String);

#[tokio::main]
async fn main() -> Result<(), Failed> {
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| Failed(e.to_string()))?;
    let body: Body =
        serde_json::from_str(r#"{"siren": "418166096"}"#).map_err(|e| Failed(e.to_string()))?;
    let date = time::macros::date!(2026 - 12 - 01);
    let now = httpdate::fmt_http_date(std::time::SystemTime::now());
    let path = percent_encoding::utf8_percent_encode("a b", percent_encoding::NON_ALPHANUMERIC);
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    tracing::info!(?body, %date, %now, %path, "floor");
    drop(client);
    Ok(())
}
