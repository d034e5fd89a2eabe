//! Webhooks: the `Authorization` token check (constant time, in the core) and typed parsing.

use p100::webhooks::{parse_event, verify_token, Verifier as CoreVerifier};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use pyo3::IntoPyObjectExt;

use crate::errors::to_pyerr;

/// The bytes of a text argument given as `str` (as UTF-8) or `bytes`/`bytearray` (what web
/// frameworks hand over: a body, ASGI's raw headers); anything else is a validation error
/// naming `field`, never a `TypeError`.
fn text_bytes(value: &Bound<'_, PyAny>, field: &str) -> Result<Vec<u8>, p100::Error> {
    let not_text = || p100::Error::validation(field, "must be str or bytes (UTF-8 text)");
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s
            .to_cow()
            .map_err(|_| not_text())?
            .into_owned()
            .into_bytes());
    }
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
        return value.extract().map_err(|_| not_text());
    }
    Err(not_text())
}

/// A webhook body's bytes; the core reads them as text.
fn body_bytes(body: &Bound<'_, PyAny>) -> Result<Vec<u8>, p100::Error> {
    text_bytes(body, "body")
}

/// The `Authorization` header's value (`None` when absent), as text. A value that is not UTF-8
/// (ASGI's raw header bytes) cannot be the token: it is read leniently, so that the check
/// refuses it as unauthorized (a `ValidationError` here made a handler that catches
/// `WebhookUnauthorizedError` answer 500 to an unauthenticated request: outside review, stop
/// 44). A value of another type (an `int`) is a validation error.
fn header(value: Option<&Bound<'_, PyAny>>) -> Result<Option<String>, p100::Error> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Some(s.to_string_lossy().into_owned()));
    }
    let bytes = text_bytes(value, "authorization")?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// The webhook token: text, else a `ConfigError` naming `token` (as in every language; a bare
/// `TypeError` before).
fn token_text(token: &Bound<'_, PyAny>) -> Result<String, p100::Error> {
    token
        .cast::<PyString>()
        .ok()
        .and_then(|s| s.to_cow().ok().map(|t| t.into_owned()))
        .ok_or_else(|| {
            p100::Error::validation("token", "must be str (the webhook security token)")
                .into_config()
        })
}

/// Checks an `Authorization` header value against the webhook token (constant time).
/// Raises `WebhookUnauthorizedError` (answer 401) or `ConfigError` (empty token).
#[pyfunction]
#[pyo3(signature = (authorization, token))]
pub fn webhook_verify(
    py: Python<'_>,
    authorization: Option<&Bound<'_, PyAny>>,
    token: &Bound<'_, PyAny>,
) -> PyResult<()> {
    token_text(token)
        .and_then(|token| Ok((header(authorization)?, token)))
        .and_then(|(a, token)| verify_token(a.as_deref(), &token))
        .map_err(|e| to_pyerr(py, &e))
}

/// Parses a webhook body into `(event_name, event)`; unknown events are `UnknownEvent`.
#[pyfunction]
pub fn webhook_parse<'py>(body: &Bound<'py, PyAny>) -> PyResult<(String, Bound<'py, PyAny>)> {
    let py = body.py();
    let text = body_bytes(body).and_then(p100::webhooks::body_text);
    let event = text
        .and_then(|t| parse_event(&t))
        .map_err(|e| to_pyerr(py, &e))?;
    let name = event.name().to_string();
    Ok((name, event.into_bound_py_any(py)?))
}

/// Checks deliveries against the partner's webhook security token. `repr()` hides the token.
#[pyclass(frozen, module = "p100.webhooks", name = "Verifier")]
pub struct Verifier {
    inner: CoreVerifier,
}

#[pymethods]
impl Verifier {
    #[new]
    fn new(py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<Self> {
        token_text(token)
            .and_then(CoreVerifier::new)
            .map(|inner| Verifier { inner })
            .map_err(|e| to_pyerr(py, &e))
    }

    /// Checks the `Authorization` header value; raises `WebhookUnauthorizedError`.
    #[pyo3(signature = (authorization))]
    fn verify(&self, py: Python<'_>, authorization: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        header(authorization)
            .and_then(|a| self.inner.verify(a.as_deref()))
            .map_err(|e| to_pyerr(py, &e))
    }

    /// Verifies, then parses the body into the typed event.
    #[pyo3(signature = (authorization, body))]
    fn verify_and_parse<'py>(
        &self,
        authorization: Option<&Bound<'py, PyAny>>,
        body: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = body.py();
        let event = header(authorization).and_then(|a| {
            self.inner
                .verify_and_read(a.as_deref(), || body_bytes(body))
        });
        event.map_err(|e| to_pyerr(py, &e))?.into_bound_py_any(py)
    }

    fn __repr__(&self) -> &'static str {
        "Verifier(token='[REDACTED]')"
    }
}
