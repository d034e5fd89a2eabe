//! The core's one `Error` → the package's `Error` subclasses.
//!
//! The classes (`P100Error`, `ValidationError`, …) are plain JS, defined once in the package's
//! `errors.cjs`. Its entry point hands them to the wasm module at load time
//! ([`register_error_classes`]); every error then leaves Rust as `new <Class>(message, details)`,
//! so `instanceof` works whether the package was loaded with `require` or `import` (the ESM
//! entry re-exports the CommonJS one: there is one copy of each class).
//! Without registered classes (the raw wasm-bindgen module loaded directly) a plain `Error`
//! carrying the same properties is thrown instead.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use p100::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static CLASSES: RefCell<Option<Object>> = const { RefCell::new(None) };
}

/// Called once by the package's entry point with `{ P100Error, ValidationError, … }`.
#[wasm_bindgen(js_name = __p100RegisterErrorClasses, skip_typescript)]
pub fn register_error_classes(classes: JsValue) {
    if let Some(obj) = classes.dyn_ref::<Object>() {
        CLASSES.with(|c| {
            if let Ok(mut slot) = c.try_borrow_mut() {
                *slot = Some(obj.clone());
            }
        });
    }
}

fn set(obj: &Object, key: &str, value: JsValue) {
    // Setting a property of a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value);
}

/// The JS error for a core error (never contains a secret: the core's messages do not).
pub(crate) fn to_js(e: &Error) -> JsValue {
    // The core's list of an error's facts, camelCase (the fingerprint as a plain object).
    let details = crate::convert::output(&p100::ErrorDetails::from(e))
        .ok()
        .and_then(|d| d.dyn_into::<Object>().ok())
        .unwrap_or_default();
    let message = JsValue::from_str(&e.to_string());
    construct(e.kind().class_name(), &message, &details)
}

/// A `P100Error` of kind `"internal"`: a bug inside the SDK (a Rust panic or a WebAssembly
/// trap) caught at the package's boundary. Its outcome is `"unknown"`: the call may have been
/// sent before it failed. `cause` keeps the original exception (e.g. the `RuntimeError`).
pub(crate) fn internal(message: &str, cause: Option<&JsValue>) -> JsValue {
    let details = Object::new();
    set(&details, "kind", JsValue::from_str("internal"));
    set(&details, "outcome", JsValue::from_str("unknown"));
    set(&details, "retryable", JsValue::FALSE);
    let err = construct("P100Error", &JsValue::from_str(message), &details);
    if let Some(cause) = cause {
        if let Some(obj) = err.dyn_ref::<Object>() {
            let desc = Object::new();
            set(&desc, "value", cause.clone());
            set(&desc, "configurable", JsValue::TRUE);
            set(&desc, "writable", JsValue::TRUE);
            let _ = Reflect::define_property(obj, &JsValue::from_str("cause"), &desc);
        }
    }
    err
}

fn construct(class: &str, message: &JsValue, details: &Object) -> JsValue {
    // The registry is copied out first: no borrow is held while JS code runs.
    let classes = CLASSES.with(|c| c.try_borrow().ok().and_then(|c| c.clone()));
    let ctor = classes
        .and_then(|classes| Reflect::get(&classes, &JsValue::from_str(class)).ok())
        .and_then(|v| v.dyn_into::<Function>().ok());
    if let Some(ctor) = ctor {
        if let Ok(err) = Reflect::construct(&ctor, &Array::of2(message, details)) {
            return err;
        }
    }
    // Fallback: a plain Error with the same properties.
    let err = js_sys::Error::new(&message.as_string().unwrap_or_default());
    err.set_name(class);
    let _ = Object::assign(&err, details);
    err.into()
}

/// `Result<T, p100::Error>` → `Result<T, JsValue>` for the synchronous exports.
pub(crate) fn js<T>(r: Result<T, Error>) -> Result<T, JsValue> {
    r.map_err(|e| to_js(&e))
}
