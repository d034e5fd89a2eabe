//! Running core futures: blocking (GIL released, Ctrl-C honoured) for `Client`, as asyncio
//! awaitables for `AsyncClient`. Both use one shared multi-threaded tokio runtime (never
//! dropped). Runtime threads enter the interpreter only to hand results over, and never once
//! it shuts down (see [`Gate`]).

use std::any::TypeId;
use std::future::Future;
use std::io::Write as _;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering::SeqCst};
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use pyo3::IntoPyObjectExt;

use p100::error::panic_text;
use p100::fork::{PerProcess, GENERATIONS};

use crate::errors::{build, internal, to_pyerr, unbuilt};

/// A finished result: turns into a Python object (needs the GIL, so it runs last); `summary` is
/// its JSON text for [`Keep`] (calls that change something only).
pub struct Out {
    to_py: ToPy,
    summary: Option<String>,
}

type ToPy = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Py<PyAny>> + Send>;

impl Out {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        (self.to_py)(py)
    }
}

/// A core call in flight, type-erased: its result converts to Python once it is done. `Keep`
/// says what to keep if its caller cancels it after it finished (calls that change something).
pub struct Pending(
    Pin<Box<dyn Future<Output = p100::Result<Out>> + Send>>,
    Option<Keep>,
);

/// Where and as what a call that changes something is kept when it finished but its caller had
/// cancelled it, so that its result is never handed over
/// ([`p100::CancelledCalls::keep_undelivered`]; a call cancelled while its request was out is
/// kept by the core itself).
pub struct Keep {
    calls: p100::CancelledCalls,
    operation: &'static str,
}

impl Keep {
    /// For the operation `operation` (a name of the operation table) of `client`; `None` for
    /// calls that only read.
    pub fn of(client: &p100::Client, operation: &'static str) -> Option<Keep> {
        p100::routes::changes_something(operation).then(|| Keep {
            calls: client.cancelled_calls(),
            operation,
        })
    }

    /// For a call of the escape hatch with `method`.
    pub fn request(client: &p100::Client, method: &str) -> Option<Keep> {
        p100::routes::method_changes_something(method).then(|| Keep {
            calls: client.cancelled_calls(),
            operation: "request",
        })
    }

    fn undelivered(&self, result: &p100::Result<Out>) {
        let result = result.as_ref().map(|out| out.summary.as_deref());
        self.calls.keep_undelivered(self.operation, true, result);
    }
}

/// Wraps a core future; `()` results become `None`.
pub fn pending<T, F>(fut: F) -> Pending
where
    F: Future<Output = p100::Result<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    Pending(Box::pin(async move { Ok(out(fut.await?, None)) }), None)
}

/// [`pending`] of a call kept as `keep` says if cancelled after it finished (with its result's
/// ids: the result is serialized for that, only when `keep` is set).
pub fn kept<T, F>(fut: F, keep: Option<Keep>) -> Pending
where
    F: Future<Output = p100::Result<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + serde::Serialize + Send + 'static,
{
    let summarize = keep.is_some();
    Pending(
        Box::pin(async move {
            let value = fut.await?;
            let summary = summarize
                .then(|| serde_json::to_string(&value).ok())
                .flatten();
            Ok(out(value, summary))
        }),
        keep,
    )
}

fn out<T>(value: T, summary: Option<String>) -> Out
where
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    Out {
        to_py: Box::new(move |py: Python<'_>| {
            if TypeId::of::<T>() == TypeId::of::<()>() {
                return Ok(py.None());
            }
            Ok(value.into_bound_py_any(py)?.unbind())
        }),
        summary,
    }
}

/// What each process has of its own: the runtime, the bound on results being handed to event
/// loops at once, and the [`Gate`].
struct Process {
    rt: tokio::runtime::Runtime,
    delivering: tokio::sync::Semaphore,
    gate: Gate,
}

/// Results handed to event loops at once, each on a blocking thread waiting for the GIL: a
/// burst of finished calls would otherwise take a thread each (outside review, stop 42: 400
/// threads for 800 calls finishing together behind a slow log handler, near tokio's limit of
/// 512, past which the HTTP client's DNS lookups wait).
const DELIVERING_AT_ONCE: usize = 8;

/// One [`Process`] per process. After `os.fork()` (gunicorn `--preload`, Celery prefork,
/// `multiprocessing` with the fork start method) the parent's is still in memory but its threads
/// did not survive the fork (nor the tasks holding its permits, nor the threads it counted
/// inside the gate): the child makes its own on its first call. (The core's HTTP client does the
/// same for its connections.) [`PerProcess`] holds no lock a fork could leave taken: a child
/// forked while other threads were making calls or handing results over never waits for them.
static PROCESSES: PerProcess<Process> = PerProcess::new();

fn process() -> &'static Process {
    let made = PROCESSES.get_or_init(|| Process {
        rt: tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("p100-runtime")
            .build()
            .unwrap_or_else(|e| panic!("p100: the async runtime could not start: {e}")),
        delivering: tokio::sync::Semaphore::new(DELIVERING_AT_ONCE),
        gate: Gate {
            inside: AtomicUsize::new(0),
        },
    });
    made.unwrap_or_else(|| {
        panic!("p100: more than {GENERATIONS} generations of os.fork() below the first process")
    })
}

/// The tokio runtime of this process ([`process`]).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    &process().rt
}

/// How often a blocking call wakes up to let Python handle signals (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// True on the interpreter's main thread, the only one Python delivers signals to.
fn on_main_thread(py: Python<'_>) -> PyResult<bool> {
    let threading = py.import("threading")?;
    let main = threading.call_method0("main_thread")?;
    Ok(main.is(&threading.call_method0("current_thread")?))
}

/// Runs the call to completion with the GIL released; other Python threads keep running.
/// On the main thread, a pending signal (Ctrl-C → `KeyboardInterrupt`) abandons the call;
/// other threads never receive signals, so they wait without re-entering the interpreter.
///
/// Back into the interpreter only through the [`Gate`]: a daemon thread whose call ends while
/// the interpreter exits would otherwise be ended by CPython (`pthread_exit`) with Rust frames
/// on its stack, a segmentation fault at exit. Once the gate is closed, such a thread parks
/// for good (what CPython 3.14 itself does with daemon threads at exit).
pub fn block(py: Python<'_>, call: Pending) -> PyResult<Py<PyAny>> {
    // On one of the SDK's own threads (user code the SDK calls there: a handler of the `p100`
    // logger, a `__del__`) a blocking call would block the runtime on itself: refused, before
    // anything is sent.
    if tokio::runtime::Handle::try_current().is_ok() || p100::log::on_log_thread() {
        let e = p100::Error::config(
            "a blocking p100.Client call cannot run on one of the SDK's own threads (here from \
             code the SDK called, such as a handler of the p100 logger): make it from your own \
             thread, or use AsyncClient",
        );
        return Err(to_pyerr(py, &e));
    }
    // After the `atexit` hook (a call from a later hook): refused before anything is sent; it
    // could never come back into the interpreter (the thread would park for good).
    if shutting_down() {
        return Err(PyRuntimeError::new_err(
            "p100: the interpreter is shutting down",
        ));
    }
    let rt = runtime();
    let Pending(call, keep) = call;
    // Before the call starts: a signal handled in this Python call would otherwise leave it
    // running, with nobody to keep it.
    let main = on_main_thread(py)?;
    // The position of the call's last log record: it returns once that is written.
    let mark = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mark_in_call = mark.clone();
    let mut handle = rt.spawn(async move {
        let (result, last) = p100::log::marked(call).await;
        mark_in_call.store(last, std::sync::atomic::Ordering::Release);
        result
    });
    let (joined, _inside) = py.detach(|| {
        let joined = loop {
            if !main {
                break Ok(rt.block_on(&mut handle));
            }
            let waited =
                rt.block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut handle).await });
            match waited {
                Ok(joined) => break Ok(joined),
                Err(_elapsed) => {
                    if let Err(signal) = Python::attach(|py| py.check_signals()) {
                        handle.abort();
                        // Finished meanwhile: its result is not handed over, so keep it.
                        if let (Some(Ok(result)), Some(keep)) = (stopped(rt, &mut handle), &keep) {
                            keep.undelivered(&result);
                        }
                        break Err(signal);
                    }
                }
            }
        };
        // Its log records out first, so that the caller sees them when it returns.
        let last = mark.load(std::sync::atomic::Ordering::Acquire);
        p100::log::wait_written(last, p100::log::WAIT);
        match enter_gate() {
            Some(inside) => (joined, inside),
            None => loop {
                std::thread::park();
            },
        }
    });
    match joined? {
        // A signal that came as the call finished, or while its result was converted (a quick
        // call, on the main thread): Python would raise it the moment this returns, and the
        // result would be lost with nobody to keep it. Raised here instead, after converting,
        // the finished call kept like any call cancelled after it finished. (Checked before
        // converting, a signal during the conversion was lost: outside review, stop 49.)
        Ok(result) => hand_over(py, result, keep.as_ref(), main).0,
        // A panic inside the call (a bug): a `P100Error` of kind "internal", not a crash.
        Err(join_error) if join_error.is_panic() => {
            Err(internal(py, &panic_text(&*join_error.into_panic())))
        }
        Err(join_error) => Err(PyRuntimeError::new_err(format!(
            "p100: the call did not complete ({join_error})"
        ))),
    }
}

/// Turns a finished call's result into what its caller gets: the value, or the exception to
/// raise. Converting runs Python code (an error's `__init__`, `json.loads`): a signal handler
/// (Ctrl-C) can raise inside it, or memory run out. The caller then never gets the call's
/// result: a call that changes something is kept as one cancelled after it finished
/// (`take_cancelled()`), and what was raised propagates (outside review, stop 46: a
/// `KeyboardInterrupt` there became a `RuntimeError`, and a transfer that may have been sent was
/// in neither). With `signals`, a signal pending once it is converted is raised instead, and
/// the call kept the same way. The flag says whether converting failed (`keep` `None`: the
/// caller keeps).
fn hand_over(
    py: Python<'_>,
    result: p100::Result<Out>,
    keep: Option<&Keep>,
    signals: bool,
) -> (PyResult<Py<PyAny>>, bool) {
    let record = keep.map(|_| {
        result
            .as_ref()
            .map(|out| out.summary.clone())
            .map_err(Clone::clone)
    });
    let signal = || match signals {
        true => py.check_signals().err(),
        false => None,
    };
    let raised = match result {
        Ok(out) => match out.into_py(py) {
            Ok(value) => match signal() {
                None => return (Ok(value), false),
                Some(raised) => raised,
            },
            Err(raised) => raised,
        },
        Err(e) => match build(py, &e) {
            Ok(err) => match signal() {
                None => return (Err(err), false),
                Some(raised) => raised,
            },
            Err(raised) => unbuilt(py, &e, raised),
        },
    };
    if let (Some(keep), Some(record)) = (keep, &record) {
        let record = record.as_ref().map(|s| s.as_deref());
        keep.calls.keep_undelivered(keep.operation, true, record);
    }
    (Err(raised), true)
}

/// What an asynchronous call ended with: its result, or the text of a panic.
type Finished = Result<p100::Result<Out>, String>;

/// Polls a call and catches a panic in it: `Err(panic text)` instead of a runtime task that
/// dies without handing anything over (the awaiting coroutine would hang forever).
struct CatchPanic(Pending);

impl Future for CatchPanic {
    type Output = Finished;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Finished> {
        let fut = &mut self.0 .0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => Poll::Ready(Ok(result)),
            Err(payload) => Poll::Ready(Err(panic_text(&*payload))),
        }
    }
}

static AIO: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `p100._aio`: the two-line coroutine helpers.
fn aio(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(AIO
        .get_or_try_init(py, || py.import("p100._aio").map(Bound::unbind))?
        .bind(py))
}

/// Threads (of the runtime, or Python threads back from a blocking call) that are entering
/// (or inside) the interpreter; one per process (a forked child starts with none inside: the
/// threads counted in its parent do not exist in it); closed by [`CLOSED_IN`]. Atomics, not a
/// lock: a fork can never leave it taken.
///
/// A runtime thread must never be attached while CPython finalizes: a thread that attaches,
/// or merely re-takes the GIL after `call_soon_threadsafe` released it around its socket
/// write, is then ended with `pthread_exit` by CPython, and unwinding it drops Python objects
/// in a torn-down interpreter (a segmentation fault at exit). The `atexit` hook [`shutdown`]
/// closes the gate and waits for the threads inside; `atexit` hooks run before the
/// interpreter starts finalizing, so no runtime thread touches Python after that.
struct Gate {
    inside: AtomicUsize,
}

/// The process whose interpreter is shutting down (its `atexit` hook ran), 0 for none: closed
/// for the whole process, whether it had made a call by then or not (a first call made later,
/// from another `atexit` hook or a daemon thread, finds it closed too); a forked child, with
/// another pid, starts open.
static CLOSED_IN: AtomicU32 = AtomicU32::new(0);

/// True once this process's interpreter is shutting down ([`CLOSED_IN`]).
fn shutting_down() -> bool {
    CLOSED_IN.load(SeqCst) == std::process::id()
}

/// The longest the `atexit` hook waits for results being handed over (normally microseconds).
const SHUTDOWN_WAIT: Duration = Duration::from_secs(10);

/// Enters this process's gate (the returned guard leaves it), or `None` once the interpreter is
/// shutting down. (Counted first, then checked, while [`shutdown`] closes first, then counts,
/// both sequentially consistent: either this thread sees the gate closed, or `shutdown` sees it
/// inside and waits for it.)
fn enter_gate() -> Option<Inside> {
    let gate = &process().gate;
    gate.inside.fetch_add(1, SeqCst);
    let inside = Inside(gate);
    if shutting_down() {
        return None;
    }
    Some(inside)
}

/// Leaves the gate when dropped (after the thread detached from the interpreter).
pub(crate) struct Inside(&'static Gate);

impl Drop for Inside {
    fn drop(&mut self) {
        self.0.inside.fetch_sub(1, SeqCst);
    }
}

/// Runs `f` attached to the interpreter on a runtime thread, unless the interpreter is
/// shutting down: then `f` is dropped unrun (its Python references go to pyo3's pool of
/// pending decrefs, which never touches the interpreter from this thread).
pub(crate) fn from_runtime_thread<F>(f: F)
where
    F: for<'py> FnOnce(Python<'py>) + Send,
{
    let Some(_inside) = enter_gate() else {
        return;
    };
    Python::try_attach(f);
}

/// `atexit` hook: no runtime thread may enter the interpreter any more; waits (GIL released)
/// for those inside to leave.
#[pyfunction]
fn shutdown(py: Python<'_>) {
    py.detach(|| p100::log::flush(p100::log::WAIT));
    let unwritten = p100::log::unwritten();
    if unwritten > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "p100: {unwritten} log records were not written: the interpreter is exiting"
        );
    }
    CLOSED_IN.store(std::process::id(), SeqCst);
    // A process that never made a call has no thread inside to wait for (and gets no runtime
    // for it).
    let Some(process) = PROCESSES.get() else {
        return;
    };
    py.detach(|| {
        let started = std::time::Instant::now();
        while process.gate.inside.load(SeqCst) > 0 && started.elapsed() < SHUTDOWN_WAIT {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Registers [`shutdown`] with `atexit` (at import of the native module).
pub fn register_shutdown(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let hook = wrap_pyfunction!(shutdown, m)?;
    m.py().import("atexit")?.call_method1("register", (hook,))?;
    Ok(())
}

/// Hands a finished call over to the event loop of its future (on a blocking thread of the
/// runtime: converting the result needs the GIL). `_aio.settle` runs on the loop and skips a
/// future cancelled meanwhile. False when the loop did not take it (closed meanwhile): nobody
/// will see the result, which the caller then keeps.
fn deliver(
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
    settle: Py<PyAny>,
    result: Finished,
    handed: Handed,
) -> bool {
    let mut taken = false;
    from_runtime_thread(|py| {
        let converted = std::panic::catch_unwind(AssertUnwindSafe(|| match result {
            Ok(result) => {
                let (converted, failed) = hand_over(py, result, None, false);
                if failed {
                    // Never handed over: kept through the hand-over's state, once, whether a
                    // cancellation came meanwhile or not.
                    cancel(&handed.handover, handed.keep.as_ref().as_ref());
                }
                converted.map_err(|e| e.into_value(py).into_any())
            }
            Err(panic) => Err(internal(py, &panic).into_value(py).into_any()),
        }));
        let (ok, value) = match converted {
            Ok(Ok(value)) => (true, value),
            Ok(Err(e)) => (false, e),
            // A panic while converting the result (a bug): still settle the future.
            Err(payload) => {
                let e = internal(py, &panic_text(&*payload));
                (false, e.into_value(py).into_any())
            }
        };
        let event_loop = event_loop.bind(py);
        let Ok(handed) = Bound::new(py, handed) else {
            return;
        };
        let handed = event_loop.call_method1(
            pyo3::intern!(py, "call_soon_threadsafe"),
            (settle, future, ok, value, handed),
        );
        match handed {
            Ok(_) => taken = true,
            Err(e) => {
                // A closed loop: nobody awaits the result any more.
                let closed = event_loop
                    .call_method0(pyo3::intern!(py, "is_closed"))
                    .and_then(|c| c.is_truthy())
                    .unwrap_or(true);
                if !closed {
                    e.write_unraisable(py, Some(event_loop));
                }
            }
        }
    });
    taken
}

/// The hand-over token: `_aio.settle` leaves it on the future with the result, and `_aio.run`
/// marks it once the awaiting task took the result. A loop closed with the callback still
/// queued (`loop.close()` clears its queue), or before the task resumed (the task and its
/// future are then let go), drops it unmarked: it then keeps the call as one whose result was
/// not handed over, as a cancelled future does (outside review, stop 40: such a result was
/// lost, and `take_cancelled()` was empty).
#[pyclass(module = "p100._native", frozen)]
pub struct Handed {
    handover: std::sync::Arc<Mutex<Handover>>,
    keep: std::sync::Arc<Option<Keep>>,
    ran: std::sync::atomic::AtomicBool,
}

#[pymethods]
impl Handed {
    fn ran(&self) {
        self.ran.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for Handed {
    fn drop(&mut self) {
        if !self.ran.load(std::sync::atomic::Ordering::SeqCst) {
            cancel(&self.handover, self.keep.as_ref().as_ref());
        }
    }
}

/// Longest wait for an aborted call to stop.
const STOP_WAIT: Duration = Duration::from_secs(1);

/// Waits (briefly) until an aborted call has stopped, so that when the caller sees its
/// cancellation a call that changes something is already in `client.take_cancelled()`. Returns
/// how the task ended (`Ok` with its output when it had finished before the abort).
fn stopped<T>(
    rt: &tokio::runtime::Runtime,
    task: &mut tokio::task::JoinHandle<T>,
) -> Option<Result<T, tokio::task::JoinError>> {
    rt.block_on(async { tokio::time::timeout(STOP_WAIT, task).await })
        .ok()
}

/// The hand-over of an asynchronous call's result: the runtime task finishes it, the future's
/// `done` callback may cancel it first. Whichever comes second keeps an undelivered result.
enum Handover {
    Running,
    /// Finished; the result is on its way to the event loop (kept if the future is cancelled
    /// before it lands).
    Finished(Option<p100::Result<Option<String>>>),
    Cancelled,
}

/// Marks the hand-over cancelled. A call that had finished but whose result had not been taken
/// is kept (what happened is never lost); returns true when the call is still running (the
/// caller stops it).
fn cancel(handover: &Mutex<Handover>, keep: Option<&Keep>) -> bool {
    let before = {
        let mut state = handover.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *state, Handover::Cancelled)
    };
    match before {
        Handover::Finished(Some(result)) => {
            if let Some(keep) = keep {
                let result = result.as_ref().map(|s| s.as_deref());
                keep.calls.keep_undelivered(keep.operation, true, result);
            }
            false
        }
        Handover::Finished(None) | Handover::Cancelled => false,
        Handover::Running => true,
    }
}

/// Starts the call on the runtime; returns an `asyncio.Future` of the running loop, and the
/// function `_aio.run` calls when its task was cancelled after the result landed. Cancelling
/// the future aborts the call (and waits until it has stopped).
fn start(py: Python<'_>, call: Pending) -> PyResult<Py<PyAny>> {
    if shutting_down() {
        return Err(PyRuntimeError::new_err(
            "p100: the interpreter is shutting down",
        ));
    }
    let settle = aio(py)?.getattr("settle")?.unbind();
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let (loop_ref, future_ref) = (event_loop.unbind(), future.clone().unbind());
    let Pending(call, keep) = call;
    let keep = std::sync::Arc::new(keep);
    let handover = std::sync::Arc::new(Mutex::new(Handover::Running));
    let (keep_in_task, handover_in_task) = (keep.clone(), handover.clone());
    let (keep_for_task_cancel, handover_for_task_cancel) = (keep.clone(), handover.clone());
    // The call starts last, once everything that can fail here has succeeded: a call that
    // started must have its `done` callback, or its outcome would reach nobody.
    let task = std::sync::Arc::new(Mutex::new(None::<tokio::task::JoinHandle<()>>));
    let task_slot = task.clone();
    let on_done = PyCFunction::new_closure(
        py,
        Some(c"p100_on_done"),
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            let future = args.get_item(0)?;
            if !future.call_method0("cancelled")?.is_truthy()? {
                return Ok(());
            }
            if cancel(&handover, keep.as_ref().as_ref()) {
                let taken = task.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(mut task) = taken {
                    task.abort();
                    // This callback runs before the cancelled coroutine resumes: by then a call
                    // dropped while out (core) or finished meanwhile (`cancel`) is kept.
                    future.py().detach(|| stopped(runtime(), &mut task));
                }
            }
            Ok(())
        },
    )?;
    future.call_method1("add_done_callback", (on_done,))?;
    // The result landed, but the awaiting task was cancelled before it took it (asyncio then
    // raises `CancelledError` and drops the result): `_aio.run` calls this.
    let undelivered = PyCFunction::new_closure(
        py,
        Some(c"p100_undelivered"),
        None,
        move |_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            cancel(
                &handover_for_task_cancel,
                keep_for_task_cancel.as_ref().as_ref(),
            );
            Ok(())
        },
    )?;
    let handed = (future, undelivered).into_pyobject(py)?.into_any().unbind();
    // A call started by a handler of the `p100` logger does not wait for its records: they
    // come after the one that handler is writing.
    let from_log_thread = p100::log::on_log_thread();
    let spawned = runtime().spawn(async move {
        let (result, last) = p100::log::marked(CatchPanic(Pending(call, None))).await;
        let record = match &result {
            Ok(r) => Some(r.as_ref().map(|o| o.summary.clone()).map_err(Clone::clone)),
            Err(_panic) => None,
        };
        {
            let mut state = handover_in_task.lock().unwrap_or_else(|e| e.into_inner());
            if matches!(*state, Handover::Cancelled) {
                if let (Some(keep), Ok(r)) = (keep_in_task.as_ref(), &result) {
                    keep.undelivered(r);
                }
                return;
            }
            *state = Handover::Finished(record);
        }
        // Its log records out first, so that the caller sees them when it resumes (without
        // holding a thread; cancelled meanwhile, the finished call is kept by `cancel`).
        if !from_log_thread {
            p100::log::written(last, p100::log::WAIT).await;
        }
        // Not on a runtime worker: waiting for the GIL there would stall other calls. A loop
        // closed before it took the result (one the caller closed with the call in flight):
        // the call is kept as one whose caller is gone, a change of money never lost.
        let _permit = process().delivering.acquire().await;
        let delivered = tokio::task::spawn_blocking(move || {
            let handed = Handed {
                handover: handover_in_task.clone(),
                keep: keep_in_task.clone(),
                ran: std::sync::atomic::AtomicBool::new(false),
            };
            if !deliver(loop_ref, future_ref, settle, result, handed) {
                cancel(&handover_in_task, keep_in_task.as_ref().as_ref());
            }
        });
        // The permit is held until the result is handed over.
        let _ = delivered.await;
    });
    *task_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(spawned);
    Ok(handed)
}

/// A coroutine that, once awaited, sends the call and returns its result. Like any `async
/// def`, nothing is sent until it is awaited (or wrapped in a task), so it works with
/// `await`, `asyncio.gather`, `asyncio.create_task` and `asyncio.run` alike.
pub fn spawn(py: Python<'_>, call: Pending) -> PyResult<Py<PyAny>> {
    let slot = Mutex::new(Some(call));
    let starter = PyCFunction::new_closure(
        py,
        Some(c"p100_call"),
        None,
        move |args: &Bound<'_, PyTuple>,
              _kwargs: Option<&Bound<'_, PyDict>>|
              -> PyResult<Py<PyAny>> {
            let py = args.py();
            let call = slot
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .ok_or_else(|| PyRuntimeError::new_err("p100: this call was already awaited"))?;
            start(py, call)
        },
    )?;
    Ok(aio(py)?.getattr("run")?.call1((starter,))?.unbind())
}

/// [`spawn`] of the operation `operation` (`users.balances`): a call never awaited is reported
/// by that name ("coroutine 'users.balances' was never awaited"), not as the helper's `run`.
/// Arguments that could not be read, or a closed client (`call` is their error), raise where
/// the coroutine is awaited, as an `async def`'s would (outside review, stop 46: they raised at
/// the call, so `asyncio.gather(*calls, return_exceptions=True)` never ran the good ones).
pub fn spawn_named(
    py: Python<'_>,
    call: PyResult<Pending>,
    operation: &str,
) -> PyResult<Py<PyAny>> {
    let coroutine = match call {
        Ok(call) => spawn(py, call)?,
        // A `KeyboardInterrupt` (a signal handler ran while the arguments were read) is raised
        // at once: deferred, it would be lost with a coroutine never awaited.
        Err(e) if !e.is_instance_of::<pyo3::exceptions::PyException>(py) => return Err(e),
        Err(e) => aio(py)?
            .getattr("fail")?
            .call1((e.into_value(py),))?
            .unbind(),
    };
    coroutine.bind(py).setattr("__name__", operation)?;
    coroutine.bind(py).setattr("__qualname__", operation)?;
    Ok(coroutine)
}

/// [`block`], with the signature of [`spawn_named`] (one template makes both classes): bad
/// arguments raise at once.
pub fn block_named(
    py: Python<'_>,
    call: PyResult<Pending>,
    _operation: &str,
) -> PyResult<Py<PyAny>> {
    block(py, call?)
}

/// A coroutine that returns `value` (for `__aenter__` / `__aexit__` / `aclose`).
pub fn ready(py: Python<'_>, value: Py<PyAny>) -> PyResult<Py<PyAny>> {
    Ok(aio(py)?.getattr("value")?.call1((value,))?.unbind())
}

/// Test hook (not part of the package's API): a call that panics inside the runtime, run like
/// every other call: blocking (`asynchronous=False`) or as a coroutine. Shows what a bug inside
/// the SDK looks like to a caller: a `P100Error` of kind "internal", never a hang.
#[pyfunction]
#[pyo3(name = "_panic_for_tests", signature = (asynchronous))]
pub fn panic_for_tests(py: Python<'_>, asynchronous: bool) -> PyResult<Py<PyAny>> {
    #[allow(clippy::panic)]
    async fn boom() -> p100::Result<()> {
        tokio::task::yield_now().await;
        // A card-number shape: it must come out masked.
        panic!("deliberate test panic (card 4111 1111 1111 1111)")
    }
    let call = pending(boom());
    if asynchronous {
        spawn(py, call)
    } else {
        block(py, call)
    }
}
