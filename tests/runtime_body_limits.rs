//! Answer bodies are read with a bound: a server (or a proxy) that sends more
//! than the profile allows gets a clear error, never gigabytes in memory, and
//! a download cut off leaves no file.

mod support;

use std::time::{Duration, SystemTime};

use api_entreprise::platform;
use api_entreprise::runtime::{DocumentLink, Error, OperationMeta, Request, Token};
use api_entreprise::{Client, Traceability};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const OP: OperationMeta = support::meta::fake_operation("body_limits", "/v3/test/body");

/// How a fake server sends its 200 answer.
#[derive(Clone, Copy)]
enum Answer {
    /// `Content-Length` of `n`, then `n` bytes.
    Sized(u64),
    /// `Content-Length` of `n`, and no byte of it: the bound must refuse on
    /// the header alone.
    Announced(u64),
    /// Chunked, without end: the bound is all that stops the reading.
    Endless,
}

/// A server answering every request with `answer`, on a random port.
async fn server(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let chunk = vec![b' '; 64 * 1024];
                let head = match answer {
                    Answer::Sized(n) | Answer::Announced(n) => format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {n}\r\n\r\n"
                    ),
                    Answer::Endless => "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                        transfer-encoding: chunked\r\n\r\n"
                        .to_owned(),
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                match answer {
                    Answer::Sized(n) => {
                        // A JSON string padded with spaces, exactly `n` bytes.
                        let mut body = vec![b' '; n as usize];
                        body[0] = b'"';
                        body[n as usize - 1] = b'"';
                        let _ = socket.write_all(&body).await;
                    }
                    Answer::Announced(_) => {
                        // Hold the connection: only the header was sent.
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    Answer::Endless => loop {
                        let frame = format!("{:x}\r\n", chunk.len());
                        if socket.write_all(frame.as_bytes()).await.is_err()
                            || socket.write_all(&chunk).await.is_err()
                            || socket.write_all(b"\r\n").await.is_err()
                        {
                            return;
                        }
                    },
                }
            });
        }
    });
    url
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token(Token::new("SECRET-TOKEN-123".into()))
        .traceability(Traceability::new("aides publiques", "13002526500013", "dossier 42").unwrap())
        .build()
        .unwrap()
}

async fn call(url: &str) -> Result<usize, Error> {
    let request = Request::new(&OP, "/v3/test/body".to_owned());
    client(url)
        .execute_bytes(request)
        .await
        .map(|r| r.body.len())
}

fn assert_too_large(err: &Error, limit: u64) {
    assert!(
        matches!(err, Error::BodyTooLarge { status: 200, limit: l, .. } if *l == limit),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&format!("larger than the {limit} bytes")),
        "{err}"
    );
    assert_eq!(err.status(), Some(200));
}

#[tokio::test]
async fn a_body_at_the_bound_is_read_one_byte_more_is_refused() {
    let limit = platform::GROUP_JSON.max_body;
    let at = server(Answer::Sized(limit)).await;
    assert_eq!(call(&at).await.unwrap() as u64, limit);
    let over = server(Answer::Sized(limit + 1)).await;
    assert_too_large(&call(&over).await.unwrap_err(), limit);
}

#[tokio::test]
async fn an_announced_length_over_the_bound_is_refused_before_reading() {
    let limit = platform::GROUP_JSON.max_body;
    let url = server(Answer::Announced(10 * limit)).await;
    // The server never sends the body: only the header can have stopped us,
    // well before the operation's timeout.
    let started = std::time::Instant::now();
    assert_too_large(&call(&url).await.unwrap_err(), limit);
    assert!(started.elapsed() < OP.timeout, "{:?}", started.elapsed());
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_bound() {
    let limit = platform::GROUP_JSON.max_body;
    let url = server(Answer::Endless).await;
    assert_too_large(&call(&url).await.unwrap_err(), limit);
}

#[tokio::test]
async fn a_document_over_the_download_bound_leaves_no_file() {
    let url = server(Answer::Announced(platform::DOWNLOAD_MAX_BYTES + 1)).await;
    let link = DocumentLink::new(&format!("{url}/doc.pdf"), None, SystemTime::now());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    let err = client(&url)
        .download_document_to_file(&link, &path, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BodyTooLarge { limit, .. } if *limit == platform::DOWNLOAD_MAX_BYTES),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file, no .part"
    );

    // Endless: the bytes are written until the bound, no further.
    let url = server(Answer::Endless).await;
    let link = DocumentLink::new(&format!("{url}/doc.pdf"), None, SystemTime::now());
    let mut out = Counter(0);
    let err = client(&url)
        .download_document(&link, &mut out, Some(Duration::from_secs(120)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    // Up to the bound (less the chunk that passed it), no further.
    assert!(
        out.0 <= platform::DOWNLOAD_MAX_BYTES && out.0 + 1024 * 1024 > platform::DOWNLOAD_MAX_BYTES,
        "{}",
        out.0
    );
}

/// A writer that only counts what it is given.
struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
