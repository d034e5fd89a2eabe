//! Calls whose future was dropped while their request was out: a `tokio::time::timeout` or
//! `select!` around the call, a cancelled task, a cancelled Kotlin coroutine, a cancelled Python
//! task or Ctrl-C. The request may have been processed, and the caller's cancellation carries
//! no outcome; so the client keeps each such call that changes something as an
//! [`ErrorKind::Aborted`](crate::ErrorKind::Aborted) error with outcome unknown and its
//! fingerprint, for [`Client::take_cancelled`](super::Client::take_cancelled) and `reconcile`:
//! nothing is lost.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::error::Error;

/// How many cancelled calls a client keeps (the oldest are let go first; each is also logged
/// as it happens). Large, since each may be money that moved; a few MB at most.
pub const MAX_CANCELLED_KEPT: usize = 10_000;

/// The cancelled calls of a client and of its clones.
#[derive(Default)]
pub(crate) struct Cancelled(Mutex<VecDeque<Error>>);

impl Cancelled {
    pub(crate) fn push(&self, error: Error) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= MAX_CANCELLED_KEPT {
            kept.pop_front();
        }
        kept.push_back(error);
    }

    pub(crate) fn take(&self) -> Vec<Error> {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.drain(..).collect()
    }
}

/// The list of [`Client::take_cancelled`](super::Client::take_cancelled), apart from the client:
/// still readable once a binding has let the client (and its connections) go, and where a
/// binding keeps a call it could not hand over ([`CancelledCalls::keep_undelivered`]).
#[derive(Clone)]
pub struct CancelledCalls(pub(crate) std::sync::Arc<Cancelled>);

impl std::fmt::Debug for CancelledCalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelledCalls").finish_non_exhaustive()
    }
}

impl CancelledCalls {
    /// The kept calls, oldest first; empties the list.
    pub fn take(&self) -> Vec<Error> {
        self.0.take()
    }

    /// For a binding whose caller cancelled a call after it had finished, before its result was
    /// handed over (the result is then dropped): keeps what the caller must know. An error that
    /// may have happened (outcome unknown or accepted) is kept as it is; a success as an
    /// [`ErrorKind::Aborted`](crate::ErrorKind::Aborted) error with outcome accepted naming
    /// `operation`, whose raw body holds the result's ids and status (from `Ok(Some(json))`,
    /// the result as JSON: its top-level `id`, `…Id` and `status` members only), so that the
    /// caller can tell which call it was and follow it with the details endpoint; an error that proves nothing happened is not
    /// kept. Calls that only read (`changes_something` false) are never kept.
    pub fn keep_undelivered(
        &self,
        operation: &'static str,
        changes_something: bool,
        result: Result<Option<&str>, &Error>,
    ) {
        if !changes_something {
            return;
        }
        match result {
            Ok(result) => {
                let mut kept = Error::new(
                    crate::ErrorKind::Aborted,
                    "completed, but its caller had cancelled it and the result was not handed \
                     over: it happened (its ids are in raw_body); do not send it again",
                )
                .with_retryable(false)
                .with_operation(operation)
                .with_outcome(crate::Outcome::Accepted);
                if let Some(summary) = result.and_then(undelivered_summary) {
                    kept = kept.with_raw_body(&summary);
                }
                self.0.push(kept)
            }
            Err(e)
                if matches!(
                    e.outcome(),
                    crate::Outcome::Unknown | crate::Outcome::Accepted
                ) =>
            {
                self.0.push(e.clone())
            }
            Err(_) => {}
        }
    }

    /// [`CancelledCalls::keep_undelivered`] for the operation named `operation` (a name of the
    /// operation table, `"transfers.create"`), which finished with `result` (its JSON) while its
    /// caller was being cancelled: for glue that knows the operation only by name (the Kotlin
    /// coroutine glue). Reads, and names the table does not have, are never kept.
    pub fn keep_undelivered_named(&self, operation: &str, result: Option<&str>) {
        if let Some(route) = crate::routes::by_name(operation) {
            let changes = crate::routes::changes_something(route.name);
            self.keep_undelivered(route.name, changes, Ok(result));
        }
    }

    /// [`CancelledCalls::keep_undelivered`] for a call of the escape hatch
    /// ([`Client::request`](super::Client::request)) with the HTTP method `method`: kept unless
    /// the method only reads ([`crate::routes::method_changes_something`]).
    pub fn keep_undelivered_request(&self, method: &str, result: Result<Option<&str>, &Error>) {
        let changes = crate::routes::method_changes_something(method);
        self.keep_undelivered("request", changes, result);
    }
}

/// What [`CancelledCalls::keep_undelivered`] keeps of a result (its JSON text): the members
/// `id`, `…Id` and `status` of its top level, as a JSON object; nothing else (a result may
/// hold card data). `None` when it has none.
fn undelivered_summary(result_json: &str) -> Option<String> {
    let serde_json::Value::Object(map) = serde_json::from_str(result_json).ok()? else {
        return None;
    };
    let kept: serde_json::Map<String, serde_json::Value> = map
        .into_iter()
        .filter(|(k, v)| {
            (k == "id" || k.ends_with("Id") || k == "status") && (v.is_string() || v.is_number())
        })
        .collect();
    (!kept.is_empty()).then(|| serde_json::Value::Object(kept).to_string())
}

/// Runs its closure when dropped, unless [`OnDrop::disarm`]ed first: armed while an attempt is
/// out, so that dropping the call's future then runs it.
pub(crate) struct OnDrop<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> OnDrop<F> {
    pub(crate) fn new(f: F) -> Self {
        OnDrop(Some(f))
    }

    pub(crate) fn disarm(mut self) {
        self.0 = None;
    }
}

impl<F: FnOnce()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_and_taking_empties() {
        let c = Cancelled::default();
        for i in 0..MAX_CANCELLED_KEPT + 2 {
            c.push(Error::validation("n", format!("{i}")));
        }
        let kept = c.take();
        assert_eq!(kept.len(), MAX_CANCELLED_KEPT);
        assert!(kept[0].to_string().contains(": 2"), "{}", kept[0]);
        assert!(c.take().is_empty());
    }

    #[test]
    fn undelivered_results_are_kept_when_they_may_have_happened() {
        let calls = CancelledCalls(Default::default());
        let result = r#"{"id":"tr-1","status":"PENDING","cvv":"123","nested":{"id":"x"}}"#;
        calls.keep_undelivered("sepa.partner_transfer", true, Ok(Some(result)));
        calls.keep_undelivered("partner.balances", false, Ok(None));
        let unknown = Error::new(crate::ErrorKind::Timeout, "t");
        calls.keep_undelivered("transfers.create", true, Err(&unknown));
        let refused = Error::validation("amount", "bad");
        calls.keep_undelivered("transfers.create", true, Err(&refused));
        let kept = calls.take();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].kind(), crate::ErrorKind::Aborted);
        assert_eq!(kept[0].outcome(), crate::Outcome::Accepted);
        assert_eq!(kept[0].operation(), Some("sepa.partner_transfer"));
        // Its ids and status only: no other member, nothing nested.
        assert_eq!(
            kept[0].raw_body(),
            Some(r#"{"id":"tr-1","status":"PENDING"}"#)
        );
        assert_eq!(kept[1].kind(), crate::ErrorKind::Timeout);
    }

    #[test]
    fn runs_when_dropped_armed_only() {
        let ran = std::cell::Cell::new(0);
        drop(OnDrop::new(|| ran.set(ran.get() + 1)));
        OnDrop::new(|| ran.set(ran.get() + 10)).disarm();
        assert_eq!(ran.get(), 1);
    }
}
