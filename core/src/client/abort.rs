//! The caller's "stop" for calls in flight ([`AbortSignal`]), set per call with
//! [`super::RequestOptions::abort`]; the npm package maps a JS `AbortSignal` onto it.
//!
//! Aborting never loses what happened: the call ends with an error of kind
//! [`crate::ErrorKind::Aborted`] whose outcome says whether the request may have reached P100:
//! - aborted before an attempt was sent, or while waiting to retry one that provably was not
//!   processed: [`crate::Outcome::NotSent`];
//! - aborted while an attempt was in flight: [`crate::Outcome::Unknown`] for calls that change
//!   something (the request may have been processed; the error carries the fingerprint to
//!   reconcile with), as for any other ambiguous failure.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// A one-way switch shared by the calls made with it: once [`AbortSignal::abort`] is called,
/// every call using it stops (see the module documentation for the outcome). Clones share it.
#[derive(Clone, Default)]
pub struct AbortSignal(Arc<State>);

#[derive(Default)]
struct State {
    aborted: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl AbortSignal {
    /// A signal not aborted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Aborts every call using this signal (idempotent).
    pub fn abort(&self) {
        self.0.aborted.store(true, Ordering::SeqCst);
        let wakers = std::mem::take(&mut *self.0.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        for w in wakers {
            w.wake();
        }
    }

    /// True once [`AbortSignal::abort`] was called.
    pub fn is_aborted(&self) -> bool {
        self.0.aborted.load(Ordering::SeqCst)
    }

    /// Resolves when the signal is aborted (at once if it already is).
    pub fn aborted(&self) -> Aborted<'_> {
        Aborted(self)
    }
}

/// The future of [`AbortSignal::aborted`].
pub struct Aborted<'a>(&'a AbortSignal);

impl Future for Aborted<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let state = &self.0 .0;
        if state.aborted.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        let mut wakers = state.wakers.lock().unwrap_or_else(|e| e.into_inner());
        // Checked again under the lock: `abort` takes the wakers under it after setting the flag.
        if state.aborted.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl PartialEq for AbortSignal {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for AbortSignal {}

impl fmt::Debug for AbortSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortSignal")
            .field("aborted", &self.is_aborted())
            .finish()
    }
}

/// Runs `fut` unless `signal` aborts first (`None` then, `fut` dropped).
pub(crate) async fn unless_aborted<F: Future>(
    signal: Option<&AbortSignal>,
    fut: F,
) -> Option<F::Output> {
    use futures_util::future::{select, Either};
    let Some(signal) = signal else {
        return Some(fut.await);
    };
    if signal.is_aborted() {
        return None;
    }
    let fut = std::pin::pin!(fut);
    match select(fut, signal.aborted()).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(((), _)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn aborting_wakes_a_waiting_call_and_later_ones_see_it_at_once() {
        let signal = AbortSignal::new();
        let s = signal.clone();
        let waiting =
            tokio::spawn(
                async move { unless_aborted(Some(&s), std::future::pending::<()>()).await },
            );
        tokio::task::yield_now().await;
        assert!(!signal.is_aborted());
        signal.abort();
        assert_eq!(waiting.await.unwrap(), None);
        assert_eq!(unless_aborted(Some(&signal), async { 1 }).await, None);
        assert_eq!(unless_aborted(None, async { 1 }).await, Some(1));
        assert_eq!(
            unless_aborted(Some(&AbortSignal::new()), async { 2 }).await,
            Some(2)
        );
    }
}
