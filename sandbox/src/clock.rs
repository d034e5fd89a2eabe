//! The sandbox's clock: real time plus what `POST /_sandbox/advance` added, and the queue of
//! work waiting for its due time on that clock.
//!
//! Every delay the sandbox times (settle delays, lock lifetimes, webhook retries) is measured
//! on this clock, after the time scale shrank it. Advancing the clock by `N` sandbox seconds
//! adds `N × time scale` to it (the same factor the delays were shrunk by), so `advance 41`
//! expires a 40 s lock at any time scale. Work that became due runs at once, in due order.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};

use crate::app::App;

/// Work scheduled with [`App::after`].
pub(crate) type Job = Box<dyn FnOnce(&Arc<App>) + Send + 'static>;

/// A job with the reset generation it was scheduled in.
struct Pending {
    generation: u64,
    job: Job,
}

/// How far ahead of real time the clock can be moved: 100 years. Further, its times left what
/// RFC 3339 can write (year 10000) and then overflowed, and every request that read the clock
/// failed until a reset (outside review, stop 45).
pub const MAX_OFFSET: Duration = Duration::from_secs(100 * 366 * 24 * 3600);

/// Real time plus an offset, with the work due on it.
pub struct Clock {
    /// What `advance` added so far (already scaled). Watched by the sleepers.
    offset: watch::Sender<Duration>,
    /// Scheduled work by due time (ties: scheduling order).
    jobs: Mutex<BTreeMap<(Instant, u64), Pending>>,
    seq: AtomicU64,
    /// Wakes the driver: a job was added, the clock moved, or the sandbox closed.
    wake: Notify,
    /// Held while due work runs: one runner at a time, so jobs run in due order.
    running: Mutex<()>,
    driver_started: AtomicBool,
    /// The runtime the sandbox started in (jobs may spawn webhook deliveries).
    runtime: Option<tokio::runtime::Handle>,
}

fn recover<T>(r: Result<T, std::sync::PoisonError<T>>) -> T {
    r.unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Clock {
    /// A clock at real time.
    pub fn new() -> Clock {
        Clock {
            offset: watch::Sender::new(Duration::ZERO),
            jobs: Mutex::new(BTreeMap::new()),
            seq: AtomicU64::new(0),
            wake: Notify::new(),
            running: Mutex::new(()),
            driver_started: AtomicBool::new(false),
            runtime: tokio::runtime::Handle::try_current().ok(),
        }
    }

    /// What `advance` added so far.
    pub fn offset(&self) -> Duration {
        *self.offset.borrow()
    }

    /// The sandbox's monotonic time.
    pub fn instant(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// The sandbox's wall-clock time.
    pub fn utc(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::from_std(self.offset()).unwrap_or_default()
    }

    /// Moves the clock forward by `by` (already scaled), at most [`MAX_OFFSET`] ahead of real
    /// time in all. Sleepers re-check their due time.
    pub fn advance(&self, by: Duration) {
        self.offset
            .send_modify(|o| *o = o.saturating_add(by).min(MAX_OFFSET));
        self.wake.notify_one();
    }

    /// Back to real time, without any scheduled work (reset).
    pub fn reset(&self) {
        self.jobs().clear();
        self.offset.send_modify(|o| *o = Duration::ZERO);
        self.wake.notify_one();
    }

    /// Wakes the driver so that it notices a shutdown.
    pub fn close(&self) {
        self.wake.notify_one();
    }

    fn jobs(&self) -> MutexGuard<'_, BTreeMap<(Instant, u64), Pending>> {
        recover(self.jobs.lock())
    }

    /// Waits until the clock reads `due` or later (real time passing, or `advance`).
    pub async fn sleep_until(&self, due: Instant) {
        let mut moved = self.offset.subscribe();
        loop {
            let now = self.instant();
            if now >= due {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(due - now) => {}
                r = moved.changed() => {
                    if r.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Waits `d` on the clock.
    pub async fn sleep(&self, d: Duration) {
        let due = self.instant() + d;
        self.sleep_until(due).await;
    }

    /// Queues `job` to run `delay` from now on the clock (the delay is already scaled).
    pub(crate) fn schedule(&self, app: &Arc<App>, delay: Duration, job: Job) {
        let due = self.instant() + delay;
        let seq = self.seq.fetch_add(1, Ordering::SeqCst);
        self.jobs().insert(
            (due, seq),
            Pending {
                generation: app.generation(),
                job,
            },
        );
        if !self.driver_started.swap(true, Ordering::SeqCst) {
            let weak = Arc::downgrade(app);
            let spawned = match &self.runtime {
                Some(h) => h.spawn(drive(weak)),
                None => tokio::spawn(drive(weak)),
            };
            drop(spawned);
        }
        self.wake.notify_one();
    }

    /// Runs every job due by now, in due order, one at a time. Jobs of an older generation
    /// (before a reset) or after shutdown are dropped.
    pub(crate) fn run_due(&self, app: &Arc<App>) {
        let _running = recover(self.running.lock());
        let _entered = self.enter();
        loop {
            let now = self.instant();
            let next = {
                let mut jobs = self.jobs();
                match jobs.first_key_value() {
                    Some((k, _)) if k.0 <= now => jobs.pop_first().map(|(_, p)| p),
                    _ => None,
                }
            };
            let Some(p) = next else {
                return;
            };
            if p.generation == app.generation() && !app.closed() {
                // A job that panics is lost alone (as a task of its own would be); the queue
                // and the caller (the driver, or an `advance` request) carry on.
                let job = p.job;
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(app)));
            }
        }
    }

    /// Enters the sandbox's runtime (for spawning from a thread outside it).
    pub(crate) fn enter(&self) -> Option<tokio::runtime::EnterGuard<'_>> {
        self.runtime.as_ref().map(tokio::runtime::Handle::enter)
    }

    /// When the next job is due.
    fn next_due(&self) -> Option<Instant> {
        self.jobs().first_key_value().map(|(k, _)| k.0)
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

/// The background task that runs scheduled work when it becomes due.
async fn drive(app: Weak<App>) {
    loop {
        let Some(strong) = app.upgrade() else {
            return;
        };
        if strong.closed() {
            return;
        }
        let clock = Arc::clone(&strong.clock);
        clock.run_due(&strong);
        drop(strong);
        let woken = clock.wake.notified();
        match clock.next_due() {
            Some(due) => {
                let now = clock.instant();
                if due > now {
                    tokio::select! {
                        _ = tokio::time::sleep(due - now) => {}
                        _ = woken => {}
                    }
                }
            }
            None => woken.await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Settings;

    fn app() -> Arc<App> {
        Arc::new(App::new(
            Settings {
                api_key: "k".into(),
                settle: Duration::from_secs(60),
                time_scale: 1.0,
                webhook: None,
                log: false,
            },
            "http://127.0.0.1:1".into(),
        ))
    }

    #[test]
    fn the_clock_moves_at_most_a_hundred_years_ahead() {
        let clock = Clock::new();
        for _ in 0..3 {
            clock.advance(Duration::MAX);
        }
        assert_eq!(clock.offset(), MAX_OFFSET);
        // Its times stay readable (RFC 3339 ends at year 9999) and computable.
        let text = clock.utc().to_rfc3339();
        assert!(text.starts_with("21") || text.starts_with("22"), "{text}");
        let _ = clock.instant();
    }

    #[tokio::test]
    async fn due_work_runs_in_due_order_and_survives_a_panic() {
        let app = app();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for (secs, tag) in [(30, "c"), (10, "a"), (20, "b"), (20, "b2"), (90, "late")] {
            let seen = Arc::clone(&seen);
            app.after(Duration::from_secs(secs), move |_| {
                recover(seen.lock()).push(tag);
                if tag == "a" {
                    panic!("a job that panics");
                }
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(recover(seen.lock()).is_empty());
        let before = app.instant();
        app.advance(Duration::from_secs(60));
        assert_eq!(*recover(seen.lock()), ["a", "b", "b2", "c"]);
        assert!(app.instant() - before >= Duration::from_secs(60));
        // Reset drops what is still scheduled and goes back to real time.
        app.reset();
        assert!(app.instant() < before + Duration::from_secs(1));
        app.advance(Duration::from_secs(600));
        assert_eq!(recover(seen.lock()).len(), 4);
        app.close();
    }

    #[tokio::test]
    async fn sleepers_wake_when_the_clock_moves() {
        let app = app();
        let clock = Arc::clone(&app.clock);
        let sleeper = tokio::spawn(async move { clock.sleep(Duration::from_secs(8)).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!sleeper.is_finished());
        app.advance(Duration::from_secs(8));
        tokio::time::timeout(Duration::from_secs(2), sleeper)
            .await
            .expect("woken by advance")
            .unwrap();
        // The time scale applies to advance as to every delay.
        app.set_time_scale(0.5);
        let before = app.instant();
        app.advance(Duration::from_secs(10));
        let moved = app.instant() - before;
        assert!(moved >= Duration::from_secs(5) && moved < Duration::from_secs(6));
    }
}
