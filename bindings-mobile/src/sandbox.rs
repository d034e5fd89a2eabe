//! `Sandbox` (feature `testing` only): the P100 sandbox in the test process, for Kotlin and
//! Swift test suites. Every behaviour is the Rust sandbox's ([`p100_sandbox::RunningSandbox`]);
//! this file only converts arguments and results and maps errors to [`p100::bindings::uniffi::P100Error`].
//!
//! ```text
//! Kotlin:  val sb = Sandbox.start(SandboxOptions())        // suspend
//!          val client = sb.client(null)
//!          sb.fund(Currency.Eur, BigDecimal("100.00"), null); sb.stop()
//! Swift:   let sb = try await Sandbox.start(options: SandboxOptions())
//!          let client = try sb.client(options: nil)
//! ```
//!
//! The sandbox runs on its own small Tokio runtime (two worker threads), so it answers whatever
//! the test's own threads and coroutines are doing; `stop()` (or dropping the object) shuts the
//! server and that runtime down ([`p100_sandbox::host::Hosted`], shared with Python).

use std::sync::Arc;

use p100::client::Unit;
use p100::{Amount, Currency, SecretString};
use p100_sandbox::host::{self, FaultArgs, Hosted, StartSettings};

use crate::client::{user_agent, Client, ClientOptions};
use crate::Result;

/// Settings of [`Sandbox::start`]; every field is optional.
#[derive(uniffi::Record, Default)]
pub struct SandboxOptions {
    /// The API key clients must send (default: a random `sandbox-…` key). A `Secret`, so that
    /// the options never show it when printed.
    #[uniffi(default = None)]
    pub api_key: Option<SecretString>,
    /// Delay before asynchronous operations (SEPA, crypto, exchange orders…) reach their final
    /// status, in milliseconds before time scaling (default 2 000).
    #[uniffi(default = None)]
    pub settle_ms: Option<i64>,
    /// Multiplier of every delay (default 1; `0.01` makes a 2 s settle delay 20 ms).
    #[uniffi(default = None)]
    pub time_scale: Option<f64>,
    /// Deliver webhooks to this URL (with `webhookToken` in `Authorization`).
    #[uniffi(default = None)]
    pub webhook_url: Option<String>,
    /// The `Authorization` token of webhook deliveries (required with `webhookUrl`); a `Secret`.
    #[uniffi(default = None)]
    pub webhook_token: Option<SecretString>,
}

/// A P100 sandbox running in this process on a free loopback port (`http://127.0.0.1:PORT`):
/// stateful, with asynchronous outcomes, faults, a virtual clock and webhooks. Only in test
/// builds of the library (cargo feature `testing`); release builds do not contain it.
#[derive(uniffi::Object)]
pub struct Sandbox {
    hosted: Hosted,
}

const HOST: Unit = Unit::Millis;

fn json_text(v: serde_json::Value) -> String {
    v.to_string()
}

/// Ignores SIGPIPE in this process, as Rust programs and the JVM do: the server writes to
/// sockets whose client has gone (faults such as `drop` do it on purpose), and a write to such a
/// socket would otherwise kill a Swift or native test process with signal 13.
#[cfg(unix)]
fn ignore_sigpipe() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13; // Linux, macOS, iOS, Android
    const SIG_IGN: usize = 1;
    // SAFETY: setting a signal's disposition to "ignore" installs no handler code.
    unsafe {
        signal(SIGPIPE, SIG_IGN);
    }
}

#[cfg(not(unix))]
fn ignore_sigpipe() {}

async_export! {
    impl Sandbox {
        /// Starts a sandbox on a free loopback port and returns once it accepts requests. A bad
        /// setting is a `Config` error. Sets SIGPIPE to ignored in the process (Unix).
        #[uniffi::constructor(default(options = None))]
        pub async fn start(options: Option<SandboxOptions>) -> Result<Arc<Self>> {
            ignore_sigpipe();
            let o = options.unwrap_or_default();
            let reveal = |s: Option<SecretString>| s.map(|s| s.expose().to_string());
            let settings = StartSettings {
                api_key: reveal(o.api_key),
                settle: o.settle_ms.map(|ms| ms as f64),
                time_scale: o.time_scale,
                webhook_url: o.webhook_url,
                webhook_token: reveal(o.webhook_token),
            };
            let hosted = Hosted::start_own(settings, HOST).await?;
            Ok(Arc::new(Sandbox { hosted }))
        }

        /// `http://127.0.0.1:PORT`.
        pub fn url(&self) -> String {
            self.hosted.url().to_string()
        }

        /// The API key the sandbox accepts.
        pub fn api_key(&self) -> String {
            self.hosted.api_key().to_string()
        }

        /// A client for this sandbox. Without options: the sandbox's key and URL, a 10 s timeout
        /// and fast retries (3 retries, 20 → 200 ms). With options: those settings, the base URL
        /// defaulting to the sandbox's.
        #[uniffi::method(default(options = None))]
        pub fn client(&self, options: Option<ClientOptions>) -> Result<Arc<Client>> {
            match options {
                Some(mut o) => {
                    if o.base_url.is_none() && o.environment.is_none() {
                        o.base_url = Some(self.url());
                    }
                    Client::with_options(o)
                }
                None => {
                    let b = self.hosted.with(|sb| sb.client_builder())?;
                    let inner = crate::ok(b.runtime(user_agent()).build())?;
                    Ok(Client::wrap(inner))
                }
            }
        }

        /// Credits `amount` of `currency` to a user's balance (the partner's without
        /// `externalUserId`), as `POST /_sandbox/fund`. Returns the reply (JSON text:
        /// `externalUserId`, `currency`, `balance`).
        #[uniffi::method(default(external_user_id = None))]
        pub async fn fund(
            &self,
            currency: Currency,
            amount: Amount,
            external_user_id: Option<String>,
        ) -> Result<String> {
            let amount = serde_json::json!(amount);
            let user = external_user_id.as_deref();
            let funded = self.hosted.with(|sb| host::fund(sb, HOST, currency.as_str(), &amount, user))?;
            Ok(funded.map(json_text)?)
        }

        /// Any control of the sandbox (`method`, a `/_sandbox/…` path, an optional JSON body);
        /// returns its JSON reply as text. A refusal is a `Validation` error with the control's
        /// message.
        #[uniffi::method(default(body = None))]
        pub async fn control(
            &self,
            method: String,
            path: String,
            body: Option<String>,
        ) -> Result<String> {
            let body = match body {
                None => None,
                Some(t) => Some(p100::input::json_text(&t, "body")?),
            };
            Ok(self.hosted.control(HOST, method, path, body).await.map(json_text)?)
        }

        /// Queues a fault for the next `count` `/v1/` requests: `kind` is `429`, `500`, `503`,
        /// `delay`, `drop`, `malformed`, `process-then-drop`, `cut-body`, `slow-body`,
        /// `huge-body`, `wrong-shape`, `duplicate-keys`, `retry-after-date`, `5xx-with-code`,
        /// `429-bare`, `p500`, `p500-cut-body`, `p501` or `499`.
        /// `operation` limits it to one operation (`"transfers.create"`); `status` is the status
        /// of `5xx-with-code`, `sizeBytes` the body size of `huge-body` (default 20 MiB).
        #[uniffi::method(default(
            count = 1,
            retry_after_secs = None,
            delay_ms = None,
            status = None,
            operation = None,
            size_bytes = None
        ))]
        #[allow(clippy::too_many_arguments)] // named arguments with defaults in Kotlin and Swift
        pub fn inject_fault(
            &self,
            kind: String,
            count: i32,
            retry_after_secs: Option<f64>,
            delay_ms: Option<i64>,
            status: Option<i32>,
            operation: Option<String>,
            size_bytes: Option<i64>,
        ) -> Result<()> {
            let args = FaultArgs {
                kind,
                count: Some(count.into()),
                retry_after: retry_after_secs,
                delay_ms,
                status: status.map(Into::into),
                size_bytes,
                operation,
            };
            Ok(self.hosted.with(|sb| host::inject_fault(sb, HOST, args))??)
        }

        /// Drops every queued fault.
        pub fn clear_faults(&self) -> Result<()> {
            Ok(self.hosted.with(|sb| sb.clear_faults())?)
        }

        /// Sets the multiplier of every delay (`1` real time, `0.01` a hundred times faster).
        pub fn set_time_scale(&self, scale: f64) -> Result<()> {
            Ok(self.hosted.with(|sb| host::set_time_scale(sb, HOST, scale))??)
        }

        /// Moves the sandbox's clock forward by `seconds` without waiting (settle delays, lock
        /// expiry, webhook retries): work that became due has run when this returns.
        pub fn advance(&self, seconds: f64) -> Result<()> {
            self.hosted.with(|sb| host::advance(sb, HOST, seconds))??;
            Ok(())
        }

        /// The sandbox's time: real time plus what `advance` added (`Instant` in Kotlin, `Date`
        /// in Swift).
        pub fn now(&self) -> Result<std::time::SystemTime> {
            Ok(self.hosted.with(|sb| sb.now())?)
        }

        /// How many times each operation's handler ran since the start or the last `reset`, by
        /// operation name (`"sepa.partner_transfer"`), as `GET /_sandbox/ops`.
        pub fn ops(&self) -> Result<std::collections::HashMap<String, i64>> {
            let ops = self.hosted.with(|sb| sb.ops())?;
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            Ok(ops.into_iter().map(|(op, n)| (op, count(n))).collect())
        }

        /// Emits the webhook event `event` (e.g. `"user_status"`, `"sepa_transfer"`) with
        /// realistic data, delivered to the webhook target and logged in `deliveries()`.
        /// Returns the payload sent (JSON text).
        #[uniffi::method(default(external_user_id = None))]
        pub fn trigger(&self, event: String, external_user_id: Option<String>) -> Result<String> {
            let user = external_user_id.as_deref();
            Ok(self.hosted.with(|sb| host::trigger(sb, HOST, &event, user))?.map(json_text)?)
        }

        /// Sends webhooks to `url` with `Authorization: <token>` from now on; with neither,
        /// stops them (`trigger` is then a `Config` error). One without the other is a
        /// `Validation` error naming the missing one.
        #[uniffi::method(default(url = None, token = None))]
        pub fn set_webhook(&self, url: Option<String>, token: Option<String>) -> Result<()> {
            let (url, token) = (url.as_deref(), token.as_deref());
            Ok(self.hosted.with(|sb| host::set_webhook(sb, HOST, url, token))??)
        }

        /// Every webhook delivery attempt so far (JSON text: an array of objects with `event`,
        /// `status`, `attempt`, …, as `GET /_sandbox/webhooks/deliveries`).
        pub fn deliveries(&self) -> Result<String> {
            Ok(self.hosted.with(|sb| json_text(serde_json::Value::Array(sb.deliveries())))?)
        }

        /// Back to the starting world (users, balances, faults, clock, deliveries).
        pub fn reset(&self) -> Result<()> {
            Ok(self.hosted.with(|sb| sb.reset())?)
        }

        /// Stops the sandbox: the port closes, scheduled work and webhook retries stop. Calling
        /// it again does nothing; every other method then fails with a `Config` error.
        pub async fn stop(&self) -> Result<()> {
            self.hosted.stop().await;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn starts_funds_refuses_and_stops() {
        block(async {
            let sb = Sandbox::start(None).await.unwrap();
            assert!(sb.url().starts_with("http://127.0.0.1:"));
            assert!(sb.api_key().starts_with("sandbox-"));
            let c = sb.client(None).unwrap();
            c.inner.partner().balances().await.unwrap();
            let r = sb
                .fund(Currency::Eur, Amount::parse("10.00").unwrap(), None)
                .await
                .unwrap();
            assert!(r.contains("\"balance\""), "{r}");
            let e = sb
                .inject_fault("nope".into(), 1, None, None, None, None, None)
                .unwrap_err();
            assert_eq!(e.kind(), p100::ErrorKind::Validation);
            // sizeBytes reaches the sandbox: 100 kB is read, the default 20 MiB would not be.
            sb.inject_fault("huge-body".into(), 1, None, None, None, None, Some(100_000))
                .unwrap();
            c.inner.partner().balances().await.unwrap();
            let e = sb.inject_fault("huge-body".into(), 1, None, None, None, None, Some(-1));
            assert_eq!(e.unwrap_err().field(), Some("sizeBytes"));
            assert_eq!(sb.advance(-1.0).unwrap_err().field(), Some("seconds"));
            let t0 = sb.now().unwrap();
            sb.advance(60.0).unwrap();
            let moved = sb.now().unwrap().duration_since(t0).unwrap().as_secs();
            assert!((60..120).contains(&moved), "the clock moved {moved} s");
            assert_eq!(sb.ops().unwrap()["partner.balances"], 2);
            let no_token = sb.set_webhook(Some("http://127.0.0.1:9/h".into()), None);
            assert_eq!(no_token.unwrap_err().field(), Some("token"));
            sb.set_webhook(None, None).unwrap();
            let none = sb.trigger("user_status".into(), None).unwrap_err();
            assert_eq!(none.kind(), p100::ErrorKind::Config);
            sb.stop().await.unwrap();
            sb.stop().await.unwrap();
            assert_eq!(sb.reset().unwrap_err().kind(), p100::ErrorKind::Config);
        });
    }

    #[test]
    fn bad_options_are_validation_errors_naming_the_option() {
        block(async {
            let o = SandboxOptions {
                time_scale: Some(-1.0),
                ..Default::default()
            };
            let e = Sandbox::start(Some(o)).await.err().unwrap();
            assert_eq!(e.kind(), p100::ErrorKind::Validation);
            assert_eq!(e.field(), Some("timeScale"));
            let o = SandboxOptions {
                webhook_url: Some("http://127.0.0.1:9/h".into()),
                ..Default::default()
            };
            assert!(Sandbox::start(Some(o)).await.is_err());
        });
    }
}
