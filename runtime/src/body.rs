//! Reading answer bodies with a bound.
//!
//! `reqwest::Response::bytes` reads whatever the server sends into memory: a
//! broken or hostile server (or a proxy between) could make the client hold
//! gigabytes. Bodies are read chunk by chunk instead, and refused as soon as
//! they pass the group's bound ([`GroupRules::max_body`](super::GroupRules::max_body));
//! a `Content-Length` above it is refused before anything is read.

use std::io::Write;
// tokio's clock, so that tests on a paused runtime move it.
use tokio::time::Instant;

/// Why a bounded read stopped.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The body is longer than the bound: announced so (`Content-Length`),
    /// or more had arrived.
    TooLarge,
    /// The connection failed while reading.
    Network(reqwest::Error),
    /// The writer refused the bytes.
    Write(std::io::Error),
    /// The deadline passed before the body was whole.
    TimedOut,
}

/// Reads the whole body, at most `limit` bytes.
pub(crate) async fn read_limited(
    response: reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    // The request's own timeout (reqwest's) bounds the reading.
    copy_limited(response, &mut body, limit, None).await?;
    Ok(body)
}

/// Copies the body into `out`, at most `limit` bytes and before `deadline`
/// when there is one; returns the bytes written. On an error, `out` may hold
/// the first chunks: the caller throws them away.
pub(crate) async fn copy_limited(
    mut response: reqwest::Response,
    out: &mut impl Write,
    limit: u64,
    deadline: Option<Instant>,
) -> Result<u64, ReadError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(ReadError::TooLarge);
    }
    let mut written = 0u64;
    loop {
        let next = response.chunk();
        let chunk = match deadline {
            Some(deadline) => {
                let remaining = deadline.saturating_duration_since(Instant::now());
                tokio::time::timeout(remaining, next)
                    .await
                    .map_err(|_| ReadError::TimedOut)?
            }
            None => next.await,
        };
        let Some(chunk) = chunk.map_err(ReadError::Network)? else {
            break;
        };
        written += chunk.len() as u64;
        if written > limit {
            return Err(ReadError::TooLarge);
        }
        out.write_all(&chunk).map_err(ReadError::Write)?;
    }
    Ok(written)
}
