//! Which certificate authorities the client trusts: Mozilla's bundle by default (what the
//! API's guide advises), and with the feature `tls-system-roots` the system's store too, for
//! networks whose TLS-inspecting proxy signs with a CA of its own.
//!
//! The server here presents a certificate signed by a test CA that no bundle has
//! (`tests/fixtures/tls`, valid until 2126). `SSL_CERT_FILE` stands for the system's store:
//! rustls-native-certs reads it in place of the system's files. It is set before any client is
//! built, and this file's one test per build is all that runs in its process.

mod support;

use std::path::Path;
use std::sync::Arc;

use api_entreprise::runtime::{Error, OperationMeta, Request, Token};
use api_entreprise::{Client, Traceability};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{crypto, ServerConfig};
use tokio_rustls::TlsAcceptor;

const OP: OperationMeta = support::meta::fake_operation("tls_roots", "/v3/test/tls");

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// An HTTPS server on 127.0.0.1 answering `{}` to every request, with the test CA's
/// certificate; its base URL.
async fn https_server() -> String {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(fixture("server.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    let config = ServerConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to do.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut request = [0u8; 4096];
                let _ = tls.read(&mut request).await;
                let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                              content-length: 2\r\nconnection: close\r\n\r\n{}";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    url
}

async fn call_the_test_server() -> Result<u16, Error> {
    // Before the client (and so its trust store) is built; this process runs no other test.
    std::env::set_var("SSL_CERT_FILE", fixture("ca.pem"));
    let url = https_server().await;
    let client = Client::builder()
        .base_url(url)
        .token(Token::new("SECRET-TOKEN-123".into()))
        .traceability(Traceability::new("tests", "13002526500013", "tls").unwrap())
        .build()
        .unwrap();
    client
        .execute_bytes(Request::new(&OP, "/v3/test/tls".to_owned()))
        .await
        .map(|r| r.status)
}

#[cfg(not(feature = "tls-system-roots"))]
#[tokio::test]
async fn by_default_only_mozillas_bundle_is_trusted() {
    let err = call_the_test_server()
        .await
        .expect_err("a CA outside the bundle");
    let Error::Transport { error, .. } = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    // The TLS failure is in the error's source chain, and in its message.
    let mut causes = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(c) = cause {
        causes.push(c.to_string());
        cause = c.source();
    }
    assert!(
        causes.iter().any(|c| c.contains("UnknownIssuer")),
        "{causes:?}"
    );
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    assert!(!err.to_string().contains("SECRET-TOKEN-123"));
}

#[cfg(feature = "tls-system-roots")]
#[tokio::test]
async fn with_tls_system_roots_the_systems_store_is_trusted_too() {
    assert_eq!(
        call_the_test_server()
            .await
            .expect("the store's CA is trusted"),
        200
    );
}
