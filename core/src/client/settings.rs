//! Client, per-call and wait settings **as a host gives them** (unchecked numbers), with one set
//! of names and bounds for every language (DESIGN principle 1). A binding fills these structs
//! from its host values and calls [`Settings::apply`] / [`WaitSettings::options`]; the names in
//! errors are spelled as the host spells them ([`Unit`]).
//!
//! | setting | JS, Kotlin, Swift (ms) | Python (s) | bounds |
//! |---|---|---|---|
//! | timeout of one attempt | `timeoutMs` | `timeout` | > 0, ≤ 2^31 − 1 ms |
//! | connect timeout | `connectTimeoutMs` | `connect_timeout` | > 0 |
//! | retries after the first attempt | `maxRetries` | `max_retries` | 0 – 10 |
//! | delay before the first retry | `retryInitialDelayMs` | `retry_initial_delay` | ≥ 0 |
//! | longest delay between retries | `retryMaxDelayMs` | `retry_max_delay` | ≥ 0 |
//! | longest reply body read | `maxResponseBytes` | `max_response_bytes` | 1 – 2^30 (default 16 MiB) |
//! | wait: overall timeout | `timeoutMs` | `timeout` | > 0 |
//! | wait: first pause between polls | `intervalMs` | `interval` | > 0 |
//! | wait: longest pause between polls | `maxIntervalMs` | `max_interval` | > 0 |

use std::time::Duration;

use super::config::{duration_from_millis, duration_from_secs, max_retries_from};
use super::{ClientBuilder, Environment, RequestOptions, RetryPolicy, WaitOptions};
use crate::{Error, Result, SecretString};

/// The environment variables a client falls back to, in this order of precedence after the
/// explicit settings: the key, then a base URL, then an environment name.
pub const ENV_VARS: [&str; 3] = ["P100_API_KEY", "P100_BASE_URL", "P100_ENVIRONMENT"];

/// How a host gives durations, and so how it spells the settings' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds, camelCase names with `Ms` (`retryInitialDelayMs`): JS, Kotlin, Swift.
    Millis,
    /// Seconds, snake_case names (`retry_initial_delay`): Python.
    Seconds,
}

impl Unit {
    /// The host's name of a setting given in snake_case (`retry_initial_delay`).
    pub fn name(self, snake: &str, duration: bool) -> String {
        match self {
            Unit::Seconds => snake.to_string(),
            Unit::Millis if duration => crate::routes::camel_case(snake) + "Ms",
            Unit::Millis => crate::routes::camel_case(snake),
        }
    }

    /// A duration given by a host (in its unit) under the setting `snake`: a `Validation`
    /// error naming it in the host's spelling when negative, not finite, out of range, or
    /// zero where `allow_zero` is false.
    pub fn duration(
        self,
        snake: &str,
        value: Option<f64>,
        allow_zero: bool,
    ) -> Result<Option<Duration>> {
        let Some(v) = value else { return Ok(None) };
        let field = self.name(snake, true);
        match self {
            Unit::Millis => duration_from_millis(&field, v, allow_zero),
            Unit::Seconds => duration_from_secs(&field, v, allow_zero),
        }
        .map(Some)
    }

    fn retries(self, value: Option<i64>) -> Result<Option<u32>> {
        value
            .map(|n| max_retries_from(&self.name("max_retries", false), n))
            .transpose()
    }
}

/// Client settings as a host gives them; `None` keeps the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// The API key (sent as `x-api-key`; never shown by `Debug`).
    pub api_key: Option<SecretString>,
    /// A base URL (overrides `environment`), e.g. a local sandbox `http://127.0.0.1:8080`.
    pub base_url: Option<String>,
    /// `staging` (default) or `production`, in any case (see [`Environment::parse`]).
    pub environment: Option<String>,
    /// The app's own text, put before the package's token in the `User-Agent`.
    pub user_agent: Option<String>,
    /// Timeout of one attempt (default 60 s).
    pub timeout: Option<f64>,
    /// Longest wait for the connection to open (default 10 s).
    pub connect_timeout: Option<f64>,
    /// Retries after the first attempt (default 2, at most 10).
    pub max_retries: Option<i64>,
    /// Delay before the first retry (default 0.5 s; doubles each time, with jitter).
    pub retry_initial_delay: Option<f64>,
    /// Longest delay between two retries (default 8 s).
    pub retry_max_delay: Option<f64>,
    /// Longest reply body read, in bytes (default 16 MiB, at most 1 GiB): a month of history
    /// longer than the default needs more, for `transactions` and `reconcile`.
    pub max_response_bytes: Option<i64>,
    /// Extra headers of each call (per call only, see [`Settings::request_options`]).
    pub headers: Vec<(String, String)>,
}

impl Settings {
    /// The builder of a client: the explicit settings first, then the environment variables
    /// of [`ENV_VARS`] read through `env` (a key, then `P100_BASE_URL` over
    /// `P100_ENVIRONMENT`, only when neither a base URL nor an environment is given), then the
    /// defaults. `sdk` is the package's language and runtime for the `User-Agent`
    /// (`"python 3.11.2"`, see [`super::config::user_agent`]). Every
    /// binding builds its client here, so the precedence, the names in errors and the bounds
    /// are the same in every language.
    pub fn builder(
        &self,
        unit: Unit,
        sdk: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientBuilder> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let mut b = ClientBuilder::default();
        // A bad setting is named where it came from: the host's spelling of the option, or the
        // environment variable (the same rule as for `environment` below).
        let named = |from: &str, snake: &str| {
            let field = if from.is_empty() {
                unit.name(snake, false)
            } else {
                from.to_string()
            };
            move |e: Error| e.with_field(field)
        };
        let key = match &self.api_key {
            Some(key) => Some((key.clone(), "")),
            None => var(ENV_VARS[0]).map(|k| (k.into(), ENV_VARS[0])),
        };
        let Some((key, from)) = key else {
            let field = unit.name("api_key", false);
            return Err(Error::validation(field, "the API key is required").into_config());
        };
        super::config::check_api_key(&key).map_err(named(from, "api_key"))?;
        b = b.api_key(key);
        let (base_url, environment) = match (&self.base_url, &self.environment) {
            (None, None) => match var(ENV_VARS[1]) {
                Some(url) => (Some((url, ENV_VARS[1])), None),
                None => (None, var(ENV_VARS[2]).map(|e| (e, ENV_VARS[2]))),
            },
            (url, env) => (url.clone().map(|u| (u, "")), env.clone().map(|e| (e, ""))),
        };
        // The environment is checked even where a base URL overrides it: a misspelled one
        // (`"prod"`) is an error, never silently ignored (outside review, stop 44).
        let environment = match environment {
            Some((name, from)) => Some(Environment::parse(&name).ok_or_else(|| {
                let field = if from.is_empty() {
                    unit.name("environment", false)
                } else {
                    from.to_string()
                };
                Error::validation(
                    field,
                    "must be \"staging\" or \"production\" (a local sandbox is a base URL)",
                )
                .into_config()
            })?),
            None => None,
        };
        if let Some((url, from)) = base_url {
            super::config::check_base_url(&url).map_err(named(from, "base_url"))?;
            b = b.base_url(url);
        } else if let Some(env) = environment {
            b = b.environment(env);
        }
        if let Some(ua) = self.user_agent.as_deref().map(str::trim) {
            if !ua.is_empty() {
                super::config::check_user_agent(ua, &unit.name("user_agent", false))?;
                b = b.user_agent(ua);
            }
        }
        if !sdk.trim().is_empty() {
            b = b.runtime(sdk);
        }
        self.apply(unit, b)
    }

    /// Checks every setting (a bad one is a `Config` error naming it, in the host's spelling)
    /// and applies them to `builder`.
    pub fn apply(&self, unit: Unit, mut builder: ClientBuilder) -> Result<ClientBuilder> {
        let config = |e: crate::Error| e.into_config();
        if let Some(t) = unit
            .duration("timeout", self.timeout, false)
            .map_err(config)?
        {
            builder = builder.timeout(t);
        }
        if let Some(t) = unit
            .duration("connect_timeout", self.connect_timeout, false)
            .map_err(config)?
        {
            builder = builder.connect_timeout(t);
        }
        let mut retry = RetryPolicy::default();
        if let Some(n) = unit.retries(self.max_retries).map_err(config)? {
            retry.max_retries = n;
        }
        if let Some(d) = unit
            .duration("retry_initial_delay", self.retry_initial_delay, true)
            .map_err(config)?
        {
            retry.initial_delay = d;
        }
        if let Some(d) = unit
            .duration("retry_max_delay", self.retry_max_delay, true)
            .map_err(config)?
        {
            retry.max_delay = d;
        }
        if let Some(n) = self.max_response_bytes {
            builder = builder.max_response_bytes(max_response_bytes_from(
                &unit.name("max_response_bytes", false),
                n,
            )?);
        }
        let retry_given = self.max_retries.is_some()
            || self.retry_initial_delay.is_some()
            || self.retry_max_delay.is_some();
        Ok(if retry_given {
            builder.retry_policy(retry)
        } else {
            builder
        })
    }

    /// Per-call overrides (`timeout`, `max_retries`, extra `headers`; the other settings are
    /// per client). A header the SDK owns (`x-api-key`, `authorization`, `user-agent`, …) or a
    /// malformed one is a `Validation` error naming `headers.<name>`, never echoing the value.
    pub fn request_options(&self, unit: Unit) -> Result<RequestOptions> {
        let headers = self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        Ok(RequestOptions {
            timeout: unit.duration("timeout", self.timeout, false)?,
            max_retries: unit.retries(self.max_retries)?,
            headers: super::response::check_headers(headers)?,
            abort: None,
        })
    }
}

/// Most bytes a reply may be read to ([`Settings::max_response_bytes`]): 1 GiB.
pub const MAX_RESPONSE_BYTES_LIMIT: i64 = 1 << 30;

/// A host's `max_response_bytes`: a `Config` error naming `field` outside 1 – 1 GiB.
fn max_response_bytes_from(field: &str, n: i64) -> Result<usize> {
    if !(1..=MAX_RESPONSE_BYTES_LIMIT).contains(&n) {
        return Err(Error::validation(
            field,
            format!("must be between 1 and {MAX_RESPONSE_BYTES_LIMIT} bytes (1 GiB)"),
        )
        .into_config());
    }
    usize::try_from(n).map_err(|_| {
        Error::validation(field, "is larger than this platform can hold").into_config()
    })
}

/// The options of a `wait_for` call as a host gives them; `None` keeps the default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WaitSettings {
    /// Give up after this long (default 5 minutes).
    pub timeout: Option<f64>,
    /// First pause between two polls (default 1 s).
    pub interval: Option<f64>,
    /// Longest pause between two polls (default 15 s; raised to `interval` if lower).
    pub max_interval: Option<f64>,
}

impl WaitSettings {
    /// [`WaitSettings::options`] for a `wait_for` on `id`: a refusal has the outcome
    /// [`Error::refused_wait`] gives it (`accepted` unless the id is empty).
    pub fn options_for(&self, unit: Unit, id: &str) -> Result<WaitOptions> {
        self.options(unit).map_err(|e| e.refused_wait(id))
    }

    /// Checks the settings (errors name them in the host's spelling) into [`WaitOptions`].
    pub fn options(&self, unit: Unit) -> Result<WaitOptions> {
        let mut w = WaitOptions::default();
        if let Some(t) = unit.duration("timeout", self.timeout, false)? {
            w.timeout = t;
        }
        if let Some(i) = unit.duration("interval", self.interval, false)? {
            w.interval = i;
            w.max_interval = w.max_interval.max(i);
        }
        if let Some(m) = unit.duration("max_interval", self.max_interval, false)? {
            w.max_interval = m.max(w.interval);
        }
        Ok(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_env_vars_reads_p100_log_through_its_getter() {
        let get = |log: &'static str| {
            move |k: &str| match k {
                "P100_API_KEY" => Some("test-key-123".to_string()),
                "P100_LOG" => Some(log.to_string()),
                _ => None,
            }
        };
        let c = crate::Client::from_env_vars(get("debug")).unwrap();
        assert_eq!(c.config().log.level, Some(crate::log::LogLevel::Debug));
        let c = crate::Client::from_env_vars(get("")).unwrap();
        assert_eq!(c.config().log.level, None);
    }

    #[test]
    fn a_misspelled_environment_is_refused_even_next_to_a_base_url() {
        // Outside review (stop 44): `environment="prod"` was ignored when a base URL was given.
        let settings = Settings {
            api_key: Some("test-key-123".into()),
            base_url: Some("http://127.0.0.1:9".into()),
            environment: Some("prod".into()),
            ..Settings::default()
        };
        let e = settings.builder(Unit::Seconds, "", |_| None).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        assert_eq!(e.field(), Some("environment"));
        // A right one next to a base URL: the base URL is used, as documented.
        let settings = Settings {
            environment: Some("staging".into()),
            ..settings
        };
        let c = settings
            .builder(Unit::Seconds, "", |_| None)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(c.config().base_url(), "http://127.0.0.1:9");
    }

    /// Outside review (stop 50): a month of history over 16 MiB could not be read, so neither
    /// could `reconcile` for it, and only Rust could raise the limit.
    #[test]
    fn the_reply_limit_is_a_setting_of_every_host_with_its_bounds() {
        let with = |n: i64| Settings {
            api_key: Some("test-key-123".into()),
            base_url: Some("http://127.0.0.1:9".into()),
            max_response_bytes: Some(n),
            ..Settings::default()
        };
        let c = with(64 << 20)
            .builder(Unit::Millis, "", |_| None)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(c.config().max_response_bytes(), 64 << 20);
        for (bad, unit, name) in [
            (0, Unit::Millis, "maxResponseBytes"),
            (-1, Unit::Seconds, "max_response_bytes"),
            ((1 << 30) + 1, Unit::Millis, "maxResponseBytes"),
        ] {
            let e = with(bad).builder(unit, "", |_| None).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config, "{e}");
            assert_eq!(e.field(), Some(name), "{e}");
        }
    }

    #[test]
    fn a_refused_wait_option_is_accepted_unless_the_id_is_empty() {
        let bad = WaitSettings {
            timeout: Some(0.0),
            ..WaitSettings::default()
        };
        let e = bad.options_for(Unit::Millis, "tr_1").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Validation);
        assert_eq!(e.field(), Some("timeoutMs"));
        assert_eq!(e.outcome(), crate::Outcome::Accepted);
        let e = bad.options_for(Unit::Seconds, " ").unwrap_err();
        assert_eq!(e.outcome(), crate::Outcome::NotSent);
        assert!(WaitSettings::default()
            .options_for(Unit::Millis, "tr_1")
            .is_ok());
    }

    #[test]
    fn names_follow_the_host() {
        assert_eq!(
            Unit::Millis.name("retry_initial_delay", true),
            "retryInitialDelayMs"
        );
        assert_eq!(Unit::Millis.name("max_retries", false), "maxRetries");
        assert_eq!(Unit::Seconds.name("max_interval", true), "max_interval");
        let e = WaitSettings {
            interval: Some(-1.0),
            ..Default::default()
        }
        .options(Unit::Millis)
        .unwrap_err();
        assert_eq!(e.field(), Some("intervalMs"));
        let e = Settings {
            max_retries: Some(11),
            ..Default::default()
        }
        .apply(Unit::Seconds, ClientBuilder::default())
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        assert!(e.to_string().contains("max_retries"), "{e}");
    }

    #[test]
    fn a_bad_key_or_base_url_is_named_where_it_came_from() {
        // The host's spelling of the option (`api_key=` in Python, `apiKey` in JS), or the
        // environment variable: never a third spelling.
        for (unit, key, url) in [
            (Unit::Seconds, "api_key", "base_url"),
            (Unit::Millis, "apiKey", "baseUrl"),
        ] {
            let e = Settings {
                api_key: Some("".into()),
                ..Default::default()
            }
            .builder(unit, "", |_| None)
            .unwrap_err();
            assert_eq!((e.kind(), e.field()), (crate::ErrorKind::Config, Some(key)));
            let e = Settings {
                api_key: Some("k".into()),
                base_url: Some("http://example.com".into()),
                ..Default::default()
            }
            .builder(unit, "", |_| None)
            .unwrap_err();
            assert_eq!((e.kind(), e.field()), (crate::ErrorKind::Config, Some(url)));
        }
        let env = |name: &str| match name {
            "P100_API_KEY" => Some("has a space".to_string()),
            "P100_BASE_URL" => Some("http://example.com".to_string()),
            _ => None,
        };
        let e = Settings::default()
            .builder(Unit::Seconds, "", env)
            .unwrap_err();
        assert_eq!(e.field(), Some("P100_API_KEY"));
        assert!(!e.to_string().contains("has a space"), "{e}");
        let e = Settings {
            api_key: Some("k".into()),
            ..Default::default()
        }
        .builder(Unit::Seconds, "", env)
        .unwrap_err();
        assert_eq!(e.field(), Some("P100_BASE_URL"));
    }

    #[test]
    fn explicit_settings_win_over_the_environment() {
        let env = |name: &str| match name {
            "P100_API_KEY" => Some("env-key".to_string()),
            "P100_BASE_URL" => Some("http://127.0.0.1:9".to_string()),
            "P100_ENVIRONMENT" => Some("nowhere".to_string()),
            _ => None,
        };
        // Nothing explicit: the key and P100_BASE_URL (P100_ENVIRONMENT is not read then).
        let c = Settings::default()
            .builder(Unit::Millis, "test 1.0", env)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(c.config().base_url(), "http://127.0.0.1:9");
        let ua = c.config().user_agent();
        assert!(
            ua.starts_with("p100-sdk/0.") && ua.contains(" (test 1.0; "),
            "{ua}"
        );
        // An explicit environment wins over both variables.
        let s = Settings {
            environment: Some("production".into()),
            user_agent: Some("shop/2".into()),
            ..Default::default()
        };
        let c = s
            .builder(Unit::Millis, "test 1.0; os", env)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(c.config().base_url(), Environment::Production.base_url());
        let ua = c.config().user_agent();
        assert!(
            ua.starts_with("shop/2 p100-sdk/") && ua.ends_with(" (test 1.0; os)"),
            "{ua}"
        );
        // A bad environment name is a Config error naming where it came from.
        let e = Settings {
            api_key: Some("k".into()),
            environment: Some("moon".into()),
            ..Default::default()
        }
        .builder(Unit::Seconds, "", |_| None)
        .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::Config, Some("environment"))
        );
        let only_env = |name: &str| match name {
            "P100_API_KEY" => Some("k".to_string()),
            "P100_ENVIRONMENT" => Some("moon".to_string()),
            _ => None,
        };
        let e = Settings::default()
            .builder(Unit::Millis, "", only_env)
            .unwrap_err();
        assert_eq!(e.field(), Some("P100_ENVIRONMENT"));
        // No key anywhere: a Config error naming the setting.
        let e = Settings::default()
            .builder(Unit::Millis, "", |_| None)
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::Config, Some("apiKey"))
        );
        // A user agent that cannot go in a header: a Config error naming it, at construction,
        // never its text (it used to fail every call as a retryable network error).
        for (unit, name) in [(Unit::Millis, "userAgent"), (Unit::Seconds, "user_agent")] {
            let e = Settings {
                api_key: Some("k".into()),
                user_agent: Some("shop/1\r\nX-Injected: 1".into()),
                ..Default::default()
            }
            .builder(unit, "", |_| None)
            .unwrap_err();
            assert_eq!(
                (e.kind(), e.field()),
                (crate::ErrorKind::Config, Some(name))
            );
            assert!(!e.to_string().contains("Injected"), "{e}");
        }
        // What is sent is trimmed first (a line read from a file keeps working), and text that
        // is not ASCII is no control character.
        for ua in ["shop/1\n", "Café-App/1"] {
            let s = Settings {
                api_key: Some("k".into()),
                user_agent: Some(ua.into()),
                ..Default::default()
            };
            let c = s
                .builder(Unit::Millis, "", |_| None)
                .unwrap()
                .build()
                .unwrap();
            assert!(c.config().user_agent().starts_with(ua.trim()), "{ua:?}");
        }
        let e = ClientBuilder::default()
            .api_key("k")
            .user_agent("shop\u{7}")
            .build()
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::Config, Some("user_agent"))
        );
    }

    #[test]
    fn client_settings_are_applied() {
        let builder = ClientBuilder::default()
            .api_key("k")
            .base_url("http://127.0.0.1:1");
        let client = Settings {
            timeout: Some(1.5),
            max_retries: Some(4),
            retry_initial_delay: Some(0.0),
            ..Default::default()
        }
        .apply(Unit::Seconds, builder)
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.config().timeout(), Duration::from_millis(1500));
        let retry = client.config().retry();
        assert_eq!(
            (retry.max_retries, retry.initial_delay),
            (4, Duration::ZERO)
        );
        assert_eq!(retry.max_delay, RetryPolicy::default().max_delay);
        // Nothing given: the defaults stay.
        let builder = ClientBuilder::default()
            .api_key("k")
            .base_url("http://127.0.0.1:1");
        let client = Settings::default()
            .apply(Unit::Millis, builder)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.config().retry(), RetryPolicy::default());
    }

    #[test]
    fn wait_settings_are_applied_and_kept_consistent() {
        let w = WaitSettings {
            timeout: Some(2.0),
            interval: Some(30.0),
            max_interval: None,
        }
        .options(Unit::Seconds)
        .unwrap();
        assert_eq!(w.timeout, Duration::from_secs(2));
        assert_eq!(w.interval, Duration::from_secs(30));
        assert_eq!(w.max_interval, Duration::from_secs(30));
        let w = WaitSettings {
            timeout: None,
            interval: Some(50.0),
            max_interval: Some(200.0),
        }
        .options(Unit::Millis)
        .unwrap();
        assert_eq!(
            (w.interval, w.max_interval),
            (Duration::from_millis(50), Duration::from_millis(200))
        );
    }
}
