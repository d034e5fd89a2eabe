//! `p100-wasm`: the P100 client for Node.js (npm package `p100`), built with wasm-bindgen.
//!
//! A thin layer over the `p100` crate: it converts arguments and results (plain JS objects with
//! the wire's camelCase names, amounts as strings) and maps errors to the package's `Error`
//! subclasses. Validation, retries, timeouts and webhook checks all live in the core.
//!
//! * [`client::Client`] with the resource groups as properties (`client.users`, …);
//! * [`webhooks`]: `verifyWebhook`, `parseWebhook`, `verifyAndParseWebhook`, `WebhookVerifier`;
//! * [`errors`]: core errors → `P100Error` subclasses (classes defined in `js/errors.cjs`).
//!
//! `build.sh` turns this crate into the npm package in `pkg/`.
#![forbid(unsafe_code)]

pub mod client;
mod convert;
pub mod errors;
pub mod groups;
pub mod webhooks;

pub use client::Client;

/// The version of the package (`"0.1.0"`).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
