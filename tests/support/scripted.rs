//! A tiny HTTP/1.1 server that runs on the test's own runtime and answers a
//! script, one reply a request (the last one again once the script is done).
//!
//! wiremock serves from a thread of its own: on a paused tokio clock
//! (`#[tokio::test(start_paused = true)]`) the test's runtime would see
//! nothing to do while that thread works, jump its clock to the next timer
//! and time the call out. This server is a task of the test's runtime, so
//! the runtime sees its socket ready and only moves the clock when every
//! task waits on a timer: the waits under test then take no real time, and
//! their length can be asserted to the millisecond.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One answer of the script.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: String,
    /// Whether the head and the body go out in two writes (as a proxy streaming a
    /// body may send them) rather than one.
    pub split: bool,
}

impl Reply {
    /// A reply with `status` and a JSON `body`.
    pub fn new(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.to_string(),
            split: false,
        }
    }

    /// The same, its head and body written separately.
    pub fn split(mut self) -> Reply {
        self.split = true;
        self
    }

    /// The same with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// A running scripted server.
pub struct Scripted {
    /// Its base URL.
    pub url: String,
    received: Arc<AtomicUsize>,
    targets: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    /// Starts serving `script` on a free loopback port.
    ///
    /// Its sockets send each write at once (`TCP_NODELAY`). With Nagle's algorithm, the
    /// second of two writes waits for the peer's acknowledgement of the first, which the
    /// peer delays up to 40 ms: real time, in which a paused test clock sees every task
    /// idle, jumps to the next timer (the call's timeout) and fails a call that a real
    /// clock would have seen answered 40 ms later.
    pub async fn start(script: Vec<Reply>) -> Scripted {
        Scripted::start_with(script, true).await
    }

    /// The same with Nagle's algorithm left on, as most servers have it: for tests on a
    /// real clock only (see [`start`](Self::start)).
    pub async fn start_with_nagle(script: Vec<Reply>) -> Scripted {
        Scripted::start_with(script, false).await
    }

    async fn start_with(script: Vec<Reply>, nodelay: bool) -> Scripted {
        assert!(!script.is_empty(), "a script needs a reply");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(Mutex::new((script, 0usize)));
        let targets = Arc::new(Mutex::new(Vec::new()));
        let (count, seen) = (received.clone(), targets.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                socket.set_nodelay(nodelay).unwrap();
                tokio::spawn(serve(socket, script.clone(), count.clone(), seen.clone()));
            }
        });
        Scripted {
            url,
            received,
            targets,
        }
    }

    /// The request targets received so far (path and query), in order.
    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }

    /// Requests received so far.
    pub fn received(&self) -> usize {
        self.received.load(Ordering::SeqCst)
    }
}

/// Answers the requests of one connection (kept alive, as reqwest pools it).
async fn serve(
    mut socket: tokio::net::TcpStream,
    script: Arc<Mutex<(Vec<Reply>, usize)>>,
    received: Arc<AtomicUsize>,
    targets: Arc<Mutex<Vec<String>>>,
) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // The tests send GETs: a request ends with its blank line.
        while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let end = buffer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        // `GET /path?query HTTP/1.1`: the target is the second word.
        let target = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        targets.lock().unwrap().push(target);
        received.fetch_add(1, Ordering::SeqCst);
        let reply = {
            let mut guard = script.lock().unwrap();
            let (replies, next) = &mut *guard;
            let reply = replies[(*next).min(replies.len() - 1)].clone();
            *next += 1;
            reply
        };
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            reply.status,
            reply.body.len()
        );
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let written = if reply.split {
            match socket.write_all(head.as_bytes()).await {
                Ok(()) => socket.write_all(reply.body.as_bytes()).await,
                Err(e) => Err(e),
            }
        } else {
            // Head and body in one write, as servers send small answers.
            head.push_str(&reply.body);
            socket.write_all(head.as_bytes()).await
        };
        if written.is_err() {
            return;
        }
    }
}
