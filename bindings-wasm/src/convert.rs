//! JS values in and out.
//!
//! **In**: a JS value is read into a `serde_json::Value` ([`to_json`]), then decoded by
//! the core's one request decoder, [`p100::input::decode`]: a bad input is a
//! `ValidationError` whose `field` names the wire path (`limits.dailyTrxAll`, `files[1]`),
//! unknown fields are refused, a number with a fraction is refused where an amount is expected
//! (send amounts as strings, `"10.50"`; integers are exact and accepted), and the value given is
//! never repeated in the message (it may be a PIN or a card number).
//!
//! **Out**: models are written as JSON text and parsed by `JSON.parse` into plain objects with
//! the wire's camelCase names; amounts are strings (that is how [`p100::Amount`] serializes),
//! absent values are `null`, maps are plain objects.

use p100::input::decode;
use p100::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// Reads a JS value into the core type `T`. `what` names the argument (`"request"`) in errors
/// about the value as a whole.
pub(crate) fn input<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    decode(&to_json(value, what)?, what)
}

/// Deepest nesting read from a JS argument: a self-referencing object is refused, not followed.
const MAX_DEPTH: usize = 32;

/// Reads any JS value into JSON (objects, arrays, strings, numbers, booleans, `null`).
/// `undefined` is `null` (absent, as an object's member). NaN and ±Infinity are refused (JSON has no such numbers: read as
/// "not given" they would silently change a call), and so are functions, symbols, BigInts and
/// nesting deeper than [`MAX_DEPTH`] (a cycle), each naming the path at fault (`what` for the
/// value itself). Integers a JS number holds exactly stay integers.
pub(crate) fn to_json(value: JsValue, what: &str) -> Result<Value, Error> {
    json_at(&value, "", 0)
        .map_err(|(path, why)| Error::validation(if path.is_empty() { what } else { &path }, why))
}

/// [`to_json`] for a value whose paths are named under `root` (`body.items[1]`): the escape
/// hatch's body, which has no wire field names of its own.
pub(crate) fn to_json_under(value: JsValue, root: &str) -> Result<Value, Error> {
    json_at(&value, root, 0).map_err(|(path, why)| Error::validation(path, why))
}

fn json_at(v: &JsValue, path: &str, depth: usize) -> Result<Value, (String, &'static str)> {
    let at = |key: &str| match path {
        "" => key.to_string(),
        _ if key.starts_with('[') => format!("{path}{key}"),
        _ => format!("{path}.{key}"),
    };
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(s) = js_string(v) {
        return s.map(Value::String).map_err(|why| (path.to_string(), why));
    }
    if let Some(n) = v.as_f64() {
        let not_finite = (
            path.to_string(),
            "must be a finite number (not NaN or Infinity)",
        );
        let number = serde_json::Number::from_f64(n).ok_or(not_finite)?;
        return Ok(match number.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                Value::from(f as i64)
            }
            _ => Value::Number(number),
        });
    }
    // A BigInt is no JSON data (`JSON.stringify` refuses it too); the message named every type
    // but the one it was (outside review, stop 44).
    if v.is_bigint() {
        return Err((
            path.to_string(),
            "is a BigInt, which JSON cannot carry: give a decimal string (\"10.50\", \"10\")",
        ));
    }
    let not_data = (
        path.to_string(),
        "must be a string, a number, a boolean, an array or a plain object",
    );
    if v.is_function() || v.is_symbol() || !v.is_object() {
        return Err(not_data);
    }
    if depth >= MAX_DEPTH {
        return Err((
            path.to_string(),
            "is nested too deeply (does it refer to itself?)",
        ));
    }
    // What `JSON.stringify` does with a `Date` (and anything else with `toJSON`).
    let to_json_method = js_sys::Reflect::get(v, &"toJSON".into()).unwrap_or_default();
    if let Some(f) = to_json_method.dyn_ref::<js_sys::Function>() {
        let converted = f.call0(v).map_err(|_| not_data.clone())?;
        return json_at(&converted, path, depth + 1);
    }
    // A getter or a Proxy trap of the caller's that throws is bad input, caught here: the
    // exception no longer runs through the module (which then reported the call as perhaps
    // sent, outcome unknown, with the caller's error text).
    let unreadable = || {
        (
            path.to_string(),
            "could not be read: one of its getters (or a Proxy trap) threw; nothing was sent",
        )
    };
    if js_sys::Array::is_array(v) {
        let items = array_from(v).map_err(|_| unreadable())?;
        let mut out = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            out.push(json_at(&item, &at(&format!("[{i}]")), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    let mut out = serde_json::Map::new();
    for entry in object_entries(v).map_err(|_| unreadable())?.iter() {
        let entry = js_sys::Array::from(&entry);
        let (key, value) = (entry.get(0).as_string().unwrap_or_default(), entry.get(1));
        // An `undefined` member is absent, as `JSON.stringify` leaves it out.
        if !value.is_undefined() {
            out.insert(key.clone(), json_at(&value, &at(&key), depth + 1)?);
        }
    }
    Ok(Value::Object(out))
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
            hide(&object, &key, &field);
        } else {
            hide_secrets(&field, depth + 1);
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// `Object.entries`, whose getters (or a Proxy's traps) may throw: caught.
    #[wasm_bindgen(js_namespace = Object, js_name = entries, catch)]
    fn object_entries(object: &JsValue) -> Result<js_sys::Array, JsValue>;

    /// `Array.from`, whose getters (or a Proxy's traps) may throw: caught.
    #[wasm_bindgen(js_namespace = Array, js_name = from, catch)]
    fn array_from(items: &JsValue) -> Result<js_sys::Array, JsValue>;
}

#[wasm_bindgen(module = "/js/secret.cjs")]
extern "C" {
    /// Makes `object[key]` (= `value`) a non-enumerable getter (`js/secret.cjs`): readable,
    /// but left out of `console.log`, `util.inspect` (with `showHidden` and `%o` too: a getter
    /// prints as `[Getter]`), `Object.keys` and `JSON.stringify`.
    #[wasm_bindgen(js_name = hideSecret)]
    pub(crate) fn hide(object: &js_sys::Object, key: &JsValue, value: &JsValue);
}

/// Writes arbitrary JSON (the escape hatch's reply) as a JS value, through `JSON.parse`.
/// Numbers a JS number holds exactly (integers up to 2^53) stay numbers; every other number
/// (rates, amounts written as numbers) comes back as a string with its exact text.
pub(crate) fn json_output(value: &Value) -> Result<JsValue, Error> {
    let text =
        serde_json::to_string(&p100::input::inexact_numbers_as_text(value)).map_err(|e| {
            Error::new(
                p100::ErrorKind::Decode,
                format!("the reply could not be written as JSON: {e}"),
            )
        })?;
    parse(&text)
}

/// `p100/testing`'s reader of the sandbox's control replies: JSON text as [`json_output`] writes
/// it, so a trigger's payload holds `"25.5"` as `parseWebhook` and `request()` do, never `25.5`.
#[wasm_bindgen(js_name = __p100ExactJson, skip_typescript)]
pub fn exact_json(text: &str) -> Result<JsValue, JsValue> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        crate::errors::to_js(&Error::new(
            p100::ErrorKind::Decode,
            format!("a sandbox reply is not JSON: {e}"),
        ))
    })?;
    json_output(&value).map_err(|e| crate::errors::to_js(&e))
}

/// A text argument (ids, file names): must be a JS string.
pub(crate) fn text(value: &JsValue, field: &str) -> Result<String, Error> {
    match js_string(value) {
        Some(text) => text.map_err(|why| Error::validation(field, why)),
        None => Err(Error::validation(field, p100::input::NOT_TEXT)),
    }
}

/// A JS string as Rust text; `None` for anything else. A string holding a lone UTF-16
/// surrogate (a text cut in the middle of an emoji) is refused: `as_string` would replace it
/// with U+FFFD and send another text than the caller's (outside review, stop 40: a wallet
/// address was sent changed).
pub(crate) fn js_string(value: &JsValue) -> Option<Result<String, &'static str>> {
    let s = value.dyn_ref::<js_sys::JsString>()?;
    Some(if s.is_valid_utf16() {
        Ok(String::from(s))
    } else {
        Err(p100::input::NOT_UNICODE)
    })
}

/// The bytes of a `Uint8Array` (a Node `Buffer` is one), also of one made in another realm (a
/// `vm` context, Jest's test environment), which fails `instanceof`: a typed array
/// (`ArrayBuffer.isView`) whose tag is `Uint8Array`. `None` for anything else.
pub fn uint8_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Some(bytes.to_vec());
    }
    if !js_sys::ArrayBuffer::is_view(value) {
        return None;
    }
    let tag = js_sys::Reflect::get(value, &js_sys::Symbol::to_string_tag()).ok()?;
    (tag.as_string().as_deref() == Some("Uint8Array"))
        .then(|| value.unchecked_ref::<js_sys::Uint8Array>().to_vec())
}
