//! # p100-mobile — the P100 SDK for Swift and Kotlin (uniffi)
//!
//! A thin layer over the `p100` crate: it converts arguments and results and maps errors, nothing
//! else. Models, enums, custom types ([`Amount`], `SecretString`) and the error type
//! ([`P100Error`]) come from the core (feature `uniffi`, see `core/src/bindings/uniffi.rs`); this
//! crate exports the client (`client.rs`), its resource groups (`groups.rs`, generated from the
//! core's operation table) and the webhook helpers (`webhooks.rs`).
//!
//! ```text
//! Kotlin:  val client = Client(apiKey, baseUrl)
//!          val balances = client.partner().balances()          // suspend fun
//! Swift:   let client = try Client(apiKey: key, baseUrl: url)
//!          let balances = try await client.partner().balances()
//! ```
//!
//! Every exported impl with async methods goes through [`async_export!`]: the HTTP stack
//! (reqwest) needs a Tokio reactor, which uniffi provides to each future; the foreign side drives
//! the future (Kotlin coroutines, Swift concurrency).

// `P100Error` is returned by value across the FFI (its fields are what Swift/Kotlin see), so it
// cannot be boxed.
#![allow(clippy::result_large_err)]

use p100::bindings::uniffi::P100Error;
use p100::Amount;

uniffi::setup_scaffolding!("p100_mobile");

/// Exports impl blocks with async methods to Swift/Kotlin, on uniffi's Tokio runtime (the one
/// place that says so).
macro_rules! async_export {
    ($($item:item)+) => {$(
        #[uniffi::export(async_runtime = "tokio")]
        $item
    )+};
}

mod client;
mod groups;
mod log;
#[cfg(feature = "testing")]
mod sandbox;
mod webhooks;

pub use client::{Client, ClientOptions, ResponseInfo};
pub use groups::*;
pub use log::{LogFields, P100Logger};
#[cfg(feature = "testing")]
pub use sandbox::{Sandbox, SandboxOptions};
pub use webhooks::{
    parse_webhook, parse_webhook_bytes, verify_webhook, WebhookEvent, WebhookVerifier,
};

/// Every exported call returns this.
type Result<T, E = P100Error> = std::result::Result<T, E>;

/// Converts a core result.
fn ok<T>(r: p100::Result<T>) -> Result<T> {
    r.map_err(P100Error::from)
}

/// Parses decimal text exactly (`"12.50"`); fails with a validation error when the text is not
/// an exact decimal. The result keeps its scale.
#[uniffi::export]
pub fn parse_amount(text: String) -> Result<Amount> {
    Amount::parse(&text)
        .map_err(|_| p100::Error::validation("amount", "is not an exact decimal amount").into())
}

/// The version of the SDK (the Rust crate), e.g. `"0.1.0"`.
#[uniffi::export]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
