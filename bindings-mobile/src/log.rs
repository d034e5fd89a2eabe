//! Logging for Kotlin and Swift: the app implements [`P100Logger`] (a uniffi foreign trait) and
//! passes it in `ClientOptions.logger`; each record of the core ([`p100::log`], one per attempt,
//! no secret by construction) arrives with its level, one-line message and facts. The level is
//! `ClientOptions.logLevel`, else `P100_LOG`; without a logger, records go to standard error.

use std::sync::Arc;

use p100::log::{Background, LogLevel, LogRecord, Logger, StderrLogger};

/// A log sink the app implements, e.g. Kotlin
/// `object : P100Logger { override fun log(level: LogLevel, message: String, fields: LogFields) = ... }`
/// or a Swift class conforming to `P100Logger`. Called on the SDK's logging thread, one record
/// at a time and in order, never on the threads that carry calls: a slow logger delays records,
/// not calls. Records arrive shortly after the attempt they describe; a call does not wait for
/// them (a wait after its result exists would be a window in which cancelling it loses that
/// result).
#[uniffi::export(with_foreign)]
pub trait P100Logger: Send + Sync {
    /// One attempt of a call: its level, a one-line message and its facts.
    fn log(&self, level: LogLevel, message: String, fields: LogFields);
}

/// The facts of one attempt of a call (never a secret).
#[derive(uniffi::Record, Debug, Clone, PartialEq)]
pub struct LogFields {
    /// The operation (`"sepa.partner_transfer"`), or `"request"` for the escape hatch.
    pub operation: String,
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// 1 for the first attempt.
    pub attempt: i32,
    /// `sending`, `succeeded`, `retrying` or `failed`.
    pub outcome: String,
    /// The HTTP status, when a reply came.
    pub status: Option<i32>,
    /// Milliseconds since the call started.
    pub elapsed_ms: i64,
    /// The reply's request id (for P100 support).
    pub request_id: Option<String>,
    /// The error kind of a failed attempt (`"unavailable"`, …).
    pub kind: Option<String>,
    /// The delay before the next attempt, in milliseconds.
    pub retry_in_ms: Option<i64>,
}

/// Whole milliseconds as Kotlin's `Long` / Swift's `Int64`.
fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

struct Foreign(Arc<dyn P100Logger>);

impl Logger for Foreign {
    fn log(&self, r: &LogRecord) {
        let fields = LogFields {
            operation: r.operation.to_string(),
            method: r.method.to_string(),
            path: r.path.clone(),
            attempt: i32::try_from(r.attempt).unwrap_or(i32::MAX),
            outcome: r.outcome.as_str().to_string(),
            status: r.status.map(Into::into),
            elapsed_ms: millis(r.elapsed),
            request_id: r.request_id.clone(),
            kind: r.error_kind.map(|k| k.as_str().to_string()),
            retry_in_ms: r.retry_delay.map(millis),
        };
        self.0.log(r.level(), r.message(), fields);
    }
}

/// Sets the level (`level`, else `P100_LOG`) and the sink (`logger`, else standard error). A
/// `P100_LOG` that names no level is said once per process on standard error, as the CLI says
/// it (it was ignored in silence here; note 34).
pub(crate) fn apply(
    b: p100::ClientBuilder,
    level: Option<LogLevel>,
    logger: Option<Arc<dyn P100Logger>>,
) -> p100::ClientBuilder {
    let b = match level {
        Some(l) => b.log_level(Some(l)),
        None => {
            if let Some(w) = LogLevel::env_warning(std::env::var("P100_LOG").ok().as_deref()) {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| eprintln!("p100: warning: {w}"));
            }
            b
        }
    };
    match logger {
        Some(l) => b.logger(Arc::new(Background::new(Arc::new(Foreign(l))))),
        None => b.logger(Arc::new(StderrLogger)),
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Collect(Mutex<Vec<(LogLevel, String, LogFields)>>);

    impl P100Logger for Collect {
        fn log(&self, level: LogLevel, message: String, fields: LogFields) {
            self.0.lock().unwrap().push((level, message, fields));
        }
    }

    /// Run as a child process with `P100_LOG=verbose`: the warning is said once for two
    /// clients, without the value.
    #[test]
    fn an_unknown_p100_log_is_said_once_on_standard_error() {
        const NAME: &str = "log::tests::an_unknown_p100_log_is_said_once_on_standard_error";
        let build = || {
            apply(
                p100::Client::builder()
                    .api_key("k")
                    .base_url("http://127.0.0.1:9"),
                None,
                None,
            )
            .build()
            .unwrap()
        };
        if std::env::var_os("P100_LOG_TEST_CHILD").is_some() {
            drop((build(), build()));
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
            .env("P100_LOG", "verbose")
            .env("P100_LOG_TEST_CHILD", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        let said = "p100: warning: P100_LOG is none of error, warn, info, debug, off";
        assert_eq!(err.matches(said).count(), 1, "{err}");
        assert!(!err.contains("verbose"), "{err}");
    }

    #[test]
    fn records_reach_the_foreign_logger_with_their_facts() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sink = Arc::new(Collect::default());
        let client = apply(
            p100::Client::builder()
                .api_key("k")
                .base_url("http://127.0.0.1:9")
                .max_retries(0),
            Some(LogLevel::Debug),
            Some(sink.clone()),
        )
        .build()
        .unwrap();
        let e = rt.block_on(client.partner().balances()).unwrap_err();
        // Written on the logging thread, shortly after.
        p100::log::flush(std::time::Duration::from_secs(10));
        let got = sink.0.lock().unwrap();
        let levels: Vec<_> = got
            .iter()
            .map(|(l, _, f)| (*l, f.outcome.as_str()))
            .collect();
        assert_eq!(
            levels,
            [(LogLevel::Debug, "sending"), (LogLevel::Error, "failed")]
        );
        let (_, message, fields) = &got[1];
        assert_eq!(fields.operation, "partner.balances");
        assert_eq!(fields.kind.as_deref(), Some(e.kind().as_str()));
        assert!(
            message.starts_with("p100 partner.balances GET /v1/"),
            "{message}"
        );
    }
}
