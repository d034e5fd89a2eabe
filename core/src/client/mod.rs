//! The client: configuration, transport, retries, and the resource groups.

mod abort;
mod cancel;
mod config;
pub(crate) mod exec;
mod reconcile;
mod resources;
mod response;
pub mod settings;
mod wait;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

pub use abort::AbortSignal;
pub use cancel::{CancelledCalls, MAX_CANCELLED_KEPT};
pub use config::{
    duration_from_millis, duration_from_secs, max_retries_from, user_agent, ClientBuilder, Config,
    Environment, RequestOptions, RetryPolicy, MAX_DURATION, MAX_RETRIES, MAX_RETRY_AFTER,
    PRODUCTION_URL, STAGING_URL,
};
pub(crate) use exec::now_unix_ms;
pub use exec::{
    build_http_request, decode, describe_serde_error, error_from_response, error_from_transport,
    parse_retry_after, retry_delay, Prepared,
};
pub use reconcile::{
    fingerprint_of, fingerprint_of_host, why_no_fingerprint, Fingerprint, Reconciliation,
};
pub use resources::*;
pub use response::{
    check_header, check_headers, is_secret_header, ResponseMeta, WithResponse, WithResponseClient,
    RESERVED_HEADERS,
};
pub use settings::{Settings, Unit, WaitSettings};

use crate::log::AttemptOutcome;
pub use wait::WaitOptions;

use crate::error::{Error, ErrorCode, ErrorKind, Outcome, Result};
use crate::routes::Method;
use crate::transport::{self, Transport};

/// The P100 client. Cheap to clone (one shared connection pool); safe to share across tasks.
///
/// ```no_run
/// # async fn demo() -> p100::Result<()> {
/// let client = p100::Client::builder()
///     .api_key("my-key")
///     .base_url("http://127.0.0.1:8080")
///     .build()?;
/// let balances = client.partner().balances().await?;
/// println!("{} fiat balances", balances.fiat_balances.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    config: Arc<Config>,
    transport: Arc<dyn Transport>,
    /// Where the metadata of successful calls goes ([`Client::recorded`]).
    recorder: Option<Arc<response::Recorder>>,
    /// The calls dropped while their request was out ([`Client::take_cancelled`]).
    cancelled: Arc<cancel::Cancelled>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the defaults (staging, 60 s timeout, 2 retries).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `api_key` at `base_url`.
    pub fn new(
        api_key: impl Into<crate::SecretString>,
        base_url: impl Into<String>,
    ) -> Result<Client> {
        Client::builder()
            .api_key(api_key)
            .base_url(base_url)
            .build()
    }

    /// A client from the environment: `P100_API_KEY` (required), then `P100_BASE_URL`, or
    /// `P100_ENVIRONMENT` = `staging` (default) | `production`.
    pub fn from_env() -> Result<Client> {
        Client::from_env_vars(|name| std::env::var(name).ok())
    }

    /// Like [`Client::from_env`], reading every variable through `get` (testable, and usable
    /// where the process environment is not the source), `P100_LOG` included.
    pub fn from_env_vars(get: impl Fn(&str) -> Option<String>) -> Result<Client> {
        let log = get("P100_LOG").and_then(|v| crate::log::LogLevel::parse(&v));
        settings::Settings::default()
            .builder(settings::Unit::Millis, "", get)?
            .log_level(log)
            .build()
    }

    pub(crate) fn from_parts(config: Config, transport: Arc<dyn Transport>) -> Client {
        Client {
            config: Arc::new(config),
            transport,
            recorder: None,
            cancelled: Arc::default(),
        }
    }

    /// The client's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A client sharing this one's connection pool, with per-call overrides:
    /// `client.with_options(RequestOptions { timeout: Some(..), ..Default::default() }).sepa()…`
    /// Extra headers add to (or replace, by name) those of earlier `with_options`; check them
    /// first with [`check_headers`] (bindings do): a reserved name given here is left out.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let mut config = (*self.config).clone();
        if let Some(t) = options.timeout.filter(|t| !t.is_zero()) {
            config.timeout = t.min(MAX_DURATION);
        }
        if let Some(n) = options.max_retries {
            config.retry.max_retries = n.min(MAX_RETRIES);
        }
        if let Some(abort) = options.abort {
            config.abort = Some(abort);
        }
        for (name, value) in options.headers {
            if let Ok((name, value)) = check_header(&name, &value) {
                config.extra_headers.retain(|(k, _)| *k != name);
                config.extra_headers.push((name, value));
            }
        }
        Client {
            config: Arc::new(config),
            transport: self.transport.clone(),
            recorder: self.recorder.clone(),
            cancelled: self.cancelled.clone(),
        }
    }

    /// The calls that change something (money calls above all) whose future was dropped while
    /// their request was out, oldest first, and empties the list. Such a drop is a cancellation
    /// that carries no outcome: a `tokio::time::timeout` or `select!` around the call, a
    /// cancelled task, Kotlin coroutine or Python task, Ctrl-C on a blocking Python call. The
    /// request may have been processed, so each call is kept here as an
    /// [`ErrorKind::Aborted`] error with outcome [`Outcome::Unknown`] and its fingerprint (and
    /// logged as it happens): give it to [`Client::reconcile`] before sending the call again.
    /// One dropped after P100's 2xx status arrived, while the rest of its reply was coming, is
    /// [`Outcome::Accepted`] with that status: it happened, never send it again.
    /// The list is shared by this client's clones and `with_options` clients, and keeps the
    /// last [`MAX_CANCELLED_KEPT`]. Reads, and calls dropped before their request left or while
    /// waiting to retry, are not kept: nothing of theirs can have happened.
    pub fn take_cancelled(&self) -> Vec<Error> {
        self.cancelled.take()
    }

    /// The list of [`Client::take_cancelled`] as a handle of its own, for bindings.
    pub fn cancelled_calls(&self) -> CancelledCalls {
        CancelledCalls(self.cancelled.clone())
    }

    /// The same calls with their [`ResponseMeta`]:
    /// `client.with_response().partner().balances().await?` is a [`WithResponse`] of
    /// `Balances` (`.data`, `.response`). Each call records its own metadata, so concurrent
    /// calls never mix them up.
    pub fn with_response(&self) -> WithResponseClient<'_> {
        WithResponseClient::new(self)
    }

    /// Sends a prepared request with auth, timeout and the retry policy; returns the 2xx
    /// response or the mapped error.
    pub async fn send(&self, prepared: &Prepared) -> Result<transport::HttpResponse> {
        let config = &*self.config;
        let request = build_http_request(config, prepared);
        let max_retries = config.retry.max_retries;
        let sent_at_ms = exec::now_unix_ms();
        let started = web_time::Instant::now();
        let mut attempt = 0u32;
        let log = &config.log;
        let record = |attempt: u32, outcome, status, request_id, error_kind, retry_delay| {
            crate::log::LogRecord {
                operation: prepared.operation,
                method: prepared.method.as_str(),
                path: crate::log::path_only(&prepared.path),
                attempt: attempt + 1,
                outcome,
                status,
                elapsed: started.elapsed(),
                request_id,
                error_kind,
                retry_delay,
            }
        };
        let abort = config.abort.as_ref();
        // The caller aborted: before an attempt or while waiting to retry (`in_flight` false:
        // nothing that could be processed was sent), or while an attempt was out.
        let aborted = |attempt: u32, in_flight: bool| {
            let e = exec::aborted_error(prepared, in_flight);
            if log.wants(AttemptOutcome::Failed) {
                let kind = Some(ErrorKind::Aborted);
                log.emit(&record(
                    attempt,
                    AttemptOutcome::Failed,
                    None,
                    None,
                    kind,
                    None,
                ));
            }
            let fp = match e.outcome() {
                Outcome::Unknown => Fingerprint::of(prepared, sent_at_ms),
                _ => None,
            };
            e.with_fingerprint(fp)
        };
        loop {
            if abort.is_some_and(AbortSignal::is_aborted) {
                return Err(aborted(attempt, false));
            }
            if log.wants(AttemptOutcome::Sending) {
                log.emit(&record(
                    attempt,
                    AttemptOutcome::Sending,
                    None,
                    None,
                    None,
                    None,
                ));
                // Aborted by the logger itself (a JS logger runs synchronously): nothing of this
                // attempt has left yet.
                if abort.is_some_and(AbortSignal::is_aborted) {
                    return Err(aborted(attempt, false));
                }
            }
            // A write listens for its reply's head: cancelled while a 2xx body is still coming,
            // it was accepted (not `unknown`: outside review, stop 45).
            let mut attempt_request = request.clone();
            let head = match prepared.method.is_idempotent_read() {
                true => transport::ReplyHead::default(),
                false => transport::ReplyHead::watched(),
            };
            attempt_request.head = head.clone();
            // The built-in transports honour the deadline themselves (keeping the status when a
            // body is late); this outer guard only stops a custom transport that may not.
            let send = self.transport.send(attempt_request);
            let send = async {
                if self.transport.honours_deadline() {
                    send.await
                } else {
                    let guard = config
                        .timeout
                        .saturating_add(std::time::Duration::from_secs(1));
                    transport::timeout(guard, send)
                        .await
                        .unwrap_or(Err(transport::TransportError::Timeout))
                }
            };
            // Dropped while this attempt is out (the caller cancelled the call without our
            // signal): a call that changes something is kept for `take_cancelled` and logged.
            let out = cancel::OnDrop::new(|| {
                if prepared.method.is_idempotent_read() {
                    return;
                }
                let fp = Fingerprint::of(prepared, sent_at_ms);
                let e = match head.get() {
                    Some(head) => exec::cancelled_after_head(prepared, head, true),
                    None => exec::dropped_error(prepared),
                };
                self.cancelled.push(
                    e.without_secret(config.api_key.expose())
                        .without_values(&prepared.sent_secrets())
                        .with_fingerprint(fp),
                );
                if log.wants(AttemptOutcome::Failed) {
                    let kind = Some(ErrorKind::Aborted);
                    let failed = AttemptOutcome::Failed;
                    log.emit(&record(attempt, failed, None, None, kind, None));
                }
            });
            // The caller's abort drops the attempt (the npm transport then aborts its exchange).
            let reply = abort::unless_aborted(abort, send).await;
            out.disarm();
            let Some(reply) = reply else {
                if let Some(head) = head.get() {
                    let e = exec::cancelled_after_head(prepared, head, false);
                    if log.wants(AttemptOutcome::Failed) {
                        let kind = Some(ErrorKind::Aborted);
                        let failed = AttemptOutcome::Failed;
                        log.emit(&record(attempt, failed, e.status(), None, kind, None));
                    }
                    return Err(e
                        .without_secret(config.api_key.expose())
                        .without_values(&prepared.sent_secrets())
                        .with_fingerprint(Fingerprint::of(prepared, sent_at_ms)));
                }
                return Err(aborted(attempt, true));
            };
            let error = match reply {
                Ok(resp) if (200..300).contains(&resp.status) => {
                    if let Some(r) = &self.recorder {
                        r.record(response::ResponseMeta::of(
                            &resp,
                            started.elapsed(),
                            attempt + 1,
                            config.api_key.expose(),
                            &prepared.sent_secrets(),
                        ));
                    }
                    if log.wants(AttemptOutcome::Succeeded) {
                        // As in errors: an id that echoes the key or a secret the call sent
                        // (a PIN) never shows it.
                        let key = config.api_key.expose();
                        let sent = prepared.sent_secrets();
                        let id = exec::request_id(&resp).map(|id| {
                            crate::mask::without_secret(
                                &crate::mask::without_values(&id, &sent),
                                key,
                            )
                        });
                        let ok = AttemptOutcome::Succeeded;
                        log.emit(&record(attempt, ok, Some(resp.status), id, None, None));
                    }
                    return Ok(resp);
                }
                Ok(resp) => error_from_response(prepared, &resp),
                Err(e) => exec::error_from_transport(prepared, &e, config.timeout),
            };
            // A server (or a proxy) that echoes the key never gets it into an error.
            let error = error
                .without_secret(config.api_key.expose())
                .without_values(&prepared.sent_secrets());
            let delay = exec::retry_delay(&error, attempt, config, max_retries);
            let outcome = match delay {
                Some(_) => AttemptOutcome::Retrying,
                None => AttemptOutcome::Failed,
            };
            if log.wants(outcome) {
                let id = error.request_id().map(str::to_string);
                let kind = Some(error.kind());
                log.emit(&record(attempt, outcome, error.status(), id, kind, delay));
            }
            match delay {
                Some(delay) => {
                    // Only calls that provably did nothing are retried: aborted while waiting,
                    // nothing was sent that could have been processed.
                    if abort::unless_aborted(abort, transport::sleep(delay))
                        .await
                        .is_none()
                    {
                        return Err(aborted(attempt, false));
                    }
                    attempt += 1;
                }
                None => {
                    let fp = match error.outcome() {
                        Outcome::Unknown | Outcome::Accepted => {
                            Fingerprint::of(prepared, sent_at_ms)
                        }
                        Outcome::NotSent | Outcome::Rejected => None,
                    };
                    return Err(error.with_fingerprint(fp));
                }
            }
        }
    }

    /// Sends and decodes the JSON reply.
    pub(crate) async fn call<T: DeserializeOwned>(&self, prepared: Prepared) -> Result<T> {
        let sent_at_ms = exec::now_unix_ms();
        let resp = self.send(&prepared).await?;
        decode(&prepared, &resp).map_err(|e| {
            let fp = Fingerprint::of(&prepared, sent_at_ms);
            let key = self.config.api_key.expose();
            e.with_fingerprint(fp)
                .without_secret(key)
                .without_values(&prepared.sent_secrets())
        })
    }

    /// Sends a call whose reply the SDK does not read (the docs describe none). A 2xx whose
    /// body is a P100 error is not taken for a success, as in [`decode`]: the status says yes,
    /// the body says no (outcome `unknown` after a write, with its fingerprint). The one
    /// exception is the documented 2xx code `P211` ("POA pending", HTTP 202, a success status
    /// in the docs).
    pub(crate) async fn call_unit(&self, prepared: Prepared) -> Result<()> {
        let sent_at_ms = exec::now_unix_ms();
        let resp = self.send(&prepared).await?;
        // And a write's reply whose JSON ends early where it may be the start of an error.
        let error = match exec::error_in_success(&prepared, &resp) {
            Some(e) if e.code() != Some(&ErrorCode::P211) => Some(e),
            _ => exec::cut_error_start(&prepared, &resp)
                .or_else(|| exec::error_shaped(&prepared, &resp)),
        };
        match error {
            Some(e) => {
                let fp = Fingerprint::of(&prepared, sent_at_ms);
                Err(e
                    .with_fingerprint(fp)
                    .without_secret(self.config.api_key.expose())
                    .without_values(&prepared.sent_secrets()))
            }
            None => Ok(()),
        }
    }

    /// The escape hatch: sends any call with auth, retries and error mapping, for endpoints
    /// the SDK does not model yet. `path` starts with `/v1/` and has no `.` or `..` segment and
    /// no encoded slash (`%2F`, `%5C`) (a `ValidationError` naming `path` otherwise); `method`
    /// is GET, POST, PATCH or DELETE. Only GET is retried after an ambiguous failure. A `null` body is no body (as an absent
    /// one), in every language.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let m = Method::parse(method)
            .ok_or_else(|| Error::validation("method", "must be GET, POST, PATCH or DELETE"))?;
        // Under `/v1/` and staying there: a `..` segment (or `%2e%2e`) would reach a path of
        // the host outside the API, or outside the prefix of a base URL behind a gateway, with
        // the API key. So would an encoded slash (`%2e%2e%2fadmin`) behind a gateway that
        // decodes it before it normalises the path, a `..;` segment (a servlet container reads
        // `;…` as parameters of the segment) and any of these encoded twice (`%252e`).
        let route = path.split(['?', '#']).next().unwrap_or_default();
        let lower = route.to_ascii_lowercase().replace("%25", "%");
        let encoded_slash = lower.contains("%2f") || lower.contains("%5c");
        let segments = lower.split('/');
        let dots = |s: &str| {
            let s = s.replace("%2e", ".").replace("%3b", ";");
            let s = s.split(';').next().unwrap_or_default();
            s == "." || s == ".."
        };
        if !path.starts_with("/v1/")
            || path.contains("://")
            || path.chars().any(char::is_whitespace)
            || path.contains('\\')
            || encoded_slash
            || segments.into_iter().any(dots)
        {
            return Err(Error::validation(
                "path",
                "must be an API path starting with /v1/, without . or .. segments or encoded \
                 slashes (e.g. /v1/partner/balances)",
            ));
        }
        let mut prepared = Prepared {
            operation: "request",
            method: m,
            path: path.to_string(),
            body: transport::Body::Empty,
            moves_money: m != Method::Get,
        };
        if let Some(b) = body.filter(|b| !b.is_null()) {
            prepared = prepared.json(b)?;
        }
        self.call(prepared).await
    }

    /// The default polling interval and deadline of the `wait_for` helpers.
    pub fn default_wait() -> WaitOptions {
        WaitOptions::default()
    }

    /// Builds an error for a wait that ran out of time.
    pub(crate) fn wait_timeout(
        operation: &'static str,
        id: &str,
        last: &str,
        waited: Duration,
    ) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!(
                "{operation} {id} still {last} after waiting {:.1} s; it was accepted: do not \
                 send it again, wait again or check its details",
                waited.as_secs_f64()
            ),
        )
        // The operation was accepted earlier (it has an id): it is not to be sent again, and
        // "retryable" would read as "send it again" (a retry loop around the transfer and its
        // wait would pay twice). Waiting again is always safe.
        .with_retryable(false)
        .with_outcome(Outcome::Accepted)
    }
}
