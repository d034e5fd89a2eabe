//! The shared sandbox: configuration, state, time scale, fault queue and scheduling.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde_json::{json, Value};

use crate::clock::Clock;
use crate::state::State;
use crate::webhooks::{Delivery, WebhookTarget};

/// A fault injected into the next `/v1/` requests.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// 429 with `Retry-After` (seconds, as given). Not processed.
    TooManyRequests {
        /// `Retry-After` value.
        retry_after: Option<String>,
    },
    /// 500 with a P500 body. Not processed.
    ServerError,
    /// 503 with a P501 body (and `Retry-After` when given). Not processed.
    Unavailable {
        /// `Retry-After` value.
        retry_after: Option<String>,
    },
    /// The reply is held back this long, then the request is served normally.
    Delay(Duration),
    /// The connection is closed without any reply (the request is not processed).
    Drop,
    /// The request is processed, then answered 200 with the real body followed by garbage.
    Malformed,
    /// The request is processed, then the connection is closed without any reply.
    ProcessThenDrop,
    /// The request is processed; the reply's headers announce the full body, about half of it
    /// is sent, then the connection is closed.
    CutBody,
    /// The request is processed; headers go out at once, the body trickles over this long.
    SlowBody(Duration),
    /// The request is processed; the reply body is this many bytes (padding added).
    HugeBody(u64),
    /// The request is processed; the reply is valid JSON of the wrong shape.
    WrongShape,
    /// The request is processed; secret fields of the reply appear twice (value, then null).
    DuplicateKeys,
    /// 429 with `Retry-After` as an HTTP date this many seconds ahead. Not processed.
    RetryAfterDate {
        /// Seconds ahead of the moment of the reply.
        secs: u64,
    },
    /// 400 with a P500 body (as the API sends it) cut short: the headers announce the full
    /// body, about half is sent, then the connection is closed. Not processed.
    P500CutBody,
    /// 499 (a proxy's "client closed request"), without a P-code. Not processed.
    ClientClosed,
    /// 400 with a P501 body ("service temporarily unavailable"), as the API documents it. Not
    /// processed.
    P501,
    /// A 5xx with a P500 body (and `Retry-After` when given). Not processed.
    ServerErrorWithCode {
        /// The HTTP status (500–599).
        status: u16,
        /// `Retry-After` value.
        retry_after: Option<String>,
    },
}

/// Every fault kind name the control endpoint takes, in the order the README lists them.
pub const FAULT_KINDS: &[&str] = &[
    "429",
    "500",
    "503",
    "delay",
    "drop",
    "malformed",
    "process-then-drop",
    "cut-body",
    "slow-body",
    "huge-body",
    "wrong-shape",
    "duplicate-keys",
    "retry-after-date",
    "5xx-with-code",
    "429-bare",
    "p500",
    "p500-cut-body",
    "p501",
    "499",
];

impl FaultKind {
    /// The kind's name as the control endpoint takes it.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::TooManyRequests { retry_after: None } => "429-bare",
            FaultKind::TooManyRequests { .. } => "429",
            FaultKind::ServerError => "500",
            FaultKind::Unavailable { .. } => "503",
            FaultKind::Delay(_) => "delay",
            FaultKind::Drop => "drop",
            FaultKind::Malformed => "malformed",
            FaultKind::ProcessThenDrop => "process-then-drop",
            FaultKind::CutBody => "cut-body",
            FaultKind::SlowBody(_) => "slow-body",
            FaultKind::HugeBody(_) => "huge-body",
            FaultKind::WrongShape => "wrong-shape",
            FaultKind::DuplicateKeys => "duplicate-keys",
            FaultKind::RetryAfterDate { .. } => "retry-after-date",
            FaultKind::P500CutBody => "p500-cut-body",
            FaultKind::ClientClosed => "499",
            FaultKind::P501 => "p501",
            FaultKind::ServerErrorWithCode { status: 400, .. } => "p500",
            FaultKind::ServerErrorWithCode { .. } => "5xx-with-code",
        }
    }

    /// True when a request that takes this fault still reaches its operation's handler.
    pub fn processed(&self) -> bool {
        match self {
            FaultKind::TooManyRequests { .. }
            | FaultKind::ServerError
            | FaultKind::Unavailable { .. }
            | FaultKind::Drop
            | FaultKind::RetryAfterDate { .. }
            | FaultKind::P500CutBody
            | FaultKind::ClientClosed
            | FaultKind::P501
            | FaultKind::ServerErrorWithCode { .. } => false,
            FaultKind::Delay(_)
            | FaultKind::Malformed
            | FaultKind::ProcessThenDrop
            | FaultKind::CutBody
            | FaultKind::SlowBody(_)
            | FaultKind::HugeBody(_)
            | FaultKind::WrongShape
            | FaultKind::DuplicateKeys => true,
        }
    }
}

/// A queued fault and how many more requests it applies to.
#[derive(Debug, Clone)]
pub struct Fault {
    /// What happens.
    pub kind: FaultKind,
    /// Requests left.
    pub remaining: u32,
    /// Only requests of this operation (a `p100::routes` name) take the fault; `None`: any.
    pub operation: Option<&'static str>,
}

impl Fault {
    fn applies_to(&self, operation: Option<&str>) -> bool {
        match self.operation {
            None => true,
            Some(want) => operation == Some(want),
        }
    }
}

/// How many times one operation's handler ran.
#[derive(Debug, Default)]
struct OpCounter {
    /// Every run (success or error reply).
    executed: AtomicU64,
    /// Runs whose handler answered with a success reply.
    succeeded: AtomicU64,
}

/// Settings the sandbox starts with (and returns to on reset).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The accepted `x-api-key` (never logged).
    pub api_key: String,
    /// Delay before asynchronous operations reach their final status (before scaling).
    pub settle: Duration,
    /// Multiplier of every delay (settle, lock lifetime, webhook retries).
    pub time_scale: f64,
    /// Where webhooks go.
    pub webhook: Option<WebhookTarget>,
    /// Log one line per request to stderr.
    pub log: bool,
}

/// Largest accepted time scale.
pub const MAX_TIME_SCALE: f64 = 1000.0;

/// Checks a time scale: a finite number in `0..=1000`.
pub fn check_time_scale(s: f64) -> Result<f64, String> {
    if s.is_finite() && (0.0..=MAX_TIME_SCALE).contains(&s) {
        Ok(s)
    } else {
        Err(format!(
            "scale must be a number from 0 to {MAX_TIME_SCALE} (1 = real time, 0.001 = 1000x faster)"
        ))
    }
}

/// Everything the request handlers share.
pub struct App {
    pub(crate) settings: Settings,
    pub(crate) base_url: String,
    scale_bits: AtomicU64,
    /// The sandbox's clock (real time + `advance`) and the work scheduled on it.
    pub(crate) clock: Arc<Clock>,
    state: RwLock<State>,
    faults: Mutex<VecDeque<Fault>>,
    faults_pending: AtomicUsize,
    webhook: RwLock<Option<WebhookTarget>>,
    pub(crate) deliveries: Mutex<Vec<Delivery>>,
    pub(crate) http: reqwest::Client,
    generation: AtomicU64,
    closed: AtomicBool,
    /// Bumped (under the write lock) by every state change.
    version: AtomicU64,
    /// The rendered partner balances and the state version they show.
    partner_cache: Mutex<Option<(u64, axum::body::Bytes)>>,
    /// Per operation of the route table: how many times its handler ran (fixed key set).
    ops: HashMap<&'static str, OpCounter>,
    /// The blackhole listener and the connections that fill its queue (`/_sandbox/blackhole`).
    blackhole:
        tokio::sync::Mutex<Option<(String, tokio::net::TcpListener, Vec<tokio::net::TcpStream>)>>,
    /// The last [`MAX_REQUEST_LOG`] `/v1/` requests as received (`GET /_sandbox/requests`).
    requests: Mutex<VecDeque<RequestRecord>>,
}

/// How many `/v1/` requests the sandbox remembers for `GET /_sandbox/requests`.
pub const MAX_REQUEST_LOG: usize = 200;

/// One `/v1/` request as the sandbox received it: what SDK tests check (the headers that
/// arrived, the request id the reply carried). Secret header values are not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The `x-request-id` the sandbox sent back.
    pub request_id: String,
    /// Method.
    pub method: String,
    /// Path (without the query).
    pub path: String,
    /// Headers (names in lower case, in arrival order); `x-api-key`, `authorization`,
    /// `proxy-authorization` and `cookie` values are replaced by `[redacted]`.
    pub headers: Vec<(String, String)>,
    /// The reply's status, once the reply was made (None while the reply is pending, or when
    /// the client went away first).
    pub status: Option<u16>,
}

impl RequestRecord {
    /// `{requestId, method, path, headers: {name: value…}, status}` (a repeated header's
    /// values joined by `, `).
    pub fn to_json(&self) -> serde_json::Value {
        let mut headers = serde_json::Map::new();
        for (k, v) in &self.headers {
            let joined = match headers.get(k).and_then(|x| x.as_str()) {
                Some(prev) => format!("{prev}, {v}"),
                None => v.clone(),
            };
            headers.insert(k.clone(), serde_json::Value::String(joined));
        }
        serde_json::json!({
            "requestId": self.request_id,
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "status": self.status,
        })
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("base_url", &self.base_url)
            .field("time_scale", &self.time_scale())
            .finish_non_exhaustive()
    }
}

fn recover<T>(r: Result<T, std::sync::PoisonError<T>>) -> T {
    r.unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl App {
    /// A new sandbox world for `settings`, served at `base_url`.
    pub fn new(settings: Settings, base_url: String) -> App {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        App {
            scale_bits: AtomicU64::new(settings.time_scale.to_bits()),
            clock: Arc::new(Clock::new()),
            webhook: RwLock::new(settings.webhook.clone()),
            settings,
            base_url,
            state: RwLock::new(State::new()),
            faults: Mutex::new(VecDeque::new()),
            faults_pending: AtomicUsize::new(0),
            deliveries: Mutex::new(Vec::new()),
            http,
            generation: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            version: AtomicU64::new(0),
            partner_cache: Mutex::new(None),
            ops: p100::routes::ALL
                .iter()
                .map(|r| (r.name, OpCounter::default()))
                .collect(),
            blackhole: tokio::sync::Mutex::new(None),
            requests: Mutex::new(VecDeque::new()),
        }
    }

    /// Remembers a `/v1/` request that just arrived (the oldest is forgotten past
    /// [`MAX_REQUEST_LOG`]).
    pub(crate) fn log_request(&self, record: RequestRecord) {
        let mut log = recover(self.requests.lock());
        if log.len() >= MAX_REQUEST_LOG {
            log.pop_front();
        }
        log.push_back(record);
    }

    /// Sets the reply status of the request whose reply carries `request_id`.
    pub(crate) fn log_status(&self, request_id: &str, status: u16) {
        let mut log = recover(self.requests.lock());
        if let Some(r) = log.iter_mut().rev().find(|r| r.request_id == request_id) {
            r.status = Some(status);
        }
    }

    /// The remembered `/v1/` requests, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        recover(self.requests.lock()).iter().cloned().collect()
    }

    /// Forgets the remembered requests.
    pub fn clear_requests(&self) {
        recover(self.requests.lock()).clear();
    }

    /// A loopback URL that accepts no connection: a listener with a backlog of 0 whose queue
    /// is filled by connections nobody accepts, so further SYNs are dropped and a client's
    /// connect attempt hangs until its connect timeout. Made once, kept for the sandbox's life.
    pub async fn blackhole(&self) -> std::io::Result<String> {
        let mut slot = self.blackhole.lock().await;
        if let Some((url, _, _)) = slot.as_ref() {
            return Ok(url.clone());
        }
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let listener = socket.listen(0)?;
        let addr = listener.local_addr()?;
        let mut fillers = Vec::new();
        for _ in 0..16 {
            match tokio::time::timeout(
                Duration::from_millis(300),
                tokio::net::TcpStream::connect(addr),
            )
            .await
            {
                Ok(Ok(stream)) => fillers.push(stream),
                Ok(Err(e)) => return Err(e),
                // This connect hangs: the queue is full.
                Err(_) => {
                    let url = format!("http://{addr}");
                    *slot = Some((url.clone(), listener, fillers));
                    return Ok(url);
                }
            }
        }
        Err(std::io::Error::other("the listener's queue never filled"))
    }

    /// Reads the state.
    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        recover(self.state.read())
    }

    /// Changes the state.
    pub fn write(&self) -> RwLockWriteGuard<'_, State> {
        let guard = recover(self.state.write());
        // Bumped while holding the lock: a reader sees a version that matches the state.
        self.version.fetch_add(1, Ordering::SeqCst);
        guard
    }

    /// The partner balances document, rendered once per state version (the hot path).
    pub fn partner_balances_json(&self) -> axum::body::Bytes {
        let st = self.read();
        let v = self.version.load(Ordering::SeqCst);
        if let Some((cv, bytes)) = recover(self.partner_cache.lock()).as_ref() {
            if *cv == v {
                return bytes.clone();
            }
        }
        let bytes = axum::body::Bytes::from(
            serde_json::to_vec(&st.partner.to_json()).unwrap_or_else(|_| b"{}".to_vec()),
        );
        drop(st);
        let mut cache = recover(self.partner_cache.lock());
        if cache.as_ref().is_none_or(|(cv, _)| *cv < v) {
            *cache = Some((v, bytes.clone()));
        }
        bytes
    }

    /// The current time scale.
    pub fn time_scale(&self) -> f64 {
        f64::from_bits(self.scale_bits.load(Ordering::Relaxed))
    }

    /// Sets the time scale (already checked).
    pub fn set_time_scale(&self, s: f64) {
        self.scale_bits.store(s.to_bits(), Ordering::Relaxed);
    }

    /// `d` multiplied by the time scale.
    pub fn scaled(&self, d: Duration) -> Duration {
        let s = self.time_scale();
        if !(s.is_finite() && s >= 0.0) {
            return d;
        }
        Duration::try_from_secs_f64(d.as_secs_f64() * s).unwrap_or(d)
    }

    /// The reset counter: work scheduled before a reset is dropped.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// True once the sandbox was shut down.
    pub fn closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Marks the sandbox shut down: scheduled work and webhook retries stop.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.clock.close();
    }

    /// The sandbox's current time (real time plus what `advance` added).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.utc()
    }

    /// The sandbox's monotonic time (lock expiry is checked against it).
    pub fn instant(&self) -> std::time::Instant {
        self.clock.instant()
    }

    /// Moves the clock forward by `by` sandbox time (× time scale, like every delay), then
    /// runs the work that became due, in due order, before returning.
    pub fn advance(self: &Arc<Self>, by: Duration) {
        self.clock.advance(self.scaled(by));
        self.clock.run_due(self);
    }

    /// Runs `f` after `delay` × time scale on the sandbox's clock, unless the sandbox was reset
    /// or shut down meanwhile. Jobs due at the same time run in the order they were scheduled.
    pub fn after(self: &Arc<Self>, delay: Duration, f: impl FnOnce(&Arc<App>) + Send + 'static) {
        let d = self.scaled(delay);
        self.clock.schedule(self, d, Box::new(f));
    }

    /// Runs `f` after the settle delay.
    pub fn after_settle(self: &Arc<Self>, f: impl FnOnce(&Arc<App>) + Send + 'static) {
        let d = self.settings.settle;
        self.after(d, f);
    }

    /// The accepted API key.
    pub fn api_key(&self) -> &str {
        &self.settings.api_key
    }

    // ---- faults -------------------------------------------------------------------------

    fn faults(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        recover(self.faults.lock())
    }

    /// Queues a fault for the next `count` requests (of `operation` only, when given).
    pub fn add_fault(&self, kind: FaultKind, count: u32, operation: Option<&'static str>) -> usize {
        let mut q = self.faults();
        if count > 0 {
            q.push_back(Fault {
                kind,
                remaining: count,
                operation,
            });
        }
        let total: usize = q.iter().map(|f| f.remaining as usize).sum();
        self.faults_pending.store(total, Ordering::SeqCst);
        total
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.faults().clear();
        self.faults_pending.store(0, Ordering::SeqCst);
    }

    /// The queued faults, as JSON.
    pub fn faults_json(&self) -> Value {
        let q = self.faults();
        Value::Array(
            q.iter()
                .map(|f| {
                    let mut v = json!({
                        "kind": f.kind.name(),
                        "remaining": f.remaining,
                        "processed": f.kind.processed(),
                    });
                    if let (Some(op), Some(m)) = (f.operation, v.as_object_mut()) {
                        m.insert("operation".into(), json!(op));
                    }
                    v
                })
                .collect(),
        )
    }

    /// Takes the fault that applies to this request, if any (cheap when none is queued): the
    /// oldest queued fault without an operation or for `operation` (the request's route name,
    /// `None` when the path is not in the route table). Faults for other operations stay queued.
    pub fn take_fault(&self, operation: Option<&str>) -> Option<FaultKind> {
        if self.faults_pending.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let mut q = self.faults();
        let i = q.iter().position(|f| f.applies_to(operation))?;
        let f = q.get_mut(i)?;
        let kind = f.kind.clone();
        f.remaining = f.remaining.saturating_sub(1);
        if f.remaining == 0 {
            q.remove(i);
        }
        let total: usize = q.iter().map(|f| f.remaining as usize).sum();
        self.faults_pending.store(total, Ordering::SeqCst);
        Some(kind)
    }

    // ---- operation counters -------------------------------------------------------------

    /// Records one run of `operation`'s handler (`ok`: it answered with a success reply).
    pub fn count_op(&self, operation: &str, ok: bool) {
        if let Some(c) = self.ops.get(operation) {
            c.executed.fetch_add(1, Ordering::SeqCst);
            if ok {
                c.succeeded.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// Every operation of the route table with how many times its handler ran (`executed`)
    /// and how many of those runs answered with a success reply (`succeeded`).
    pub fn op_counts(&self) -> BTreeMap<&'static str, (u64, u64)> {
        self.ops
            .iter()
            .map(|(name, c)| {
                (
                    *name,
                    (
                        c.executed.load(Ordering::SeqCst),
                        c.succeeded.load(Ordering::SeqCst),
                    ),
                )
            })
            .collect()
    }

    /// Sets every operation counter back to zero.
    pub fn reset_ops(&self) {
        for c in self.ops.values() {
            c.executed.store(0, Ordering::SeqCst);
            c.succeeded.store(0, Ordering::SeqCst);
        }
    }

    // ---- webhooks -----------------------------------------------------------------------

    /// Where webhooks go now.
    pub fn webhook_target(&self) -> Option<WebhookTarget> {
        recover(self.webhook.read()).clone()
    }

    /// Sets (or clears) the webhook target.
    pub fn set_webhook_target(&self, t: Option<WebhookTarget>) {
        *recover(self.webhook.write()) = t;
    }

    /// Sets (or clears) the webhook target, with `if_url` only while the current target's URL
    /// is that one (one lock: no other session can set its own in between). Whether it did.
    pub fn set_webhook_target_if(&self, if_url: Option<&str>, t: Option<WebhookTarget>) -> bool {
        let mut current = recover(self.webhook.write());
        let ours = if_url.is_none_or(|u| current.as_ref().is_some_and(|c| c.url == u));
        if ours {
            *current = t;
        }
        ours
    }

    /// The delivery log.
    pub fn deliveries_lock(&self) -> MutexGuard<'_, Vec<Delivery>> {
        recover(self.deliveries.lock())
    }

    // ---- reset --------------------------------------------------------------------------

    /// Back to the starting world and settings: state, faults, operation counters, webhook
    /// target, deliveries, time scale, the clock's advance. Pending operations and webhook
    /// retries of the old world are dropped.
    pub fn reset(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self.write() = State::new();
        self.clear_faults();
        self.reset_ops();
        self.set_webhook_target(self.settings.webhook.clone());
        self.deliveries_lock().clear();
        self.set_time_scale(self.settings.time_scale);
        self.clock.reset();
        self.clear_requests();
    }
}
