//! # p100-sandbox — a local, stateful P100 Partner API server
//!
//! Serves every operation of the core's route table ([`p100::routes::ALL`]) on
//! `127.0.0.1` only, with in-memory state: a partner with funded EUR and crypto balances, users
//! of both models and their KYC lifecycle, exchange locks that expire, asynchronous SEPA
//! transfers, crypto withdrawals, internal transfers, exchanges and orders (failing with P433
//! when funds are short), cards, suspension, webhooks with retries, and test controls under
//! `/_sandbox/` (fund, deposits, time scale, a virtual clock to `advance`, faults, webhooks and
//! events `trigger`ed on demand, reset).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! let sandbox = p100_sandbox::Sandbox::builder()
//!     .api_key("test-key")
//!     .settle(Duration::from_millis(200))
//!     .start()
//!     .await?;
//! let client = sandbox.client();
//! let balances = client.partner().balances().await?;
//! println!("{} fiat balances at {}", balances.fiat_balances.len(), sandbox.base_url());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod app;
mod catalog;
mod clock;
mod controls;
mod error;
mod faults;
mod handlers;
pub mod host;
mod refusal;
mod reply;
pub mod serve;
mod server;
mod state;
mod trigger;
mod util;
mod webhooks;

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use app::{RequestRecord, MAX_REQUEST_LOG, MAX_TIME_SCALE};
pub use controls::MAX_ADVANCE_SECS;
pub use error::{Code, ALL_CODES};
pub use faults::FaultSpec;
pub use refusal::Refusal;
pub use webhooks::RETRY_DELAYS;

use app::{App, Settings};

/// Default settle delay: async operations reach their final status after 2 s (× time scale).
pub const DEFAULT_SETTLE: Duration = Duration::from_millis(2000);

/// Builds and starts a sandbox. See [`Sandbox::builder`].
pub struct Sandbox;

impl Sandbox {
    /// A builder with the defaults: API key `sandbox-key`, a free port on 127.0.0.1, settle
    /// delay 2 s, time scale 1, no webhooks.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}

/// Settings of a sandbox to start.
#[derive(Clone)]
pub struct SandboxBuilder {
    api_key: String,
    port: u16,
    settle: Duration,
    time_scale: f64,
    webhook: Option<(String, String)>,
    log: bool,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            api_key: "sandbox-key".into(),
            port: 0,
            settle: DEFAULT_SETTLE,
            time_scale: 1.0,
            webhook: None,
            log: false,
        }
    }
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxBuilder")
            .field("api_key", &"[REDACTED]")
            .field("port", &self.port)
            .field("settle", &self.settle)
            .field("time_scale", &self.time_scale)
            .field("webhook_url", &self.webhook.as_ref().map(|w| &w.0))
            .finish()
    }
}

/// Why a sandbox could not start.
#[derive(Debug)]
pub enum StartError {
    /// A setting is out of range (the refusal names it: `apiKey`, `timeScale`, `url`, `token`).
    Config(Refusal),
    /// The port could not be bound.
    Io(std::io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(m) => write!(f, "invalid sandbox setting: {m}"),
            StartError::Io(e) => write!(f, "could not bind 127.0.0.1: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

impl SandboxBuilder {
    /// The API key clients must send in `x-api-key`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// The port on 127.0.0.1 (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Delay before asynchronous operations reach their final status (before time scaling).
    pub fn settle(mut self, d: Duration) -> Self {
        self.settle = d;
        self
    }

    /// Multiplier of every delay: settle, lock lifetime (40 s), webhook retries (8/16/32/64 s).
    /// `0.001` makes a 40 s lock last 40 ms.
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = scale;
        self
    }

    /// Deliver webhooks to `url` with `Authorization: <token>`.
    pub fn webhook(mut self, url: impl Into<String>, token: impl Into<String>) -> Self {
        self.webhook = Some((url.into(), token.into()));
        self
    }

    /// Log one line per request (and per webhook attempt) to stderr. Secrets never appear.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log = on;
        self
    }

    /// Binds 127.0.0.1 and starts serving in the current tokio runtime.
    pub async fn start(self) -> Result<RunningSandbox, StartError> {
        if self.api_key.is_empty() {
            return Err(StartError::Config(Refusal::arg(
                "apiKey",
                "the API key must not be empty",
            )));
        }
        let time_scale = app::check_time_scale(self.time_scale)
            .map_err(|m| StartError::Config(Refusal::arg("timeScale", m)))?;
        let webhook = match &self.webhook {
            None => None,
            Some((u, t)) => Some(controls::webhook_target(u, t).map_err(StartError::Config)?),
        };
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)))
            .await
            .map_err(StartError::Io)?;
        let addr = listener.local_addr().map_err(StartError::Io)?;
        let base_url = format!("http://{addr}");
        let settings = Settings {
            api_key: self.api_key,
            settle: self.settle,
            time_scale,
            webhook,
            log: self.log,
        };
        // The key must also be one the client accepts (client() relies on it).
        p100::Client::builder()
            .api_key(settings.api_key.clone())
            .base_url(base_url.clone())
            .build()
            .map_err(|e| StartError::Config(Refusal::arg("apiKey", e.message())))?;
        let app = Arc::new(App::new(settings, base_url.clone()));
        let router = router(Arc::clone(&app));
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, router, rx));
        Ok(RunningSandbox {
            app,
            addr,
            base_url,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}

fn router(app: Arc<App>) -> Router {
    controls::routes()
        .fallback(api::handle)
        .layer(DefaultBodyLimit::max(24 * 1024 * 1024))
        .with_state(app)
}

/// A sandbox serving on 127.0.0.1. Stops on [`RunningSandbox::shutdown`] or when dropped.
pub struct RunningSandbox {
    app: Arc<App>,
    addr: SocketAddr,
    base_url: String,
    shutdown: Option<watch::Sender<bool>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningSandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningSandbox")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted API key.
    pub fn api_key(&self) -> &str {
        self.app.api_key()
    }

    /// A [`p100::Client`] for this sandbox, with fast retries (3 retries, 20 ms → 200 ms)
    /// and a 10 s timeout.
    pub fn client(&self) -> p100::Client {
        self.client_builder()
            .build()
            .expect("the sandbox's own URL and key are valid client settings")
    }

    /// A [`p100::ClientBuilder`] preset for this sandbox, to adjust before `build()`.
    pub fn client_builder(&self) -> p100::ClientBuilder {
        p100::Client::builder()
            .api_key(self.app.api_key().to_string())
            .base_url(self.base_url.clone())
            .timeout(Duration::from_secs(10))
            .retry_policy(p100::RetryPolicy {
                max_retries: 3,
                initial_delay: Duration::from_millis(20),
                max_delay: Duration::from_millis(200),
            })
    }

    /// The current time scale.
    pub fn time_scale(&self) -> f64 {
        self.app.time_scale()
    }

    /// Sets the time scale (as `POST /_sandbox/time-scale`).
    pub fn set_time_scale(&self, scale: f64) -> Result<(), Refusal> {
        let s = app::check_time_scale(scale).map_err(|m| Refusal::arg("scale", m))?;
        self.app.set_time_scale(s);
        Ok(())
    }

    /// Moves the sandbox's clock forward by `by` without waiting (as `POST /_sandbox/advance`),
    /// like Stripe's test clocks: settle delays of asynchronous operations, lock expiry (40 s
    /// exchange locks, 15 min order locks, payment links) and webhook retries see the new
    /// time; work that became due has run, in due order, when this returns (webhook deliveries
    /// it started are sent in the background). `by` is sandbox time, shrunk by the time scale
    /// like every delay, so `advance(41 s)` expires a 40 s lock at any scale. Refused when
    /// `by` is zero or more than [`MAX_ADVANCE_SECS`]. Returns the sandbox's new time.
    ///
    /// ```no_run
    /// # async fn demo(sandbox: p100_sandbox::RunningSandbox) -> Result<(), p100_sandbox::Refusal> {
    /// use std::time::Duration;
    /// sandbox.advance(Duration::from_secs(600))?; // a 10 min settle delay is over
    /// # Ok(()) }
    /// ```
    pub fn advance(&self, by: Duration) -> Result<std::time::SystemTime, Refusal> {
        let by = controls::check_advance(by.as_secs_f64())?;
        self.app.advance(by);
        Ok(self.now())
    }

    /// The sandbox's time: real time plus what [`RunningSandbox::advance`] added (timestamps
    /// of payloads and webhook deliveries are taken from it).
    pub fn now(&self) -> std::time::SystemTime {
        std::time::SystemTime::from(self.app.now())
    }

    /// Emits the webhook event `event` (one of [`p100::webhooks::EVENT_NAMES`]) with realistic
    /// data, as `POST /_sandbox/trigger`: delivered to the webhook target with retries and
    /// logged in [`RunningSandbox::deliveries`]. Returns the payload sent.
    pub fn trigger(&self, event: &str, external_user_id: Option<&str>) -> Result<Value, Refusal> {
        trigger::emit_event(&self.app, event, external_user_id).map(|t| t.payload)
    }

    /// Sets or clears the webhook target (as `POST /_sandbox/webhooks`).
    pub fn set_webhook(&self, target: Option<(&str, &str)>) -> Result<(), Refusal> {
        let t = match target {
            None => None,
            Some((u, t)) => Some(controls::webhook_target(u, t)?),
        };
        self.app.set_webhook_target(t);
        Ok(())
    }

    /// Queues a fault for the next `count` `/v1/` requests (as `POST /_sandbox/faults`):
    /// `kind` is one of the kinds of [`FaultSpec::kind`]. For the other fields (`status`,
    /// `sizeBytes`, `operation`) use [`RunningSandbox::inject`].
    pub fn inject_fault(
        &self,
        kind: &str,
        count: u32,
        retry_after_secs: Option<f64>,
        delay_ms: Option<u64>,
    ) -> Result<(), Refusal> {
        let spec = FaultSpec {
            retry_after_secs,
            delay_ms,
            ..FaultSpec::new(kind).count(count)
        };
        self.inject(spec)
    }

    /// Queues the fault `spec` describes (as `POST /_sandbox/faults`); an invalid spec is
    /// refused with the message the control endpoint would answer with.
    ///
    /// ```no_run
    /// # async fn demo(sandbox: p100_sandbox::RunningSandbox) -> Result<(), p100_sandbox::Refusal> {
    /// use p100_sandbox::FaultSpec;
    /// sandbox.inject(FaultSpec::new("process-then-drop").operation("sepa.partner_transfer"))?;
    /// sandbox.inject(FaultSpec::new("huge-body").size_bytes(32 << 20))?;
    /// # Ok(()) }
    /// ```
    pub fn inject(&self, spec: FaultSpec) -> Result<(), Refusal> {
        controls::inject(&self.app, &spec).map(|_| ())
    }

    /// Drops every queued fault (as `DELETE /_sandbox/faults`).
    pub fn clear_faults(&self) {
        self.app.clear_faults();
    }

    /// How many times each operation's handler ran since the start or the last reset (as
    /// `GET /_sandbox/ops`): every operation of the route table, keyed by its name
    /// (`"sepa.partner_transfer"`), 0 included. A request refused or dropped before it reached
    /// its handler (faults `429`, `500`, `503`, `drop`, `retry-after-date`, `5xx-with-code`,
    /// `p500`, `p500-cut-body`, `p501`, `499`, a 401, an unreadable body) does not count; one that reached it counts, whether the
    /// handler answered with success or with an error.
    pub fn ops(&self) -> HashMap<String, u64> {
        self.app
            .op_counts()
            .into_iter()
            .map(|(name, (n, _))| (name.to_string(), n))
            .collect()
    }

    /// Like [`RunningSandbox::ops`], counting only the runs that answered with a success
    /// reply (as `succeeded` of `GET /_sandbox/ops`).
    pub fn ops_succeeded(&self) -> HashMap<String, u64> {
        self.app
            .op_counts()
            .into_iter()
            .map(|(name, (_, ok))| (name.to_string(), ok))
            .collect()
    }

    /// Sets the operation counters back to zero (as `DELETE /_sandbox/ops`); the state stays.
    pub fn reset_ops(&self) {
        self.app.reset_ops();
    }

    /// Every webhook delivery attempt so far, as `GET /_sandbox/webhooks/deliveries` lists them.
    pub fn deliveries(&self) -> Vec<Value> {
        self.app
            .deliveries_lock()
            .iter()
            .map(|d| d.to_json())
            .collect()
    }

    /// The last `/v1/` requests as the sandbox received them, oldest first (as
    /// `GET /_sandbox/requests`): headers (secret values left out), the `x-request-id` of the
    /// reply, the status.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.app.requests()
    }

    /// Back to the starting world (as `POST /_sandbox/reset`).
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Calls any control of the sandbox (`/_sandbox/…`, e.g. `POST /_sandbox/fund`) and returns
    /// its JSON reply; a refusal is `Err` with the control's message. The one way the language
    /// packages' `Sandbox` types reach the controls that have no method here, so each control
    /// is defined once (in `controls.rs`) for every language.
    pub async fn control(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Refusal> {
        if !path.starts_with("/_sandbox/") {
            return Err(Refusal::arg(
                "path",
                format!("{path} is not a control (they start with /_sandbox/)"),
            ));
        }
        let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Refusal::arg("method", format!("{method} is not an HTTP method")))?;
        let mut req = reqwest::Client::new().request(method, format!("{}{path}", self.base_url));
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let unreachable = |e: reqwest::Error| Refusal::request(e.to_string());
        let reply = req.send().await.map_err(unreachable)?;
        let status = reply.status();
        let text = reply.text().await.map_err(unreachable)?;
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if status.is_success() {
            return Ok(value);
        }
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        let why = text("message")
            .or_else(|| text("error"))
            .unwrap_or_else(|| value.to_string());
        Err(Refusal::from_reply(
            status.as_u16(),
            text("field"),
            format!("{path} refused (HTTP {}): {why}", status.as_u16()),
        ))
    }

    /// Credits a balance (as `POST /_sandbox/fund`: `{"currency", "amount", "externalUserId"?}`;
    /// without a user, the partner's).
    pub async fn fund(&self, body: &Value) -> Result<Value, Refusal> {
        self.control("POST", "/_sandbox/fund", Some(body)).await
    }

    /// Credits `amount` of `currency` at once to `external_user_id` (the partner's balance
    /// without one), as `POST /_sandbox/fund`; returns `{externalUserId, currency, balance}`.
    pub fn credit(
        &self,
        currency: &p100::Currency,
        amount: &p100::Amount,
        external_user_id: Option<&str>,
    ) -> Result<Value, Refusal> {
        controls::credit(&self.app, external_user_id, currency, amount)
    }

    /// Stops serving: the listener closes, open connections end, scheduled work and webhook
    /// retries stop.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    fn stop(&mut self) {
        self.app.close();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.stop();
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}
