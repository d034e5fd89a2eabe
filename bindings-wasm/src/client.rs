//! `Client`: configuration (the core's [`Settings`], in milliseconds), per-call options, the
//! escape hatch and `reconcile`. The resource groups (`client.users`, …) are in [`crate::groups`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::{Rc, Weak};

use js_sys::{Promise, Reflect};
use p100::client::{Settings, Unit, WaitSettings};
use p100::Error;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{input, json_output, output, text};
use crate::errors;
use crate::panic::{guarded, Guarded};

/// Runs `fut` as a JS promise; a core error rejects it with the matching error class, and a
/// panic (a bug) with a `P100Error` of kind `"internal"` (see [`crate::panic`]).
pub(crate) fn spawn<F>(fut: F) -> Promise
where
    F: Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(Guarded::new(async move {
        fut.await.map_err(|e| errors::to_js(&e))
    }))
}

/// The language, runtime and platform of the `User-Agent`: `node 20.20.2; linux x64` (from
/// `process.versions.node`, `process.platform`, `process.arch`).
fn runtime() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let get = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
        let process = get(&js_sys::global(), "process");
        if process.is_object() {
            let node = get(&get(&process, "versions"), "node").as_string();
            let os = get(&process, "platform").as_string();
            let arch = get(&process, "arch").as_string();
            if let (Some(node), Some(os), Some(arch)) = (node, os, arch) {
                return format!("node {node}; {os} {arch}");
            }
        }
        "javascript; unknown".into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    "node".into()
}

/// `new Client(options)`: the connection options, then the settings every language shares
/// ([`Settings`], in milliseconds). Unknown names are refused by the core's decoder: a typo
/// such as `baseURL` must not silently send the calls (and the API key) to the default
/// environment.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientOptions {
    api_key: Option<String>,
    base_url: Option<String>,
    environment: Option<String>,
    user_agent: Option<String>,
    timeout_ms: Option<f64>,
    connect_timeout_ms: Option<f64>,
    max_retries: Option<i64>,
    retry_initial_delay_ms: Option<f64>,
    retry_max_delay_ms: Option<f64>,
    max_response_bytes: Option<i64>,
    log_level: Option<String>,
}

/// `client.withOptions(options)`: the per-call settings.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CallOptions {
    timeout_ms: Option<f64>,
    max_retries: Option<i64>,
    headers: Option<std::collections::BTreeMap<String, String>>,
}

/// The caller's `AbortSignal` of `withOptions({ signal })`, and the core's signal it fires;
/// one per JS signal, shared by every client given it and those made from them
/// ([`shared_signal`]).
pub(crate) struct JsSignal {
    signal: JsValue,
    abort: p100::AbortSignal,
    /// The one `abort` listener on `signal` while calls are out, and how many are.
    listening: RefCell<Option<(Listener, usize)>>,
}

type Listener = Closure<dyn FnMut()>;

impl JsSignal {
    /// What a call holds while it runs ([`SignalListener`]): one `abort` listener on the
    /// caller's signal for all the calls out, removed when the last ends; none when the signal
    /// has already fired (the core's fires now). Not one per client: a long-lived signal (a
    /// server's shutdown signal, given to a `withOptions` per request) kept one for every client
    /// until garbage collection; nor one per call (Node's MaxListenersExceededWarning comes at
    /// 11 listeners).
    fn listen(self: &Rc<Self>) -> Option<SignalListener> {
        let aborted = Reflect::get(&self.signal, &JsValue::from_str("aborted"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if aborted {
            self.abort.abort();
            return None;
        }
        let mut listening = self.listening.borrow_mut();
        if let Some((_, calls)) = listening.as_mut() {
            *calls += 1;
            return Some(SignalListener(Rc::clone(self)));
        }
        let add = Reflect::get(&self.signal, &JsValue::from_str("addEventListener"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())?;
        let fire = self.abort.clone();
        let listener = Closure::<dyn FnMut()>::new(move || fire.abort());
        let once = js_sys::Object::new();
        let _ = Reflect::set(&once, &JsValue::from_str("once"), &JsValue::TRUE);
        add.call3(
            &self.signal,
            &JsValue::from_str("abort"),
            listener.as_ref(),
            &once,
        )
        .ok()?;
        *listening = Some((listener, 1));
        Some(SignalListener(Rc::clone(self)))
    }
}

/// A call's hold on its client's [`JsSignal`] listener; the last one dropped removes it.
pub(crate) struct SignalListener(Rc<JsSignal>);

impl Drop for SignalListener {
    fn drop(&mut self) {
        let js = &self.0;
        let mut listening = js.listening.borrow_mut();
        let last = match listening.as_mut() {
            Some((_, calls)) => {
                *calls = calls.saturating_sub(1);
                *calls == 0
            }
            None => false,
        };
        if !last {
            return;
        }
        let Some((listener, _)) = listening.take() else {
            return;
        };
        let remove = Reflect::get(&js.signal, &JsValue::from_str("removeEventListener"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(remove) = remove {
            let _ = remove.call2(&js.signal, &JsValue::from_str("abort"), listener.as_ref());
        }
    }
}

/// `withOptions({ signal })`: the JS `AbortSignal` with the core's [`p100::AbortSignal`] it
/// fires (at once when it is already aborted), and the options without it for the rest of the
/// reading. Anything else than an `AbortSignal` is a `ValidationError` naming `signal`.
fn take_signal(options: JsValue) -> Result<(JsValue, Option<Rc<JsSignal>>), p100::Error> {
    if !options.is_object() {
        return Ok((options, None));
    }
    let key = JsValue::from_str("signal");
    let signal = Reflect::get(&options, &key).unwrap_or(JsValue::UNDEFINED);
    if signal.is_undefined() || signal.is_null() {
        return Ok((options, None));
    }
    let not_a_signal = || p100::Error::validation("signal", "must be an AbortSignal");
    let aborted = Reflect::get(&signal, &JsValue::from_str("aborted"))
        .ok()
        .and_then(|v| v.as_bool())
        .ok_or_else(not_a_signal)?;
    Reflect::get(&signal, &JsValue::from_str("addEventListener"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(not_a_signal)?;
    let shared = shared_signal(signal);
    if aborted {
        shared.abort.abort();
    }
    let rest = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
    let _ = Reflect::delete_property(&rest, &key);
    Ok((rest.into(), Some(shared)))
}

thread_local! {
    /// The [`JsSignal`] of each JS `AbortSignal` given to `withOptions`, while a client uses it:
    /// a `WeakMap` from the signal to an id, and the ids' signals. Every `withOptions` given the
    /// same signal shares one, so its calls out share one listener.
    static SIGNALS: (js_sys::WeakMap, RefCell<LiveSignals>, Cell<u32>) =
        (js_sys::WeakMap::new(), RefCell::new(HashMap::new()), Cell::new(0));
}

type LiveSignals = HashMap<u32, Weak<JsSignal>>;

/// The [`JsSignal`] of `signal` (an object: checked by the caller), made on first use.
fn shared_signal(signal: JsValue) -> Rc<JsSignal> {
    SIGNALS.with(|(ids, live, next)| {
        let key: &js_sys::Object = signal.unchecked_ref();
        let known = ids
            .get(key)
            .as_f64()
            .and_then(|id| live.borrow().get(&(id as u32)).and_then(Weak::upgrade));
        if let Some(js) = known {
            return js;
        }
        let js = Rc::new(JsSignal {
            signal: signal.clone(),
            abort: p100::AbortSignal::new(),
            listening: RefCell::new(None),
        });
        let id = next.get();
        next.set(id.wrapping_add(1));
        ids.set(key, &JsValue::from(id));
        let mut live = live.borrow_mut();
        // Forget the signals no client uses any more, now and then (amortised).
        if live.len() >= 64 && live.len().is_power_of_two() {
            live.retain(|_, w| w.strong_count() > 0);
        }
        live.insert(id, Rc::downgrade(&js));
        js
    })
}

/// The options of `waitFor`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WaitOpts {
    timeout_ms: Option<f64>,
    interval_ms: Option<f64>,
    max_interval_ms: Option<f64>,
}

/// What `client.reconcile(x)` hands to the core (`Client::reconcile_outcome`, where the rules
/// live): the error's outcome and fingerprint, or — when `x` is a fingerprint kept from earlier
/// (an object with `operation` and `sentAtMs` or `sent_at_ms`) — that fingerprint with outcome
/// `unknown`.
fn reconcile_input(value: JsValue) -> Result<(p100::Outcome, Option<p100::Fingerprint>), Error> {
    let get = |key: &str| Reflect::get(&value, &JsValue::from_str(key)).ok();
    let not_reconcilable =
        || Error::validation("error", "must be a P100Error or the fingerprint of one");
    if !value.is_object() {
        return Err(not_reconcilable());
    }
    // The Python package's stored JSON names it `sent_at_ms` (the core reads both names).
    let sent_at = |key: &str| get(key).is_some_and(|v| v.as_f64().is_some());
    let is_fingerprint = get("operation").is_some_and(|v| v.is_string())
        && (sent_at("sentAtMs") || sent_at("sent_at_ms"));
    if is_fingerprint {
        return Ok((p100::Outcome::Unknown, Some(input(value, "fingerprint")?)));
    }
    let outcome = get("outcome")
        .and_then(|o| o.as_string())
        .and_then(|o| p100::Outcome::parse(&o))
        .ok_or_else(not_reconcilable)?;
    let fp = match get("fingerprint") {
        Some(fp) if fp.is_object() => Some(input(fp, "error.fingerprint")?),
        _ => None,
    };
    Ok((outcome, fp))
}

/// `fingerprintOf(operation, request)`: the fingerprint of a money call before it is sent
/// (`p100::fingerprint_of`; typed in `scripts/groups.mjs` from the manifest's money calls).
#[wasm_bindgen(js_name = fingerprintOf, skip_typescript)]
pub fn fingerprint_of(operation: JsValue, request: JsValue) -> Result<JsValue, JsValue> {
    let fp = crate::convert::text(&operation, "operation").and_then(|op| {
        p100::client::fingerprint_of_host(&op, &crate::convert::to_json(request, "request")?)
    });
    fp.and_then(|fp| output(&fp))
        .map_err(|e| crate::errors::to_js(&e))
}

/// An optional options object: `undefined` and `null` are `{}`.
fn options<T: serde::de::DeserializeOwned + Default>(value: JsValue) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    input(value, "options")
}

/// Reads `{ timeoutMs?, intervalMs?, maxIntervalMs? }` (all optional) into the core's options
/// of a `waitFor` on `id` (a refusal is `accepted` unless the id is empty: `Error::refused_wait`).
pub(crate) fn wait_options(value: JsValue, id: &str) -> Result<p100::WaitOptions, Error> {
    let o: WaitOpts = options(value).map_err(|e| e.refused_wait(id))?;
    WaitSettings {
        timeout: o.timeout_ms,
        interval: o.interval_ms,
        max_interval: o.max_interval_ms,
    }
    .options_for(Unit::Millis, id)
}

/// The P100 client. Cheap to share: one instance serves any number of concurrent calls.
///
/// ```js
/// const client = new Client({ apiKey: process.env.P100_API_KEY, baseUrl: "http://127.0.0.1:8080" });
/// const balances = await client.partner.balances();
/// ```
#[wasm_bindgen]
pub struct Client {
    inner: p100::Client,
    /// The `AbortSignal` this client's calls follow, if any: shared by the clients made from
    /// this one; each call listens to it while it runs.
    signal: Option<Rc<JsSignal>>,
}

impl Client {
    /// The core client, and what a call must hold while it runs (see [`JsSignal::listen`]).
    pub(crate) fn for_call(&self) -> (p100::Client, CallSignal) {
        let signal = CallSignal {
            _listener: self.signal.as_ref().and_then(|s| s.listen()),
            signal: self.signal.as_ref().map(|s| s.signal.clone()),
        };
        (self.inner.clone(), signal)
    }
}

/// What a call holds while it runs: its hold on the client's signal listener, and the caller's
/// `AbortSignal`, whose `reason` an `AbortError` carries as its `cause`, as `fetch` rejects
/// with it (outside review, stop 44: `ac.abort(new Error("shutting down"))` was lost).
pub(crate) struct CallSignal {
    _listener: Option<SignalListener>,
    signal: Option<JsValue>,
}

/// [`spawn`] for a call that follows the client's signal (see [`CallSignal`]).
pub(crate) fn spawn_call<F>(signal: CallSignal, fut: F) -> Promise
where
    F: Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(Guarded::new(async move {
        let result = fut.await;
        let reason = signal
            .signal
            .as_ref()
            .and_then(|s| Reflect::get(s, &JsValue::from_str("reason")).ok())
            .filter(|r| !r.is_undefined());
        drop(signal);
        result.map_err(|e| {
            let js = errors::to_js(&e);
            if let (p100::ErrorKind::Aborted, Some(reason)) = (e.kind(), reason) {
                let _ = Reflect::set(&js, &JsValue::from_str("cause"), &reason);
            }
            js
        })
    }))
}

#[wasm_bindgen]
impl Client {
    /// A client for `apiKey` at `baseUrl` (or `environment`). Throws a `ConfigError` when an
    /// option is missing or wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        guarded(move || Self::build(options))
    }

    fn build(options: JsValue) -> Result<Client, Error> {
        if !options.is_object() {
            return Err(Error::config(
                "new Client(options) needs an object such as { apiKey, baseUrl }",
            ));
        }
        let log = crate::log::from_options(&options)?;
        let o: ClientOptions =
            input(crate::log::without_logger(&options), "options").map_err(Error::into_config)?;
        let settings = Settings {
            api_key: o.api_key.map(Into::into),
            base_url: o.base_url,
            environment: o.environment,
            user_agent: o.user_agent,
            timeout: o.timeout_ms,
            connect_timeout: o.connect_timeout_ms,
            max_retries: o.max_retries,
            retry_initial_delay: o.retry_initial_delay_ms,
            retry_max_delay: o.retry_max_delay_ms,
            max_response_bytes: o.max_response_bytes,
            ..Settings::default()
        };
        // No fallback to environment variables here (that is `Client.fromEnv`), except for
        // `P100_LOG`, which every language reads.
        let b = settings.builder(Unit::Millis, &runtime(), |_| None)?;
        Self::finish(log.apply(o.log_level.as_deref(), b)?)
    }

    /// A client from environment variables: `P100_API_KEY` (required), then `P100_BASE_URL`, or
    /// `P100_ENVIRONMENT` = `staging` (default) | `production`. Reads `process.env` unless
    /// `env` is given.
    #[wasm_bindgen(js_name = fromEnv)]
    pub fn from_env(
        #[wasm_bindgen(unchecked_optional_param_type = "Env")] env: JsValue,
    ) -> Result<Client, JsValue> {
        guarded(move || Self::build_from_env(env))
    }

    fn build_from_env(env: JsValue) -> Result<Client, Error> {
        let env = if env.is_object() {
            env
        } else {
            let process = Reflect::get(&js_sys::global(), &JsValue::from_str("process"))
                .unwrap_or(JsValue::UNDEFINED);
            Reflect::get(&process, &JsValue::from_str("env")).unwrap_or(JsValue::UNDEFINED)
        };
        let get = |name: &str| -> Option<String> {
            if !env.is_object() {
                return None;
            }
            Reflect::get(&env, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
        };
        let b = Settings::default().builder(Unit::Millis, &runtime(), get)?;
        Self::finish(crate::log::JsLog::console().apply_with(None, get("P100_LOG"), b)?)
    }

    /// Every client of the package does its HTTP through Node's `fetch` (a host build, for
    /// `cargo test`, keeps the core's default transport).
    fn finish(b: p100::ClientBuilder) -> Result<Client, Error> {
        #[cfg(target_arch = "wasm32")]
        let b = {
            let connect_timeout = b.connect_timeout_or_default();
            b.transport(std::sync::Arc::new(crate::transport::FetchTransport {
                connect_timeout,
            }))
        };
        Ok(Client {
            inner: b.build()?,
            signal: None,
        })
    }

    /// A client sharing this one's connections, with other timeout or retry settings:
    /// `client.withOptions({ timeoutMs: 5000 }).sepa.details(id)`.
    #[wasm_bindgen(js_name = withOptions)]
    pub fn with_options(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        let (inner, signal) = (self.inner.clone(), self.signal.clone());
        guarded(move || Self::build_with_options(&inner, signal, options))
    }

    fn build_with_options(
        inner: &p100::Client,
        signal: Option<Rc<JsSignal>>,
        options_value: JsValue,
    ) -> Result<Client, Error> {
        let (options_value, given) = take_signal(options_value)?;
        let o: CallOptions = options(options_value)?;
        let mut opts = Settings {
            timeout: o.timeout_ms,
            max_retries: o.max_retries,
            headers: o.headers.unwrap_or_default().into_iter().collect(),
            ..Settings::default()
        }
        .request_options(Unit::Millis)?;
        // A signal given here replaces this client's (the core does the same).
        opts.abort = given.as_ref().map(|g| g.abort.clone());
        let signal = given.or(signal);
        Ok(Client {
            inner: inner.with_options(opts),
            signal,
        })
    }

    /// A client sharing this one's connections whose successful calls keep their metadata,
    /// read with `lastResponse`. Its calls share one slot: use one per call (or per task),
    /// never one for concurrent calls.
    pub fn recording(&self) -> Client {
        Client {
            inner: self.inner.recorded(),
            signal: self.signal.clone(),
        }
    }

    /// `{ requestId, status, headers, elapsedMs, attempts }` of the last successful call of a
    /// `recording()` client (headers with lower-case names, credentials redacted);
    /// `undefined` before its first success and for other clients.
    #[wasm_bindgen(getter, js_name = lastResponse, unchecked_return_type = "ResponseInfo | undefined")]
    pub fn last_response(&self) -> Result<JsValue, JsValue> {
        match self.inner.last_response() {
            Some(meta) => output(&meta).map_err(|e| errors::to_js(&e)),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The base URL calls go to (no trailing slash).
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().to_string()
    }

    /// The escape hatch: sends any call with auth, retries and error mapping, for endpoints the
    /// SDK does not model yet. `path` starts with `/v1/`; `method` is GET, POST, PATCH or
    /// DELETE; only GET is retried after an ambiguous failure. Money stays exact both ways: a
    /// body number with a fraction is refused (send amounts as strings), and reply numbers a JS
    /// number cannot hold exactly (fractions, integers beyond 2^53) come back as strings.
    #[wasm_bindgen(unchecked_return_type = "Promise<JsonValue>")]
    pub fn request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] method: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "JsonValue")] body: JsValue,
    ) -> Promise {
        let (c, signal) = self.for_call();
        // Read at once, while the caller waits: a body changed after the call returned is not
        // what is sent (outside review, stop 44).
        let read = || -> Result<_, Error> {
            let method = text(&method, "method")?;
            let path = text(&path, "path")?;
            let body = if body.is_undefined() {
                None
            } else {
                // NaN, Infinity and cycles are refused with their path, not sent as null.
                let value = crate::convert::to_json_under(body, "body")?;
                p100::input::refuse_inexact_numbers(&value, "body")?;
                Some(value)
            };
            Ok((method, path, body))
        };
        let args = read();
        spawn_call(signal, async move {
            let (method, path, body) = args?;
            let reply = c.request(&method, &path, body.as_ref()).await?;
            json_output(&reply)
        })
    }

    /// After an error whose `outcome` is `"unknown"` (or `"accepted"` without a readable id):
    /// did the operation happen? Looks in the transaction history for the operation the failed
    /// call would have created, after the time it was sent (the core's `reconcile`). Takes the
    /// `P100Error` itself, or its `fingerprint` kept from earlier (e.g. stored before a
    /// restart). Resolves with `{ result: "found", id, status }`, `{ result: "not_found" }`
    /// (not in the history *yet*: check again later before sending again) or
    /// `{ result: "cannot_tell", reason }`. An error whose outcome is `"not_sent"` or
    /// `"rejected"` is `not_found` at once (nothing happened); an `"unknown"` error of a call
    /// that moves no money (no fingerprint) rejects with a `ValidationError` of field `error`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Reconciliation>")]
    pub fn reconcile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Reconcilable | Fingerprint")] error: JsValue,
    ) -> Promise {
        let (c, signal) = self.for_call();
        // Read at once, as `request` does.
        let input = reconcile_input(error);
        spawn_call(signal, async move {
            let (outcome, fp) = input?;
            let answer = c.reconcile_outcome(outcome, fp.as_ref()).await?;
            output(&answer)
        })
    }
}
