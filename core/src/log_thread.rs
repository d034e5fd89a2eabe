//! [`Background`]: a logger whose records are written by one logging thread of the process,
//! never by the threads that carry calls. A sink the SDK does not control (a Python `logging`
//! handler, a Kotlin or Swift `P100Logger`) may be slow, e.g. ship each record over the
//! network: run on the runtime's threads it would hold back every call's socket and timer, and
//! a transfer the server ran would come back as a timeout with outcome `unknown` (outside
//! review, stop 41: 12 of 160 transfers with a 200 ms Python handler). Here it holds back only
//! the records.
//!
//! A binding that wants a call to return only once the call's own records are written runs the
//! call through [`marked`] (which notes the position of the last record the call queued) and
//! then waits for that position ([`wait_written`], [`written`]). A call that logged nothing
//! does not wait. The wait is bounded ([`WAIT`]); once a wait ran out, calls do not wait again
//! until the sink has written a record (a sink stuck for good costs one wait, not one per call).
//!
//! The queue is bounded ([`CAPACITY`]): past it, records are left out and standard error says
//! how many. After `fork` the child starts with an empty queue and its own thread (its parent's
//! thread did not survive the fork); if the fork caught another thread holding the queue's lock,
//! the child can never take it, so there records are written on the calling thread instead, as
//! without `Background`.

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::io::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

use super::{LogRecord, Logger};

/// Records waiting at most.
pub const CAPACITY: usize = 10_000;
/// The longest a call's return waits for its records.
pub const WAIT: Duration = Duration::from_secs(1);

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
        let Some(mut q) = queue() else {
            return self.0.log(record);
        };
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
                return self.0.log(record);
            }
        }
        q.records.push_back((self.0.clone(), record.clone()));
        q.queued += 1;
        let position = q.queued;
        drop(q);
        // The call being polled (inside `marked`) waits for this one.
        let _ = CALL_MARK.try_with(|m| m.set(position));
        QUEUED.notify_one();
    }
}

tokio::task_local! {
    static CALL_MARK: Cell<u64>;
}

/// Runs `fut` and returns its output with the position of the last record a [`Background`]
/// logger queued while it ran (0: none), for [`wait_written`] / [`written`].
pub async fn marked<F: Future>(fut: F) -> (F::Output, u64) {
    CALL_MARK
        .scope(Cell::new(0), async {
            let out = fut.await;
            (out, CALL_MARK.with(Cell::get))
        })
        .await
}

/// The records waiting, and how far the logging thread got.
struct Queue {
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

const EMPTY: Queue = Queue {
    records: VecDeque::new(),
    queued: 0,
    written: 0,
    dropped: 0,
    started: false,
    stuck_at: None,
};

static QUEUE: Mutex<Queue> = Mutex::new(EMPTY);
/// The process the queue's state belongs to (0: none yet).
static QUEUE_PID: AtomicU32 = AtomicU32::new(0);
static QUEUED: Condvar = Condvar::new();
static WRITTEN: Condvar = Condvar::new();

thread_local! {
    /// The process in which this thread is the logging thread (0: it is not).
    static LOG_THREAD_OF: Cell<u32> = const { Cell::new(0) };
}

/// The queue of this process; `None` in a forked child whose parent had the lock taken at the
/// moment of the fork (the thread that held it does not exist here: the lock stays taken).
fn queue() -> Option<MutexGuard<'static, Queue>> {
    let pid = std::process::id();
    if QUEUE_PID.load(Ordering::Acquire) == pid {
        return Some(QUEUE.lock().unwrap_or_else(|e| e.into_inner()));
    }
    let mut q = match QUEUE.try_lock() {
        Ok(q) => q,
        Err(TryLockError::Poisoned(e)) => e.into_inner(),
        // Taken: by a thread of this process that is resetting it right now, or for good.
        Err(TryLockError::WouldBlock) => return None,
    };
    if QUEUE_PID.load(Ordering::Acquire) != pid {
        *q = EMPTY;
        QUEUE_PID.store(pid, Ordering::Release);
    }
    Some(q)
}

/// True on the logging thread of this process: a sink runs there, and a binding refuses a
/// blocking call made from it (the call would wait for its own records, i.e. for this thread).
pub fn on_log_thread() -> bool {
    LOG_THREAD_OF.with(Cell::get) == std::process::id()
}

/// Blocks (at most `limit`) until the records up to position `mark` ([`marked`]) are written.
/// Python calls it with the interpreter released (its sink needs the interpreter). Returns at
/// once for mark 0, on the logging thread, or while the sink is stuck.
pub fn wait_written(mark: u64, limit: Duration) {
    let Some(q) = to_wait_for(mark) else {
        return;
    };
    let (mut q, waited) = WRITTEN
        .wait_timeout_while(q, limit, |q| q.written < mark)
        .unwrap_or_else(|e| e.into_inner());
    if waited.timed_out() {
        q.stuck_at = Some(q.written);
    }
}

/// Waits (at most `limit`) until every record queued so far is written, stuck sink or not (at
/// exit, and in tests).
pub fn flush(limit: Duration) {
    if on_log_thread() {
        return;
    }
    let Some(q) = queue() else {
        return;
    };
    let mark = q.queued;
    let _ = WRITTEN.wait_timeout_while(q, limit, |q| q.written < mark);
}

/// Records queued and not written yet (what an exit with records waiting leaves out).
pub fn unwritten() -> u64 {
    queue().map_or(0, |q| q.queued - q.written)
}

/// The queue, when there is something to wait for.
fn to_wait_for(mark: u64) -> Option<MutexGuard<'static, Queue>> {
    if mark == 0 || on_log_thread() {
        return None;
    }
    let q = queue()?;
    let stuck = q.stuck_at == Some(q.written);
    (q.written < mark && !stuck).then_some(q)
}

/// [`wait_written`] for async code: checks every millisecond, without holding a thread.
pub async fn written(mark: u64, limit: Duration) {
    if to_wait_for(mark).is_none() {
        return;
    }
    let waited = tokio::time::timeout(limit, async {
        while to_wait_for(mark).is_some() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
    if waited.is_err() {
        if let Some(mut q) = queue() {
            q.stuck_at = Some(q.written);
        }
    }
}

fn write_queued() {
    LOG_THREAD_OF.with(|t| t.set(std::process::id()));
    loop {
        let Some(mut q) = queue() else {
            return;
        };
        while q.records.is_empty() && q.dropped == 0 {
            q = QUEUED.wait(q).unwrap_or_else(|e| e.into_inner());
        }
        let (next, dropped) = (q.records.pop_front(), std::mem::take(&mut q.dropped));
        drop(q);
        if dropped > 0 {
            let _ = writeln!(
                std::io::stderr(),
                "p100: {dropped} log records were left out: the logger did not keep up \
                 ({CAPACITY} records were waiting)"
            );
        }
        let Some((sink, record)) = next else {
            continue;
        };
        // A sink that panics must not end the thread (nor leave callers waiting).
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink.log(&record)));
        if let Some(mut q) = queue() {
            q.written += 1;
        }
        WRITTEN.notify_all();
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

    /// Runs `f` on a thread of its own; true when it returned within 5 s.
    fn returns_soon(f: impl FnOnce() + Send + 'static) -> bool {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            f();
            let _ = tx.send(());
        });
        rx.recv_timeout(Duration::from_secs(5)).is_ok()
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
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
        flush(Duration::from_secs(10));
        let seen = sink.seen.lock().unwrap().clone();
        let log = |n| (n, true, "p100-log".to_string());
        assert_eq!(seen, [log(1), log(2), log(3), log(4)]);
    }

    #[test]
    fn a_call_waits_for_its_own_records_and_only_those() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let sink = Arc::new(Held::default());
        let logger = Arc::new(Background::new(sink.clone()));
        // Another client's record, held by its sink.
        logger.log(&record(1));
        let ((), quiet) = block_on(marked(async {}));
        assert_eq!(quiet, 0);
        assert!(
            returns_soon(move || wait_written(quiet, Duration::from_secs(60))),
            "a call that logged nothing waited for another's records"
        );
        let l = logger.clone();
        let ((), mark) = block_on(marked(async move { l.log(&record(2)) }));
        assert!(mark > 0);
        let waiter = std::thread::spawn(move || {
            block_on(written(mark, Duration::from_secs(60)));
        });
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            !waiter.is_finished(),
            "returned before its record was written"
        );
        release(&sink);
        waiter.join().unwrap();
        assert_eq!(sink.seen.lock().unwrap().len(), 2);
    }

    #[test]
    fn a_stuck_sink_costs_one_wait_not_one_per_call() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let sink = Arc::new(Held::default());
        let logger = Arc::new(Background::new(sink.clone()));
        let l = logger.clone();
        let ((), first) = block_on(marked(async move { l.log(&record(1)) }));
        wait_written(first, Duration::from_millis(100));
        // Stuck: a call now returns at once, however long it would wait.
        let ((), second) = block_on(marked(async move { logger.log(&record(2)) }));
        let returned = returns_soon(move || wait_written(second, Duration::from_secs(60)));
        release(&sink);
        assert!(returned, "a call waited on a stuck sink again");
        flush(Duration::from_secs(10));
        assert_eq!(sink.seen.lock().unwrap().len(), 2);
    }

    #[test]
    fn past_capacity_the_newest_records_are_left_out_and_memory_stays_bounded() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let sink = Arc::new(Held::default());
        let logger = Background::new(sink.clone());
        let sent = u32::try_from(CAPACITY).unwrap() + 100;
        for n in 1..=sent {
            logger.log(&record(n));
        }
        release(&sink);
        flush(Duration::from_secs(30));
        let seen: Vec<u32> = sink.seen.lock().unwrap().iter().map(|s| s.0).collect();
        // The one the thread had taken before the queue filled may come on top.
        assert!(
            seen.len() == CAPACITY || seen.len() == CAPACITY + 1,
            "{} written",
            seen.len()
        );
        let first: Vec<u32> = (1..=u32::try_from(seen.len()).unwrap()).collect();
        assert_eq!(seen, first, "the oldest records are kept, in order");
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
        flush(Duration::from_secs(10));
        assert_eq!(good.records().len(), 1);
    }
}
