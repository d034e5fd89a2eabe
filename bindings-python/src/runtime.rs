//! Running core futures: blocking (GIL released, Ctrl-C honoured) for `Client`, as asyncio
//! awaitables for `AsyncClient`. Both use one shared multi-threaded tokio runtime.

use std::any::TypeId;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::errors::to_pyerr;

/// Turns a finished result into a Python object (needs the GIL, so it runs last).
pub type Out = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Py<PyAny>> + Send>;

/// A core call in flight, type-erased: its result converts to Python once it is done.
pub struct Pending(Pin<Box<dyn Future<Output = p100::Result<Out>> + Send>>);

/// Wraps a core future; `()` results become `None`.
pub fn pending<T, F>(fut: F) -> Pending
where
    F: Future<Output = p100::Result<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    Pending(Box::pin(async move {
        let value = fut.await?;
        let out: Out = Box::new(move |py: Python<'_>| {
            if TypeId::of::<T>() == TypeId::of::<()>() {
                return Ok(py.None());
            }
            Ok(value.into_bound_py_any(py)?.unbind())
        });
        Ok(out)
    }))
}

fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// How often a blocking call wakes up to let Python handle signals (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs the call to completion with the GIL released; other Python threads keep running.
/// A pending signal (Ctrl-C → `KeyboardInterrupt`) abandons the call.
pub fn block(py: Python<'_>, call: Pending) -> PyResult<Py<PyAny>> {
    let rt = runtime();
    let mut handle = rt.spawn(call.0);
    let joined = py.detach(|| loop {
        let waited = rt.block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut handle).await });
        match waited {
            Ok(joined) => return Ok(joined),
            Err(_elapsed) => {
                if let Err(signal) = Python::attach(|py| py.check_signals()) {
                    handle.abort();
                    return Err(signal);
                }
            }
        }
    })?;
    match joined {
        Ok(Ok(out)) => out(py),
        Ok(Err(e)) => Err(to_pyerr(py, &e)),
        Err(join_error) => Err(PyRuntimeError::new_err(format!(
            "p100: the call did not complete ({join_error})"
        ))),
    }
}

static AIO: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `p100._aio`: the two-line coroutine helpers.
fn aio(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(AIO
        .get_or_try_init(py, || py.import("p100._aio").map(Bound::unbind))?
        .bind(py))
}

/// Starts the call on the runtime; returns an `asyncio.Future` of the running loop.
fn start(py: Python<'_>, call: Pending) -> PyResult<Py<PyAny>> {
    let fut = pyo3_async_runtimes::tokio::future_into_py(py, async move {
        match call.0.await {
            Ok(out) => Python::attach(out),
            Err(e) => Err(Python::attach(|py| to_pyerr(py, &e))),
        }
    })?;
    Ok(fut.unbind())
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

/// A coroutine that returns `value` (for `__aenter__` / `__aexit__` / `aclose`).
pub fn ready(py: Python<'_>, value: Py<PyAny>) -> PyResult<Py<PyAny>> {
    Ok(aio(py)?.getattr("value")?.call1((value,))?.unbind())
}
