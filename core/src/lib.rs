//! # p100 — the P100 Partner API client
//!
//! One Rust implementation of the P100 Partner API, shared by the Node, Python, Swift and
//! Kotlin packages. See the repository README for a quickstart.
//!
//! * [`Client`] with resource groups: `client.partner()`, `client.users()`, `client.kyc()`,
//!   `client.exchange()`, `client.sepa()`, `client.crypto()`, `client.transfers()`,
//!   `client.cards()`, `client.orders()`, `client.payment_links()`.
//! * [`models`]: every request and response; amounts are exact [`Amount`]s.
//! * [`validate`]: the checks every request passes before anything is sent.
//! * [`webhooks`]: token check (constant time) and typed event parsing.
//! * [`Error`]: the one error type.
//!
//! ## Requirements and what it changes in your build
//!
//! * **Tokio with timers**: calls run on a Tokio runtime with time enabled
//!   (`#[tokio::main]`, or a runtime built with `enable_all()`/`enable_time()`); without timers
//!   Tokio itself panics on the first call.
//! * **serde_json's `arbitrary_precision`**: this crate turns that feature on, so that amounts
//!   and ids keep their exact digits. Cargo features apply to the whole build, so your own
//!   `serde_json` use gets it too: numbers stay exact text, and one known serde limitation
//!   follows (a number field inside a `#[serde(flatten)]` or untagged-enum struct of yours no
//!   longer deserializes as `f64`; read such fields as `serde_json::Number` or text).
//! * Its public API uses [`rust_decimal::Decimal`] ([`Amount::new`], [`Amount::value`]) and
//!   [`serde_json::Value`] (requests through [`Client::request`]); both crates are re-exported
//!   here ([`rust_decimal`], [`serde_json`]) so that your versions can match.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// No panic in library code (DESIGN principle 7: a panic across a binding boundary crashes the
// host app). Tests may unwrap, expect, panic and index. `string_slice` too: `&s[a..b]` panics
// off a character boundary; `s.get(a..b)`, `split_once` and friends do not.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

#[macro_use]
mod macros;
#[doc(hidden)]
pub mod bindings;
pub mod input;

pub mod error;
pub mod log;
pub mod mask;
pub mod models;
pub mod money;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod operations;
pub mod routes;
pub mod validate;
pub mod webhooks;

pub use error::{Error, ErrorCode, ErrorDetails, ErrorKind, Outcome, Result};
pub use money::{Amount, Currency, Network, SecretString};

pub mod client;
#[cfg(not(target_arch = "wasm32"))]
pub mod fork;
pub mod transport;

// Swift/Kotlin (feature `uniffi`): uniffi needs its scaffolding at the crate root; the rest of
// the binding support is in `bindings/uniffi.rs`.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("p100");

pub use client::{
    fingerprint_of, AbortSignal, CancelledCalls, Client, ClientBuilder, Environment, Fingerprint,
    Reconciliation, RequestOptions, ResponseMeta, RetryPolicy, WaitOptions, WithResponse,
};

/// The exact decimal type behind [`Amount`] (re-exported so that versions match).
pub use rust_decimal;
/// The JSON crate of [`Client::request`] and the input decoder (re-exported so that versions
/// match; built here with `arbitrary_precision`).
pub use serde_json;
