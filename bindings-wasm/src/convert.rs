//! JS values in and out.
//!
//! **In**: a JS value is read into a `serde_json::Value` (serde-wasm-bindgen), then decoded by
//! the core's one request decoder, [`p100::input::decode`]: a bad input is a
//! `ValidationError` whose `field` names the wire path (`limits.dailyTrxAll`, `files[1]`),
//! unknown fields are refused, a number with a fraction is refused where an amount is expected
//! (send amounts as strings, `"10.50"`; integers are exact and accepted), and the value given is
//! never repeated in the message (it may be a PIN or a card number).
//!
//! **Out**: models are written as JSON text and parsed by `JSON.parse` into plain objects with
//! the wire's camelCase names; amounts are strings (that is how [`p100::Amount`] serializes),
//! absent values are `null`, maps are plain objects.

use p100::input::{decode, is_exact_integer};
use p100::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsValue;

/// Reads a JS value into the core type `T`. `what` names the argument (`"request"`) in errors
/// about the value as a whole.
pub(crate) fn input<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    decode(&to_json(value, what)?, what)
}

/// Reads any JS value into JSON (objects, arrays, strings, numbers, booleans, `null`).
/// `undefined` is `null`.
fn to_json(value: JsValue, what: &str) -> Result<Value, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(value).map_err(|_| {
        Error::validation(
            what,
            "must be a plain object of strings, numbers, booleans, arrays and objects",
        )
    })
}

/// Writes a core value as a plain JS value: serialized to JSON text in the wasm and parsed by
/// the engine's `JSON.parse` (much faster than building the object field by field across the
/// boundary). Secret fields (card number, CVV, PIN, document numbers, dates of birth, one-time
/// codes) are then made non-enumerable: `card.cardNumber` reads them, but `console.log(card)`,
/// `util.inspect` and `JSON.stringify(card)` skip them, so they do not end up in logs by
/// accident.
pub(crate) fn output<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    let secrets_before = p100::money::secrets_written();
    let text = serde_json::to_string(value).map_err(|e| {
        Error::new(
            p100::ErrorKind::Decode,
            format!("the reply could not be converted to a JS value: {e}"),
        )
    })?;
    let js = parse(&text)?;
    if p100::money::secrets_written() != secrets_before {
        hide_secrets(&js, 0);
    }
    Ok(js)
}

fn parse(text: &str) -> Result<JsValue, Error> {
    js_sys::JSON::parse(text).map_err(|_| {
        Error::new(
            p100::ErrorKind::Decode,
            "the reply could not be converted to a JS value",
        )
    })
}

fn hide_secrets(value: &JsValue, depth: u32) {
    if depth > 32 || !value.is_object() {
        return;
    }
    if js_sys::Array::is_array(value) {
        for item in js_sys::Array::from(value).iter() {
            hide_secrets(&item, depth + 1);
        }
        return;
    }
    let object = js_sys::Object::from(value.clone());
    for key in js_sys::Object::keys(&object).iter() {
        let Some(name) = key.as_string() else {
            continue;
        };
        let Ok(field) = js_sys::Reflect::get(&object, &key) else {
            continue;
        };
        if p100::mask::SECRET_FIELDS.contains(&name.as_str()) && !field.is_null() {
            let descriptor = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&descriptor, &"value".into(), &field);
            let _ = js_sys::Reflect::set(&descriptor, &"enumerable".into(), &JsValue::FALSE);
            let _ = js_sys::Reflect::set(&descriptor, &"writable".into(), &JsValue::FALSE);
            let _ = js_sys::Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE);
            js_sys::Object::define_property(&object, &key, &descriptor);
        } else {
            hide_secrets(&field, depth + 1);
        }
    }
}

/// Refuses numbers with a fraction (or beyond 2^53) in an escape-hatch body: JS numbers cannot
/// carry money exactly, so amounts must be sent as strings. The error names the path.
pub(crate) fn refuse_fractional_numbers(value: &Value, path: &str) -> Result<(), Error> {
    match value {
        Value::Number(n) if !is_exact_integer(n) => Err(Error::validation(
            path,
            "numbers with a fraction cannot be sent exactly from JavaScript; send amounts as strings (\"12.50\")",
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| refuse_fractional_numbers(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .try_for_each(|(k, v)| refuse_fractional_numbers(v, &format!("{path}.{k}"))),
        _ => Ok(()),
    }
}

/// Replaces every number a JS number cannot hold exactly by its exact text.
fn exact_numbers(value: &Value) -> Value {
    match value {
        Value::Number(n) if !is_exact_integer(n) => Value::String(n.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(exact_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), exact_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Writes arbitrary JSON (the escape hatch's reply) as a JS value, through `JSON.parse`.
/// Numbers a JS number holds exactly (integers up to 2^53) stay numbers; every other number
/// (rates, amounts written as numbers) comes back as a string with its exact text.
pub(crate) fn json_output(value: &Value) -> Result<JsValue, Error> {
    let text = serde_json::to_string(&exact_numbers(value)).map_err(|e| {
        Error::new(
            p100::ErrorKind::Decode,
            format!("the reply could not be written as JSON: {e}"),
        )
    })?;
    parse(&text)
}

/// A text argument (ids): must be a JS string.
pub(crate) fn text(value: &JsValue, field: &str) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::validation(field, "must be a string"))
}
