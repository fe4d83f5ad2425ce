//! Document downloads: streamed, bounded in time, refused when the link has
//! expired, and never carrying the token.

use std::time::{Duration, SystemTime};

use api_entreprise::runtime::{DocumentLink, Error, Token, ValidationError};
use api_entreprise::Client;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn client() -> Client {
    Client::builder()
        .token(Token::new("SECRET-TOKEN-123".into()))
        .build()
        .unwrap()
}

async fn server_with(body: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/files/attestation.pdf"))
        .respond_with(body)
        .mount(&server)
        .await;
    server
}

fn link(server: &MockServer, expires_in: Option<i64>) -> DocumentLink {
    DocumentLink::new(
        &format!("{}/files/attestation.pdf", server.uri()),
        expires_in,
        SystemTime::now(),
    )
}

#[tokio::test]
async fn downloads_the_bytes_without_sending_the_token() {
    let server = server_with(ResponseTemplate::new(200).set_body_bytes(PDF)).await;
    let mut out = Vec::new();
    let n = client()
        .download_document(&link(&server, Some(86_400)), &mut out, None)
        .await
        .unwrap();
    assert_eq!(out, PDF);
    assert_eq!(n, PDF.len() as u64);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].headers.get("authorization").is_none(),
        "the link is pre-signed: no bearer"
    );
}

#[tokio::test]
async fn expired_or_unsafe_links_are_refused_before_sending() {
    let server = server_with(ResponseTemplate::new(200).set_body_bytes(PDF)).await;
    let old = DocumentLink::new(
        &format!("{}/files/attestation.pdf", server.uri()),
        Some(60),
        SystemTime::now() - Duration::from_secs(3600),
    );
    let err = client()
        .download_document(&old, &mut Vec::new(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(ValidationError::Parameter { problem, .. }) if problem.contains("expired")),
        "{err:?}"
    );
    for url in [
        "http://example.org/a.pdf",
        "ftp://example.org/a.pdf",
        "not a url",
    ] {
        let link = DocumentLink::new(url, None, SystemTime::now());
        let err = client()
            .download_document(&link, &mut Vec::new(), None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{url}: {err:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_slow_document_times_out_and_leaves_no_file() {
    let server = server_with(
        ResponseTemplate::new(200)
            .set_body_bytes(PDF)
            .set_delay(Duration::from_millis(600)),
    )
    .await;
    // Removed when the test ends, pass or fail.
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let target = dir.join("slow.pdf");
    let err = client()
        .download_document_to_file(
            &link(&server, None),
            &target,
            Some(Duration::from_millis(100)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(!target.exists());
    assert!(!dir.join("slow.pdf.part").exists());

    // The same download with the default 12 s timeout lands in the file.
    let n = client()
        .download_document_to_file(&link(&server, None), &target, None)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), PDF);
    assert_eq!(n, PDF.len() as u64);
}

#[tokio::test]
async fn an_error_status_is_an_api_error() {
    let server = server_with(ResponseTemplate::new(404)).await;
    let err = client()
        .download_document(&link(&server, None), &mut Vec::new(), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}
