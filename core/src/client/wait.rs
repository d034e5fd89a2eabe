//! Polling helpers behind the `wait_for` methods (DESIGN principle 9).

use std::future::Future;
use std::time::Duration;

use web_time::Instant;

use crate::error::Result;
use crate::transport;

/// How a `wait_for` helper polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// Give up after this long (default 5 minutes).
    pub timeout: Duration,
    /// First pause between two polls (default 1 s); grows ×1.5 up to `max_interval`.
    pub interval: Duration,
    /// Longest pause between two polls (default 15 s).
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(300),
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
        }
    }
}

impl WaitOptions {
    /// Options with the given overall timeout and the default intervals.
    pub fn with_timeout(timeout: Duration) -> Self {
        WaitOptions {
            timeout,
            ..WaitOptions::default()
        }
    }
}

/// Polls `fetch` until `is_final` holds or the deadline passes. Transient errors (those safe
/// to retry) are polled through; any other error ends the wait.
pub(crate) async fn poll<T, F, Fut>(
    options: WaitOptions,
    operation: &'static str,
    id: &str,
    mut fetch: F,
    is_final: impl Fn(&T) -> bool,
    describe: impl Fn(&T) -> String,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let start = Instant::now();
    let mut interval = options.interval.max(Duration::from_millis(10));
    loop {
        let last = match fetch().await {
            Ok(value) if is_final(&value) => return Ok(value),
            Ok(value) => describe(&value),
            Err(e) if e.is_retryable() => format!("unreadable ({})", e.kind()),
            Err(e) => return Err(e),
        };
        let elapsed = start.elapsed();
        if elapsed >= options.timeout {
            return Err(super::Client::wait_timeout(operation, id, &last, elapsed));
        }
        let remaining = options.timeout - elapsed;
        transport::sleep(interval.min(remaining)).await;
        let grown =
            Duration::try_from_secs_f64(interval.as_secs_f64() * 1.5).unwrap_or(Duration::MAX);
        interval = grown.min(options.max_interval.max(interval));
    }
}
