//! Faults injected on demand, so a client's retries, timeouts and error paths can be tried
//! against something that fails the way networks and gateways do.
//!
//! A [`Fault`] is a kind and a rhythm: it strikes every `every`-th request whose path starts
//! with its prefix (counted since the plan was set), so runs are reproducible. A faulted
//! request has been received and counted like any other (limits, bans); the fault changes how
//! it is answered. Several faults can strike one request: delays add up, the first status
//! wins, a reset beats everything.
//!
//! Spec syntax (`apie mock --fault`, `PUT /__mock/faults`): `KIND[@every=N][@path=PREFIX]`,
//! with `KIND` one of `delay=DURATION`, a status `500`…`599`, `reset`, `malformed`,
//! `slow-body=DURATION`, and `DURATION` a whole number of `ms` or `s`. For instance
//! `503@every=5`, `delay=200ms@every=3@path=/v3/insee`, `slow-body=2s`.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};

/// What a fault does to the request it strikes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Waits this long before answering (the answer itself is unchanged).
    Delay(Duration),
    /// Answers this 5xx status with an error body in the API's format
    /// (`{"errors":[{"code","title","detail",…}]}`): the operation's own spec example for
    /// that status when it has one (502, 504), else the mock's `00<status>` item.
    Status(u16),
    /// Closes the connection without answering, as a ban does, for this request only.
    Reset,
    /// Answers 200 with the first half of the body: JSON that does not parse. With a status
    /// fault on the same request, that status keeps its (truncated) body.
    Malformed,
    /// Sends the headers at once, then the body in ten chunks spread over this long.
    SlowBody(Duration),
}

/// One fault and when it strikes. Built with [`Fault::new`] and its setters, or parsed from
/// a spec string (`"503@every=5@path=/v3/insee"`, see the module's syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fault {
    /// What it does.
    pub kind: FaultKind,
    /// It strikes the `every`-th, `2 × every`-th … matching request; 1 (or 0) is every one.
    pub every: u32,
    /// Only requests whose path starts with this; `None` is every path. The mock's control
    /// routes (`/__mock/…`) are never faulted.
    pub path: Option<String>,
}

impl Fault {
    /// `kind` on every request, whatever the path.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            every: 1,
            path: None,
        }
    }

    /// Strikes one request in `n` (the `n`-th, the `2n`-th …).
    pub fn every(mut self, n: u32) -> Fault {
        self.every = n.max(1);
        self
    }

    /// Strikes only requests whose path starts with `prefix`.
    pub fn on_path(mut self, prefix: impl Into<String>) -> Fault {
        self.path = Some(prefix.into());
        self
    }

    fn matches(&self, path: &str) -> bool {
        self.path.as_deref().is_none_or(|p| path.starts_with(p))
    }
}

/// The faults a server injects. [`Default`] (and [`FaultPlan::none`]) injects none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// The faults, each with its own count of matching requests.
    pub faults: Vec<Fault>,
}

impl FaultPlan {
    /// No fault.
    pub fn none() -> FaultPlan {
        FaultPlan::default()
    }

    /// Parses spec strings, one fault each (`["503@every=5", "delay=200ms"]`).
    pub fn parse<I, S>(specs: I) -> Result<FaultPlan, FaultSpecError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let faults = specs
            .into_iter()
            .map(|s| s.as_ref().parse())
            .collect::<Result<_, _>>()?;
        Ok(FaultPlan { faults })
    }

    /// The faults as spec strings, which [`FaultPlan::parse`] reads back.
    pub fn specs(&self) -> Vec<String> {
        self.faults.iter().map(ToString::to_string).collect()
    }

    /// Whether no fault is planned.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }
}

impl From<Vec<Fault>> for FaultPlan {
    fn from(faults: Vec<Fault>) -> FaultPlan {
        FaultPlan { faults }
    }
}

/// A fault spec that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpecError {
    /// The spec as given.
    pub spec: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fault `{}`: {}", self.spec, self.problem)
    }
}

impl std::error::Error for FaultSpecError {}

impl FromStr for Fault {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Fault, FaultSpecError> {
        let problem = |problem: String| FaultSpecError {
            spec: spec.to_string(),
            problem,
        };
        let mut parts = spec.trim().split('@');
        let kind_text = parts.next().unwrap_or_default();
        let (name, value) = match kind_text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (kind_text, None),
        };
        let duration = |what: &str| -> Result<Duration, FaultSpecError> {
            let value = value.ok_or_else(|| {
                problem(format!(
                    "{what} needs a duration, as `{what}=200ms` or `{what}=2s`"
                ))
            })?;
            parse_duration(value).ok_or_else(|| {
                problem(format!(
                    "`{value}` is not a duration: a whole number of ms or s, as 200ms or 2s"
                ))
            })
        };
        let no_value = |kind: FaultKind| match value {
            Some(v) => Err(problem(format!("`{name}` takes no value, not `{v}`"))),
            None => Ok(kind),
        };
        let kind = match name {
            "delay" => FaultKind::Delay(duration("delay")?),
            "slow-body" => FaultKind::SlowBody(duration("slow-body")?),
            "reset" => no_value(FaultKind::Reset)?,
            "malformed" => no_value(FaultKind::Malformed)?,
            status if status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit()) => {
                let code: u16 = status.parse().unwrap_or_default();
                if !(500..=599).contains(&code) {
                    return Err(problem(format!(
                        "status {code} is not a server error: 500 to 599"
                    )));
                }
                no_value(FaultKind::Status(code))?
            }
            other => {
                return Err(problem(format!(
                    "unknown kind `{other}`: delay=…, 500…599, reset, malformed, slow-body=…"
                )))
            }
        };
        let mut fault = Fault::new(kind);
        let (mut every_seen, mut path_seen) = (false, false);
        for option in parts {
            match option.split_once('=') {
                Some(("every", n)) if !every_seen => {
                    every_seen = true;
                    fault.every = n.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        problem(format!("every={n}: a positive whole number is expected"))
                    })?;
                }
                Some(("path", prefix)) if !path_seen => {
                    path_seen = true;
                    if !prefix.starts_with('/') {
                        return Err(problem(format!("path={prefix}: a path starts with /")));
                    }
                    fault.path = Some(prefix.to_string());
                }
                Some(("every" | "path", _)) => {
                    return Err(problem(format!("`@{option}`: given twice")))
                }
                _ => {
                    return Err(problem(format!(
                        "unknown option `@{option}`: @every=N or @path=/prefix"
                    )))
                }
            }
        }
        Ok(fault)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FaultKind::Delay(d) => write!(f, "delay={}", DurationText(*d))?,
            FaultKind::Status(code) => write!(f, "{code}")?,
            FaultKind::Reset => f.write_str("reset")?,
            FaultKind::Malformed => f.write_str("malformed")?,
            FaultKind::SlowBody(d) => write!(f, "slow-body={}", DurationText(*d))?,
        }
        if self.every > 1 {
            write!(f, "@every={}", self.every)?;
        }
        if let Some(path) = &self.path {
            write!(f, "@path={path}")?;
        }
        Ok(())
    }
}

/// `2s` for whole seconds, else `250ms`.
struct DurationText(Duration);

impl fmt::Display for DurationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms > 0 && ms % 1000 == 0 {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

fn parse_duration(text: &str) -> Option<Duration> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.parse().ok().map(Duration::from_millis);
    }
    text.strip_suffix('s')?
        .parse()
        .ok()
        .map(Duration::from_secs)
}

/// What the faults striking one request do, together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Injected {
    pub delay: Duration,
    pub status: Option<u16>,
    pub reset: bool,
    pub malformed: bool,
    pub slow_body: Option<Duration>,
}

impl Injected {
    /// Whether any fault struck.
    pub(crate) fn any(&self) -> bool {
        *self != Injected::default()
    }
}

/// The plan in force and, per fault, the matching requests seen since it was set.
#[derive(Debug, Default)]
pub(crate) struct ActiveFaults {
    inner: Mutex<(FaultPlan, Vec<u64>)>,
}

impl ActiveFaults {
    /// `plan` in force from the start.
    pub(crate) fn new(plan: FaultPlan) -> ActiveFaults {
        let faults = ActiveFaults::default();
        faults.set(plan);
        faults
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (FaultPlan, Vec<u64>)> {
        // Counters stay counters whatever panicked while holding them.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the plan; counting starts again from zero, so `every=5` strikes the fifth
    /// request after the change.
    pub(crate) fn set(&self, plan: FaultPlan) {
        let seen = vec![0; plan.faults.len()];
        *self.lock() = (plan, seen);
    }

    /// The plan in force.
    pub(crate) fn plan(&self) -> FaultPlan {
        self.lock().0.clone()
    }

    /// Counts a request to `path` and says which faults strike it.
    pub(crate) fn pick(&self, path: &str) -> Injected {
        let mut guard = self.lock();
        let (plan, seen) = &mut *guard;
        let mut injected = Injected::default();
        for (fault, seen) in plan.faults.iter().zip(seen.iter_mut()) {
            if !fault.matches(path) {
                continue;
            }
            *seen += 1;
            if *seen % u64::from(fault.every.max(1)) != 0 {
                continue;
            }
            match fault.kind {
                FaultKind::Delay(d) => injected.delay += d,
                FaultKind::Status(code) => {
                    injected.status.get_or_insert(code);
                }
                FaultKind::Reset => injected.reset = true,
                FaultKind::Malformed => injected.malformed = true,
                FaultKind::SlowBody(d) => {
                    injected.slow_body.get_or_insert(d);
                }
            }
        }
        injected
    }
}

/// The first half of `body`: never valid JSON when the whole was a JSON object or array.
pub(crate) fn truncate(body: &Bytes) -> Bytes {
    if body.len() < 2 {
        // Nothing to cut in half; an opening brace alone is still not JSON.
        return Bytes::from_static(b"{");
    }
    body.slice(..body.len() / 2)
}

/// How many chunks a slow body is cut into.
const SLOW_CHUNKS: usize = 10;

/// A body that waits before each of its chunks: the whole arrives after `total`, with its
/// length announced up front so the client knows when it is complete.
pub(crate) struct SlowBody {
    chunks: VecDeque<Bytes>,
    pause: Duration,
    remaining: u64,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl SlowBody {
    /// `body`, delivered over `total`.
    pub(crate) fn new(body: Bytes, total: Duration) -> SlowBody {
        let size = body.len().div_ceil(SLOW_CHUNKS).max(1);
        let chunks: VecDeque<Bytes> = (0..body.len())
            .step_by(size)
            .map(|start| body.slice(start..(start + size).min(body.len())))
            .collect();
        let pause = total / u32::try_from(chunks.len().max(1)).unwrap_or(1);
        SlowBody {
            remaining: body.len() as u64,
            chunks,
            pause,
            sleep: None,
        }
    }
}

impl http_body::Body for SlowBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.chunks.is_empty() {
            return Poll::Ready(None);
        }
        let pause = self.pause;
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(pause)));
        if sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        self.sleep = None;
        let chunk = self.chunks.pop_front().unwrap_or_default();
        self.remaining -= chunk.len() as u64;
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print_back() {
        for (spec, expected) in [
            ("503@every=5", Fault::new(FaultKind::Status(503)).every(5)),
            (
                "delay=200ms@every=3",
                Fault::new(FaultKind::Delay(Duration::from_millis(200))).every(3),
            ),
            ("reset@every=7", Fault::new(FaultKind::Reset).every(7)),
            (
                "malformed@every=4",
                Fault::new(FaultKind::Malformed).every(4),
            ),
            (
                "slow-body=2s@every=10",
                Fault::new(FaultKind::SlowBody(Duration::from_secs(2))).every(10),
            ),
            (
                "502@path=/v3/insee",
                Fault::new(FaultKind::Status(502)).on_path("/v3/insee"),
            ),
            (
                "504@every=2@path=/v4",
                Fault::new(FaultKind::Status(504)).every(2).on_path("/v4"),
            ),
        ] {
            let parsed: Fault = spec.parse().unwrap();
            assert_eq!(parsed, expected, "{spec}");
            assert_eq!(parsed.to_string(), spec);
        }
        // Options in any order; `every=1` is the default and prints away.
        let fault: Fault = "reset@path=/v3@every=1".parse().unwrap();
        assert_eq!(fault.to_string(), "reset@path=/v3");
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        for (spec, expected) in [
            ("", "unknown kind"),
            ("teapot", "unknown kind"),
            ("418", "not a server error"),
            ("delay", "needs a duration"),
            ("delay=fast", "not a duration"),
            ("delay=2m", "not a duration"),
            ("reset=1", "takes no value"),
            ("503@every=0", "positive"),
            ("503@every=x", "positive"),
            ("503@often", "unknown option"),
            ("503@path=v3", "starts with /"),
            ("503@every=2@every=3", "twice"),
        ] {
            let err = spec.parse::<Fault>().unwrap_err();
            assert!(err.to_string().contains(expected), "{spec}: {err}");
        }
        let err = FaultPlan::parse(["reset", "nope"]).unwrap_err();
        assert_eq!(err.spec, "nope");
    }

    #[test]
    fn faults_strike_every_nth_matching_request() {
        let plan = FaultPlan::parse([
            "503@every=3",
            "delay=10ms@path=/v3/insee",
            "reset@every=2@path=/v4",
        ])
        .unwrap();
        let active = ActiveFaults::new(plan.clone());
        assert_eq!(active.plan(), plan);
        let statuses: Vec<Option<u16>> = (0..6).map(|_| active.pick("/v3/dgfip").status).collect();
        assert_eq!(statuses, [None, None, Some(503), None, None, Some(503)]);
        assert_eq!(active.pick("/v3/insee/x").delay, Duration::from_millis(10));
        assert!(!active.pick("/v3/insee/x").reset);
        assert!(!active.pick("/v4/x").reset);
        assert!(active.pick("/v4/x").reset);
        // A new plan counts from zero.
        active.set(FaultPlan::parse(["malformed@every=2"]).unwrap());
        assert!(!active.pick("/").malformed);
        assert!(active.pick("/").any());
        active.set(FaultPlan::none());
        assert!(!active.pick("/").any());
    }

    #[test]
    fn truncated_json_does_not_parse() {
        for body in [&b"{\"data\":{\"siren\":\"552049447\"}}"[..], b"{}", b""] {
            let cut = truncate(&Bytes::copy_from_slice(body));
            assert!(
                serde_json::from_slice::<serde_json::Value>(&cut).is_err(),
                "{cut:?}"
            );
        }
    }

    #[test]
    fn a_slow_body_is_cut_in_chunks_of_known_total_length() {
        let body = SlowBody::new(Bytes::from(vec![b'x'; 95]), Duration::from_millis(100));
        assert_eq!(body.chunks.len(), 10);
        assert_eq!(body.pause, Duration::from_millis(10));
        assert_eq!(http_body::Body::size_hint(&body).exact(), Some(95));
        let empty = SlowBody::new(Bytes::new(), Duration::from_secs(1));
        assert!(http_body::Body::is_end_stream(&empty));
    }
}
