//! `p100.testing.Sandbox`: the sandbox crate (`p100_sandbox`) started in-process, on the
//! extension's tokio runtime, on a free loopback port. Every member is one call of
//! [`p100_sandbox::RunningSandbox`]; this file only converts arguments, results and errors.

use std::sync::Mutex;
use std::time::Duration;

use p100_sandbox::RunningSandbox;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde_json::{Map, Value};

use crate::client::{AsyncClient, Client};
use crate::convert::{self, Keys};
use crate::errors::{to_pyerr, validation};
use crate::runtime::{block, pending, runtime};

/// A `ConfigError` (a sandbox used after `close()`, or a refused state change).
fn config_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_pyerr(py, &p100::Error::config(message))
}

fn closed_error(py: Python<'_>) -> PyErr {
    config_error(py, "this sandbox is closed; start a new one")
}

/// JSON from the sandbox as plain Python values (dicts, lists; numbers with a fraction as
/// `Decimal`, as everywhere in the package).
fn to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    let decimal = p100::bindings::python::decimal_type(py)?;
    let kw = PyDict::new(py);
    kw.set_item("parse_float", decimal)?;
    Ok(py
        .import("json")?
        .getattr("loads")?
        .call((value.to_string(),), Some(&kw))?
        .unbind())
}

/// The field a refusal of the sandbox's start-up is about (its messages name the setting).
fn start_field(message: &str) -> &'static str {
    if message.contains("scale") {
        "time_scale"
    } else if message.contains("API key") || message.contains("api key") {
        "api_key"
    } else {
        "webhook_url"
    }
}

/// A P100 sandbox running inside this process (see `p100.testing`).
#[pyclass(module = "p100.testing", name = "Sandbox", frozen)]
pub struct Sandbox {
    inner: Mutex<Option<RunningSandbox>>,
    url: String,
    api_key: String,
}

impl Sandbox {
    /// Runs `f` on the running sandbox with the GIL released, inside the runtime (triggered
    /// webhook deliveries and due work are spawned on it); a `ConfigError` once closed.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&RunningSandbox) -> T + Send,
    ) -> PyResult<T> {
        py.detach(|| {
            let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let _rt = runtime().enter();
            guard.as_ref().map(f)
        })
        .ok_or_else(|| closed_error(py))
    }

    /// `p100.Client`/`p100.AsyncClient` keyword arguments: the sandbox's client presets
    /// (`RunningSandbox::client_builder`: short timeout, fast retries), then `options`.
    fn client_kwargs<'py>(
        &self,
        py: Python<'py>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let preset = self.with(py, |sb| sb.client())?;
        let cfg = preset.config();
        let kw = PyDict::new(py);
        kw.set_item("timeout", cfg.timeout().as_secs_f64())?;
        kw.set_item("max_retries", cfg.retry().max_retries)?;
        kw.set_item(
            "retry_initial_delay",
            cfg.retry().initial_delay.as_secs_f64(),
        )?;
        kw.set_item("retry_max_delay", cfg.retry().max_delay.as_secs_f64())?;
        if let Some(options) = options {
            kw.update(options.as_mapping())?;
        }
        Ok(kw)
    }
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (
        api_key=None,
        *,
        settle=None,
        time_scale=None,
        webhook_url=None,
        webhook_token=None,
    ))]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        settle: Option<f64>,
        time_scale: Option<f64>,
        webhook_url: Option<String>,
        webhook_token: Option<String>,
    ) -> PyResult<Self> {
        let mut builder = p100_sandbox::Sandbox::builder().port(0);
        if let Some(key) = api_key {
            builder = builder.api_key(key);
        }
        if let Some(s) = settle {
            let d = Duration::try_from_secs_f64(s)
                .map_err(|_| validation(py, "settle", "must be a number of seconds >= 0"))?;
            builder = builder.settle(d);
        }
        if let Some(s) = time_scale {
            builder = builder.time_scale(s);
        }
        match (webhook_url, webhook_token) {
            (Some(u), Some(t)) => builder = builder.webhook(u, t),
            (None, None) => {}
            (Some(_), None) => {
                return Err(validation(
                    py,
                    "webhook_token",
                    "is required with webhook_url",
                ))
            }
            (None, Some(_)) => {
                return Err(validation(
                    py,
                    "webhook_url",
                    "is required with webhook_token",
                ))
            }
        }
        let started = py.detach(|| {
            runtime().block_on(async move {
                builder.start().await.map_err(|e| match e {
                    p100_sandbox::StartError::Config(m) => {
                        p100::Error::validation(start_field(&m), m)
                    }
                    io => p100::Error::config(io.to_string()),
                })
            })
        });
        let sb = started.map_err(|e| to_pyerr(py, &e))?;
        Ok(Sandbox {
            url: sb.base_url().to_string(),
            api_key: sb.api_key().to_string(),
            inner: Mutex::new(Some(sb)),
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The API key the sandbox accepts.
    #[getter]
    fn api_key(&self) -> &str {
        &self.api_key
    }

    /// True once `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    /// A `p100.Client` for this sandbox (short timeout, fast retries; `options` override).
    #[pyo3(signature = (**options))]
    fn client(&self, py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
        let kw = self.client_kwargs(py, options)?;
        let args = PyTuple::new(py, [self.api_key.as_str(), self.url.as_str()])?;
        Ok(py.get_type::<Client>().call(args, Some(&kw))?.unbind())
    }

    /// A `p100.AsyncClient` for this sandbox (same presets as `client()`).
    #[pyo3(signature = (**options))]
    fn async_client(
        &self,
        py: Python<'_>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let kw = self.client_kwargs(py, options)?;
        let args = PyTuple::new(py, [self.api_key.as_str(), self.url.as_str()])?;
        Ok(py.get_type::<AsyncClient>().call(args, Some(&kw))?.unbind())
    }

    /// Credits `amount` of `currency` to the partner or to `external_user_id` at once (as
    /// `POST /_sandbox/fund`); returns the reply (`{"externalUserId", "currency", "balance"}`).
    #[pyo3(signature = (*, currency, amount, external_user_id=None))]
    fn fund(
        &self,
        py: Python<'_>,
        currency: &str,
        amount: &Bound<'_, PyAny>,
        external_user_id: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let mut body = Map::new();
        body.insert("currency".into(), Value::from(currency));
        body.insert(
            "amount".into(),
            convert::to_json(amount, "amount", 0, Keys::Raw)?,
        );
        if let Some(u) = external_user_id {
            body.insert("externalUserId".into(), Value::from(u));
        }
        let body = Value::Object(body);
        let reply = py
            .detach(|| {
                let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                guard.as_ref().map(|sb| runtime().block_on(sb.fund(&body)))
            })
            .ok_or_else(|| closed_error(py))?;
        match reply {
            Ok(v) => to_py(py, &v),
            Err(m) => {
                let field = if m.contains("currency") {
                    "currency"
                } else if m.contains("user") {
                    "external_user_id"
                } else {
                    "amount"
                };
                Err(validation(py, field, m))
            }
        }
    }

    /// Queues a fault for the next `count` API requests (kinds as `POST /_sandbox/faults`).
    #[pyo3(signature = (kind, count=1, *, retry_after=None, delay_ms=None))]
    fn inject_fault(
        &self,
        py: Python<'_>,
        kind: &str,
        count: u32,
        retry_after: Option<f64>,
        delay_ms: Option<u64>,
    ) -> PyResult<()> {
        self.with(py, |sb| sb.inject_fault(kind, count, retry_after, delay_ms))?
            .map_err(|m| validation(py, "kind", m))
    }

    /// Drops every queued fault.
    fn clear_faults(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |sb| sb.clear_faults())
    }

    /// The current time scale.
    #[getter]
    fn time_scale(&self, py: Python<'_>) -> PyResult<f64> {
        self.with(py, |sb| sb.time_scale())
    }

    /// Multiplies every delay (settle, lock lifetime, webhook retries): 0.001 = 1000x faster.
    fn set_time_scale(&self, py: Python<'_>, scale: f64) -> PyResult<()> {
        self.with(py, |sb| sb.set_time_scale(scale))?
            .map_err(|m| validation(py, "time_scale", m))
    }

    /// Moves the sandbox's clock forward by `seconds` without waiting; work that became due
    /// has run when this returns. Returns the sandbox's new time (seconds since the epoch).
    fn advance(&self, py: Python<'_>, seconds: f64) -> PyResult<f64> {
        let by = Duration::try_from_secs_f64(seconds)
            .map_err(|_| validation(py, "seconds", "must be a number of seconds > 0"))?;
        let now = self
            .with(py, |sb| sb.advance(by))?
            .map_err(|m| validation(py, "seconds", m))?;
        Ok(epoch_secs(now))
    }

    /// The sandbox's time (real time plus what `advance` added), in seconds since the epoch.
    fn now(&self, py: Python<'_>) -> PyResult<f64> {
        self.with(py, |sb| epoch_secs(sb.now()))
    }

    /// Emits the webhook event `event` (e.g. `"user_status"`) with realistic data; returns the
    /// payload sent. Needs a webhook target.
    #[pyo3(signature = (event, external_user_id=None))]
    fn trigger(
        &self,
        py: Python<'_>,
        event: &str,
        external_user_id: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        let sent = self.with(py, |sb| sb.trigger(event, external_user_id))?;
        match sent {
            Ok(v) => to_py(py, &v),
            Err(m) if m.starts_with("no webhook target") => Err(config_error(py, m)),
            Err(m) if m.starts_with("externalUserId") => Err(validation(py, "external_user_id", m)),
            Err(m) => Err(validation(py, "event", m)),
        }
    }

    /// Sets (`url` and `token`) or clears (no arguments) the webhook target.
    #[pyo3(signature = (url=None, token=None))]
    fn set_webhook(&self, py: Python<'_>, url: Option<&str>, token: Option<&str>) -> PyResult<()> {
        let target = match (url, token) {
            (Some(u), Some(t)) => Some((u, t)),
            (None, None) => None,
            (Some(_), None) => return Err(validation(py, "token", "is required with url")),
            (None, Some(_)) => return Err(validation(py, "url", "is required with token")),
        };
        self.with(py, |sb| sb.set_webhook(target))?
            .map_err(|m| validation(py, "url", m))
    }

    /// Every webhook delivery attempt so far (dicts, as `GET /_sandbox/webhooks/deliveries`).
    fn deliveries(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = self.with(py, |sb| Value::Array(sb.deliveries()))?;
        to_py(py, &list)
    }

    /// How many times each operation's handler ran (by operation name, e.g.
    /// `"sepa.partner_transfer"`).
    fn ops(&self, py: Python<'_>) -> PyResult<std::collections::HashMap<String, u64>> {
        self.with(py, |sb| sb.ops())
    }

    /// Back to the starting world (users, balances, faults, clock).
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |sb| sb.reset())
    }

    /// Calls any control `/_sandbox/...` by method and path; returns its JSON reply.
    #[pyo3(signature = (method, path, body=None))]
    fn control(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let body = match body {
            Some(b) if !b.is_none() => Some(convert::to_json(b, "body", 0, Keys::Raw)?),
            _ => None,
        };
        let reply = py
            .detach(|| {
                let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                guard
                    .as_ref()
                    .map(|sb| runtime().block_on(sb.control(method, path, body.as_ref())))
            })
            .ok_or_else(|| closed_error(py))?;
        match reply {
            Ok(v) => to_py(py, &v),
            Err(m) => Err(validation(py, "path", m)),
        }
    }

    /// Stops the sandbox: the port is free and its tasks have ended when this returns.
    /// Calling it again does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self.inner.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(sb) = taken {
            block(
                py,
                pending(async move {
                    sb.shutdown().await;
                    Ok(())
                }),
            )?;
        }
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        let state = if self.closed() { ", closed" } else { "" };
        format!("Sandbox(url={:?}{state})", self.url)
    }
}

fn epoch_secs(t: std::time::SystemTime) -> f64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Drop for Sandbox {
    /// Garbage-collected without `close()`: stops serving (the listener and its tasks are
    /// aborted on the runtime).
    fn drop(&mut self) {
        let taken = self.inner.get_mut().map(Option::take).unwrap_or(None);
        if let Some(sb) = taken {
            let _rt = runtime().enter();
            drop(sb);
        }
    }
}
