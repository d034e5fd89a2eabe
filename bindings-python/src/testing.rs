//! `p100.testing.Sandbox`: the sandbox crate (`p100_sandbox`) started in-process, on the
//! extension's tokio runtime, on a free loopback port. Every member is one call of
//! [`p100_sandbox::RunningSandbox`]; this file only converts arguments, results and errors.

use p100::client::Unit;
use p100_sandbox::host::{self, FaultArgs, Hosted, StartSettings};
use p100_sandbox::RunningSandbox;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde_json::Value;

use crate::client::{AsyncClient, Client};
use crate::convert::{self, Keys};
use crate::errors::to_pyerr;
use crate::runtime::runtime;

const PY: Unit = Unit::Seconds;

/// A host error as the Python exception.
fn err(py: Python<'_>) -> impl Fn(p100::Error) -> PyErr + '_ {
    move |e| to_pyerr(py, &e)
}

/// JSON from the sandbox as plain Python values ([`convert::from_json`]).
fn to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(convert::from_json(py, value)?.unbind())
}

/// A P100 sandbox running inside this process (see `p100.testing`).
#[pyclass(module = "p100.testing", name = "Sandbox", frozen)]
pub struct Sandbox {
    hosted: Hosted,
}

impl Sandbox {
    /// Runs `f` on the running sandbox with the GIL released, inside the runtime (triggered
    /// webhook deliveries and due work are spawned on it); a `ConfigError` once closed.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&RunningSandbox) -> T + Send,
    ) -> PyResult<T> {
        py.detach(|| self.hosted.with(f)).map_err(err(py))
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

/// `inject_fault`'s `count`, saturated, so that the core names it out of range (`10**20` was a
/// bare `OverflowError`: note 34); a `bool` or a `float` is refused naming it.
fn fault_count(v: &Bound<'_, PyAny>) -> PyResult<i64> {
    let n = crate::client::saturating_int(Some(v), "count", crate::client::Given::PerCall)?;
    Ok(n.unwrap_or(1))
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
        let handle = runtime().handle().clone();
        let started = py.detach(|| Hosted::start_on(handle, settings, PY));
        Ok(Sandbox {
            hosted: started.map_err(err(py))?,
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> &str {
        self.hosted.url()
    }

    /// The API key the sandbox accepts.
    #[getter]
    fn api_key(&self) -> &str {
        self.hosted.api_key()
    }

    /// True once `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.hosted.is_stopped()
    }

    /// A `p100.Client` for this sandbox (short timeout, fast retries; `options` override).
    #[pyo3(signature = (**options))]
    fn client(&self, py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
        let kw = self.client_kwargs(py, options)?;
        let args = PyTuple::new(py, [self.hosted.api_key(), self.hosted.url()])?;
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
        let args = PyTuple::new(py, [self.hosted.api_key(), self.hosted.url()])?;
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

    /// Queues a fault for the next `count` API requests (kinds as `POST /_sandbox/faults`);
    /// `operation` limits it to one operation (`"transfers.create"`), `status` is the status
    /// of `5xx-with-code`, `size_bytes` the body size of `huge-body`.
    #[pyo3(signature = (
        kind, count=1, *, retry_after=None, delay_ms=None, status=None, size_bytes=None,
        operation=None
    ))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments
    fn inject_fault(
        &self,
        py: Python<'_>,
        kind: &str,
        #[pyo3(from_py_with = fault_count)] count: i64,
        retry_after: Option<f64>,
        delay_ms: Option<i64>,
        status: Option<i64>,
        size_bytes: Option<i64>,
        operation: Option<String>,
    ) -> PyResult<()> {
        let args = FaultArgs {
            kind: kind.to_string(),
            count: Some(count),
            retry_after,
            delay_ms,
            status,
            size_bytes,
            operation,
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
        let call = self.hosted.control(PY, method.into(), path.into(), body);
        let reply = py.detach(|| runtime().block_on(call));
        to_py(py, &reply.map_err(err(py))?)
    }

    /// Stops the sandbox: the port is free and its tasks have ended when this returns.
    /// Calling it again does nothing.
    fn close(&self, py: Python<'_>) {
        py.detach(|| runtime().block_on(self.hosted.stop()));
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> bool {
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        let state = if self.closed() { ", closed" } else { "" };
        format!("Sandbox(url={:?}{state})", self.hosted.url())
    }
}
