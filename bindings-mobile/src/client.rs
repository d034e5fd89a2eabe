//! The client: constructors, per-call options, the escape hatch and `reconcile`. Its settings
//! go through the core's [`Settings`] (milliseconds, the names and bounds of every language).

use std::sync::Arc;

use p100::bindings::uniffi::P100Error;
use p100::client::{Environment, Settings, Unit};
use p100::Reconciliation;
use p100::SecretString;

use crate::log::{self, P100Logger};
use crate::{ok, Result};
use p100::log::LogLevel;

/// Options of [`Client::with_options`]. Unset fields keep the SDK defaults (staging, 60 s
/// timeout per attempt, 2 retries).
#[derive(uniffi::Record)]
pub struct ClientOptions {
    /// The API key (sent as `x-api-key`). A [`SecretString`]: `Secret` on the foreign side, so
    /// printing the options never shows it.
    pub api_key: SecretString,
    /// A base URL (overrides `environment`), e.g. a local sandbox `http://127.0.0.1:8080`.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// Staging (default) or production.
    #[uniffi(default = None)]
    pub environment: Option<Environment>,
    /// Timeout of one attempt, in milliseconds (default 60 000).
    #[uniffi(default = None)]
    pub timeout_ms: Option<i64>,
    /// Longest wait for the connection to open, in milliseconds (default 10 000, or 3/4 of
    /// `timeoutMs` when shorter). A call that never connected provably never left, so it is
    /// `notSent` and retried.
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<i64>,
    /// Retries after the first attempt (default 2, at most 10).
    #[uniffi(default = None)]
    pub max_retries: Option<i32>,
    /// Delay before the first retry, in milliseconds (default 500; doubles each time, with
    /// jitter).
    #[uniffi(default = None)]
    pub retry_initial_delay_ms: Option<i64>,
    /// Longest delay between two retries, in milliseconds (default 8 000).
    #[uniffi(default = None)]
    pub retry_max_delay_ms: Option<i64>,
    /// Extra text for the `User-Agent` header (your app's name and version).
    #[uniffi(default = None)]
    pub user_agent: Option<String>,
    /// Log one record per attempt at this level and above (default: `P100_LOG`, else off).
    #[uniffi(default = None)]
    pub log_level: Option<LogLevel>,
    /// Where records go (default: standard error). See [`P100Logger`].
    #[uniffi(default = None)]
    pub logger: Option<Arc<dyn P100Logger>>,
    /// Longest reply body read, in bytes (default 16 MiB, at most 1 GiB): a month of
    /// transaction history longer than that needs more, for `transactions` and `reconcile`.
    /// Last, so that code passing the fields before it by position still compiles.
    #[uniffi(default = None)]
    pub max_response_bytes: Option<i64>,
}

/// What came back with a successful call ([`Client::recording`]).
#[derive(uniffi::Record, Debug, Clone, PartialEq)]
pub struct ResponseInfo {
    /// The server's request id, for support tickets.
    pub request_id: Option<String>,
    /// The HTTP status (200, 201, …).
    pub status: i32,
    /// The reply's headers, lower-case names; values that may carry credentials are redacted.
    pub headers: std::collections::HashMap<String, String>,
    /// Milliseconds from the first attempt to the reply, retries included.
    pub elapsed_ms: f64,
    /// Attempts made (1 when the first one succeeded).
    pub attempts: i32,
}

/// Milliseconds from Swift/Kotlin (`Int64`/`Long`) as the core's settings take them.
pub(crate) fn ms(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64)
}

/// The P100 client: one connection pool, safe to share between threads, coroutines and tasks.
///
/// The resource groups (`partner()`, `users()`, …) are cheap views of the same client.
#[derive(uniffi::Object)]
pub struct Client {
    pub(crate) inner: p100::Client,
    /// Set by [`Client::close_groups`] (Kotlin's `close()`): the groups taken from it refuse
    /// their calls from then on. Not on release (a garbage-collected Kotlin client, a released
    /// Swift one): a group outlives a client nobody holds (`Client(…).sepa()`).
    pub(crate) closed: Arc<std::sync::atomic::AtomicBool>,
}

impl Client {
    pub(crate) fn wrap(inner: p100::Client) -> Arc<Client> {
        Arc::new(Client {
            inner,
            closed: Arc::default(),
        })
    }
}

/// The calls a client kept for `takeCancelled()` ([`Client::cancelled_calls`]), shared with it
/// and its `withOptions` clients: still readable once they are closed.
#[derive(uniffi::Object)]
pub struct CancelledCalls(p100::CancelledCalls);

#[uniffi::export]
impl CancelledCalls {
    /// The kept calls, oldest first; taking them empties the list (as `takeCancelled()`).
    pub fn take(&self) -> Vec<P100Error> {
        self.0.take().into_iter().map(P100Error::from).collect()
    }

    /// For the generated Kotlin glue, not to call yourself: the groups' `keepUndelivered` for
    /// a call of `Client.request` with `method` (one that only reads is not kept). On this
    /// object, which outlives the client: the glue keeps a call also once `close()` ran.
    #[uniffi::method(default(result = None))]
    pub fn keep_undelivered_request(&self, method: String, result: Option<String>) {
        self.0
            .keep_undelivered_request(&method, Ok(result.as_deref()));
    }
}

async_export! {
    impl Client {
        /// A client for `api_key` at `base_url` (`https://…`, or `http://` on loopback only).
        #[uniffi::constructor]
        pub fn new(api_key: String, base_url: String) -> Result<Arc<Self>> {
            let b = p100::Client::builder()
                .api_key(api_key)
                .base_url(base_url)
                .runtime(user_agent());
            let inner = ok(log::apply(b, None, None).build())?;
            Ok(Client::wrap(inner))
        }

        /// A client with every setting ([`ClientOptions`]); a bad setting is a `Config` error
        /// naming it (`timeoutMs`, `maxRetries`…).
        #[uniffi::constructor]
        pub fn with_options(options: ClientOptions) -> Result<Arc<Self>> {
            let settings = Settings {
                api_key: Some(options.api_key),
                base_url: options.base_url,
                environment: options.environment.map(|e| e.as_str().to_string()),
                user_agent: options.user_agent,
                timeout: ms(options.timeout_ms),
                connect_timeout: ms(options.connect_timeout_ms),
                max_retries: options.max_retries.map(i64::from),
                retry_initial_delay: ms(options.retry_initial_delay_ms),
                retry_max_delay: ms(options.retry_max_delay_ms),
                max_response_bytes: options.max_response_bytes,
                ..Default::default()
            };
            let (level, logger) = (options.log_level, options.logger);
            let inner = ok(settings
                .builder(Unit::Millis, &user_agent(), |_| None)
                .and_then(|b| log::apply(b, level, logger).build()))?;
            Ok(Client::wrap(inner))
        }

        /// A client from the environment: `P100_API_KEY` (required), then `P100_BASE_URL`, or
        /// `P100_ENVIRONMENT` = `staging` (default) | `production`.
        #[uniffi::constructor]
        pub fn from_env() -> Result<Arc<Self>> {
            let env = |name: &str| std::env::var(name).ok();
            let inner = ok(Settings::default()
                .builder(Unit::Millis, &user_agent(), env)
                .and_then(|b| log::apply(b, None, None).build()))?;
            Ok(Client::wrap(inner))
        }

        /// A client sharing this one's connection pool, with another timeout per attempt and/or
        /// number of retries (`null`/`nil` keeps the current value) and extra headers for each
        /// call (`x-api-key`, `authorization`, `user-agent` and the HTTP stack's headers are
        /// refused: a `Validation` error naming `headers.<name>`).
        #[uniffi::method(default(timeout_ms = None, max_retries = None, headers = None))]
        pub fn with_request_options(
            &self,
            timeout_ms: Option<i64>,
            max_retries: Option<i32>,
            headers: Option<std::collections::HashMap<String, String>>,
        ) -> Result<Arc<Client>> {
            let settings = Settings {
                timeout: ms(timeout_ms),
                max_retries: max_retries.map(i64::from),
                headers: headers.unwrap_or_default().into_iter().collect(),
                ..Default::default()
            };
            let options = ok(settings.request_options(Unit::Millis))?;
            Ok(Client::wrap(self.inner.with_options(options)))
        }

        /// A client sharing this one's connections whose successful calls keep their
        /// metadata, read with [`Client::last_response`]. Its calls share one slot: use one per
        /// call (or per coroutine/task), never one for concurrent calls.
        pub fn recording(&self) -> Arc<Client> {
            Client::wrap(self.inner.recorded())
        }

        /// The last successful call of a [`Client::recording`] client (`null`/`nil` before its
        /// first success, and for other clients).
        pub fn last_response(&self) -> Option<ResponseInfo> {
            self.inner.last_response().map(|m| ResponseInfo {
                request_id: m.request_id.clone(),
                status: m.status.into(),
                headers: m.header_map().into_iter().collect(),
                elapsed_ms: m.elapsed_ms(),
                attempts: i32::try_from(m.attempts).unwrap_or(i32::MAX),
            })
        }

        /// The calls that change something (money calls above all) whose coroutine or task was
        /// cancelled while their request was out (`withTimeout`, a cancelled scope, Swift's
        /// `Task.cancel()`), oldest
        /// first; taking them empties the list (the last 10,000 are kept, shared with
        /// `withOptions` clients). Each is an `Aborted` error with outcome `unknown` and its
        /// `fingerprint`: give it to `reconcile` before sending the call again.
        /// In Kotlin, `takeCancelled()` still answers after `close()` (`Client(…).use { … }`
        /// closes the client before the `catch` outside it runs): `close()` (its `destroy()`)
        /// keeps this list.
        pub fn take_cancelled(&self) -> Vec<P100Error> {
            let taken = self.inner.take_cancelled();
            taken.into_iter().map(P100Error::from).collect()
        }

        /// The list of [`Client::take_cancelled`] as an object of its own, which outlives the
        /// client and its connections: Kotlin's `destroy()` (which `close()` calls) keeps it
        /// for `takeCancelled()`.
        pub fn cancelled_calls(&self) -> Arc<CancelledCalls> {
            Arc::new(CancelledCalls(self.inner.cancelled_calls()))
        }

        /// The base URL in use, without a trailing slash.
        pub fn base_url(&self) -> String {
            self.inner.config().base_url().to_string()
        }

        /// The escape hatch: sends any call (`GET`, `POST`, `PATCH`, `DELETE` on a `/v1/…`
        /// path) with auth, retries and error mapping, for endpoints the SDK does not model yet.
        /// `body` and the result are JSON text, the reply as sent: its secret fields (a card
        /// number, a CVV) are in clear there, unlike in the typed results' `Secret`s, so never
        /// log it; use the typed method where there is one.
        #[uniffi::method(default(body = None))]
        pub async fn request(
            &self,
            method: String,
            path: String,
            body: Option<String>,
        ) -> Result<String> {
            let body = match body {
                None => None,
                Some(text) => Some(p100::input::json_text(&text, "body")?),
            };
            let value = ok(self.inner.request(&method, &path, body.as_ref()).await)?;
            Ok(value.to_string())
        }

        /// Refuses from now on the calls of the groups taken from this client (`Config`, not
        /// sent), as a closed client's own calls are refused. Kotlin's `close()` calls it.
        pub fn close_groups(&self) {
            self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        }

        /// Did the operation of `error` happen? For an `unknown` (or `accepted`) outcome of a
        /// money-moving call, looks in the transaction history for the operation its `fingerprint`
        /// describes: `Found` (id and status), `NotFound` (not there yet: check again later before
        /// sending again) or `CannotTell` (several matches, or an operation the history does not
        /// list). `notSent` and `rejected` errors are `NotFound` at once. The core's rules
        /// (`p100::Client::reconcile_outcome`).
        pub async fn reconcile(&self, error: P100Error) -> Result<Reconciliation> {
            let d = error.details();
            ok(self
                .inner
                .reconcile_outcome(d.outcome, d.fingerprint.as_ref())
                .await)
        }

        /// [`Client::reconcile`] from a fingerprint kept elsewhere: stored with the payment
        /// (`fingerprintToJson(e.fingerprint!!)`) before a restart, read back with
        /// `fingerprintFromJson(json)`. Its outcome is `unknown` (or `accepted` when the
        /// fingerprint says so: then never `NotFound`).
        pub async fn reconcile_fingerprint(
            &self,
            fingerprint: p100::Fingerprint,
        ) -> Result<Reconciliation> {
            ok(self.inner.reconcile_fingerprint(&fingerprint).await)
        }
    }
}

/// The language of the `User-Agent` (`p100-sdk/<version> (<language>; <os> <arch>)`): the
/// library cannot ask which runtime loaded it, so it infers it — Kotlin on Android, Kotlin on a
/// JVM when the process is `java`, Swift otherwise.
pub(crate) fn user_agent() -> String {
    if cfg!(target_os = "android") {
        return "kotlin android".into();
    }
    let exe = std::env::current_exe().ok();
    let stem = exe
        .as_deref()
        .and_then(std::path::Path::file_stem)
        .map(|s| s.to_string_lossy().to_ascii_lowercase());
    match stem.as_deref() {
        Some("java" | "javaw") => "kotlin jvm".into(),
        _ => "swift".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(timeout_ms: Option<i64>, max_retries: Option<i32>) -> ClientOptions {
        ClientOptions {
            api_key: SecretString::new("k".to_string()),
            base_url: Some("http://127.0.0.1:1".into()),
            environment: None,
            timeout_ms,
            connect_timeout_ms: None,
            max_retries,
            retry_initial_delay_ms: None,
            retry_max_delay_ms: None,
            max_response_bytes: None,
            user_agent: None,
            log_level: None,
            logger: None,
        }
    }

    #[test]
    fn bad_settings_are_config_errors_named_as_in_kotlin_and_swift() {
        let e = Client::with_options(options(Some(-1), None)).err().unwrap();
        assert_eq!(e.kind(), p100::ErrorKind::Config);
        assert_eq!(e.field(), Some("timeoutMs"));
        let e = Client::with_options(options(None, Some(-3))).err().unwrap();
        assert_eq!(e.field(), Some("maxRetries"));
        let c = Client::with_options(options(Some(5), Some(3))).unwrap();
        let e = c.with_request_options(Some(0), None, None).err().unwrap();
        assert_eq!(e.kind(), p100::ErrorKind::Validation);
        assert_eq!(e.field(), Some("timeoutMs"));
    }
}
