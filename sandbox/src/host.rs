//! The sandbox as the language packages' `Sandbox` types give it (Python
//! `p100.testing.Sandbox`, the Kotlin/Swift `Sandbox` of the mobile library): arguments as a
//! host gives them (numbers unchecked, durations in the host's [`Unit`]) and every refusal a
//! [`p100::Error`] naming the argument in the host's spelling, from the [`Refusal`]'s field —
//! never guessed from a message. A binding converts its values, calls these and maps the error
//! like any other; the checks and the names live here once for every language.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use p100::client::Unit;
use p100::{Amount, Currency, Error, Result};
use serde_json::Value;
use tokio::runtime::{Handle, Runtime};

use crate::{FaultSpec, Refusal, RunningSandbox, Sandbox, StartError};

/// The host's name of an argument that a control's JSON body calls `wire` (`externalUserId`):
/// snake_case for Python ([`Unit::Seconds`]), the wire's camelCase for Kotlin and Swift
/// ([`Unit::Millis`]), except where the packages' methods name it otherwise.
pub fn arg_name(unit: Unit, wire: &str) -> String {
    // (wire, Python, Kotlin/Swift)
    const IRREGULAR: &[(&str, &str, &str)] = &[
        ("scale", "time_scale", "scale"),
        ("settle", "settle", "settleMs"),
        ("retryAfter", "retry_after", "retryAfterSecs"),
    ];
    if let Some((_, py, mobile)) = IRREGULAR.iter().find(|(w, ..)| *w == wire) {
        return match unit {
            Unit::Seconds => py,
            Unit::Millis => mobile,
        }
        .to_string();
    }
    match unit {
        Unit::Millis => wire.to_string(),
        Unit::Seconds => wire.chars().fold(String::new(), |mut s, c| {
            if c.is_ascii_uppercase() {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
            s
        }),
    }
}

/// A refusal as the host's error: `Validation` naming the argument, or `Config` for one about
/// the sandbox's state (no webhook target, unreachable).
pub fn error(unit: Unit, refusal: Refusal) -> Error {
    match refusal.field() {
        Some(wire) => Error::validation(arg_name(unit, wire), refusal.message()),
        None => Error::config(refusal.message()),
    }
}

/// The error of a sandbox used after it was stopped or closed.
pub fn stopped() -> Error {
    Error::config("this sandbox is stopped; start a new one")
}

/// A fresh API key (`sandbox-` and 16 hex digits), so that two sandboxes never accept each
/// other's clients.
pub fn random_key() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    format!("sandbox-{:016x}", h.finish())
}

/// Settings of a sandbox to start, as a host gives them; `None` keeps the default (a random
/// key, a 2 s settle delay, time scale 1, no webhook target). `Debug` hides the key and the
/// webhook token.
#[derive(Clone, Default, PartialEq)]
pub struct StartSettings {
    /// The API key clients must send.
    pub api_key: Option<String>,
    /// Delay before asynchronous operations are final, in the host's unit.
    pub settle: Option<f64>,
    /// Multiplier of every delay.
    pub time_scale: Option<f64>,
    /// Where webhooks are delivered (with `webhook_token`).
    pub webhook_url: Option<String>,
    /// The `Authorization` token of webhook deliveries (with `webhook_url`).
    pub webhook_token: Option<String>,
}

impl std::fmt::Debug for StartSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("StartSettings")
            .field("api_key", &hidden(&self.api_key))
            .field("settle", &self.settle)
            .field("time_scale", &self.time_scale)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_token", &hidden(&self.webhook_token))
            .finish()
    }
}

impl StartSettings {
    /// Starts the sandbox on a free loopback port in the current Tokio runtime.
    pub async fn start(self, unit: Unit) -> Result<RunningSandbox> {
        let name = |wire: &str| arg_name(unit, wire);
        let mut b = Sandbox::builder()
            .port(0)
            .api_key(self.api_key.unwrap_or_else(random_key));
        if let Some(d) = unit.duration("settle", self.settle, true)? {
            b = b.settle(d);
        }
        if let Some(s) = self.time_scale {
            b = b.time_scale(s);
        }
        match (self.webhook_url, self.webhook_token) {
            (Some(u), Some(t)) => b = b.webhook(u, t),
            (None, None) => {}
            (Some(_), None) => {
                let (token, url) = (name("webhookToken"), name("webhookUrl"));
                return Err(Error::validation(token, format!("is required with {url}")));
            }
            (None, Some(_)) => {
                let (token, url) = (name("webhookToken"), name("webhookUrl"));
                return Err(Error::validation(url, format!("is required with {token}")));
            }
        }
        b.start().await.map_err(|e| match e {
            StartError::Config(r) => {
                let wire = match r.field() {
                    Some("url") => "webhookUrl",
                    Some("token") => "webhookToken",
                    Some(other) => other,
                    None => return Error::config(r.message()),
                };
                Error::validation(name(wire), r.message())
            }
            io => Error::config(io.to_string()),
        })
    }
}

/// A sandbox that a host language's object owns (Python's `p100.testing.Sandbox`, the
/// Kotlin/Swift `Sandbox`): started on a Tokio runtime, its own or one the host shares, reached
/// from any thread, stopped once. After [`stop`](Hosted::stop) every call is the
/// [`stopped`] error; dropping it without `stop` aborts the server's tasks.
pub struct Hosted {
    url: String,
    api_key: String,
    handle: Handle,
    /// `None` once stopped.
    running: Mutex<Option<Arc<RunningSandbox>>>,
    /// The runtime the sandbox owns (`start_own`), shut down with it.
    own: Mutex<Option<Runtime>>,
}

impl Hosted {
    /// Starts a sandbox on a runtime of its own (two worker threads named `p100-sandbox`), so
    /// that it answers whatever the host's threads are doing.
    pub async fn start_own(settings: StartSettings, unit: Unit) -> Result<Hosted> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("p100-sandbox")
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("could not start the sandbox runtime: {e}")))?;
        let handle = runtime.handle().clone();
        let started = match handle.spawn(settings.start(unit)).await {
            Ok(started) => started,
            Err(e) => Err(Error::config(format!("the sandbox did not start: {e}"))),
        };
        match started {
            Ok(running) => Ok(Hosted::new(running, handle, Some(runtime))),
            Err(e) => {
                runtime.shutdown_background();
                Err(e)
            }
        }
    }

    /// Starts a sandbox on the host's runtime `handle`, blocking the calling thread (which must
    /// not be one of that runtime's) until it accepts requests.
    pub fn start_on(handle: Handle, settings: StartSettings, unit: Unit) -> Result<Hosted> {
        let running = handle.block_on(settings.start(unit))?;
        Ok(Hosted::new(running, handle, None))
    }

    fn new(running: RunningSandbox, handle: Handle, own: Option<Runtime>) -> Hosted {
        Hosted {
            url: running.base_url().to_string(),
            api_key: running.api_key().to_string(),
            handle,
            running: Mutex::new(Some(Arc::new(running))),
            own: Mutex::new(own),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The API key the sandbox accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// True once stopped.
    pub fn is_stopped(&self) -> bool {
        self.running().is_err()
    }

    fn running(&self) -> Result<Arc<RunningSandbox>> {
        let guard = self.running.lock().unwrap_or_else(|e| e.into_inner());
        guard.clone().ok_or_else(stopped)
    }

    /// Runs `f` on the sandbox inside its runtime's context (triggered webhook deliveries and
    /// work that became due are spawned on it).
    pub fn with<T>(&self, f: impl FnOnce(&RunningSandbox) -> T) -> Result<T> {
        let sb = self.running()?;
        let _guard = self.handle.enter();
        Ok(f(&sb))
    }

    /// Any control of the sandbox ([`control`]), run on the sandbox's runtime.
    pub async fn control(
        &self,
        unit: Unit,
        method: String,
        path: String,
        body: Option<Value>,
    ) -> Result<Value> {
        let sb = self.running()?;
        let task = async move { control(&sb, unit, &method, &path, body.as_ref()).await };
        match self.handle.spawn(task).await {
            Ok(reply) => reply,
            Err(e) => Err(Error::config(format!("the sandbox task failed: {e}"))),
        }
    }

    /// Stops the sandbox: the port is closed and its tasks have ended when this returns. Calling
    /// it again does nothing. (A control still in flight keeps it until that control ends.)
    pub async fn stop(&self) {
        if let Some(sb) = self.take() {
            match Arc::try_unwrap(sb) {
                Ok(sb) => {
                    let _ = self.handle.spawn(sb.shutdown()).await;
                }
                Err(sb) => self.release(sb),
            }
        }
        self.shut_own_runtime();
    }

    fn take(&self) -> Option<Arc<RunningSandbox>> {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// Drops this handle on the sandbox inside its runtime's context: the last one aborts the
    /// listener and its tasks.
    fn release(&self, sb: Arc<RunningSandbox>) {
        let _guard = self.handle.enter();
        drop(sb);
    }

    fn shut_own_runtime(&self) {
        if let Some(rt) = self.own.lock().unwrap_or_else(|e| e.into_inner()).take() {
            rt.shutdown_background();
        }
    }
}

impl Drop for Hosted {
    /// Dropped without `stop()`: the listener and its tasks are aborted on the runtime.
    fn drop(&mut self) {
        if let Some(sb) = self.take() {
            self.release(sb);
        }
        self.shut_own_runtime();
    }
}

/// The arguments of [`inject_fault`] as a host gives them (see [`FaultSpec`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultArgs {
    /// `429`, `500`, `drop`, `cut-body`, … (see [`FaultSpec::kind`]).
    pub kind: String,
    /// For the next `count` requests (default 1).
    pub count: Option<i64>,
    /// `Retry-After` in seconds.
    pub retry_after: Option<f64>,
    /// Delay in milliseconds (`delay`, `slow-body`).
    pub delay_ms: Option<i64>,
    /// Status of `5xx-with-code`.
    pub status: Option<i64>,
    /// Body size of `huge-body`.
    pub size_bytes: Option<i64>,
    /// Only requests of this operation (`"sepa.partner_transfer"`).
    pub operation: Option<String>,
}

/// Queues a fault (as `POST /_sandbox/faults`).
pub fn inject_fault(sb: &RunningSandbox, unit: Unit, a: FaultArgs) -> Result<()> {
    fn whole<T: TryFrom<i64>>(unit: Unit, wire: &str, v: Option<i64>) -> Result<Option<T>> {
        v.map(|n| {
            T::try_from(n).map_err(|_| Error::validation(arg_name(unit, wire), "is out of range"))
        })
        .transpose()
    }
    let mut spec = FaultSpec::new(a.kind);
    spec.count = whole(unit, "count", a.count)?.unwrap_or(1);
    spec.retry_after_secs = a.retry_after;
    spec.delay_ms = whole(unit, "delayMs", a.delay_ms)?;
    spec.status = whole(unit, "status", a.status)?;
    spec.size_bytes = whole(unit, "sizeBytes", a.size_bytes)?;
    spec.operation = a.operation;
    sb.inject(spec).map_err(|r| error(unit, r))
}

/// Credits `amount` (a host value read into JSON: a decimal string, an integer or the host's
/// decimal type; never a float) of `currency` at once, to `external_user_id` or the partner.
pub fn fund(
    sb: &RunningSandbox,
    unit: Unit,
    currency: &str,
    amount: &Value,
    external_user_id: Option<&str>,
) -> Result<Value> {
    let amount: Amount = p100::input::decode(amount, "amount")?;
    sb.credit(&Currency::parse(currency), &amount, external_user_id)
        .map_err(|r| error(unit, r))
}

/// Sets the multiplier of every delay.
pub fn set_time_scale(sb: &RunningSandbox, unit: Unit, scale: f64) -> Result<()> {
    sb.set_time_scale(scale).map_err(|r| error(unit, r))
}

/// Moves the sandbox's clock forward by `seconds` without waiting; returns its new time.
pub fn advance(sb: &RunningSandbox, unit: Unit, seconds: f64) -> Result<SystemTime> {
    let refused = || Error::validation("seconds", "must be a number of seconds greater than 0");
    let by = Duration::try_from_secs_f64(seconds).map_err(|_| refused())?;
    if by.is_zero() {
        return Err(refused());
    }
    sb.advance(by).map_err(|r| error(unit, r))
}

/// Emits the webhook event `event` with realistic data; returns the payload sent.
pub fn trigger(
    sb: &RunningSandbox,
    unit: Unit,
    event: &str,
    external_user_id: Option<&str>,
) -> Result<Value> {
    sb.trigger(event, external_user_id)
        .map_err(|r| error(unit, r))
}

/// Sets (`url` and `token`) or clears (neither) the webhook target.
pub fn set_webhook(
    sb: &RunningSandbox,
    unit: Unit,
    url: Option<&str>,
    token: Option<&str>,
) -> Result<()> {
    let target = match (url, token) {
        (Some(u), Some(t)) => Some((u, t)),
        (None, None) => None,
        (Some(_), None) => return Err(Error::validation("token", "is required with url")),
        (None, Some(_)) => return Err(Error::validation("url", "is required with token")),
    };
    sb.set_webhook(target).map_err(|r| error(unit, r))
}

/// Any control by method and `/_sandbox/…` path; its JSON reply.
pub async fn control(
    sb: &RunningSandbox,
    unit: Unit,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Value> {
    sb.control(method, path, body)
        .await
        .map_err(|r| error(unit, r))
}

/// Seconds since the epoch of a sandbox time (`now`, `advance`).
pub fn epoch_secs(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_key_and_the_webhook_token() {
        let s = StartSettings {
            api_key: Some("sk-sandbox-secret-1".into()),
            webhook_url: Some("http://127.0.0.1:9/h".into()),
            webhook_token: Some("whsec-secret-2".into()),
            ..Default::default()
        };
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("secret-1") && !shown.contains("secret-2"),
            "{shown}"
        );
        assert!(
            shown.contains("127.0.0.1:9/h") && shown.contains("[REDACTED]"),
            "{shown}"
        );
    }

    #[test]
    fn names_follow_each_hosts_spelling() {
        assert_eq!(
            arg_name(Unit::Seconds, "externalUserId"),
            "external_user_id"
        );
        assert_eq!(arg_name(Unit::Millis, "externalUserId"), "externalUserId");
        assert_eq!(arg_name(Unit::Seconds, "scale"), "time_scale");
        assert_eq!(arg_name(Unit::Millis, "retryAfter"), "retryAfterSecs");
        assert_eq!(arg_name(Unit::Seconds, "kind"), "kind");
    }

    #[tokio::test]
    async fn refusals_name_the_argument_in_the_hosts_spelling() {
        let bad = |s: StartSettings| async move { s.start(Unit::Seconds).await.unwrap_err() };
        let e = bad(StartSettings {
            time_scale: Some(-1.0),
            ..Default::default()
        })
        .await;
        assert_eq!(e.field(), Some("time_scale"));
        let e = bad(StartSettings {
            webhook_url: Some("ftp://x".into()),
            webhook_token: Some("t".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(e.field(), Some("webhook_url"), "{e}");
        let e = StartSettings {
            settle: Some(-1.0),
            ..Default::default()
        }
        .start(Unit::Millis)
        .await
        .unwrap_err();
        assert_eq!(e.field(), Some("settleMs"));

        let sb = StartSettings::default().start(Unit::Millis).await.unwrap();
        let e = fund(&sb, Unit::Millis, "eur", &Value::from(1.5), None).unwrap_err();
        assert_eq!(e.field(), Some("amount"));
        let e = fund(&sb, Unit::Seconds, "eur", &Value::from("1"), Some("ghost")).unwrap_err();
        assert_eq!(e.field(), Some("external_user_id"));
        let e = fund(&sb, Unit::Seconds, "zzz", &Value::from("1"), None).unwrap_err();
        assert_eq!(e.field(), Some("currency"));
        let fault = |kind: &str, retry_after| FaultArgs {
            kind: kind.into(),
            retry_after,
            ..Default::default()
        };
        let e = inject_fault(&sb, Unit::Millis, fault("drop", Some(1.0))).unwrap_err();
        assert_eq!(e.field(), Some("retryAfterSecs"), "{e}");
        let e = inject_fault(&sb, Unit::Seconds, fault("nope", None)).unwrap_err();
        assert_eq!(e.field(), Some("kind"));
        let e = trigger(&sb, Unit::Seconds, "user_status", None).unwrap_err();
        assert_eq!(e.kind(), p100::ErrorKind::Config, "no webhook target: {e}");
        let e = control(
            &sb,
            Unit::Seconds,
            "POST",
            "/_sandbox/ops-count",
            Some(&serde_json::json!({"operation": "x"})),
        )
        .await
        .unwrap_err();
        assert_eq!(e.field(), Some("operation"), "{e}");
        sb.shutdown().await;
    }

    /// The port of a sandbox's `http://127.0.0.1:PORT`.
    fn port(url: &str) -> u16 {
        url.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap()
    }

    #[test]
    fn hosted_on_its_own_runtime_serves_until_stopped_then_refuses() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let h = Hosted::start_own(StartSettings::default(), Unit::Millis)
                .await
                .unwrap();
            assert!(h.url().starts_with("http://127.0.0.1:"), "{}", h.url());
            assert!(h.api_key().starts_with("sandbox-"));
            let (method, path) = ("GET".to_string(), "/_sandbox/health".to_string());
            let health = h.control(Unit::Millis, method, path, None).await.unwrap();
            assert!(health.is_object(), "{health}");
            assert!(h.with(|sb| sb.base_url().to_string()).unwrap() == h.url());
            let addr = ("127.0.0.1", port(h.url()));
            assert!(tokio::net::TcpStream::connect(addr).await.is_ok());

            h.stop().await;
            h.stop().await; // a second stop does nothing
            assert!(h.is_stopped());
            assert!(tokio::net::TcpStream::connect(addr).await.is_err());
            let e = h.with(|_| ()).unwrap_err();
            assert_eq!(e.kind(), p100::ErrorKind::Config);
            let (method, path) = ("GET".to_string(), "/_sandbox/health".to_string());
            let e = h
                .control(Unit::Millis, method, path, None)
                .await
                .unwrap_err();
            assert_eq!(e.kind(), p100::ErrorKind::Config);
        });
    }

    #[test]
    fn hosted_on_a_shared_runtime_is_dropped_without_stop_and_frees_its_port() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let settings = StartSettings {
            time_scale: Some(-1.0),
            ..Default::default()
        };
        let e = Hosted::start_on(rt.handle().clone(), settings, Unit::Seconds).err();
        assert_eq!(
            e.and_then(|e| e.field().map(str::to_string)).as_deref(),
            Some("time_scale")
        );

        let h =
            Hosted::start_on(rt.handle().clone(), StartSettings::default(), Unit::Seconds).unwrap();
        let addr = ("127.0.0.1", port(h.url()));
        assert!(std::net::TcpStream::connect(addr).is_ok());
        drop(h);
        // The listener is aborted on the runtime: the port closes without a stop().
        let closed = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            std::net::TcpStream::connect(addr).is_err()
        });
        assert!(
            closed,
            "the port of a dropped sandbox still accepts connections"
        );
    }
}
