//! JS values in and out.
//!
//! **In**: a JS object is read into a `serde_json::Value` (serde-wasm-bindgen), then the core's
//! model is deserialized from that value by [`ValueDe`], a small deserializer that
//! * tracks the path of every value (`limits.dailyTrxAll`, `files[1]`), so a bad input becomes a
//!   `ValidationError` whose `field` names the wire field;
//! * refuses a JS number where the model expects an [`Amount`]: a float cannot hold every decimal
//!   amount exactly, so money is always passed as a string (`"10.50"`);
//! * never repeats the offending value in its message (it may be a PIN or a card number).
//!
//! **Out**: models are serialized with serde-wasm-bindgen into plain objects with the wire's
//! camelCase names; amounts are strings (that is how [`Amount`] serializes), absent values are
//! `null`, maps are plain objects.

use std::fmt;

use p100::{Amount, Error};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

/// Reads a JS value into the core type `T`. `what` names the argument (`"request"`) in errors
/// about the value as a whole.
pub(crate) fn input<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    let json = to_json(value, what)?;
    T::deserialize(ValueDe {
        value: &json,
        path: String::new(),
    })
    .map_err(|e| e.into_error(what))
}

/// Reads any JS value into JSON (objects, arrays, strings, numbers, booleans, `null`).
/// `undefined` is `null`.
pub(crate) fn to_json(value: JsValue, what: &str) -> Result<Value, Error> {
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

/// Writes a core value as a plain JS value. Secret fields (card number, CVV, PIN, document
/// numbers, dates of birth, one-time codes) are made non-enumerable: `card.cardNumber` reads
/// them, but `console.log(card)`, `util.inspect` and `JSON.stringify(card)` skip them, so they
/// do not end up in logs by accident.
pub(crate) fn output<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    let js = value.serialize(&serializer).map_err(|e| {
        Error::new(
            p100::ErrorKind::Decode,
            format!("the reply could not be converted to a JS value: {e}"),
        )
    })?;
    hide_secrets(&js, 0);
    Ok(js)
}

/// Wire names of secret fields in replies and events.
const SECRET_FIELDS: &[&str] = &[
    "cardNumber",
    "cvv",
    "pin",
    "documentNumber",
    "userIdentificationNumber",
    "pesel",
    "birthDate",
    "code",
];

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
        if SECRET_FIELDS.contains(&name.as_str()) && !field.is_null() {
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

/// True when a JSON number's text is an integer a JS number holds exactly (|n| ≤ 2^53).
fn is_safe_integer(n: &serde_json::Number) -> bool {
    const MAX_SAFE: i64 = (1 << 53) - 1;
    n.as_i64()
        .is_some_and(|i| (-MAX_SAFE..=MAX_SAFE).contains(&i))
        && !n.to_string().contains(['.', 'e', 'E'])
}

/// Refuses numbers with a fraction (or beyond 2^53) in an escape-hatch body: JS numbers cannot
/// carry money exactly, so amounts must be sent as strings. The error names the path.
pub(crate) fn refuse_fractional_numbers(value: &Value, path: &str) -> Result<(), Error> {
    match value {
        Value::Number(n) if !is_safe_integer(n) => Err(Error::validation(
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
        Value::Number(n) if !is_safe_integer(n) => Value::String(n.to_string()),
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
    js_sys::JSON::parse(&text).map_err(|_| {
        Error::new(
            p100::ErrorKind::Decode,
            "the reply could not be converted to a JS value",
        )
    })
}

/// A text argument (ids): must be a JS string.
pub(crate) fn text(value: &JsValue, field: &str) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::validation(field, "must be a string"))
}

/// An input error and where it happened.
#[derive(Debug)]
pub(crate) struct InputError {
    message: String,
    /// Wire path of the value at fault, once known.
    path: Option<String>,
    /// A field the struct at `path` lacks (`missing field`).
    missing: Option<&'static str>,
}

impl InputError {
    fn new(message: impl Into<String>) -> Self {
        InputError {
            message: message.into(),
            path: None,
            missing: None,
        }
    }

    /// Records `path` as the place of the error, unless a deeper place is known already.
    fn at(mut self, path: &str) -> Self {
        if self.path.is_none() {
            let mut p = path.to_string();
            if let Some(field) = self.missing.take() {
                if !p.is_empty() {
                    p.push('.');
                }
                p.push_str(field);
            }
            self.path = Some(p);
        }
        self
    }

    fn into_error(self, what: &str) -> Error {
        let field = match (self.path, self.missing) {
            (Some(p), _) if !p.is_empty() => p,
            (_, Some(m)) => m.to_string(),
            _ => what.to_string(),
        };
        Error::validation(field, self.message)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InputError {}

/// What kind of value an `Unexpected` is, without the value itself.
fn kind_of(unexp: &de::Unexpected<'_>) -> &'static str {
    use de::Unexpected as U;
    match unexp {
        U::Bool(_) => "a boolean",
        U::Signed(i) if *i < 0 => "a negative number",
        U::Float(f) if f.fract() != 0.0 => "a fractional number",
        U::Unsigned(_) | U::Signed(_) | U::Float(_) => "a number",
        U::Char(_) | U::Str(_) => "a string",
        U::Bytes(_) => "bytes",
        U::Unit => "null",
        U::Option => "an optional value",
        U::NewtypeStruct | U::NewtypeVariant | U::TupleVariant | U::StructVariant => "a value",
        U::Seq => "an array",
        U::Map => "an object",
        U::Enum | U::UnitVariant => "an enum value",
        U::Other(_) => "an unsupported value",
    }
}

impl de::Error for InputError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        InputError::new(msg.to_string())
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        InputError::new(format!("expected {exp}, found {}", kind_of(&unexp)))
    }

    fn invalid_value(_unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        InputError::new(format!("is out of range: expected {exp}"))
    }

    fn missing_field(field: &'static str) -> Self {
        InputError {
            message: "is required".to_string(),
            path: None,
            missing: Some(field),
        }
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        InputError::new(format!("must be one of: {}", expected.join(", ")))
    }
}

/// True when the visitor produces an [`Amount`] (the core's `Deserialize` for it).
fn wants_amount<'de, V: Visitor<'de>>() -> bool {
    std::any::type_name::<V::Value>() == std::any::type_name::<Amount>()
}

/// Deserializes from a JSON value, tracking the path (see the module docs).
struct ValueDe<'a> {
    value: &'a Value,
    path: String,
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'de> ValueDe<'de> {
    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if wants_amount::<V>() {
                    return Err(InputError::new(
                        "must be a string such as \"10.50\", not a number: a JS number cannot \
                         hold every decimal amount exactly",
                    ));
                }
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else if let Some(f) = n.as_f64() {
                    visitor.visit_f64(f)
                } else {
                    Err(InputError::new("is not a finite number"))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                index: 0,
                path: &self.path,
            }),
            Value::Object(map) => visitor.visit_map(MapDe {
                entries: map.iter(),
                pending: None,
                path: &self.path,
            }),
        }
    }
}

impl<'de> de::Deserializer<'de> for ValueDe<'de> {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let path = self.path.clone();
        self.any(visitor).map_err(|e| e.at(&path))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let path = self.path.clone();
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.at(&path))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        let path = self.path.clone();
        visitor.visit_newtype_struct(self).map_err(|e| e.at(&path))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, InputError> {
        // Only unit variants written as strings occur in requests.
        let path = self.path.clone();
        match self.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(InputError::new("must be a string")),
        }
        .map_err(|e| e.at(&path))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct SeqDe<'a, 'p> {
    items: std::slice::Iter<'a, Value>,
    index: usize,
    path: &'p str,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'de, '_> {
    type Error = InputError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, InputError> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        let path = format!("{}[{}]", self.path, self.index);
        self.index += 1;
        seed.deserialize(ValueDe { value, path }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a, 'p> {
    entries: serde_json::map::Iter<'a>,
    pending: Option<(&'a String, &'a Value)>,
    path: &'p str,
}

impl<'de> de::MapAccess<'de> for MapDe<'de, '_> {
    type Error = InputError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, InputError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        seed.deserialize(de::value::BorrowedStrDeserializer::<InputError>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, InputError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(InputError::new("a value was read before its key"));
        };
        seed.deserialize(ValueDe {
            value,
            path: child(self.path, key),
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Like [`input`], from JSON already read.
pub(crate) fn from_json<T: DeserializeOwned>(json: &Value, what: &str) -> Result<T, Error> {
    T::deserialize(ValueDe {
        value: json,
        path: String::new(),
    })
    .map_err(|e| e.into_error(what))
}

/// An empty JSON object (for optional option bags).
pub(crate) fn empty_object() -> Value {
    Value::Object(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use p100::models::{TransferRequest, UpdateCardLimitsRequest};
    use serde_json::json;

    #[test]
    fn money_as_a_number_is_refused_with_the_field() {
        let e = from_json::<TransferRequest>(
            &json!({"destinationExternalUserId": "u", "amount": 10.5, "currency": "eur"}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.kind(), p100::ErrorKind::Validation);
        assert_eq!(e.field(), Some("amount"));
        let e = from_json::<UpdateCardLimitsRequest>(
            &json!({"externalUserId": "u", "cardId": "c", "dailyTrxAll": 500}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("dailyTrxAll"));
        let ok = from_json::<TransferRequest>(
            &json!({"destinationExternalUserId": "u", "amount": "0.00000001", "currency": "btc", "extra": 1}),
            "request",
        )
        .unwrap();
        assert_eq!(ok.amount.to_string(), "0.00000001");
    }

    #[test]
    fn errors_name_the_path_and_never_the_value() {
        let e = from_json::<p100::models::CreateCardRequest>(
            &json!({"externalUserId": "u", "label": "Shop", "pin": 4821}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("pin"));
        assert!(!e.to_string().contains("4821"), "{e}");
        let e = from_json::<p100::models::CreateCardRequest>(
            &json!({"externalUserId": "u", "label": "Shop"}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("pin"));
        assert!(e.message().contains("required"));
        let e =
            from_json::<p100::models::CreateCardRequest>(&json!("text"), "request").unwrap_err();
        assert_eq!(e.field(), Some("request"));
        // Nested: an element of a list inside an object.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<TransferRequest>,
        }
        let e = from_json::<Outer>(
            &json!({"items": [{"amount": "1", "currency": "eur"}, {"amount": 2, "currency": "eur"}]}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("items[1].amount"));
    }
}
