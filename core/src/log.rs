//! Logs of the client, redacted by construction: one [`LogRecord`] per attempt of a call, built
//! only from facts that can never hold a secret — the operation, the method, the path without
//! its query, the attempt, the HTTP status, the elapsed time, the retry delay and reason, the
//! request id, the outcome and the error kind. No record has a field for the API key, the
//! webhook token, a header, a request or reply body, a card number or a document number, so
//! none can leak there whatever a caller sends.
//!
//! Every record goes to `tracing` (target `p100`) for Rust users, and to the client's
//! [`Logger`] when its level is enabled: the language packages install one that hands the
//! record to the language's own logging (Python `logging.getLogger("p100")`, a Node `logger`,
//! a Kotlin/Swift `P100Logger`). The level comes from the client's settings or, by default,
//! from `P100_LOG=error|warn|info|debug` ([`LogLevel::from_env`]); unset means no records.

use std::fmt;
#[cfg(not(target_arch = "wasm32"))]
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use crate::ErrorKind;

/// How much to log: each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LogLevel {
    /// Calls that failed for good.
    Error,
    /// Also failed attempts that will be retried.
    Warn,
    /// Also every successful call.
    Info,
    /// Also each attempt as it starts.
    Debug,
}

impl LogLevel {
    /// The level named `error`, `warn` (`warning`), `info` or `debug` (any case); `None`
    /// for anything else, including `off` and the empty string.
    pub fn parse(name: &str) -> Option<LogLevel> {
        match name.trim().to_ascii_lowercase().as_str() {
            "error" => Some(LogLevel::Error),
            "warn" | "warning" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" | "trace" => Some(LogLevel::Debug),
            _ => None,
        }
    }

    /// The level of `P100_LOG` in this process's environment (`None`: logging off). Read once
    /// per client, when it is built.
    pub fn from_env() -> Option<LogLevel> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            std::env::var("P100_LOG")
                .ok()
                .and_then(|v| LogLevel::parse(&v))
        }
        #[cfg(target_arch = "wasm32")]
        {
            None
        }
    }

    /// What to say when `P100_LOG` holds `value` and it is no level (`verbose`), so that a
    /// typo is not silence: each binding says it its own way (the CLI on stderr, Python's
    /// `warnings`, Node's `process.emitWarning`). `None` for a level, `off`, an empty or blank
    /// value, and an unset variable. The value itself is not repeated.
    pub fn env_warning(value: Option<&str>) -> Option<&'static str> {
        let v = value?.trim();
        (!v.is_empty() && !v.eq_ignore_ascii_case("off") && LogLevel::parse(v).is_none()).then_some(
            "P100_LOG is none of error, warn, info, debug, off: ignored, as if it were unset",
        )
    }

    /// `error`, `warn`, `info` or `debug`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// What became of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// About to be sent (level debug).
    Sending,
    /// A 2xx reply (level info).
    Succeeded,
    /// Failed; another attempt follows after `retry_delay` (level warn).
    Retrying,
    /// Failed; the call fails with this error (level error).
    Failed,
}

impl AttemptOutcome {
    /// The level a record of this outcome is logged at.
    pub fn level(self) -> LogLevel {
        match self {
            AttemptOutcome::Sending => LogLevel::Debug,
            AttemptOutcome::Succeeded => LogLevel::Info,
            AttemptOutcome::Retrying => LogLevel::Warn,
            AttemptOutcome::Failed => LogLevel::Error,
        }
    }

    /// `sending`, `succeeded`, `retrying` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Sending => "sending",
            AttemptOutcome::Succeeded => "succeeded",
            AttemptOutcome::Retrying => "retrying",
            AttemptOutcome::Failed => "failed",
        }
    }
}

/// One attempt of one call. Holds no secret by construction (see the module's documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// The operation (`"sepa.partner_transfer"`), or `"request"` for the escape hatch.
    pub operation: &'static str,
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path, without the query string, secrets masked (a card number typed into an id keeps
    /// its last 4 digits).
    pub path: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// What became of it.
    pub outcome: AttemptOutcome,
    /// The HTTP status, when a reply came.
    pub status: Option<u16>,
    /// Since the call started.
    pub elapsed: Duration,
    /// The request id of the reply (`x-request-id`), when there is one.
    pub request_id: Option<String>,
    /// The error's kind, for a failed attempt.
    pub error_kind: Option<ErrorKind>,
    /// The delay before the next attempt (`Retrying`).
    pub retry_delay: Option<Duration>,
}

impl LogRecord {
    /// The level this record is logged at.
    pub fn level(&self) -> LogLevel {
        self.outcome.level()
    }

    /// One line, `key=value` pairs after a short sentence:
    /// `p100 sepa.partner_transfer POST /v1/... attempt=1 outcome=retrying status=503 elapsed_ms=12 kind=unavailable retry_in_ms=500 request_id=...`.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// The value of one fact of a [`LogRecord`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact<'a> {
    /// A name, a path, an id.
    Text(&'a str),
    /// A count, a status, milliseconds.
    Number(u64),
}

impl fmt::Display for Fact<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Text(t) => f.write_str(t),
            Fact::Number(n) => write!(f, "{n}"),
        }
    }
}

impl LogRecord {
    /// Every fact of the record, by its snake_case name, in one order: `operation`, `method`,
    /// `path`, `attempt`, `outcome`, `status`, `elapsed_ms`, `kind`, `retry_in_ms`,
    /// `request_id`; `None` where a fact does not apply (no reply, no error, no retry). The one
    /// list the message and every language's facts are made from (JS `fields` in camelCase,
    /// Python `p100_<name>` attributes of the `logging.LogRecord`).
    pub fn facts(&self) -> [(&'static str, Option<Fact<'_>>); 10] {
        let ms = |d: Duration| Fact::Number(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        [
            ("operation", Some(Fact::Text(self.operation))),
            ("method", Some(Fact::Text(self.method))),
            ("path", Some(Fact::Text(&self.path))),
            ("attempt", Some(Fact::Number(self.attempt.into()))),
            ("outcome", Some(Fact::Text(self.outcome.as_str()))),
            ("status", self.status.map(|s| Fact::Number(s.into()))),
            ("elapsed_ms", Some(ms(self.elapsed))),
            ("kind", self.error_kind.map(|k| Fact::Text(k.as_str()))),
            ("retry_in_ms", self.retry_delay.map(ms)),
            ("request_id", self.request_id.as_deref().map(Fact::Text)),
        ]
    }
}

/// `p100 <operation> <method> <path>`, then the other facts present as `name=value`.
impl fmt::Display for LogRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let facts = self.facts();
        let (head, rest) = facts.split_at(3);
        f.write_str("p100")?;
        for (_, value) in head.iter() {
            if let Some(v) = value {
                write!(f, " {v}")?;
            }
        }
        for (name, value) in rest {
            if let Some(v) = value {
                write!(f, " {name}={v}")?;
            }
        }
        Ok(())
    }
}

/// Where a client's records go besides `tracing`: the language packages implement it to reach
/// the language's own logging. Called on the thread that ran the attempt, so keep it quick, or
/// wrap it in a [`Background`] to have it called on a logging thread of its own.
pub trait Logger: Send + Sync {
    /// Logs one record (only records at or above the client's level arrive here).
    fn log(&self, record: &LogRecord);
}

/// A client's logging: the level (`None`: off) and the sink.
#[derive(Clone, Default)]
pub struct LogSettings {
    /// Records at this level and more severe are handed to `logger`.
    pub level: Option<LogLevel>,
    /// The sink (`None`: `tracing` only).
    pub logger: Option<Arc<dyn Logger>>,
}

impl fmt::Debug for LogSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogSettings")
            .field("level", &self.level)
            .field("logger", &self.logger.as_ref().map(|_| "Logger"))
            .finish()
    }
}

impl LogSettings {
    /// True when a record of `outcome` reaches any sink (the `tracing` subscriber or the
    /// logger), so nothing is built when nobody listens.
    pub(crate) fn wants(&self, outcome: AttemptOutcome) -> bool {
        self.level.is_some_and(|l| outcome.level() <= l) || tracing_wants(outcome.level())
    }

    /// Hands `record` to `tracing` and, when its level is enabled, to the logger.
    pub(crate) fn emit(&self, record: &LogRecord) {
        emit_tracing(record);
        if let (Some(level), Some(logger)) = (self.level, &self.logger) {
            if record.level() <= level {
                // A logger that fails (a Kotlin/Swift `P100Logger` that throws surfaces here as
                // a panic of uniffi's callback) must never fail the call it describes: after a
                // 2xx transfer, the caller must still learn that it happened.
                let logged =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| logger.log(record)));
                drop(logged);
            }
        }
    }
}

fn tracing_wants(level: LogLevel) -> bool {
    match level {
        LogLevel::Error => tracing::enabled!(target: "p100", tracing::Level::ERROR),
        LogLevel::Warn => tracing::enabled!(target: "p100", tracing::Level::WARN),
        LogLevel::Info => tracing::enabled!(target: "p100", tracing::Level::INFO),
        LogLevel::Debug => tracing::enabled!(target: "p100", tracing::Level::DEBUG),
    }
}

fn emit_tracing(r: &LogRecord) {
    macro_rules! event {
        ($level:expr) => {
            tracing::event!(
                target: "p100",
                $level,
                operation = r.operation,
                method = r.method,
                path = %r.path,
                attempt = r.attempt,
                outcome = r.outcome.as_str(),
                status = r.status,
                elapsed_ms = r.elapsed.as_millis() as u64,
                kind = r.error_kind.map(|k| k.as_str()),
                retry_in_ms = r.retry_delay.map(|d| d.as_millis() as u64),
                request_id = r.request_id.as_deref(),
                "{}",
                r
            )
        };
    }
    match r.level() {
        LogLevel::Error => event!(tracing::Level::ERROR),
        LogLevel::Warn => event!(tracing::Level::WARN),
        LogLevel::Info => event!(tracing::Level::INFO),
        LogLevel::Debug => event!(tracing::Level::DEBUG),
    }
}

/// The path of `path_and_query` without its query string (a query may carry a user's data),
/// secrets masked: an id segment that is a card number (`/v1/user/4111…/balances`, from a
/// number typed into the wrong field) keeps its last 4 digits, as in the error's message.
pub(crate) fn path_only(path_and_query: &str) -> String {
    let path = path_and_query
        .split_once('?')
        .map_or(path_and_query, |(p, _)| p);
    crate::mask::mask_secrets(path)
}

/// Writes each record's one-line message to standard error: the default sink of the Kotlin
/// and Swift packages when `P100_LOG` is set and the app gave no logger.
#[derive(Debug, Default, Clone, Copy)]
pub struct StderrLogger;

impl Logger for StderrLogger {
    fn log(&self, record: &LogRecord) {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = writeln!(
            std::io::stderr(),
            "{} {}",
            record.level().as_str().to_ascii_uppercase(),
            record
        );
        #[cfg(target_arch = "wasm32")]
        let _ = record;
    }
}

/// Records into a list, for tests and for hosts that collect records themselves.
#[derive(Default)]
pub struct MemoryLogger(std::sync::Mutex<Vec<LogRecord>>);

impl std::fmt::Debug for MemoryLogger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.0.lock().unwrap_or_else(|e| e.into_inner()).len();
        f.debug_struct("MemoryLogger")
            .field("records", &count)
            .finish()
    }
}

impl MemoryLogger {
    /// The records so far, oldest first.
    pub fn records(&self) -> Vec<LogRecord> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Logger for MemoryLogger {
    fn log(&self, record: &LogRecord) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record.clone());
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[path = "log_thread.rs"]
mod background;
#[cfg(not(target_arch = "wasm32"))]
pub use background::{
    flush, marked, on_log_thread, unwritten, wait_written, written, Background, CAPACITY, WAIT,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_p100_log_that_is_no_level_is_said_without_its_value() {
        let said = LogLevel::env_warning(Some("verbose")).unwrap_or_default();
        assert!(
            said.contains("P100_LOG") && !said.contains("verbose"),
            "{said}"
        );
        for quiet in [
            None,
            Some(""),
            Some("  "),
            Some("OFF"),
            Some("Debug"),
            Some("trace"),
        ] {
            assert_eq!(LogLevel::env_warning(quiet), None, "{quiet:?}");
        }
    }

    #[test]
    fn levels_parse_and_order() {
        assert_eq!(LogLevel::parse(" WARNING "), Some(LogLevel::Warn));
        assert_eq!(LogLevel::parse("off"), None);
        assert!(LogLevel::Error < LogLevel::Debug);
        assert_eq!(path_only("/v1/a?month=1"), "/v1/a");
        assert_eq!(
            path_only("/v1/user/4111111111111111/balances"),
            "/v1/user/************1111/balances"
        );
        assert_eq!(
            path_only("/v1/card/details/u-1/c-42"),
            "/v1/card/details/u-1/c-42"
        );
    }

    #[test]
    fn a_record_is_one_line_of_facts() {
        let r = LogRecord {
            operation: "sepa.partner_transfer",
            method: "POST",
            path: "/v1/partner/sepa/transfer".into(),
            attempt: 2,
            outcome: AttemptOutcome::Retrying,
            status: Some(503),
            elapsed: Duration::from_millis(12),
            request_id: Some("req-1".into()),
            error_kind: Some(ErrorKind::Unavailable),
            retry_delay: Some(Duration::from_millis(500)),
        };
        assert_eq!(
            r.message(),
            "p100 sepa.partner_transfer POST /v1/partner/sepa/transfer attempt=2 \
             outcome=retrying status=503 elapsed_ms=12 kind=unavailable retry_in_ms=500 request_id=req-1"
        );
        assert_eq!(r.level(), LogLevel::Warn);
    }
}
