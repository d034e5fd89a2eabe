//! Maps the core's one error type to the `p100` exception hierarchy (defined in Python, in
//! `p100/_errors.py`, so that the classes are ordinary, picklable Python exceptions).

use p100::{Error, Fingerprint};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `p100._errors`, where the exception classes and `Reconciliation` are defined.
pub fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(ERRORS_MODULE
        .get_or_try_init(py, || py.import("p100._errors").map(Bound::unbind))?
        .bind(py))
}

/// A fingerprint as the `p100.Fingerprint` dict: snake_case keys, the amount a `Decimal`.
fn fingerprint_to_py<'py>(py: Python<'py>, fp: &Fingerprint) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("operation", &fp.operation)?;
    let amount = match &fp.amount {
        Some(a) => Some(p100::bindings::python::decimal_type(py)?.call1((a.to_string(),))?),
        None => None,
    };
    d.set_item("amount", amount)?;
    d.set_item("currency", fp.currency.as_deref())?;
    d.set_item("destination", fp.destination.as_deref())?;
    d.set_item("external_user_id", fp.external_user_id.as_deref())?;
    d.set_item("sent_at_ms", fp.sent_at_ms)?;
    d.set_item("title", fp.title.as_deref())?;
    d.set_item("network", fp.network.as_deref())?;
    d.set_item("accepted", fp.accepted)?;
    Ok(d)
}

/// What `client.reconcile(x)` hands to the core (`Client::reconcile_outcome`, where the rules
/// live): the `P100Error`'s outcome and fingerprint, or — when `x` is a fingerprint dict kept
/// from earlier (snake_case or camelCase keys) — that fingerprint with outcome `unknown`.
pub fn reconcile_input(value: &Bound<'_, PyAny>) -> PyResult<(p100::Outcome, Option<Fingerprint>)> {
    let py = value.py();
    if value.cast::<PyDict>().is_ok() {
        let fp = crate::convert::request(py, Some(value), None)?;
        return Ok((p100::Outcome::Unknown, Some(fp)));
    }
    let outcome: Option<String> = value.getattr("outcome").ok().and_then(|o| o.extract().ok());
    let Some(outcome) = outcome.as_deref().and_then(p100::Outcome::parse) else {
        return Err(validation(
            py,
            "error",
            "must be a p100.P100Error or the fingerprint dict of one",
        ));
    };
    match value.getattr("fingerprint").ok().filter(|f| !f.is_none()) {
        Some(fp) if fp.cast::<PyDict>().is_ok() => {
            Ok((outcome, Some(crate::convert::request(py, Some(&fp), None)?)))
        }
        Some(_) => Err(validation(
            py,
            "error",
            "has a fingerprint that is not a dict",
        )),
        None => Ok((outcome, None)),
    }
}

/// `p100.fingerprint_to_json(x)`: the JSON of an error's fingerprint (or of a fingerprint dict)
/// to store with the payment: camelCase names, the amount as a string, as every package writes
/// it and reads it back (`json.dumps` of the dict fails on its `Decimal`, and its snake_case
/// names were Python's only). A `ValidationError` for an error that has none.
#[pyfunction]
pub fn fingerprint_to_json(error: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = error.py();
    let (outcome, fp) = reconcile_input(error)?;
    // Why, by outcome (outside review, stop 49: "it moved no money" was said of a kept call
    // that had completed, whose raw body names its ids).
    let why = || p100::client::why_no_fingerprint(outcome);
    let fp = fp.ok_or_else(|| validation(py, "error", why()))?;
    serde_json::to_string(&fp).map_err(|e| validation(py, "fingerprint", e.to_string()))
}

/// `p100.fingerprint_from_json(text)`: a stored fingerprint ([`fingerprint_to_json`], or any
/// package's), as the `p100.Fingerprint` dict `reconcile` takes. A `ValidationError` naming the
/// wire path of a value that does not fit.
#[pyfunction]
pub fn fingerprint_from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let fp: Fingerprint =
        p100::input::decode_json(text, "Fingerprint").map_err(|e| to_pyerr(py, &e))?;
    fingerprint_to_py(py, &fp)
}

/// `p100.fingerprint_of(operation, fields=None, /, **kwargs)`: the fingerprint of a money call
/// before it is sent (`p100::fingerprint_of`), to store before the call: a process that dies
/// while the call is out can still `reconcile` it. Takes the call's arguments as the call does.
#[pyfunction]
#[pyo3(signature = (operation, fields=None, /, **kwargs))]
pub fn fingerprint_of<'py>(
    py: Python<'py>,
    operation: &str,
    fields: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let input = p100::routes::by_name(operation).and_then(|r| r.input.type_name());
    let request = match input {
        Some(expected) => crate::convert::read_fields(py, fields, kwargs, expected)?,
        None => serde_json::Value::Null,
    };
    let fp =
        p100::client::fingerprint_of_host(operation, &request).map_err(|e| to_pyerr(py, &e))?;
    fingerprint_to_py(py, &fp)
}

/// The answer of `reconcile`, as a `p100.Reconciliation`.
pub struct ReconciliationOut(pub p100::Reconciliation);

impl<'py> IntoPyObject<'py> for ReconciliationOut {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let kw = PyDict::new(py);
        kw.set_item("result", self.0.as_str())?;
        match &self.0 {
            p100::Reconciliation::Found { id, status } => {
                kw.set_item("id", id)?;
                kw.set_item("status", status.as_deref())?;
            }
            p100::Reconciliation::CannotTell { reason } => kw.set_item("reason", reason)?,
            p100::Reconciliation::NotFound => {}
        }
        errors_module(py)?
            .getattr("Reconciliation")?
            .call((), Some(&kw))
    }
}

/// A `P100Error` of kind `"internal"`: a bug inside the SDK (a Rust panic) caught at the
/// binding's boundary, with its message (secrets masked). Outcome `"unknown"`: the call may
/// have been sent before it failed.
pub fn internal(py: Python<'_>, panic: &str) -> PyErr {
    let message = p100::error::internal_message(panic);
    let built = (|| -> PyResult<PyErr> {
        let kw = PyDict::new(py);
        kw.set_item("kind", "internal")?;
        kw.set_item("outcome", "unknown")?;
        let cls = errors_module(py)?.getattr("P100Error")?;
        Ok(PyErr::from_value(cls.call((message.as_str(),), Some(&kw))?))
    })();
    built.unwrap_or_else(|_| PyRuntimeError::new_err(message))
}

/// The `p100.P100Error` subclass for `e`, or what was raised while making it: building it runs
/// Python code (the class's `__init__`), where a signal handler (Ctrl-C) can raise.
pub fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let module = errors_module(py)?;
    let cls = module.getattr(e.kind().class_name())?;
    let kw = PyDict::new(py);
    kw.set_item("kind", e.kind().as_str())?;
    kw.set_item("code", e.code().map(|c| c.as_str().to_string()))?;
    kw.set_item("error_name", e.error_name())?;
    kw.set_item("status", e.status())?;
    kw.set_item("request_id", e.request_id())?;
    kw.set_item("retryable", e.is_retryable())?;
    kw.set_item("field", e.field())?;
    kw.set_item("accepted", e.accepted())?;
    kw.set_item("outcome", e.outcome().as_str())?;
    let fingerprint = match e.fingerprint() {
        Some(fp) => Some(fingerprint_to_py(py, fp)?),
        None => None,
    };
    kw.set_item("fingerprint", fingerprint)?;
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
    build(py, e).unwrap_or_else(|raised| unbuilt(py, e, raised))
}

/// What to raise when `e` could not be built ([`build`] raised `raised`). A `BaseException`
/// that is no `Exception` (`KeyboardInterrupt` from a signal handler, `SystemExit`) propagates
/// as it is; anything else means `p100._errors` cannot be imported (a broken install): still an
/// exception, with the same (secret-free) message.
pub fn unbuilt(py: Python<'_>, e: &Error, raised: PyErr) -> PyErr {
    if !raised.is_instance_of::<pyo3::exceptions::PyException>(py) {
        return raised;
    }
    let err = PyRuntimeError::new_err(format!("p100: {e}"));
    err.set_cause(py, Some(raised));
    err
}

/// A validation error for `field` (wire name), raised by the conversion of arguments.
pub fn validation(py: Python<'_>, field: &str, message: impl Into<String>) -> PyErr {
    to_pyerr(py, &Error::validation(field, message))
}
