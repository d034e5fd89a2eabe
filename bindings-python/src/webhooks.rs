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

/// The `Authorization` header's value (`None` when absent), as UTF-8 text.
fn header(value: Option<&Bound<'_, PyAny>>) -> Result<Option<String>, p100::Error> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let bytes = text_bytes(value, "authorization")?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| p100::Error::validation("authorization", "must be str or bytes (UTF-8 text)"))
}

/// Checks an `Authorization` header value against the webhook token (constant time).
/// Raises `WebhookUnauthorizedError` (answer 401) or `ConfigError` (empty token).
#[pyfunction]
#[pyo3(signature = (authorization, token))]
pub fn webhook_verify(
    py: Python<'_>,
    authorization: Option<&Bound<'_, PyAny>>,
    token: &str,
) -> PyResult<()> {
    header(authorization)
        .and_then(|a| verify_token(a.as_deref(), token))
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
    fn new(py: Python<'_>, token: String) -> PyResult<Self> {
        CoreVerifier::new(token)
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
