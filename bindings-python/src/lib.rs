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
mod runtime;
mod webhooks;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    groups::add_classes(m)?;
    p100::bindings::python::add_classes(m)?;
    m.add_class::<webhooks::Verifier>()?;
    m.add_function(wrap_pyfunction!(webhooks::webhook_verify, m)?)?;
    m.add_function(wrap_pyfunction!(webhooks::webhook_parse, m)?)?;
    runtime::register_shutdown(m)?;
    Ok(())
}
