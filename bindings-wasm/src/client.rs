//! `Client`: configuration (the core's [`Settings`], in milliseconds), per-call options, the
//! escape hatch and `reconcile`. The resource groups (`client.users`, …) are in [`crate::groups`].

use std::future::Future;

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

/// `withOptions({ signal })`: the JS `AbortSignal` as the core's [`p100::AbortSignal`] (fired
/// by the signal's `abort` event, or at once when it is already aborted), and the options
/// without it for the rest of the reading. Anything else than an `AbortSignal` is a
/// `ValidationError` naming `signal`.
fn take_signal(options: JsValue) -> Result<(JsValue, Option<p100::AbortSignal>), p100::Error> {
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
    let add = Reflect::get(&signal, &JsValue::from_str("addEventListener"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(not_a_signal)?;
    let abort = p100::AbortSignal::new();
    if aborted {
        abort.abort();
    } else {
        let fire = abort.clone();
        let listener = Closure::once_into_js(move || fire.abort());
        let once = js_sys::Object::new();
        let _ = Reflect::set(&once, &JsValue::from_str("once"), &JsValue::TRUE);
        add.call3(&signal, &JsValue::from_str("abort"), &listener, &once)
            .map_err(|_| not_a_signal())?;
    }
    let rest = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
    let _ = Reflect::delete_property(&rest, &key);
    Ok((rest.into(), Some(abort)))
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
/// (an object with `operation` and `sentAtMs`) — that fingerprint with outcome `unknown`.
fn reconcile_input(value: JsValue) -> Result<(p100::Outcome, Option<p100::Fingerprint>), Error> {
    let get = |key: &str| Reflect::get(&value, &JsValue::from_str(key)).ok();
    let not_reconcilable =
        || Error::validation("error", "must be a P100Error or the fingerprint of one");
    if !value.is_object() {
        return Err(not_reconcilable());
    }
    let is_fingerprint = get("operation").is_some_and(|v| v.is_string())
        && get("sentAtMs").is_some_and(|v| v.as_f64().is_some());
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

/// An optional options object: `undefined` and `null` are `{}`.
fn options<T: serde::de::DeserializeOwned + Default>(value: JsValue) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    input(value, "options")
}

/// Reads `{ timeoutMs?, intervalMs?, maxIntervalMs? }` (all optional) into the core's options.
pub(crate) fn wait_options(value: JsValue) -> Result<p100::WaitOptions, Error> {
    let o: WaitOpts = options(value)?;
    WaitSettings {
        timeout: o.timeout_ms,
        interval: o.interval_ms,
        max_interval: o.max_interval_ms,
    }
    .options(Unit::Millis)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_CLIENT: &'static str = r#"
/** Options of `new Client(...)`. */
export interface ClientOptions {
    /** The API key (sent as `x-api-key`). Never shown in errors or logs. */
    apiKey: string;
    /** A base URL, e.g. a local sandbox `http://127.0.0.1:8080`; overrides `environment`.
     *  Plain `http://` is accepted for loopback hosts only. */
    baseUrl?: string;
    /** `"staging"` (default) or `"production"`, used when `baseUrl` is not given. */
    environment?: "staging" | "production";
    /** Timeout of one attempt in milliseconds (default 60000, at most 2^31 − 1). */
    timeoutMs?: number;
    /** Longest wait for a connection in milliseconds (default 10000). Checked, but Node's
     *  `fetch` has no connect timeout: `timeoutMs` bounds the whole attempt. */
    connectTimeoutMs?: number;
    /** Retries after the first attempt (default 2, at most 10). Money-moving calls are retried
     *  only when the request provably did not reach the server. */
    maxRetries?: number;
    /** Delay before the first retry in milliseconds (default 500); doubles each time, with
     *  jitter. A server's `Retry-After` is honoured instead when it sends one. */
    retryInitialDelayMs?: number;
    /** Longest delay between two retries in milliseconds (default 8000). */
    retryMaxDelayMs?: number;
    /** Text put before the SDK's own `User-Agent`. */
    userAgent?: string;
    /** Log one record per attempt (`"error"`, `"warn"`, `"info"`, `"debug"`) or nothing
     *  (`"off"`). Default: `process.env.P100_LOG`, else off. Records never hold the API key,
     *  bodies, card data or document numbers. */
    logLevel?: "error" | "warn" | "info" | "debug" | "off";
    /** Where records go (default `console`): `logger[level](message, fields)`. */
    logger?: Logger;
}

/** What came back with a successful call (`client.recording()`, `lastResponse`). */
export interface ResponseInfo {
    /** The server's request id, for support tickets. */
    requestId: string | null;
    /** The HTTP status (200, 201, …). */
    status: number;
    /** The reply's headers, lower-case names; values that may carry credentials are redacted. */
    headers: Record<string, string>;
    /** From the first attempt to the reply, retries included. */
    elapsedMs: number;
    /** Attempts made (1 when the first one succeeded). */
    attempts: number;
}

/** A log sink such as `console` or a pino/winston logger: one method per level. */
export interface Logger {
    error(message: string, fields: LogFields): void;
    warn(message: string, fields: LogFields): void;
    info(message: string, fields: LogFields): void;
    debug(message: string, fields: LogFields): void;
}

/** The facts of one attempt of a call (no secret by construction). */
export interface LogFields {
    operation: string;
    method: string;
    /** The path, without the query string. */
    path: string;
    /** 1 for the first attempt. */
    attempt: number;
    outcome: "sending" | "succeeded" | "retrying" | "failed";
    status?: number;
    elapsedMs: number;
    requestId?: string;
    /** The error kind of a failed attempt (`"unavailable"`, …). */
    kind?: string;
    /** The delay before the next attempt. */
    retryInMs?: number;
}

/** Per-call overrides for `client.withOptions(...)`. */
export interface RequestOptions {
    /** Timeout of one attempt in milliseconds. */
    timeoutMs?: number;
    /** Retries after the first attempt (at most 10). */
    maxRetries?: number;
    /** Extra headers of each call (`{ "x-correlation-id": "..." }`). `x-api-key`,
     *  `authorization`, `user-agent` and the HTTP stack's own headers are refused with a
     *  `ValidationError` naming `headers.<name>`. */
    headers?: Record<string, string>;
    /** Aborts the calls made with these options: they reject with an `AbortError` whose
     *  `outcome` says whether the request may have reached P100 (`"unknown"`: check before
     *  sending it again; `error.fingerprint` for `client.reconcile`) or provably did not
     *  (`"not_sent"`). */
    signal?: AbortSignal;
}

/** How a `waitFor` helper polls. */
export interface WaitOptions {
    /** Give up after this many milliseconds (default 300000) with a `TimeoutError`. */
    timeoutMs?: number;
    /** First pause between two polls in milliseconds (default 1000); grows ×1.5. */
    intervalMs?: number;
    /** Longest pause between two polls in milliseconds (default 15000; at least `intervalMs`). */
    maxIntervalMs?: number;
}

/** Did the operation happen? The answer every `P100Error` gives in `outcome`:
 *  - `"not_sent"`: the request provably never left (bad input, connection refused, DNS):
 *    sending it again cannot duplicate anything;
 *  - `"rejected"`: a reply said no (4xx, P-codes, 401, 429): nothing happened;
 *  - `"unknown"`: sent, no usable reply (timeout after sending, reset, 5xx): it may or may not
 *    have happened — `client.reconcile(err)` (or the details endpoint) before sending again;
 *  - `"accepted"`: a 2xx arrived but its body could not be read: it happened, never send it
 *    again. */
export type Outcome = "not_sent" | "rejected" | "unknown" | "accepted";

/** What a money-moving call sent, kept on its `"unknown"`/`"accepted"` errors: the input of
 *  `client.reconcile`. Holds no secret; a plain object that can be stored (`JSON.stringify`). */
export interface Fingerprint {
    /** The operation (`"sepa.partner_transfer"`…). */
    operation: string;
    /** The amount sent, when the call had one. */
    amount: Amount | null;
    /** The currency (sold currency for exchanges), lower case, when the call had one. */
    currency: string | null;
    /** Where the money went: IBAN, wallet address or user, when the call said. */
    destination: string | null;
    /** The user whose balance pays, if not the partner. */
    externalUserId: string | null;
    /** When the first attempt was sent, in milliseconds since 1970 (UTC). */
    sentAtMs: number;
}

/** What `client.reconcile` accepts besides a fingerprint: a `P100Error`. */
export interface Reconcilable {
    readonly outcome: Outcome;
    readonly fingerprint: Fingerprint | null;
}

/** The answer of `client.reconcile`. */
export type Reconciliation =
    /** The operation happened: its id (for the details endpoint and `waitFor`) and status. */
    | { result: "found"; id: string; status: string | null }
    /** The history shows no such operation *yet*: check again after a while before sending
     *  the call again (P100 may record it later). */
    | { result: "not_found" }
    /** The history cannot answer (several equal operations, or one the history does not
     *  list, such as card issuing and orders): `reason` says what to check instead. */
    | { result: "cannot_tell"; reason: string };

/** Any JSON value (the escape hatch `client.request`). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The environment variables `Client.fromEnv` reads. */
export type Env = Record<string, string | undefined>;
"#;

/// The P100 client. Cheap to share: one instance serves any number of concurrent calls.
///
/// ```js
/// const client = new Client({ apiKey: process.env.P100_API_KEY, baseUrl: "http://127.0.0.1:8080" });
/// const balances = await client.partner.balances();
/// ```
#[wasm_bindgen]
pub struct Client {
    inner: p100::Client,
}

impl Client {
    pub(crate) fn inner(&self) -> &p100::Client {
        &self.inner
    }
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
        Self::finish(crate::log::JsLog::console().apply(None, b)?)
    }

    /// Every client of the package does its HTTP through Node's `fetch` (a host build, for
    /// `cargo test`, keeps the core's default transport).
    fn finish(b: p100::ClientBuilder) -> Result<Client, Error> {
        #[cfg(target_arch = "wasm32")]
        let b = b.transport(std::sync::Arc::new(crate::transport::FetchTransport));
        Ok(Client { inner: b.build()? })
    }

    /// A client sharing this one's connections, with other timeout or retry settings:
    /// `client.withOptions({ timeoutMs: 5000 }).sepa.details(id)`.
    #[wasm_bindgen(js_name = withOptions)]
    pub fn with_options(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        let inner = self.inner.clone();
        guarded(move || Self::build_with_options(&inner, options))
    }

    fn build_with_options(inner: &p100::Client, options_value: JsValue) -> Result<Client, Error> {
        let (options_value, abort) = take_signal(options_value)?;
        let o: CallOptions = options(options_value)?;
        let mut opts = Settings {
            timeout: o.timeout_ms,
            max_retries: o.max_retries,
            headers: o.headers.unwrap_or_default().into_iter().collect(),
            ..Settings::default()
        }
        .request_options(Unit::Millis)?;
        opts.abort = abort;
        Ok(Client {
            inner: inner.with_options(opts),
        })
    }

    /// The base URL calls go to (no trailing slash).
    /// A client sharing this one's connections whose successful calls keep their metadata,
    /// read with `lastResponse`. Its calls share one slot: use one per call (or per task),
    /// never one for concurrent calls.
    pub fn recording(&self) -> Client {
        Client {
            inner: self.inner.recorded(),
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
        let c = self.inner.clone();
        spawn(async move {
            let method = text(&method, "method")?;
            let path = text(&path, "path")?;
            let body = if body.is_undefined() {
                None
            } else {
                // Through JSON text, so numbers keep the digits JS gives them.
                let text = js_sys::JSON::stringify(&body)
                    .ok()
                    .and_then(|s| s.as_string())
                    .ok_or_else(|| Error::validation("body", "must be JSON-serializable"))?;
                let value = serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|_| Error::validation("body", "must be JSON-serializable"))?;
                crate::convert::refuse_fractional_numbers(&value, "body")?;
                Some(value)
            };
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
        let c = self.inner.clone();
        spawn(async move {
            let (outcome, fp) = reconcile_input(error)?;
            let answer = c.reconcile_outcome(outcome, fp.as_ref()).await?;
            output(&answer)
        })
    }
}
