//! The client's log records ([`p100::log`]) to a JS logger: `logger[level](message, fields)`,
//! `console` by default. The level is the `logLevel` option, else `process.env.P100_LOG`
//! (unset: no records). The records are the core's, so they hold no secret by construction.

use std::cell::RefCell;
use std::sync::Arc;

use js_sys::{Function, Object, Reflect};
use p100::log::{Fact, LogLevel, LogRecord, Logger};
use p100::routes::camel_case;
use p100::{ClientBuilder, Error};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The JS loggers of live clients, by slot: the core's `Logger` is `Send + Sync` and a JS
    /// value is neither, so the logger keeps its slot number (wasm32 has one thread).
    static SLOTS: RefCell<Vec<Option<JsValue>>> = const { RefCell::new(Vec::new()) };
}

/// The `logger` option (or `console`), before the level is known.
pub(crate) struct JsLog {
    logger: Option<JsValue>,
}

/// Reads the `logger` option: an object (such as `console`, or a pino/winston logger).
pub(crate) fn from_options(options: &JsValue) -> Result<JsLog, Error> {
    let logger = Reflect::get(options, &"logger".into()).unwrap_or(JsValue::UNDEFINED);
    if logger.is_undefined() || logger.is_null() {
        return Ok(JsLog::console());
    }
    if !logger.is_object() {
        return Err(Error::validation(
            "logger",
            "must be an object with error, warn, info and debug methods (such as console)",
        )
        .into_config());
    }
    Ok(JsLog {
        logger: Some(logger),
    })
}

/// The options without `logger` (a JS object that is not data), for the JSON decoder.
pub(crate) fn without_logger(options: &JsValue) -> JsValue {
    let key = JsValue::from_str("logger");
    if !Reflect::has(options, &key).unwrap_or(false) {
        return options.clone();
    }
    let copy = Object::assign(&Object::new(), options.unchecked_ref());
    let _ = Reflect::delete_property(&copy, &key);
    copy.into()
}

/// `process.env.P100_LOG`, when Node has it.
fn env_value() -> Option<String> {
    let process = Reflect::get(&js_sys::global(), &"process".into()).ok()?;
    let env = Reflect::get(&process, &"env".into()).ok()?;
    if !env.is_object() {
        return None;
    }
    Reflect::get(&env, &"P100_LOG".into()).ok()?.as_string()
}

/// The level a `P100_LOG` value names. One that is no level is said once per process, in
/// Node's own way (`process.emitWarning`; `--no-warnings` silences it).
fn env_level(value: Option<String>) -> Option<LogLevel> {
    let value = value?;
    if let Some(warning) = LogLevel::env_warning(Some(&value)) {
        static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        let process = Reflect::get(&js_sys::global(), &"process".into()).ok();
        let emit = process
            .as_ref()
            .and_then(|p| Reflect::get(p, &"emitWarning".into()).ok());
        if let (Some(process), Some(emit)) =
            (process, emit.and_then(|f| f.dyn_into::<Function>().ok()))
        {
            if !SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
                let _ = emit.call1(&process, &warning.into());
            }
        }
    }
    LogLevel::parse(&value)
}

impl JsLog {
    /// Records to `console`.
    pub(crate) fn console() -> JsLog {
        JsLog { logger: None }
    }

    /// Sets the level (`option`, else `process.env.P100_LOG`) and, when logging is on, the sink.
    pub(crate) fn apply(
        self,
        option: Option<&str>,
        b: ClientBuilder,
    ) -> Result<ClientBuilder, Error> {
        self.apply_with(option, env_value(), b)
    }

    /// [`JsLog::apply`] with `P100_LOG` read from `fromEnv`'s own `env` (it was read from
    /// `process.env` whatever `env` said: outside review, stop 49).
    pub(crate) fn apply_with(
        self,
        option: Option<&str>,
        env: Option<String>,
        b: ClientBuilder,
    ) -> Result<ClientBuilder, Error> {
        let level = match option {
            Some("off") => None,
            Some(name) => Some(LogLevel::parse(name).ok_or_else(|| {
                Error::validation(
                    "logLevel",
                    "must be \"error\", \"warn\", \"info\", \"debug\" or \"off\"",
                )
                .into_config()
            })?),
            None => env_level(env),
        };
        let Some(level) = level else {
            return Ok(b.log_level(None));
        };
        let logger = match self.logger {
            Some(l) => l,
            None => {
                Reflect::get(&js_sys::global(), &"console".into()).unwrap_or(JsValue::UNDEFINED)
            }
        };
        let slot = SLOTS.with(|slots| {
            let mut slots = slots.borrow_mut();
            match slots.iter().position(Option::is_none) {
                Some(free) => {
                    slots[free] = Some(logger);
                    free
                }
                None => {
                    slots.push(Some(logger));
                    slots.len() - 1
                }
            }
        });
        Ok(b.log_level(Some(level)).logger(Arc::new(JsLogger(slot))))
    }
}

/// A client's JS logger, by slot; frees the slot when the last client using it is gone.
struct JsLogger(usize);

impl Drop for JsLogger {
    fn drop(&mut self) {
        SLOTS.with(|slots| {
            if let Some(slot) = slots.borrow_mut().get_mut(self.0) {
                *slot = None;
            }
        });
    }
}

thread_local! {
    /// The rejection handler given to a logger's promise: does nothing.
    static IGNORE: wasm_bindgen::closure::Closure<dyn FnMut(JsValue)> =
        wasm_bindgen::closure::Closure::new(|_: JsValue| {});
}

impl Logger for JsLogger {
    fn log(&self, r: &LogRecord) {
        // Out of the table before calling: the logger may make clients of its own.
        let Some(logger) = SLOTS.with(|slots| slots.borrow().get(self.0).cloned().flatten()) else {
            return;
        };
        let method = Reflect::get(&logger, &r.level().as_str().into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(f) = method {
            // A throwing logger must not fail the call; nor may an async one whose promise
            // rejects end the process as an unhandled rejection (outside review, stop 44).
            if let Ok(returned) =
                f.call2(&logger, &JsValue::from_str(&r.message()), &fields(r).into())
            {
                if let Ok(promise) = returned.dyn_into::<js_sys::Promise>() {
                    IGNORE.with(|ignore| {
                        let _ = promise.catch(ignore);
                    });
                }
            }
        }
    }
}

/// The record's facts present, by their camelCase names (`{operation, method, path, attempt,
/// outcome, status?, elapsedMs, kind?, retryInMs?, requestId?}`).
fn fields(r: &LogRecord) -> Object {
    let o = Object::new();
    for (name, value) in r.facts() {
        let value: JsValue = match value {
            Some(Fact::Text(t)) => t.into(),
            Some(Fact::Number(n)) => (n as f64).into(),
            None => continue,
        };
        let _ = Reflect::set(&o, &camel_case(name).into(), &value);
    }
    o
}
