//! `p100.Client` (blocking) and `p100.AsyncClient` (asyncio): configuration, the resource
//! groups as attributes, the escape hatch `request()`, and context-manager support.

use std::sync::{Arc, RwLock};

use p100::client::settings::ENV_VARS;
use p100::client::{Settings, Unit};
use p100::log::{Background, LogLevel};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{self, Keys};
use crate::errors::{reconcile_input, to_pyerr, ReconciliationOut};
use crate::groups::{aio, blocking};
use crate::log::PyLogger;
use crate::runtime::{block_named, kept, pending, ready, spawn_named, Keep};

/// The core client shared by a Python client and its resource groups. `close()` drops it.
pub struct Shared {
    client: RwLock<Option<p100::Client>>,
    /// The client's cancelled calls, still readable after `close()`.
    cancelled: p100::CancelledCalls,
    description: String,
}

impl Shared {
    fn new(client: p100::Client) -> Arc<Shared> {
        let cfg = client.config();
        let description = format!(
            "base_url={:?}, timeout={}, max_retries={}",
            cfg.base_url(),
            cfg.timeout().as_secs_f64(),
            cfg.retry().max_retries
        );
        Arc::new(Shared {
            cancelled: client.cancelled_calls(),
            client: RwLock::new(Some(client)),
            description,
        })
    }

    /// The core client (cheap clone), or a `ConfigError` once the client was closed.
    pub fn client(&self, py: Python<'_>) -> PyResult<p100::Client> {
        let guard = self.client.read().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(c) => Ok(c.clone()),
            None => Err(to_pyerr(
                py,
                &p100::Error::config("this client is closed; create a new one"),
            )),
        }
    }

    fn close(&self) {
        let mut guard = self.client.write().unwrap_or_else(|e| e.into_inner());
        *guard = None;
    }

    fn is_closed(&self) -> bool {
        self.client.read().map(|g| g.is_none()).unwrap_or(true)
    }

    /// `base_url=..., timeout=..., max_retries=...` (never the key).
    pub fn describe(&self) -> &str {
        &self.description
    }
}

/// Reads an environment variable through `os.environ` (so changes made from Python count).
fn env_var(py: Python<'_>, name: &str) -> PyResult<Option<String>> {
    let environ = py.import("os")?.getattr("environ")?;
    let value = environ.call_method1("get", (name,))?;
    Ok(value
        .extract::<Option<String>>()?
        .filter(|v| !v.trim().is_empty()))
}

/// Builds the core client from the constructor arguments, falling back to `P100_API_KEY`,
/// `P100_BASE_URL` and `P100_ENVIRONMENT` (read through `os.environ`, so changes made from
/// Python count). The precedence, names and bounds are the core's ([`Settings::builder`], in
/// seconds), so they are the same in every language.
fn build(py: Python<'_>, settings: Settings) -> PyResult<Arc<Shared>> {
    let mut vars = Vec::with_capacity(ENV_VARS.len());
    for name in ENV_VARS {
        vars.push((name, env_var(py, name)?));
    }
    let env = |name: &str| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.clone())
    };
    let v = py.version_info();
    let ua = format!("python {}.{}.{}", v.major, v.minor, v.patch);
    let log = env_var(py, "P100_LOG")?;
    if let Some(warning) = LogLevel::env_warning(log.as_deref()) {
        let category = py.get_type::<pyo3::exceptions::PyRuntimeWarning>();
        let text = std::ffi::CString::new(warning).unwrap_or_default();
        PyErr::warn(py, &category, &text, 1)?;
    }
    let level = log.and_then(|v| LogLevel::parse(&v));
    let logger = Arc::new(Background::new(Arc::new(PyLogger)));
    let client = settings
        .builder(Unit::Seconds, &ua, env)
        .and_then(|b| b.log_level(level).logger(logger).build())
        .map_err(|e| to_pyerr(py, &e))?;
    Ok(Shared::new(client))
}

/// Where a setting is given: the client's constructor (a bad one is a `ConfigError`, as the
/// core's settings say) or `with_options` (a `ValidationError`).
#[derive(Clone, Copy)]
pub(crate) enum Given {
    Client,
    PerCall,
}

impl Given {
    fn refuse(self, py: Python<'_>, name: &str, why: &str) -> PyErr {
        let e = match self {
            Given::Client => p100::Error::validation(name, why).into_config(),
            Given::PerCall => p100::Error::validation(name, why),
        };
        to_pyerr(py, &e)
    }
}

/// An `int` argument as an `i64`, one beyond its range saturated: the core then refuses it as
/// out of range, naming the argument, instead of a bare `OverflowError`. A `bool` (an `int` to
/// Python: `max_retries=True` is no count) or a `float` is refused the same way.
pub(crate) fn saturating_int(
    value: Option<&Bound<'_, PyAny>>,
    name: &str,
    given: Given,
) -> PyResult<Option<i64>> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let not_an_int = || given.refuse(v.py(), name, "must be an int");
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(not_an_int());
    }
    match v.extract::<i64>() {
        Ok(n) => Ok(Some(n)),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(v.py()) => {
            Ok(Some(if v.lt(0)? { i64::MIN } else { i64::MAX }))
        }
        Err(_) => Err(not_an_int()),
    }
}

/// A text setting (`api_key`, `base_url`…): anything but a `str` is refused naming it, without
/// its value (a bare `TypeError` before, naming neither: outside review, stop 49).
fn text(value: Option<&Bound<'_, PyAny>>, name: &str, given: Given) -> PyResult<Option<String>> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    v.extract::<String>()
        .map(Some)
        .map_err(|_| given.refuse(v.py(), name, "must be text (a str)"))
}

/// A number of seconds (`int`, `float`); a `bool` (`timeout=True`, which Python would take
/// for 1) or anything else is refused naming the argument.
fn seconds(value: Option<&Bound<'_, PyAny>>, name: &str, given: Given) -> PyResult<Option<f64>> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let not_seconds = || given.refuse(v.py(), name, "must be a number of seconds");
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(not_seconds());
    }
    v.extract::<f64>().map(Some).map_err(|_| not_seconds())
}

/// `headers=` of `with_options`: a dict of text names to text values; anything else is a
/// `ValidationError` naming `headers` (a bare `TypeError` before: outside review, stop 44).
fn header_map(headers: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(h) = headers.filter(|h| !h.is_none()) else {
        return Ok(Vec::new());
    };
    let refuse = || Given::PerCall.refuse(h.py(), "headers", "must be a dict of str to str");
    let dict = h.cast::<pyo3::types::PyDict>().map_err(|_| refuse())?;
    dict.iter()
        .map(|(k, v)| {
            Ok((
                k.extract().map_err(|_| refuse())?,
                v.extract().map_err(|_| refuse())?,
            ))
        })
        .collect()
}

/// `with_options(timeout=, max_retries=, headers=)`: the core's per-call settings; a bad one is
/// a `ValidationError` naming it, as in every language (the core's `request_options`).
fn with_options(py: Python<'_>, shared: &Shared, settings: Settings) -> PyResult<Arc<Shared>> {
    let options = settings
        .request_options(Unit::Seconds)
        .map_err(|e| to_pyerr(py, &e))?;
    Ok(Shared::new(shared.client(py)?.with_options(options)))
}

/// The body of the escape hatch, sent exactly as given: wire (camelCase) names, no key
/// conversion; floats are refused (nothing says which fields are amounts).
fn request_body(body: Option<&Bound<'_, PyAny>>) -> PyResult<Option<serde_json::Value>> {
    match body {
        Some(b) if !b.is_none() => Ok(Some(convert::to_json(b, "body", 0, Keys::Raw)?)),
        _ => Ok(None),
    }
}

macro_rules! client_class {
    (
        $cls:ident, $pyname:literal, $run:ident, $module:ident,
        [$([$($gdoc:literal)*] $group:ident $Group:ident)+]
        { $($extra:tt)* }
    ) => {
        #[pymethods]
        impl $cls {
            #[new]
            #[pyo3(signature = (
                api_key=None,
                base_url=None,
                *,
                environment=None,
                timeout=None,
                max_retries=None,
                retry_initial_delay=None,
                retry_max_delay=None,
                connect_timeout=None,
                user_agent=None,
                max_response_bytes=None,
            ))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                api_key: Option<&Bound<'_, PyAny>>,
                base_url: Option<&Bound<'_, PyAny>>,
                environment: Option<&Bound<'_, PyAny>>,
                timeout: Option<&Bound<'_, PyAny>>,
                max_retries: Option<&Bound<'_, PyAny>>,
                retry_initial_delay: Option<&Bound<'_, PyAny>>,
                retry_max_delay: Option<&Bound<'_, PyAny>>,
                connect_timeout: Option<&Bound<'_, PyAny>>,
                user_agent: Option<&Bound<'_, PyAny>>,
                max_response_bytes: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Self> {
                let g = Given::Client;
                let settings = Settings {
                    api_key: text(api_key, "api_key", g)?.map(Into::into),
                    base_url: text(base_url, "base_url", g)?,
                    environment: text(environment, "environment", g)?,
                    user_agent: text(user_agent, "user_agent", g)?,
                    timeout: seconds(timeout, "timeout", g)?,
                    connect_timeout: seconds(connect_timeout, "connect_timeout", g)?,
                    max_retries: saturating_int(max_retries, "max_retries", g)?,
                    retry_initial_delay: seconds(retry_initial_delay, "retry_initial_delay", g)?,
                    retry_max_delay: seconds(retry_max_delay, "retry_max_delay", g)?,
                    max_response_bytes: saturating_int(max_response_bytes, "max_response_bytes", g)?,
                    headers: Vec::new(),
                };
                Ok($cls { shared: build(py, settings)? })
            }

            $(
                $(#[doc = $gdoc])*
                #[getter]
                fn $group(&self) -> $module::$Group {
                    $module::$Group { core: self.shared.clone() }
                }
            )+

            /// The base URL calls go to.
            #[getter]
            fn base_url(&self, py: Python<'_>) -> PyResult<String> {
                Ok(self.shared.client(py)?.config().base_url().to_string())
            }

            /// Timeout of one attempt, in seconds.
            #[getter]
            fn timeout(&self, py: Python<'_>) -> PyResult<f64> {
                Ok(self.shared.client(py)?.config().timeout().as_secs_f64())
            }

            /// Retries after the first attempt.
            #[getter]
            fn max_retries(&self, py: Python<'_>) -> PyResult<u32> {
                Ok(self.shared.client(py)?.config().retry().max_retries)
            }

            /// A client sharing this one's connections whose successful calls keep their
            /// metadata, read with `last_response`. Its calls share one slot: use one per call
            /// (or per thread/task), never one for concurrent calls.
            fn recording(&self, py: Python<'_>) -> PyResult<Self> {
                Ok($cls { shared: Shared::new(self.shared.client(py)?.recorded()) })
            }

            /// The last successful call of a `recording()` client: a dict with `request_id`,
            /// `status`, `headers` (lower-case names; credentials redacted), `elapsed`
            /// (seconds, retries included) and `attempts`; `None` before its first success and
            /// for other clients.
            #[getter]
            fn last_response<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
                let Some(meta) = self.shared.client(py)?.last_response() else {
                    return Ok(None);
                };
                let d = PyDict::new(py);
                d.set_item("request_id", meta.request_id.clone())?;
                d.set_item("status", meta.status)?;
                d.set_item("headers", meta.header_map())?;
                d.set_item("elapsed", meta.elapsed.as_secs_f64())?;
                d.set_item("attempts", meta.attempts)?;
                Ok(Some(d))
            }

            /// True once `close()` was called.
            #[getter]
            fn closed(&self) -> bool {
                self.shared.is_closed()
            }

            /// A client sharing this one's connections, with other settings for its calls:
            /// `timeout`, `max_retries`, and extra `headers` (a dict; not `x-api-key`,
            /// `authorization` or `user-agent`, which the client owns).
            #[pyo3(signature = (*, timeout=None, max_retries=None, headers=None))]
            fn with_options(
                &self,
                py: Python<'_>,
                timeout: Option<&Bound<'_, PyAny>>,
                max_retries: Option<&Bound<'_, PyAny>>,
                headers: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Self> {
                let headers = header_map(headers)?;
                let timeout = seconds(timeout, "timeout", Given::PerCall)?;
                let max_retries = saturating_int(max_retries, "max_retries", Given::PerCall)?;
                let settings = Settings { timeout, max_retries, headers, ..Settings::default() };
                Ok($cls { shared: with_options(py, &self.shared, settings)? })
            }

            /// The escape hatch: any call with auth, retries and error mapping. `path` starts
            /// with `/v1/`; `body` is sent as given (wire names); the reply is plain JSON
            /// (dicts, lists, `int`, `Decimal`).
            #[pyo3(signature = (method, path, body=None))]
            fn request(
                &self,
                py: Python<'_>,
                method: String,
                path: String,
                body: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let call = (|| {
                    let body = request_body(body)?;
                    let c = self.shared.client(py)?;
                    let keep = Keep::request(&c, &method);
                    Ok(kept(
                        async move { c.request(&method, &path, body.as_ref()).await.map(JsonOut) },
                        keep,
                    ))
                })();
                $run(py, call, "request")
            }

            /// After an error whose `outcome` is "unknown" (or "accepted" without a readable
            /// id): did the operation happen? Looks in the transaction history for the
            /// operation the failed call would have created (the core's `reconcile`). Takes
            /// the `P100Error` or its `fingerprint` dict; returns a `p100.Reconciliation`.
            fn reconcile(
                &self,
                py: Python<'_>,
                error: &Bound<'_, PyAny>,
            ) -> PyResult<Py<PyAny>> {
                let call = (|| {
                    let (outcome, fp) = reconcile_input(error)?;
                    let c = self.shared.client(py)?;
                    Ok(pending(async move {
                        c.reconcile_outcome(outcome, fp.as_ref())
                            .await
                            .map(ReconciliationOut)
                    }))
                })();
                $run(py, call, "reconcile")
            }

            /// The calls that change something (money calls above all) cancelled while their
            /// request was out (a cancelled task, an `asyncio.wait_for` timeout, Ctrl-C), oldest
            /// first; taking them empties the list (the last 10,000 are kept, shared with
            /// `with_options` clients; readable after `close()`). Each is an `AbortError` with
            /// `outcome == "unknown"` and its `fingerprint`: give it to `reconcile()` before
            /// sending the call again. A call that finished just as it was cancelled is kept too:
            /// the error it ended with, or an `AbortError` with `outcome == "accepted"` whose
            /// `raw_body` holds the result's ids (`{"transferId": …, "status": …}`).
            fn take_cancelled(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
                let taken = self.shared.cancelled.take();
                taken
                    .iter()
                    .map(|e| to_pyerr(py, e).into_value(py).into_any())
                    .collect()
            }

            /// Closes this client: later calls fail with `ConfigError`. Clients made from it
            /// (`with_options`, `recording`) share its connections and stay open until closed.
            fn close(&self) {
                self.shared.close();
            }

            fn __repr__(&self) -> String {
                if self.shared.is_closed() {
                    format!("<p100.{} (closed)>", $pyname)
                } else {
                    format!("<p100.{} {}>", $pyname, self.shared.describe())
                }
            }

            $($extra)*
        }
    };
}

/// The blocking client. Safe to share between threads; calls release the GIL.
#[pyclass(frozen, module = "p100", name = "Client")]
pub struct Client {
    shared: Arc<Shared>,
}

/// The asyncio client: the same methods as `Client`, returning awaitables.
#[pyclass(frozen, module = "p100", name = "AsyncClient")]
pub struct AsyncClient {
    shared: Arc<Shared>,
}

/// The callback of [`p100::for_each_operation!`]: both clients, with one attribute per group of
/// the operation table.
macro_rules! client_classes {
    ($(
        $(#[doc = $gdoc:literal])*
        group $group:ident $Group:ident $gjs:literal wait($($wait:tt)*) { $($ops:tt)* }
    )+) => {
client_class!(
    Client, "Client", block_named, blocking,
    [$([$($gdoc)*] $group $Group)+]
    {
        fn __enter__(slf: Py<Self>) -> Py<Self> {
            slf
        }

        #[pyo3(signature = (*_exc))]
        fn __exit__(&self, _exc: &Bound<'_, PyTuple>) -> bool {
            self.shared.close();
            false
        }
    }
);

client_class!(
    AsyncClient, "AsyncClient", spawn_named, aio,
    [$([$($gdoc)*] $group $Group)+]
    {
        fn __aenter__(slf: Py<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
            ready(py, slf.into_any())
        }

        #[pyo3(signature = (*_exc))]
        fn __aexit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
            self.shared.close();
            ready(py, false.into_pyobject(py)?.to_owned().into_any().unbind())
        }

        /// Awaitable form of `close()`.
        fn aclose(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
            self.shared.close();
            ready(py, py.None())
        }
    }
);
    };
}

p100::for_each_operation!(client_classes);

/// A JSON reply of the escape hatch, converted to Python values.
#[derive(serde::Serialize)]
#[serde(transparent)]
struct JsonOut(serde_json::Value);

impl<'py> IntoPyObject<'py> for JsonOut {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        convert::from_json(py, &self.0)
    }
}
