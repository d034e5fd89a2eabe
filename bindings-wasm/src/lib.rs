//! `p100-wasm`: the P100 client for Node.js (npm package `p100`), built with wasm-bindgen.
//!
//! A thin layer over the `p100` crate: it converts arguments and results (plain JS objects with
//! the wire's camelCase names, amounts as strings) and maps errors to the package's `Error`
//! subclasses. Validation, retries, timeouts and webhook checks all live in the core.
//!
//! * [`client::Client`]: options (the core's `Settings`), the escape hatch, `reconcile`;
//! * [`groups`]: the resource groups as properties (`client.users`, …), generated from the
//!   core's operation table;
//! * [`webhooks`]: `verifyWebhook`, `parseWebhook`, `verifyAndParseWebhook`, `WebhookVerifier`;
//! * [`errors`]: core errors → `P100Error` subclasses (classes defined in `js/errors.cjs`);
//! * [`panic`]: a panic (a bug) becomes a `P100Error` of kind `"internal"`, never an opaque
//!   `RuntimeError` or a promise that never settles.
//!
//! `build.sh` turns this crate into the npm package in `pkg/`.
#![forbid(unsafe_code)]

pub mod client;
mod convert;
pub mod errors;
pub mod groups;
mod log;
pub mod panic;
#[cfg(target_arch = "wasm32")]
mod transport;
pub mod webhooks;

pub use client::Client;

/// The version of the package (`"0.1.0"`).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Seeds the generator of the retry jitter (`fastrand`, used by the core) when the module
/// loads. The core enables fastrand's `js` feature on wasm32, which seeds from
/// `crypto.getRandomValues` — absent from Node 18's globals, where fastrand silently falls back
/// to a constant seed and every process would draw the same jitter. So the seed is also mixed
/// with `Math.random()` (seeded per process by V8) and the clock: not cryptographic, which
/// jitter does not need, but different in every process.
pub(crate) fn seed_jitter() {
    let bits = |x: f64| (x * 9_007_199_254_740_992.0) as u64; // × 2^53
    let a = bits(js_sys::Math::random());
    let b = bits(js_sys::Math::random());
    let now = js_sys::Date::now() as u64;
    fastrand::seed(fastrand::u64(..) ^ (a << 11) ^ b.rotate_left(29) ^ now);
}

/// Test hook (not part of the package's API): one retry delay of the default policy, in
/// milliseconds, drawn with the core's jitter.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = __p100JitterSample, skip_typescript)]
pub fn jitter_sample() -> f64 {
    let delay = p100::RetryPolicy::default().backoff(3);
    delay.as_nanos() as f64 / 1e6
}
