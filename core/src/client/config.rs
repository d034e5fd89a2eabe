//! Client configuration: API key, environment or base URL, timeouts and retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::money::SecretString;
use crate::transport::Transport;
use crate::{Error, Result};

/// Staging host.
pub const STAGING_URL: &str = "https://partner-api-stage.p100.io";
/// Production host.
pub const PRODUCTION_URL: &str = "https://partner-api.p100.io";

/// A P100 environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(::uniffi::Enum))]
pub enum Environment {
    /// `https://partner-api-stage.p100.io`: test data, no real money.
    Staging,
    /// `https://partner-api.p100.io`: real money.
    Production,
}

impl Environment {
    /// The base URL of the environment.
    pub fn base_url(&self) -> &'static str {
        match self {
            Environment::Staging => STAGING_URL,
            Environment::Production => PRODUCTION_URL,
        }
    }

    /// The environment's name: `staging` or `production`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Environment::Staging => "staging",
            Environment::Production => "production",
        }
    }

    /// Parses `staging` / `production` (any case); the inverse of [`Environment::as_str`].
    /// Nothing else: the one setting that picks production takes no guess (`prod`, `live`), and
    /// `sandbox` or `test` would read as the local sandbox, which is a base URL.
    pub fn parse(s: &str) -> Option<Environment> {
        match s.trim().to_ascii_lowercase().as_str() {
            "staging" => Some(Environment::Staging),
            "production" => Some(Environment::Production),
            _ => None,
        }
    }
}

/// When and how often calls are retried (DESIGN principle 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// Delay before the first retry (default 0.5 s); doubles each time, with jitter.
    pub initial_delay: Duration,
    /// Upper bound of one delay (default 8 s).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The delay before retry number `attempt` (0-based): exponential, capped, with "equal
    /// jitter" (between half and all of the exponential value).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .initial_delay
            .saturating_mul(2u32.saturating_pow(attempt.min(20)))
            .min(self.max_delay);
        let half = base / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Most retries a client or a call may ask for.
pub const MAX_RETRIES: u32 = 10;

/// Longest duration a caller may give for a timeout, delay or polling interval: 2^31 − 1 ms
/// (about 24.8 days), the longest timer JavaScript can hold, so every language has one bound.
pub const MAX_DURATION: Duration = Duration::from_millis(2_147_483_647);

/// A caller-given number of seconds (Python's `timeout=1.5`…) as a `Duration`: finite, not
/// negative, not zero unless `allow_zero`, at most [`MAX_DURATION`]. The error names `field`.
/// Every binding converts its numbers with this (or [`duration_from_millis`]), so the bounds
/// are the same in every language.
pub fn duration_from_secs(field: &str, secs: f64, allow_zero: bool) -> Result<Duration> {
    let ok = secs.is_finite() && (secs > 0.0 || allow_zero && secs == 0.0);
    if !ok {
        let what = if allow_zero {
            "a number of seconds >= 0"
        } else {
            "a positive number of seconds"
        };
        return Err(Error::validation(field, format!("must be {what}")));
    }
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if d <= MAX_DURATION => Ok(d),
        _ => Err(Error::validation(
            field,
            "must be at most 2147483.647 seconds (about 24.8 days)",
        )),
    }
}

/// The same as [`duration_from_secs`] for a number of milliseconds (JS, Kotlin, Swift).
pub fn duration_from_millis(field: &str, millis: f64, allow_zero: bool) -> Result<Duration> {
    let ok = millis.is_finite() && (millis > 0.0 || allow_zero && millis == 0.0);
    if !ok {
        let what = if allow_zero {
            "a number of milliseconds >= 0"
        } else {
            "a positive number of milliseconds"
        };
        return Err(Error::validation(field, format!("must be {what}")));
    }
    duration_from_secs(field, millis / 1000.0, allow_zero).map_err(|_| {
        Error::validation(
            field,
            "must be at most 2147483647 milliseconds (about 24.8 days)",
        )
    })
}

/// A caller-given retry count: 0 to [`MAX_RETRIES`]. The error names `field`.
pub fn max_retries_from(field: &str, n: i64) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n <= MAX_RETRIES)
        .ok_or_else(|| Error::validation(field, format!("must be between 0 and {MAX_RETRIES}")))
}

/// Timeout of one attempt when none is set.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The connect timeout when none is set: 10 s, or 3/4 of the call's `timeout` when shorter.
fn default_connect(timeout: Duration) -> Duration {
    crate::transport::DEFAULT_CONNECT_TIMEOUT.min(timeout.mul_f64(0.75))
}

/// Longest `Retry-After` the client will honour by sleeping; a longer one ends the call at once
/// with its error's `retry_after`.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The settled configuration of a [`crate::client::Client`].
#[derive(Clone)]
pub struct Config {
    pub(crate) api_key: SecretString,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) max_response_bytes: usize,
    /// Extra headers of every call (set per call by `with_options`; checked).
    pub(crate) extra_headers: Vec<(String, String)>,
    /// Where the records of each attempt go (see [`crate::log`]).
    pub(crate) log: crate::log::LogSettings,
    /// The caller's stop (set per call by `with_options`).
    pub(crate) abort: Option<super::AbortSignal>,
}

impl Config {
    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// Timeout of one attempt.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// Retry policy.
    pub fn retry(&self) -> RetryPolicy {
        self.retry
    }
    /// The `User-Agent` sent.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
    /// Longest reply body read (default 16 MiB); a longer one is a decode error.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("api_key", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            // Names only: a caller's header may carry something private.
            .field(
                "extra_headers",
                &self
                    .extra_headers
                    .iter()
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>(),
            )
            .field("abort", &self.abort)
            .finish()
    }
}

/// Per-call overrides, applied with [`crate::client::Client::with_options`]. Unlike the
/// builder's, these values are not refused: a zero `timeout` is ignored (the client's stays)
/// and `max_retries` is capped at 10 (the bindings check their options before calling this,
/// naming a bad one).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Timeout of one attempt (zero: ignored). It does not shorten the client's connect timeout
    /// ([`ClientBuilder::connect_timeout`]): a per-call timeout shorter than that may end an
    /// attempt that never connected as a `Timeout` with outcome `unknown`, where the client's
    /// own connect timeout would have said `not_sent`. Set short timeouts on the client.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (capped at 10).
    pub max_retries: Option<u32>,
    /// Extra headers sent with every attempt (checked by
    /// [`crate::client::check_headers`]: never `x-api-key`, `authorization` or hop-by-hop).
    pub headers: Vec<(String, String)>,
    /// Stops the calls in flight when aborted (see [`crate::AbortSignal`]).
    pub abort: Option<super::AbortSignal>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("abort", &self.abort)
            .finish()
    }
}

/// Builds a [`crate::client::Client`].
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    base_url: Option<String>,
    environment: Option<Environment>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    connect_timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    log_level: Option<Option<crate::log::LogLevel>>,
    logger: Option<Arc<dyn crate::log::Logger>>,
    runtime: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key (sent as `x-api-key`).
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }
    /// A base URL (overrides the environment), e.g. a local sandbox `http://127.0.0.1:8080`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Staging (default) or production.
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = Some(env);
        self
    }
    /// Timeout of one attempt (default 60 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        let mut r = self.retry.unwrap_or_default();
        r.max_retries = n;
        self.retry = Some(r);
        self
    }
    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
    /// The level of the client's log records (`None`: off). Without this call, `P100_LOG`
    /// decides ([`crate::log::LogLevel::from_env`]). Records always go to `tracing` (target
    /// `p100`) when a subscriber wants them; this level gates the [`ClientBuilder::logger`].
    pub fn log_level(mut self, level: Option<crate::log::LogLevel>) -> Self {
        self.log_level = Some(level);
        self
    }

    /// Where log records go besides `tracing` (the language packages set the language's own
    /// logging here). It is called on the thread that carries the call: wrap a sink that may be
    /// slow (one that ships records over the network) in [`crate::log::Background`], so that
    /// it delays records, not calls.
    pub fn logger(mut self, logger: Arc<dyn crate::log::Logger>) -> Self {
        self.logger = Some(logger);
        self
    }

    /// The language and runtime of the package (`"python 3.11.2"`, `"node 20.20.2; linux x64"`)
    /// in the `User-Agent` (default: `rust` and the compiler's version); the operating system
    /// is added when the text has none.
    pub fn runtime(mut self, text: impl Into<String>) -> Self {
        self.runtime = Some(text.into());
        self
    }

    /// The app's own text, put before the SDK's in the `User-Agent` (`"shop/2.1"`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// How long to try to connect (default 10 s, or 3/4 of the timeout when that is shorter;
    /// native and Node). Failing to connect sends nothing, so even a money-moving call is
    /// retried after it.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// The connect timeout this builder's client will have: the one set, or the default: 10 s,
    /// or 3/4 of the timeout when that is shorter, so that connecting gives up before the call's
    /// deadline and a connection that never opened is reported as one (`not_sent`: nothing
    /// left), not as a call whose deadline passed (`unknown`). For a custom
    /// [`Transport`] that connects itself.
    pub fn connect_timeout_or_default(&self) -> Duration {
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        self.connect_timeout
            .unwrap_or_else(|| default_connect(timeout))
    }

    /// Longest reply body read (default 16 MiB); a longer one ends in a decode error instead
    /// of exhausting memory.
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = Some(n);
        self
    }
    /// A custom transport (tests, proxies, instrumentation).
    pub fn transport(mut self, t: Arc<dyn Transport>) -> Self {
        self.transport = Some(t);
        self
    }

    /// Checks the settings and builds the client. On `wasm32` a [`Transport`] must be given
    /// (the npm package passes one on Node's `fetch`): there is no default HTTP stack there.
    pub fn build(self) -> Result<super::Client> {
        let api_key = self.api_key.ok_or_else(|| {
            Error::config("an API key is required (set P100_API_KEY or call api_key())")
        })?;
        check_api_key(&api_key)?;
        let base_url = match (self.base_url, self.environment) {
            (Some(url), _) => url,
            (None, Some(env)) => env.base_url().to_string(),
            (None, None) => STAGING_URL.to_string(),
        };
        let base_url = check_base_url(&base_url)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::config("timeout must be greater than zero"));
        }
        let retry = self.retry.unwrap_or_default();
        if retry.max_retries > MAX_RETRIES {
            return Err(Error::config(format!(
                "max_retries must be at most {MAX_RETRIES}"
            )));
        }
        let mut user_agent = user_agent(self.runtime.as_deref());
        if let Some(extra) = self.user_agent {
            check_user_agent(&extra, "user_agent")?;
            user_agent = format!("{extra} {user_agent}");
        }
        let connect_timeout = self
            .connect_timeout
            .unwrap_or_else(|| default_connect(timeout));
        if connect_timeout.is_zero() {
            return Err(Error::config("connect timeout must be greater than zero"));
        }
        // The bound every binding's numbers are held to (`duration_from_secs`), here too: a
        // `Duration::MAX` delay slept for ever (outside review, stop 45).
        for (field, d) in [
            ("timeout", timeout),
            ("connect_timeout", connect_timeout),
            ("retry_initial_delay", retry.initial_delay),
            ("retry_max_delay", retry.max_delay),
        ] {
            if d > MAX_DURATION {
                return Err(Error::validation(
                    field,
                    "must be at most 2147483.647 seconds (about 24.8 days)",
                )
                .into_config());
            }
        }
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(crate::transport::DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(Error::config(
                "max_response_bytes must be greater than zero",
            ));
        }
        let transport: Arc<dyn Transport> = match self.transport {
            Some(t) => t,
            None => default_transport(connect_timeout, is_loopback_url(&base_url))?,
        };
        Ok(super::Client::from_parts(
            Config {
                api_key,
                base_url,
                timeout,
                retry,
                user_agent,
                max_response_bytes,
                extra_headers: Vec::new(),
                abort: None,
                log: crate::log::LogSettings {
                    level: self
                        .log_level
                        .unwrap_or_else(crate::log::LogLevel::from_env),
                    logger: self.logger,
                },
            },
            transport,
        ))
    }
}

/// An app's part of the `User-Agent` goes in a header: a line break or another control
/// character in it is a `Config` error naming `field`, at construction (it used to fail every
/// call as a retryable network error).
pub(crate) fn check_user_agent(ua: &str, field: &str) -> Result<()> {
    if ua.chars().all(|c| c == '\t' || !c.is_control()) {
        return Ok(());
    }
    Err(Error::validation(field, "must not hold line breaks or control characters").into_config())
}

/// The SDK's `User-Agent`: `p100-sdk/<version> (<language> <runtime version>; <os> <arch>)`,
/// e.g. `p100-sdk/0.1.0 (python 3.11.2; linux x86_64)`, the same form in every language.
/// `runtime` is the language and its version (default `rust` and the compiler's version); the
/// operating system and architecture are this build's unless `runtime` names them after a `;`.
pub fn user_agent(runtime: Option<&str>) -> String {
    let runtime = runtime
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("rust {}", env!("P100_RUSTC_VERSION")));
    let platform = if runtime.contains(';') {
        runtime
    } else {
        format!(
            "{runtime}; {} {}",
            std::env::consts::OS,
            std::env::consts::ARCH
        )
    };
    format!("p100-sdk/{} ({platform})", env!("CARGO_PKG_VERSION"))
}

pub(crate) fn check_api_key(key: &SecretString) -> Result<()> {
    let k = key.expose();
    if k.trim().is_empty() {
        return Err(Error::config("the API key is empty").with_field("apiKey"));
    }
    if k.chars()
        .any(|c| c.is_control() || c.is_whitespace() || !c.is_ascii())
    {
        // Never echo the key itself.
        return Err(Error::config(
            "the API key contains whitespace or characters that cannot be sent in a header",
        )
        .with_field("apiKey"));
    }
    Ok(())
}

/// Normalises a base URL: `https://` for any host; plain `http://` only for loopback hosts
/// (`localhost`, `127.0.0.0/8`, `[::1]`), so that the API key never travels unencrypted over a
/// network. User info, queries and fragments are refused. Errors show the URL's scheme, host
/// and port only, never the text given: it may hold a password, or be the API key passed in
/// the base URL's place.
pub(crate) fn check_base_url(url: &str) -> Result<String> {
    let text = url.trim().trim_end_matches('/');
    let refused = |msg: String| Error::config(msg).with_field("baseUrl");
    let parsed = url::Url::parse(text).map_err(|_| {
        refused("the base URL is not a valid URL (e.g. https://partner-api.p100.io)".into())
    })?;
    let shown = match (parsed.host_str(), parsed.port()) {
        (Some(host), Some(port)) => format!("{}://{host}:{port}", parsed.scheme()),
        (Some(host), None) => format!("{}://{host}", parsed.scheme()),
        (None, _) => format!("{}:", parsed.scheme()),
    };
    let bad = |why: &str| refused(format!("base URL {shown:?} {why}"));
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("must not contain user info"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("must not contain a query or fragment"));
    }
    if parsed.path().to_ascii_lowercase().ends_with("/v1") {
        // Every path of the API starts with `/v1/`: the call would go to `/v1/v1/…`.
        return Err(bad(
            "must not end in /v1: the SDK adds /v1/… to every path (e.g. https://partner-api.p100.io)",
        ));
    }
    let loopback = match parsed.host() {
        Some(host) => is_loopback(&host),
        None => return Err(bad("has no host")),
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(bad(
                "uses plain http; only https is allowed except on localhost",
            ))
        }
        _ => return Err(bad("must use https")),
    }
    Ok(text.to_string())
}

/// Whether a host is this machine: `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Whether a (checked) base URL names this machine.
fn is_loopback_url(base_url: &str) -> bool {
    url::Url::parse(base_url)
        .ok()
        .is_some_and(|u| u.host().is_some_and(|h| is_loopback(&h)))
}

/// The default transport. For a loopback base URL (the sandbox, a local proxy of the partner's
/// own) the environment's `HTTP(S)_PROXY` is **not** used: it would carry the API key, in
/// clear over plain http, to another machine.
#[cfg(not(target_arch = "wasm32"))]
fn default_transport(connect_timeout: Duration, loopback: bool) -> Result<Arc<dyn Transport>> {
    let proxies = if loopback {
        crate::transport::Proxies::None
    } else {
        crate::transport::Proxies::FromEnvironment
    };
    Ok(Arc::new(crate::transport::ReqwestTransport::with_options(
        connect_timeout,
        proxies,
    )?))
}

#[cfg(target_arch = "wasm32")]
fn default_transport(_connect_timeout: Duration, _loopback: bool) -> Result<Arc<dyn Transport>> {
    Err(Error::config(
        "on wasm32 the client needs a transport (ClientBuilder::transport)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(check_base_url("https://x.io/").unwrap(), "https://x.io");
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://[::1]:1").is_ok());
        assert!(check_base_url("http://example.com").is_err());
        assert!(check_base_url("ftp://example.com").is_err());
        assert!(check_base_url("example.com").is_err());
        assert!(check_base_url("https://").is_err());
        // The real host of these is not loopback.
        assert!(check_base_url("http://127.0.0.1@evil.com").is_err());
        assert!(check_base_url("http://127.attacker.net").is_err());
        assert!(check_base_url("https://user:pw@x.io").is_err());
        assert!(check_base_url("https://x.io/?a=1").is_err());
        assert!(check_base_url("http://127.0.0.2:9").is_ok());
        // `/v1` is part of every path: a base URL ending in it would call `/v1/v1/…`.
        for url in [
            "https://partner-api.p100.io/v1",
            "https://x.io/v1/",
            "http://127.0.0.1:9/V1",
        ] {
            let e = check_base_url(url).unwrap_err();
            assert!(e.to_string().contains("must not end in /v1"), "{url}: {e}");
        }
        // A path prefix (a gateway) stays.
        assert_eq!(
            check_base_url("https://gw.example.com/p100/").unwrap(),
            "https://gw.example.com/p100"
        );
    }

    #[test]
    fn a_refused_base_url_is_not_echoed() {
        // A password in user info, a token in the query, the API key in the URL's place (the
        // two text arguments of `Client::new` swapped): the message shows scheme and host only.
        for (url, secret) in [
            ("https://user:hunter2-pass@x.io", "hunter2-pass"),
            ("https://x.io/?token=tok_0123456789", "tok_0123456789"),
            ("sk_live_0123456789abcdef", "sk_live_0123456789abcdef"),
            (
                "http://example.com/sk_live_0123456789abcdef",
                "sk_live_0123456789abcdef",
            ),
        ] {
            let e = check_base_url(url).unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(secret), "{shown}");
            assert_eq!(e.field(), Some("baseUrl"));
        }
        let e = check_base_url("http://example.com:8080/v1").unwrap_err();
        assert!(e.message().contains("\"http://example.com:8080\""), "{e}");
        let swapped = crate::Client::new("https://partner-api.p100.io", "sk_live_0123456789abcdef");
        let e = swapped.unwrap_err();
        assert!(
            !format!("{e} {e:?}").contains("sk_live_0123456789abcdef"),
            "{e:?}"
        );
    }

    #[test]
    fn caller_numbers_become_bounded_durations() {
        assert_eq!(
            duration_from_secs("timeout", 1.5, false).unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(
            duration_from_millis("timeoutMs", 250.0, false).unwrap(),
            Duration::from_millis(250)
        );
        assert_eq!(
            duration_from_millis("intervalMs", 0.0, true).unwrap(),
            Duration::ZERO
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e300] {
            let e = duration_from_secs("timeout", bad, false).unwrap_err();
            assert_eq!(e.field(), Some("timeout"), "{bad}");
            assert!(
                duration_from_millis("timeoutMs", bad, false).is_err(),
                "{bad}"
            );
        }
        assert!(duration_from_millis("timeoutMs", 2_147_483_647.0, false).is_ok());
        assert!(duration_from_millis("timeoutMs", 2_147_483_648.0, false).is_err());
        assert_eq!(max_retries_from("maxRetries", 10).unwrap(), 10);
        for bad in [-1, 11, i64::MAX] {
            assert_eq!(
                max_retries_from("maxRetries", bad).unwrap_err().field(),
                Some("maxRetries")
            );
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 0..10 {
            let d = p.backoff(attempt);
            let full = (p.initial_delay * 2u32.pow(attempt)).min(p.max_delay);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn builder_holds_durations_to_max_duration() {
        let builder = || ClientBuilder::default().api_key("test-key-123");
        let long = MAX_DURATION + Duration::from_millis(1);
        let retry = |initial_delay, max_delay| RetryPolicy {
            max_retries: 1,
            initial_delay,
            max_delay,
        };
        for (b, field) in [
            (builder().timeout(Duration::MAX), "timeout"),
            (builder().connect_timeout(long), "connect_timeout"),
            (
                builder().retry_policy(retry(Duration::MAX, Duration::MAX)),
                "retry_initial_delay",
            ),
            (
                builder().retry_policy(retry(Duration::from_millis(1), long)),
                "retry_max_delay",
            ),
        ] {
            let e = b.build().unwrap_err();
            assert_eq!(
                (e.kind(), e.field()),
                (crate::ErrorKind::Config, Some(field)),
                "{e}"
            );
        }
        assert!(builder().timeout(MAX_DURATION).build().is_ok());
    }

    #[test]
    fn builder_rejects_bad_keys_without_echoing_them() {
        let e = ClientBuilder::default()
            .api_key("sk live 123")
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        assert!(!e.to_string().contains("sk live"));
        assert!(ClientBuilder::default().build().is_err());
        assert!(ClientBuilder::default().api_key("").build().is_err());
    }
}
