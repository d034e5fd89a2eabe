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

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// A one-way switch shared by the calls made with it: once [`AbortSignal::abort`] is called,
/// every call using it stops (see the module documentation for the outcome). Clones share it.
#[derive(Clone, Default)]
pub struct AbortSignal(Arc<State>);

#[derive(Default)]
struct State {
    aborted: AtomicBool,
    waiting: Mutex<Waiting>,
}

/// The wakers of the [`Aborted`] futures waiting now, by key: each leaves when it is dropped, so
/// one signal shared by every call of a long-running app does not collect them.
#[derive(Default)]
struct Waiting {
    next: u64,
    wakers: HashMap<u64, Waker>,
}

impl State {
    fn waiting(&self) -> MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl AbortSignal {
    /// A signal not aborted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Aborts every call using this signal (idempotent).
    pub fn abort(&self) {
        self.0.aborted.store(true, Ordering::SeqCst);
        let wakers = std::mem::take(&mut self.0.waiting().wakers);
        for w in wakers.into_values() {
            w.wake();
        }
    }

    /// True once [`AbortSignal::abort`] was called.
    pub fn is_aborted(&self) -> bool {
        self.0.aborted.load(Ordering::SeqCst)
    }

    /// Resolves when the signal is aborted (at once if it already is).
    pub fn aborted(&self) -> Aborted<'_> {
        Aborted {
            signal: self,
            key: None,
        }
    }

    /// How many [`Aborted`] futures wait on this signal now (for tests).
    #[cfg(test)]
    fn waiting_count(&self) -> usize {
        self.0.waiting().wakers.len()
    }
}

/// The future of [`AbortSignal::aborted`]. Dropping it stops its waiting.
pub struct Aborted<'a> {
    signal: &'a AbortSignal,
    key: Option<u64>,
}

impl Future for Aborted<'_> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let state = &self.signal.0;
        if state.aborted.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        let mut waiting = state.waiting();
        // Checked again under the lock: `abort` takes the wakers under it after setting the flag.
        if state.aborted.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        let key = match self.key {
            Some(key) => key,
            None => {
                let key = waiting.next;
                waiting.next = waiting.next.wrapping_add(1);
                key
            }
        };
        match waiting.wakers.get_mut(&key) {
            Some(w) if w.will_wake(cx.waker()) => {}
            Some(w) => w.clone_from(cx.waker()),
            None => {
                waiting.wakers.insert(key, cx.waker().clone());
            }
        }
        drop(waiting);
        self.key = Some(key);
        Poll::Pending
    }
}

impl Drop for Aborted<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.signal.0.waiting().wakers.remove(&key);
        }
    }
}

impl fmt::Debug for Aborted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Aborted")
            .field("aborted", &self.signal.is_aborted())
            .finish()
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

    /// One signal for every call of a long-running app (an app-wide shutdown switch): each call
    /// that ends leaves nothing behind. Its waker stayed before (memory and the time of every
    /// poll grew with the number of calls made).
    #[tokio::test]
    async fn calls_that_end_leave_no_waker_on_a_shared_signal() {
        let signal = AbortSignal::new();
        for _ in 0..1000 {
            let s = signal.clone();
            let call = tokio::spawn(async move {
                unless_aborted(Some(&s), async {
                    tokio::task::yield_now().await;
                    7
                })
                .await
            });
            assert_eq!(call.await.unwrap(), Some(7));
        }
        assert_eq!(signal.waiting_count(), 0);
        // Calls waiting now are counted, and leave when they are dropped (cancelled).
        let s = signal.clone();
        let waiting =
            tokio::spawn(
                async move { unless_aborted(Some(&s), std::future::pending::<()>()).await },
            );
        while signal.waiting_count() == 0 {
            tokio::task::yield_now().await;
        }
        waiting.abort();
        assert!(waiting.await.unwrap_err().is_cancelled());
        assert_eq!(signal.waiting_count(), 0);
    }
}
