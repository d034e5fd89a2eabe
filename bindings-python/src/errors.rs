//! Maps the core's one error type to the `p100` exception hierarchy (defined in Python, in
//! `p100/_errors.py`, so that the classes are ordinary, picklable Python exceptions).

use p100::Error;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let module =
        ERRORS_MODULE.get_or_try_init(py, || py.import("p100._errors").map(Bound::unbind))?;
    let cls = module.bind(py).getattr(e.kind().class_name())?;
    let kw = PyDict::new(py);
    kw.set_item("kind", e.kind().as_str())?;
    kw.set_item("code", e.code().map(|c| c.as_str().to_string()))?;
    kw.set_item("error_name", e.error_name())?;
    kw.set_item("status", e.status())?;
    kw.set_item("request_id", e.request_id())?;
    kw.set_item("retryable", e.is_retryable())?;
    kw.set_item("field", e.field())?;
    kw.set_item("accepted", e.accepted())?;
    kw.set_item("raw_body", e.raw_body())?;
    kw.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
    kw.set_item("operation", e.operation())?;
    // `Display` never contains secrets (the core builds messages from non-secret parts).
    let instance = cls.call((e.to_string(),), Some(&kw))?;
    Ok(PyErr::from_value(instance))
}

/// The `p100.P100Error` subclass for `e`, with `code`, `status`, `request_id`, `retryable`,
/// `field`, … set.
pub fn to_pyerr(py: Python<'_>, e: &Error) -> PyErr {
    match build(py, e) {
        Ok(err) => err,
        // Only when `p100._errors` cannot be imported (a broken install): still an exception,
        // with the same (secret-free) message.
        Err(import_error) => {
            let err = PyRuntimeError::new_err(format!("p100: {e}"));
            err.set_cause(py, Some(import_error));
            err
        }
    }
}

/// A validation error for `field` (wire name), raised by the conversion of arguments.
pub fn validation(py: Python<'_>, field: &str, message: impl Into<String>) -> PyErr {
    to_pyerr(py, &Error::validation(field, message))
}

/// A configuration error (bad client settings), naming the argument at fault.
/// A core validation error about a constructor argument, raised as `ConfigError`.
pub fn config_from(py: Python<'_>, e: &Error) -> PyErr {
    let field = e.field().unwrap_or("options").to_string();
    let message = e
        .message()
        .strip_prefix(&format!("{field}: "))
        .unwrap_or(e.message())
        .to_string();
    config(py, &field, message)
}

pub fn config(py: Python<'_>, field: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    let err = to_pyerr(py, &Error::config(format!("{field}: {message}")));
    // The core sets `field` on its own config errors only; set it here the same way.
    let _ = err.value(py).setattr("field", field);
    err
}
