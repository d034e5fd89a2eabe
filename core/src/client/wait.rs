//! Polling helpers behind the `wait_for` methods (DESIGN principle 9).

use std::future::Future;
use std::time::Duration;

use web_time::Instant;

use super::abort;
use crate::error::{Error, ErrorKind, Outcome, Result};
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

/// The id a details reply names its operation by, which a wait compares with the id it waits
/// for (ASCII case aside: one UUID in two cases is one id). A reply about another operation
/// (a misrouted or cached reply) ends the wait with an error: it ended with that operation's
/// final status before (outside review, stop 45).
pub(crate) trait OperationId {
    fn operation_id(&self) -> &str;
}

macro_rules! operation_ids {
    ($($ty:ident . $field:ident),+) => {
        $(impl OperationId for crate::models::$ty {
            fn operation_id(&self) -> &str {
                &self.$field
            }
        })+
    };
}

operation_ids!(
    ExchangeDetails.exchange_id,
    SepaTransferDetails.id,
    CryptoWithdrawalDetails.withdrawal_id,
    TransferDetails.transfer_id,
    OrderDetails.order_id
);

/// Polls `fetch` until `is_final` holds or the deadline passes. Transient errors (those safe
/// to retry) are polled through; any other error ends the wait.
///
/// The deadline bounds the whole wait, a poll in progress included, and `abort` stops it at
/// once, between polls too. Every error of a wait says what became of the **operation**, not of
/// the last details request: it has an id, so it was accepted (outcome `Accepted`: never send
/// it again); the kind, status and message stay those of the failure. A details reply that does
/// not know the id (404) is no exception: right after its creation an operation may not be
/// readable yet, and `Rejected` would invite sending it again. So is an id this SDK refuses to
/// put in a path (a `/`, a space…): it may still be one P100 gave. The one exception is an
/// empty id, the id of nothing (the empty id of an accepted reply is itself an error):
/// a validation error naming it, outcome `NotSent`.
pub(crate) async fn poll<T, F, Fut>(
    options: WaitOptions,
    abort: Option<&super::AbortSignal>,
    operation: &'static str,
    id: &str,
    mut fetch: F,
    is_final: impl Fn(&T) -> bool,
    describe: impl Fn(&T) -> String,
) -> Result<T>
where
    T: OperationId,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let start = Instant::now();
    let mut interval = options.interval.max(Duration::from_millis(10));
    let mut last = "not read yet".to_string();
    let timed_out = |last: &str| super::Client::wait_timeout(operation, id, last, start.elapsed());
    let aborted = || {
        Error::new(
            ErrorKind::Aborted,
            format!("{operation} {id}: waiting for its final status was aborted by the caller"),
        )
        .with_retryable(false)
        .with_outcome(Outcome::Accepted)
    };
    loop {
        let remaining = options.timeout.saturating_sub(start.elapsed());
        if remaining.is_zero() {
            return Err(timed_out(&last));
        }
        let polled =
            match abort::unless_aborted(abort, transport::timeout(remaining, fetch())).await {
                None => return Err(aborted()),
                Some(None) => return Err(timed_out(&last)),
                Some(Some(polled)) => polled,
            };
        last = match polled {
            Ok(value) if !value.operation_id().eq_ignore_ascii_case(id) => {
                let other = crate::mask::mask_secrets(value.operation_id());
                return Err(Error::new(
                    ErrorKind::Decode,
                    format!(
                        "{operation} {id}: its details reply is about another {operation} \
                         ({other:?}); the wait stops rather than report that one's status (it \
                         was accepted: do not send it again, check its details)"
                    ),
                )
                .with_retryable(false)
                .with_outcome(Outcome::Accepted));
            }
            Ok(value) if is_final(&value) => return Ok(value),
            Ok(value) => describe(&value),
            Err(e) if e.is_retryable() => format!("unreadable ({})", e.kind()),
            // An empty id names no operation (an accepted reply's empty id is refused as such).
            Err(e) if id.trim().is_empty() => return Err(e),
            Err(e) => return Err(e.with_outcome(Outcome::Accepted)),
        };
        let remaining = options.timeout.saturating_sub(start.elapsed());
        if remaining.is_zero() {
            return Err(timed_out(&last));
        }
        if abort::unless_aborted(abort, transport::sleep(interval.min(remaining)))
            .await
            .is_none()
        {
            return Err(aborted());
        }
        let grown =
            Duration::try_from_secs_f64(interval.as_secs_f64() * 1.5).unwrap_or(Duration::MAX);
        interval = grown.min(options.max_interval.max(interval));
    }
}
