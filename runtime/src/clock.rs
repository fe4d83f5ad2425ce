//! The time the runtime reads when a call depends on the time of day (maintenance windows),
//! and how it waits for a later time: the system's, or a [`ManualClock`] a test moves by hand.
//!
//! The rate limiter keeps its own monotonic instants: a window of the server's is a duration,
//! not a time of day. Maintenance windows are times of day, so they are read from a wall clock,
//! and a test of "inside the window", "across midnight" or "across a change of summer time"
//! needs one it controls: waiting on it advances it at once instead of sleeping.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// A source of wall-clock time, and a way to wait on it.
pub trait TimeSource: fmt::Debug + Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// Resolves once `duration` has passed on this clock.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
}

/// The clock of a client (and of the mock): the system's unless one was given. Cheap to clone;
/// clones read the same source.
#[derive(Clone)]
pub struct Clock(Arc<dyn TimeSource>);

impl Clock {
    /// The system's clock, waiting with tokio's timer. Every such clock is one source, so
    /// any two compare equal.
    pub fn system() -> Clock {
        static SYSTEM: LazyLock<Arc<dyn TimeSource>> = LazyLock::new(|| Arc::new(SystemSource));
        Clock(SYSTEM.clone())
    }

    /// A clock reading `source` (a [`ManualClock`] in tests).
    pub fn new(source: Arc<dyn TimeSource>) -> Clock {
        Clock(source)
    }

    /// The current time.
    pub fn now(&self) -> SystemTime {
        self.0.now()
    }

    /// Waits until `duration` has passed on this clock.
    pub async fn sleep(&self, duration: Duration) {
        self.0.sleep(duration).await;
    }

    /// Waits until `at` on this clock (at once when it is past).
    pub async fn sleep_until(&self, at: SystemTime) {
        if let Ok(left) = at.duration_since(self.now()) {
            self.sleep(left).await;
        }
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Two clocks are equal when they read the same source.
impl PartialEq for Clock {
    fn eq(&self, other: &Clock) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Clock {}

/// The system's clock.
#[derive(Debug)]
struct SystemSource;

impl TimeSource for SystemSource {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that stands still until moved: [`set`](ManualClock::set),
/// [`advance`](ManualClock::advance), or a wait on it, which advances it by the time waited
/// and returns at once. Shared between a client and a mock, it lets a test walk through a
/// maintenance window without waiting for it.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
    slept: Mutex<Duration>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: SystemTime) -> Arc<ManualClock> {
        Arc::new(ManualClock {
            now: Mutex::new(start),
            slept: Mutex::new(Duration::ZERO),
        })
    }

    /// A [`Clock`] reading this one.
    pub fn clock(self: &Arc<Self>) -> Clock {
        Clock::new(self.clone())
    }

    /// Shows `at` from now on.
    pub fn set(&self, at: SystemTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// The time waited on this clock so far, all waits together.
    pub fn slept(&self) -> Duration {
        *self.slept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl TimeSource for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.advance(duration);
        *self.slept.lock().unwrap_or_else(PoisonError::into_inner) += duration;
        // Yields once, so a loop waiting on this clock still lets other tasks run.
        Box::pin(tokio::task::yield_now())
    }
}
