//! The future a typed call is: the call itself, one future whatever the operation (compiled
//! once), then the decoding of its body into the operation's model, the only part compiled
//! once per model. A generated request builder's `send` returns it and names it as its
//! `IntoFuture`, so a generated crate holds no future of its own per operation.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;

use super::errors::{decode_body, DecodeError, Error};
use super::request::ApiResponse;

/// The call's answer, its body as received (placeholders of a partial answer made nulls),
/// with the body as sent when that changed it.
pub(crate) type RawCall<'a> = Pin<
    Box<dyn Future<Output = Result<(ApiResponse<Vec<u8>>, Option<Vec<u8>>), Error>> + Send + 'a>,
>;

/// A call being made, its answer then decoded into `T`: `.await` it. What
/// [`Client::execute_built`](super::Client::execute_built) and the generated request
/// builders' `send` return.
#[must_use = "a call does nothing until it is awaited"]
pub struct Decoding<'a, T> {
    call: RawCall<'a>,
    model: PhantomData<fn() -> T>,
}

impl<'a, T> Decoding<'a, T> {
    pub(crate) fn new(call: RawCall<'a>) -> Self {
        Decoding {
            call,
            model: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Decoding<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoding")
            .field("model", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Future for Decoding<'_, T> {
    type Output = Result<ApiResponse<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Unpin: a boxed future and a marker.
        let this = self.get_mut();
        match this.call.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok((response, original))) => Poll::Ready(decoded(response, original)),
        }
    }
}

/// The body decoded into `T`; on failure, the error keeps the body as it was received.
fn decoded<T: DeserializeOwned>(
    response: ApiResponse<Vec<u8>>,
    original: Option<Vec<u8>>,
) -> Result<ApiResponse<T>, Error> {
    match decode_body::<T>(response.status, &response.body) {
        Ok(value) => Ok(response.map(|_| value)),
        Err(error) => Err(keep_original(error, original)),
    }
}

fn keep_original(mut error: DecodeError, original: Option<Vec<u8>>) -> Error {
    if let Some(original) = original {
        error.raw_body = String::from_utf8_lossy(&original).into_owned();
    }
    Error::Decode(error)
}
