//! The native part of the Python package `p100` (module `p100._native`).
//!
//! A thin binding over the `p100` crate: arguments are converted (`convert`), core futures run
//! blocking or as asyncio awaitables (`runtime`), errors become the `p100.P100Error` hierarchy
//! (`errors`). Models, validation, retries and webhook logic are all the core's.
#![deny(unsafe_code)]

mod client;
mod convert;
mod errors;
mod groups;
mod log;
mod runtime;
mod testing;
mod webhooks;

use pyo3::prelude::*;
use std::io::Write as _;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    groups::add_classes(m)?;
    p100::bindings::python::set_reader(convert::read_fields, errors::to_pyerr);
    p100::bindings::python::add_classes(m)?;
    m.add_class::<webhooks::Verifier>()?;
    m.add_class::<testing::Sandbox>()?;
    m.add_function(wrap_pyfunction!(errors::fingerprint_to_json, m)?)?;
    m.add_function(wrap_pyfunction!(errors::fingerprint_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(errors::fingerprint_of, m)?)?;
    m.add_function(wrap_pyfunction!(webhooks::webhook_verify, m)?)?;
    m.add_function(wrap_pyfunction!(webhooks::webhook_parse, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::panic_for_tests, m)?)?;
    runtime::register_shutdown(m)?;
    install_panic_hook();
    Ok(())
}

/// A panic is a bug: the binding turns it into a `P100Error` of kind "internal" (see
/// `runtime`). This hook (for this extension module's own panics only) writes it to stderr with
/// secrets masked by the core, unlike Rust's default hook, which prints the raw message; the
/// backtrace (no data, only code locations) when `RUST_BACKTRACE` asks for one.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = p100::mask::mask_secrets(&p100::error::panic_text(info.payload()));
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("\n{backtrace}"),
            _ => String::new(),
        };
        let _ = writeln!(
            std::io::stderr(),
            "p100: internal error (Rust panic){at}: {message}{backtrace}"
        );
    }));
}
