//! [`Background`]: a logger whose records are written by one logging thread of the process,
//! never by the threads that carry calls. A sink the SDK does not control (a Python `logging`
//! handler, a Kotlin or Swift `P100Logger`) may be slow, e.g. ship each record over the
//! network: run on the runtime's threads it would hold back every call's socket and timer, and
//! a transfer the server ran would come back as a timeout with outcome `unknown` (outside
//! review, stop 41: 12 of 160 transfers with a 200 ms Python handler). Here it holds back only
//! the records.
//!
//! A binding waits, as a call returns, until the records queued before its end are written
//! ([`wait_written`], [`written`]), so a caller still sees its own call's records right after
//! (Python's `caplog`, a test's collecting logger). The wait is bounded ([`WAIT`]): a sink that
//! is slow or waits on the caller itself delays its records, not the call for longer; once a
//! wait ran out, calls do not wait again until the sink has written a record (a sink stuck for
//! good costs one wait, not one per call).
//!
//! The queue is bounded ([`CAPACITY`]): past it, records are left out and standard error says
//! how many. After `fork` the child starts with an empty queue and its own thread (its parent's
//! thread did not survive the fork).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::{LogRecord, Logger};

/// Records waiting at most.
pub const CAPACITY: usize = 10_000;
/// The longest a call's return waits for its records.
pub const WAIT: Duration = Duration::from_secs(2);

/// Writes each record with `sink`, on the process's logging thread.
pub struct Background(Arc<dyn Logger>);

impl Background {
    /// `sink`, written from the logging thread.
    pub fn new(sink: Arc<dyn Logger>) -> Self {
        Background(sink)
    }
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Background(Logger)")
    }
}

impl Logger for Background {
    fn log(&self, record: &LogRecord) {
        let mut q = queue();
        if q.records.len() >= CAPACITY {
            q.dropped += 1;
            return;
        }
        if !q.started {
            let spawned = std::thread::Builder::new()
                .name("p100-log".into())
                .spawn(write_queued);
            q.started = spawned.is_ok();
            if !q.started {
                // No thread to be had: written here, as without `Background`.
                drop(q);
                self.0.log(record);
                return;
            }
        }
        q.records.push_back((self.0.clone(), record.clone()));
        q.queued += 1;
        QUEUED.notify_one();
    }
}

/// The records waiting, and how far the logging thread got, in process `pid`.
struct Queue {
    pid: u32,
    records: VecDeque<(Arc<dyn Logger>, LogRecord)>,
    /// Records queued so far, and of those written.
    queued: u64,
    written: u64,
    /// Left out (the queue was full) and not yet reported.
    dropped: u64,
    started: bool,
    /// `written` when a wait last ran out: while no record has been written since, the sink is
    /// stuck (a handler that never returns), and calls return without waiting.
    stuck_at: Option<u64>,
}

static QUEUE: Mutex<Queue> = Mutex::new(Queue {
    pid: 0,
    records: VecDeque::new(),
    queued: 0,
    written: 0,
    dropped: 0,
    started: false,
    stuck_at: None,
});
static QUEUED: Condvar = Condvar::new();
static WRITTEN: Condvar = Condvar::new();
static WRITTEN_ASYNC: tokio::sync::Notify = tokio::sync::Notify::const_new();

thread_local! {
    static ON_LOG_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn queue() -> MutexGuard<'static, Queue> {
    let mut q = QUEUE.lock().unwrap_or_else(|e| e.into_inner());
    let pid = std::process::id();
    if q.pid != pid {
        *q = Queue {
            pid,
            records: VecDeque::new(),
            queued: 0,
            written: 0,
            dropped: 0,
            started: false,
            stuck_at: None,
        };
    }
    q
}

/// True on the logging thread: a sink runs there, and a binding refuses a blocking call made
/// from it (the call would wait for its own records, i.e. for this thread).
pub fn on_log_thread() -> bool {
    ON_LOG_THREAD.with(std::cell::Cell::get)
}

/// Blocks (at most `limit`) until the records queued so far are written. Python calls it with
/// the interpreter released (its sink needs the interpreter); returns at once on the logging
/// thread, or when no record is waiting.
pub fn wait_written(limit: Duration) {
    let Some((q, mark)) = to_wait_for() else {
        return;
    };
    let (mut q, waited) = WRITTEN
        .wait_timeout_while(q, limit, |q| q.written < mark)
        .unwrap_or_else(|e| e.into_inner());
    if waited.timed_out() {
        q.stuck_at = Some(q.written);
    }
}

/// The queue and the count of records queued so far, when there are some to wait for: none on
/// the logging thread, and none while the sink is stuck.
fn to_wait_for() -> Option<(MutexGuard<'static, Queue>, u64)> {
    let q = queue();
    let mark = q.queued;
    let stuck = q.stuck_at == Some(q.written);
    (q.written < mark && !stuck && !on_log_thread()).then_some((q, mark))
}

/// [`wait_written`] for async code (it waits without holding a runtime thread).
pub async fn written(limit: Duration) {
    let Some((q, mark)) = to_wait_for() else {
        return;
    };
    drop(q);
    let waited = tokio::time::timeout(limit, async {
        loop {
            // Registered before the check: a record written in between still wakes it.
            let mut notified = std::pin::pin!(WRITTEN_ASYNC.notified());
            notified.as_mut().enable();
            if queue().written >= mark {
                return;
            }
            notified.await;
        }
    })
    .await;
    if waited.is_err() {
        let mut q = queue();
        q.stuck_at = Some(q.written);
    }
}

fn write_queued() {
    ON_LOG_THREAD.with(|t| t.set(true));
    loop {
        let (next, dropped) = {
            let mut q = queue();
            while q.records.is_empty() && q.dropped == 0 {
                q = QUEUED.wait(q).unwrap_or_else(|e| e.into_inner());
            }
            (q.records.pop_front(), std::mem::take(&mut q.dropped))
        };
        if dropped > 0 {
            eprintln!(
                "p100: {dropped} log records were left out: the logger did not keep up \
                 ({CAPACITY} records were waiting)"
            );
        }
        let Some((sink, record)) = next else {
            continue;
        };
        // A sink that panics must not end the thread (nor leave callers waiting).
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink.log(&record)));
        queue().written += 1;
        WRITTEN.notify_all();
        WRITTEN_ASYNC.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{AttemptOutcome, MemoryLogger};

    fn record(n: u32) -> LogRecord {
        LogRecord {
            operation: "partner.balances",
            method: "GET",
            path: "/v1/partner/balances".into(),
            attempt: n,
            outcome: AttemptOutcome::Succeeded,
            status: Some(200),
            elapsed: Duration::ZERO,
            request_id: None,
            error_kind: None,
            retry_delay: None,
        }
    }

    /// A sink that waits for the test to let it go, and notes whether it had been let go when
    /// it was called: written on the caller's thread, it would be called before.
    #[derive(Default)]
    struct Held {
        released: Mutex<bool>,
        go: Condvar,
        seen: Mutex<Vec<(u32, bool, String)>>,
    }

    impl Logger for Held {
        fn log(&self, r: &LogRecord) {
            let released = self.released.lock().unwrap();
            let (released, _) = self
                .go
                .wait_timeout_while(released, Duration::from_secs(10), |r| !*r)
                .unwrap();
            let name = std::thread::current().name().unwrap_or("").to_string();
            self.seen.lock().unwrap().push((r.attempt, *released, name));
        }
    }

    /// The tests share the process's one queue and thread: one at a time.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    fn release(sink: &Held) {
        *sink.released.lock().unwrap() = true;
        sink.go.notify_all();
    }

    #[test]
    fn a_slow_sink_holds_back_the_records_not_the_caller_and_they_come_in_order() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let sink = Arc::new(Held::default());
        let logger = Background::new(sink.clone());
        for n in 1..=4 {
            logger.log(&record(n));
        }
        release(&sink);
        wait_written(Duration::from_secs(10));
        let seen = sink.seen.lock().unwrap().clone();
        let log = |n| (n, true, "p100-log".to_string());
        assert_eq!(seen, [log(1), log(2), log(3), log(4)]);
        // Async: waits for the records queued before it.
        logger.log(&record(5));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(written(Duration::from_secs(10)));
        assert_eq!(sink.seen.lock().unwrap().len(), 5);
    }

    #[test]
    fn a_stuck_sink_costs_one_wait_not_one_per_call() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let sink = Arc::new(Held::default());
        Background::new(sink.clone()).log(&record(1));
        wait_written(Duration::from_millis(100));
        // Stuck: a call now returns at once, however long it would wait.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            wait_written(Duration::from_secs(60));
            let _ = tx.send(());
        });
        let returned = rx.recv_timeout(Duration::from_secs(5));
        release(&sink);
        assert!(returned.is_ok(), "a call waited on a stuck sink again");
        wait_written(Duration::from_secs(10));
        assert_eq!(sink.seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_sink_that_panics_does_not_stop_the_others() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        struct Boom;
        impl Logger for Boom {
            fn log(&self, _: &LogRecord) {
                panic!("a bad sink");
            }
        }
        let good = Arc::new(MemoryLogger::default());
        Background::new(Arc::new(Boom)).log(&record(1));
        Background::new(good.clone()).log(&record(2));
        wait_written(Duration::from_secs(10));
        assert_eq!(good.records().len(), 1);
    }
}
