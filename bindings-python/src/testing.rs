//! `p100.testing.Sandbox`: the sandbox crate (`p100_sandbox`) started in-process, on the
//! extension's tokio runtime, on a free loopback port. Every member is one call of
//! [`p100_sandbox::RunningSandbox`]; this file only converts arguments, results and errors.

use std::sync::Mutex;

use p100::client::Unit;
use p100_sandbox::host::{self, FaultArgs, StartSettings};
use p100_sandbox::RunningSandbox;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde_json::Value;

use crate::client::{AsyncClient, Client};
use crate::convert::{self, Keys};
use crate::errors::to_pyerr;
use crate::runtime::{block, pending, runtime};

const PY: Unit = Unit::Seconds;

/// A host error as the Python exception.
fn err(py: Python<'_>) -> impl Fn(p100::Error) -> PyErr + '_ {
    move |e| to_pyerr(py, &e)
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
        .ok_or_else(|| to_pyerr(py, &host::stopped()))
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
        let settings = StartSettings {
            api_key,
            settle,
            time_scale,
            webhook_url,
            webhook_token,
        };
        let started = py.detach(|| runtime().block_on(settings.start(PY)));
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
        let amount = convert::to_json(amount, "amount", 0, Keys::Raw)?;
        let reply = self.with(py, |sb| {
            host::fund(sb, PY, currency, &amount, external_user_id.as_deref())
        })?;
        to_py(py, &reply.map_err(err(py))?)
    }

    /// Queues a fault for the next `count` API requests (kinds as `POST /_sandbox/faults`).
    #[pyo3(signature = (kind, count=1, *, retry_after=None, delay_ms=None))]
    fn inject_fault(
        &self,
        py: Python<'_>,
        kind: &str,
        count: u32,
        retry_after: Option<f64>,
        delay_ms: Option<i64>,
    ) -> PyResult<()> {
        let args = FaultArgs {
            kind: kind.to_string(),
            count: Some(count.into()),
            retry_after,
            delay_ms,
            ..FaultArgs::default()
        };
        self.with(py, |sb| host::inject_fault(sb, PY, args))?
            .map_err(err(py))
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
        self.with(py, |sb| host::set_time_scale(sb, PY, scale))?
            .map_err(err(py))
    }

    /// Moves the sandbox's clock forward by `seconds` without waiting; work that became due
    /// has run when this returns. Returns the sandbox's new time (seconds since the epoch).
    fn advance(&self, py: Python<'_>, seconds: f64) -> PyResult<f64> {
        let now = self.with(py, |sb| host::advance(sb, PY, seconds))?;
        Ok(host::epoch_secs(now.map_err(err(py))?))
    }

    /// The sandbox's time (real time plus what `advance` added), in seconds since the epoch.
    fn now(&self, py: Python<'_>) -> PyResult<f64> {
        self.with(py, |sb| host::epoch_secs(sb.now()))
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
        let sent = self.with(py, |sb| host::trigger(sb, PY, event, external_user_id))?;
        to_py(py, &sent.map_err(err(py))?)
    }

    /// Sets (`url` and `token`) or clears (no arguments) the webhook target.
    #[pyo3(signature = (url=None, token=None))]
    fn set_webhook(&self, py: Python<'_>, url: Option<&str>, token: Option<&str>) -> PyResult<()> {
        self.with(py, |sb| host::set_webhook(sb, PY, url, token))?
            .map_err(err(py))
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
                let call = |sb| host::control(sb, PY, method, path, body.as_ref());
                guard.as_ref().map(|sb| runtime().block_on(call(sb)))
            })
            .ok_or_else(|| to_pyerr(py, &host::stopped()))?;
        to_py(py, &reply.map_err(err(py))?)
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
