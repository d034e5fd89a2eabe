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
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[macro_use]
mod macros;
#[doc(hidden)]
pub mod bindings;

pub mod error;
pub mod mask;
pub mod models;
pub mod money;
pub mod routes;
pub mod validate;
pub mod webhooks;

pub use error::{Error, ErrorCode, ErrorKind, Outcome, Result};
pub use money::{Amount, Currency, Network, SecretString};

pub mod client;
pub mod transport;

// Swift/Kotlin (feature `uniffi`): uniffi needs its scaffolding at the crate root; the rest of
// the binding support is in `bindings/uniffi.rs`.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("p100");

pub use client::{
    Client, ClientBuilder, Environment, Fingerprint, Reconciliation, RequestOptions, RetryPolicy,
    WaitOptions,
};
