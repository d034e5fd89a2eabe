//! The client's log records to `logging.getLogger("p100")`, written on the SDK's logging thread
//! ([`p100::log::Background`]), never on the threads that carry calls: a slow handler holds
//! back the records, not the calls. Calls return once their records are out (`runtime`).

use p100::log::{Fact, LogLevel, LogRecord};
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict};

/// The client's logger (`P100_LOG=error|warn|info|debug`, read when the client is made), to be
/// wrapped in a [`p100::log::Background`]: each record's one-line message at its level, each of
/// its facts ([`LogRecord::facts`]) as an attribute `p100_<name>` of the `LogRecord` (`None`
/// where it does not apply). The core's records hold no secret by construction.
pub struct PyLogger;

impl p100::log::Logger for PyLogger {
    fn log(&self, r: &LogRecord) {
        // Through the runtime's gate: never once the interpreter is shutting down. A failing
        // handler must not fail the call.
        crate::runtime::from_runtime_thread(|py| {
            let _ = write_record(py, r);
        });
    }
}

fn logger(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("logging")?.call_method1("getLogger", ("p100",))
}

fn write_record(py: Python<'_>, r: &LogRecord) -> PyResult<()> {
    let level = match r.level() {
        LogLevel::Error => 40,
        LogLevel::Warn => 30,
        LogLevel::Info => 20,
        LogLevel::Debug => 10,
    };
    let logger = logger(py)?;
    if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
        return Ok(());
    }
    let extra = PyDict::new(py);
    for (name, value) in r.facts() {
        let value = match value {
            Some(Fact::Text(t)) => t.into_pyobject(py)?.into_any(),
            Some(Fact::Number(n)) => n.into_pyobject(py)?.into_any(),
            None => py.None().into_bound(py),
        };
        extra.set_item(format!("p100_{name}"), value)?;
    }
    let kw = [("extra", extra)].into_py_dict(py)?;
    logger.call_method("log", (level, r.message()), Some(&kw))?;
    Ok(())
}
