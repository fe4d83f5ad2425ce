//! The accept loop and each request's way through the server's gates, before and after the
//! API's own checks ([`crate::server`]).
//!
//! Its own loop rather than `axum::serve` because a banned IP must get no answer at all: its
//! connections are closed at accept before a byte is written, and a request arriving on a
//! connection already open ends that connection (the service returns an error, on which
//! hyper closes without writing anything). An axum handler can only answer.
//!
//! A request, in order:
//!
//! 1. `/__mock/…`: the control routes ([`crate::control`]), never counted nor refused;
//! 2. from a banned IP: the connection is closed (new connections of a banned IP are closed
//!    at accept, unless their first request is for a control route);
//! 3. counted in its IP's window (except `/mock-files/`, which stand for the API's separate
//!    file host); past the per-IP limit, the IP is banned and the connection closed;
//! 4. counted by the faults ([`crate::faults`]), then answered by [`crate::server`], which
//!    counts it against its token and may ban the IP for ignored 429s;
//! 5. delayed if a fault says so; closed if its IP is banned by now, or on a reset fault;
//! 6. else sent, its body truncated or slowed if a fault says so.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

use crate::bans::BanReason;
use crate::control;
use crate::documents::FILES_PREFIX;
use crate::faults::{truncate, Injected, SlowBody};
use crate::limits::WindowKey;
use crate::server::{self, AppState, Call};

/// Why a request got no answer; hyper closes its connection on it.
#[derive(Debug)]
pub(crate) struct Unanswered;

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed without an answer")
    }
}

impl std::error::Error for Unanswered {}

/// Accepts connections until `stop` fires (or its sender is dropped), then lets the open
/// ones finish their requests in flight; idle keep-alive connections close at once.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    stop: oneshot::Receiver<()>,
) {
    let (closing, closing_seen) = watch::channel(false);
    // Dropping the set (when `MockServer::shutdown` gives up waiting and aborts this task)
    // aborts every connection with it.
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let (state, closing_seen) = (state.clone(), closing_seen.clone());
                    if state.bans.is_banned(peer.ip()) {
                        connections.spawn(banned(stream, peer, state, closing_seen));
                    } else {
                        connections.spawn(connection(stream, peer, state, closing_seen));
                    }
                }
                // Out of file descriptors and the like: wait for some to free rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
    }
    drop(listener);
    let _ = closing.send(true);
    while connections.join_next().await.is_some() {}
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    state: Arc<AppState>,
    mut closing: watch::Receiver<bool>,
) {
    let service = service_fn(move |request| {
        let state = state.clone();
        async move { handle(&state, peer.ip(), request).await }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        // Its end, whatever it is: a closed connection, or one we closed on purpose.
        _ = connection.as_mut() => return,
        _ = closing.wait_for(|closing| *closing) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// A connection from a banned IP: closed without a byte written, unless its first request
/// is for a control route, which an operator needs to unban (its later requests, if not for
/// control routes, close it as any request of a banned IP does).
async fn banned(
    stream: TcpStream,
    peer: SocketAddr,
    state: Arc<AppState>,
    closing: watch::Receiver<bool>,
) {
    if asks_for_control(&stream).await {
        connection(stream, peer, state, closing).await;
    } else {
        state.stats.dropped();
        drop(stream);
    }
}

/// How long a banned IP's connection may take to show its request line.
const PEEK_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether the request line waiting on `stream` targets `/__mock/`. Peeks, so the bytes stay
/// for hyper to read; waits for more while the line is too short to tell.
async fn asks_for_control(stream: &TcpStream) -> bool {
    let mut buffer = [0u8; 64];
    let peeking = async {
        loop {
            let seen = match stream.peek(&mut buffer).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => n,
            };
            if let Some(decided) = control_target(&buffer[..seen]) {
                return decided;
            }
            if seen == buffer.len() {
                return false;
            }
            // A peek returns the same bytes at once until more arrive: do not spin on it.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(PEEK_TIMEOUT, peeking)
        .await
        .unwrap_or(false)
}

/// From the start of a request (`GET /__mock/stats HTTP/1.1…`): `Some(true)` when its target
/// starts with `/__mock/`, `Some(false)` when it cannot, `None` when too short to tell.
fn control_target(start: &[u8]) -> Option<bool> {
    const PREFIX: &[u8] = b"/__mock/";
    let space = start.iter().position(|b| *b == b' ')?;
    let target = &start[space + 1..];
    let n = target.len().min(PREFIX.len());
    if target[..n] != PREFIX[..n] {
        return Some(false);
    }
    (n == PREFIX.len()).then_some(true)
}

/// One request through the gates (see the module's list), from hyper or handed over
/// in-process ([`crate::MockService::answer`]).
pub(crate) async fn handle<B>(
    state: &AppState,
    ip: IpAddr,
    request: Request<B>,
) -> Result<Response<Body>, Unanswered>
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    if control::is_control(request.uri().path()) {
        return Ok(control::handle(state, request).await);
    }
    state.stats.received();
    let unanswered = || {
        state.stats.dropped();
        Unanswered
    };
    if state.bans.is_banned(ip) {
        return Err(unanswered());
    }
    let path = request.uri().path();
    let ip_window = if path.starts_with(FILES_PREFIX) {
        None
    } else {
        // Every limit of the IP, each in its own window; the first's count is the one the
        // monitoring routes' headers give.
        let mut first = None;
        for (index, limit) in state.ip_limits.iter().enumerate() {
            let key = WindowKey::ip(ip, index);
            let window = state.limiter.count_in(key, limit.calls, limit.window);
            if window.retry_after.is_some() {
                state.bans.ban(ip, BanReason::IpLimit);
                return Err(unanswered());
            }
            first.get_or_insert(window);
        }
        first
    };
    let injected = state.faults.pick(path);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(Body::new(body), server::MAX_REQUEST_BODY)
        .await
        .ok();
    let path = parts.uri.path();
    let response = server::respond(
        state,
        &Call {
            method: parts.method.as_str(),
            path,
            query: parts.uri.query().unwrap_or_default(),
            headers: &parts.headers,
            peer: ip,
            ip_window,
            injected_status: injected.status,
            body: body.as_deref(),
        },
    );
    if !injected.delay.is_zero() {
        tokio::time::sleep(injected.delay).await;
    }
    // A ban placed by this very request (one 429 too many) or meanwhile by another one wins
    // over answering.
    if state.bans.is_banned(ip) {
        return Err(unanswered());
    }
    if injected.any() {
        state.stats.faulted();
    }
    if injected.reset {
        return Err(unanswered());
    }
    let response = reshape(response, &injected).await;
    state.stats.answered(response.status().as_u16());
    Ok(response)
}

/// The body faults: truncated (and 200, unless a status fault chose the status), slowed.
async fn reshape(response: Response<Body>, injected: &Injected) -> Response<Body> {
    if !injected.malformed && injected.slow_body.is_none() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The mock's bodies are in memory: reading them cannot fail nor be large.
    let mut bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if injected.malformed {
        bytes = truncate(&bytes);
        if injected.status.is_none() {
            parts.status = StatusCode::OK;
        }
    }
    // The new body announces its own length.
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = match injected.slow_body {
        Some(total) => Body::new(SlowBody::new(bytes, total)),
        None => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_targets_are_told_from_the_request_line() {
        assert_eq!(
            control_target(b"GET /__mock/stats HTTP/1.1\r\n"),
            Some(true)
        );
        assert_eq!(control_target(b"POST /__mock/"), Some(true));
        assert_eq!(control_target(b"GET /v3/insee HTTP/1.1"), Some(false));
        assert_eq!(control_target(b"GET /__mocking"), Some(false));
        assert_eq!(control_target(b"GET /__mo"), None);
        assert_eq!(control_target(b"GE"), None);
    }
}
