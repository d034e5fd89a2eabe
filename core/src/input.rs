//! Request decoding from host values (DESIGN principle 1), for every binding, the CLI and the
//! sandbox: a binding turns its host value (a JS object, Python keyword arguments, a JSON string
//! from Swift/Kotlin) into a [`serde_json::Value`] and calls [`decode`]. One function, so every
//! language gets:
//!
//! * the **wire path** of the value at fault in the error's `field` (`limits.dailyTrxAll`,
//!   `files[1]`), as a `Validation` error before anything is sent;
//! * **no float for money**: a number with a fraction (or beyond 2^53) where the model expects
//!   an [`Amount`] is refused — binary floats cannot hold most decimal amounts exactly, so
//!   amounts are decimal strings (`"10.50"`), integers, or the host's decimal type;
//! * **unknown fields refused**, named by their path (a typo must not silently drop a field);
//! * **no echo** of the value given: messages say what was expected and what kind of value was
//!   found, never the value (it may be a PIN, a card number or a document number).

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde_json::Value;

use crate::{Amount, Error};

/// Decodes a request of type `T` from a host value read into JSON. `what` names the argument
/// as a whole (`"request"`) for errors about the value itself (not an object, …).
pub fn decode<T: DeserializeOwned>(value: &Value, what: &str) -> crate::Result<T> {
    let de = ValueDe {
        value,
        path: String::new(),
        text_numbers: false,
    };
    T::deserialize(de).map_err(|e| e.into_error(what))
}

/// Like [`decode`], for hosts whose values are text (the `p100` command line's `--month 1`,
/// JSON text): a string where the request needs a number (an integer or a float field, not
/// an amount: amounts are text anyway) is read as that number when it is one; a JSON number
/// where it needs an [`Amount`] is read from its exact text (`"amount": 0.005`: JSON text's
/// numbers never went through a binary float). Which fields are numbers or amounts comes from
/// the request type itself, never from an error message; a number anywhere else is refused as
/// in [`decode`] (`"transferTitle": 0.5` is no title).
pub fn decode_text<T: DeserializeOwned>(value: &Value, what: &str) -> crate::Result<T> {
    let de = ValueDe {
        value,
        path: String::new(),
        text_numbers: true,
    };
    T::deserialize(de).map_err(|e| e.into_error(what))
}

/// Decodes a request of type `T` from JSON text given by a caller (Swift/Kotlin `*FromJson`, the
/// command line's `--json`): [`json_text`], then [`decode_text`], so that a number with a
/// fraction where an amount is wanted is read from its exact text (`"amount": 0.005`, as the
/// docs write withdrawals and exchanges). Only a host number that went through a binary float
/// (a JavaScript number, a Python `float`) is refused as money; JSON text never did.
pub fn decode_json<T: DeserializeOwned>(text: &str, what: &str) -> crate::Result<T> {
    decode_text(&json_text(text, "json")?, what)
}

/// Reads JSON text given by a caller (Swift/Kotlin `*FromJson` and escape-hatch bodies, the
/// command line's `--json`) into a [`Value`] for [`decode`]. Text that is not JSON is a
/// `Validation` error of `field`; so is an object with the same key twice, named by its path:
/// a JSON parser keeps one of them in silence (`{"amount":"1","amount":"1000"}` would send
/// 1000), and which one was meant cannot be known.
pub fn json_text(text: &str, field: &str) -> crate::Result<Value> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::validation(
            field,
            format!("is not valid JSON ({:?} error)", e.classify()),
        )
    })?;
    let twice = std::cell::RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = UniqueKeys {
        path: String::new(),
        twice: &twice,
    };
    if seed.deserialize(&mut de).is_err() {
        if let Some(path) = twice.into_inner() {
            return Err(Error::validation(
                path,
                "is given twice in one object: which value is meant cannot be known",
            ));
        }
    }
    Ok(value)
}

/// Walks JSON text and stops at the first object that has a key twice, keeping its path.
struct UniqueKeys<'a> {
    path: String,
    twice: &'a std::cell::RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for UniqueKeys<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueKeys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            let item = UniqueKeys {
                path: format!("{}[{i}]", self.path),
                twice: self.twice,
            };
            if seq.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = match self.path.as_str() {
                "" => key.clone(),
                p => format!("{p}.{key}"),
            };
            if !seen.insert(key) {
                *self.twice.borrow_mut() = Some(path);
                return Err(de::Error::custom("a key is given twice"));
            }
            map.next_value_seed(UniqueKeys {
                path,
                twice: self.twice,
            })?;
        }
        Ok(())
    }
}

/// The message of a field the request type does not have.
const UNKNOWN_FIELD: &str = "is not a known field here (unexpected field)";

/// True when a JSON number's text is an integer that a binary double holds exactly (|n| ≤ 2^53).
pub fn is_exact_integer(n: &serde_json::Number) -> bool {
    const MAX_SAFE: i64 = (1 << 53) - 1;
    n.as_i64()
        .is_some_and(|i| (-MAX_SAFE..=MAX_SAFE).contains(&i))
        && !n.to_string().contains(['.', 'e', 'E'])
}

/// For hosts whose numbers are binary doubles (JavaScript): refuses every number in `value`
/// that is not an integer a double holds exactly, naming its path under `path` (`body.amount`,
/// `body.items[1]`). An escape-hatch body has no types to say which fields are amounts, so a
/// number with a fraction may be money that was already rounded: it must come as text.
pub fn refuse_inexact_numbers(value: &Value, path: &str) -> crate::Result<()> {
    match value {
        Value::Number(n) if !is_exact_integer(n) => Err(crate::Error::validation(
            path,
            if is_big_integer(n) {
                "integers beyond 2^53 cannot be sent exactly from JavaScript; send them as strings (\"12345678901234567890\")"
            } else {
                "numbers with a fraction cannot be sent exactly from JavaScript; send amounts as strings (\"12.50\")"
            },
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| refuse_inexact_numbers(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .try_for_each(|(k, v)| refuse_inexact_numbers(v, &format!("{path}.{k}"))),
        _ => Ok(()),
    }
}

/// For hosts whose numbers are binary doubles: `value` with every number a double cannot hold
/// exactly (rates, amounts written as numbers, integers beyond 2^53) replaced by its exact text.
pub fn inexact_numbers_as_text(value: &Value) -> Value {
    match value {
        Value::Number(n) if !is_exact_integer(n) => Value::String(n.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(inexact_numbers_as_text).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), inexact_numbers_as_text(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The message of a host text that is not valid Unicode: a lone UTF-16 surrogate (JS, Python,
/// Kotlin strings can hold one). Refused rather than replaced (U+FFFD), which would send another
/// text than the caller's: a changed wallet address or IBAN.
pub const NOT_UNICODE: &str = "is not valid Unicode: it holds a lone UTF-16 surrogate (a text \
    cut in the middle of an emoji?); nothing was sent";

/// The message of an argument that must be text and is not (an id, a file name).
pub const NOT_TEXT: &str = "must be a string";

/// The message of a fractional number given for an amount.
pub const FLOAT_FOR_MONEY: &str =
    "must be a decimal string such as \"10.50\", not a floating-point \
    number: a binary float cannot hold every decimal amount exactly";

/// The message of an integer beyond 2^53 given for an amount as a host number (exact in Python
/// or Rust, but not in every language the SDK serves, so refused alike for every host value;
/// JSON text, read by [`decode_json`], is exact and takes it from its text).
pub const BIG_INTEGER_FOR_MONEY: &str =
    "must be a decimal string such as \"10.50\" when it is beyond 2^53: \
    an integer that large is not exact as a number in every language";

/// An integer outside the range a double holds exactly: written without fraction or exponent,
/// or a double with no fraction (JavaScript's `2 ** 60` arrives as `1.152921504606847e18`).
fn is_big_integer(n: &serde_json::Number) -> bool {
    !is_exact_integer(n)
        && (!n.to_string().contains(['.', 'e', 'E'])
            || n.as_f64()
                .is_some_and(|f| f.is_finite() && f.fract() == 0.0 && f.abs() >= 2f64.powi(53)))
}

/// An input error and where it happened.
#[derive(Debug)]
struct InputError {
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
/// serde's name of a Rust primitive (`f64`, `u32`…) in the words of every host language.
fn plain_expected(exp: &str) -> String {
    match exp {
        "f32" | "f64" => "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".into(),
        "a borrowed string" | "a string" => "a string".into(),
        "a boolean" => "a boolean".into(),
        // `struct TransferRequest`, `struct variant …`: the host knows it as an object.
        other if other.starts_with("struct ") => "an object".into(),
        other => other.to_string(),
    }
}

fn kind_of(unexp: &de::Unexpected<'_>) -> &'static str {
    use de::Unexpected as U;
    match unexp {
        U::Bool(_) => "a boolean",
        U::Signed(i) if *i < 0 => "a negative number",
        // A number too large for a double (the core parses JSON with arbitrary precision)
        // arrives here as NaN or infinity: it is "a number", not a fractional one.
        U::Float(f) if f.is_finite() && f.fract() != 0.0 => "a fractional number",
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
        let exp = plain_expected(&exp.to_string());
        InputError::new(format!("expected {exp}, found {}", kind_of(&unexp)))
    }

    fn invalid_value(_unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let exp = plain_expected(&exp.to_string());
        InputError::new(format!("is out of range: expected {exp}"))
    }

    fn missing_field(field: &'static str) -> Self {
        InputError {
            message: "is required".to_string(),
            path: None,
            missing: Some(field),
        }
    }

    /// A field given under two of its names (`sourceExternalUserId` and its alias
    /// `externalUserId`): named by its own name, as a missing one is (it was serde's message at
    /// the request's root: outside review, stop 50).
    fn duplicate_field(field: &'static str) -> Self {
        InputError {
            message: "is given twice, under two of its names: which value is meant cannot be known"
                .to_string(),
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
    /// Read numeric text as a number where the type asks for a number ([`decode_text`]).
    text_numbers: bool,
}

/// Visits a JSON number as the narrowest of u64, i64, f64 that holds it.
fn visit_number<'de, V: Visitor<'de>>(
    n: &serde_json::Number,
    visitor: V,
) -> Result<V::Value, InputError> {
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

/// The numeric deserializers: numeric text as a number under [`decode_text`], else as any value.
macro_rules! numbers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
            if let (true, Value::String(text)) = (self.text_numbers, self.value) {
                // JSON's numbers, and whole numbers as people type them (`--month 03`, `+3`).
                let text = text.trim();
                let number = serde_json::from_str::<serde_json::Number>(text)
                    .ok()
                    .or_else(|| text.parse::<i64>().ok().map(serde_json::Number::from));
                if let Some(n) = number {
                    let path = self.path.clone();
                    return visit_number(&n, visitor).map_err(|e| e.at(&path));
                }
            }
            self.deserialize_any(visitor)
        }
    )*};
}

/// The value as serde's `Unexpected`, as `deserialize_any` would have visited it.
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    use de::Unexpected as U;
    match value {
        Value::Null => U::Unit,
        Value::Bool(b) => U::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => U::Unsigned(u),
            (_, Some(i), _) => U::Signed(i),
            (_, _, f) => U::Float(f.unwrap_or(f64::NAN)),
        },
        Value::String(s) => U::Str(s),
        Value::Array(_) => U::Seq,
        Value::Object(_) => U::Map,
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'de> ValueDe<'de> {
    /// A deserializer for one JSON type: `visit` calls the visitor's one method for it, or hands
    /// the visitor back for an `invalid_type` error (which names the kind of value found, never
    /// the value). Forwarding to `deserialize_any` instead would instantiate every `visit_*` of
    /// every visitor (a struct's `visit_seq`, too): 55 KB of the npm package's wasm (4.6%).
    fn only<V: Visitor<'de>>(
        self,
        visitor: V,
        visit: impl FnOnce(&'de Value, &str, bool, V) -> Result<Result<V::Value, InputError>, V>,
    ) -> Result<V::Value, InputError> {
        let result = match visit(self.value, &self.path, self.text_numbers, visitor) {
            Ok(visited) => visited,
            Err(visitor) => Err(de::Error::invalid_type(unexpected(self.value), &visitor)),
        };
        result.map_err(|e| e.at(&self.path))
    }

    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if wants_amount::<V>() && !is_exact_integer(n) {
                    // Text hosts' numbers are exact: only where an amount is wanted, so that
                    // a number sent for a text field is refused (outside review, stop 50:
                    // `"transferTitle": 0.5` went out as "0.5").
                    if self.text_numbers {
                        return visitor.visit_string(n.to_string());
                    }
                    return Err(InputError::new(if is_big_integer(n) {
                        BIG_INTEGER_FOR_MONEY
                    } else {
                        FLOAT_FOR_MONEY
                    }));
                }
                visit_number(n, visitor)
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                index: 0,
                path: &self.path,
                text_numbers: self.text_numbers,
            }),
            Value::Object(map) => visitor.visit_map(MapDe {
                entries: map.iter(),
                pending: None,
                path: &self.path,
                text_numbers: self.text_numbers,
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

    /// A derived `Deserialize` asks to skip a value only for a key its struct does not have:
    /// that is a typo (`ammount`) or a field of another request, refused rather than dropped.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, InputError> {
        Err(InputError::new(UNKNOWN_FIELD).at(&self.path))
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, InputError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.only(visitor, |value, path, text_numbers, visitor| match value {
            Value::Object(map) => Ok(visitor.visit_map(MapDe {
                entries: map.iter(),
                pending: None,
                path,
                text_numbers,
            })),
            _ => Err(visitor),
        })
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.only(visitor, |value, path, text_numbers, visitor| match value {
            Value::Array(items) => Ok(visitor.visit_seq(SeqDe {
                items: items.iter(),
                index: 0,
                path,
                text_numbers,
            })),
            _ => Err(visitor),
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.only(visitor, |value, _, _, visitor| match value {
            Value::String(s) => Ok(visitor.visit_borrowed_str(s)),
            _ => Err(visitor),
        })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.only(visitor, |value, _, _, visitor| match value {
            Value::Bool(b) => Ok(visitor.visit_bool(*b)),
            _ => Err(visitor),
        })
    }

    serde::forward_to_deserialize_any! {
        bytes byte_buf unit unit_struct
    }
}

struct SeqDe<'a, 'p> {
    items: std::slice::Iter<'a, Value>,
    index: usize,
    path: &'p str,
    text_numbers: bool,
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
        seed.deserialize(ValueDe {
            value,
            path,
            text_numbers: self.text_numbers,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a, 'p> {
    entries: serde_json::map::Iter<'a>,
    pending: Option<(&'a String, &'a Value)>,
    path: &'p str,
    text_numbers: bool,
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
            text_numbers: self.text_numbers,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inexact_numbers_are_refused_by_path_or_written_as_text() {
        let body = json!({"a": 1, "n": [2, {"rate": 1.5}], "big": 9_007_199_254_740_993_u64});
        let e = refuse_inexact_numbers(&body, "body").unwrap_err();
        assert_eq!(e.field(), Some("body.big"), "{e}");
        // An integer beyond 2^53 has no fraction: the message says what it is.
        assert!(e.to_string().contains("integers beyond 2^53"), "{e}");
        assert!(!e.to_string().contains("fraction"), "{e}");
        // JavaScript's `2 ** 60` arrives as a double with an exponent: no fraction either.
        let e = refuse_inexact_numbers(&json!({"n": 2f64.powi(60)}), "body").unwrap_err();
        assert!(e.to_string().contains("integers beyond 2^53"), "{e}");
        let e = refuse_inexact_numbers(&json!({"n": [2, {"rate": 1.5}]}), "body").unwrap_err();
        assert_eq!(e.field(), Some("body.n[1].rate"), "{e}");
        assert!(e.to_string().contains("as strings"), "{e}");
        refuse_inexact_numbers(
            &json!({"a": -9_007_199_254_740_991_i64, "s": "1.5"}),
            "body",
        )
        .unwrap();
        let text: Value =
            serde_json::from_str(r#"{"r":0.1,"i":7,"e":1e2,"l":[12345678901234567890]}"#).unwrap();
        assert_eq!(
            inexact_numbers_as_text(&text),
            json!({"r": "0.1", "i": 7, "e": "1e+2", "l": ["12345678901234567890"]})
        );
    }

    #[test]
    fn a_value_refused_as_an_amount_is_not_repeated() {
        use crate::models::TransferRequest;
        let v = json!({"destinationExternalUserId": "u1", "amount": "DE89370400440532013000", "currency": "eur"});
        let e = decode::<TransferRequest>(&v, "request").unwrap_err();
        assert_eq!(e.field(), Some("amount"));
        assert!(!format!("{e} {e:?}").contains("DE8937"), "{e}");
    }

    #[test]
    fn json_text_refuses_a_key_given_twice_naming_its_path() {
        for (text, path) in [
            (
                r#"{"amount":"1","amount":"1000","currency":"eur"}"#,
                "amount",
            ),
            (r#"{"a":{"pin":"1234","pin":"9999"}}"#, "a.pin"),
            (r#"{"files":[{"x":1},{"y":2,"y":3}]}"#, "files[1].y"),
        ] {
            let e = json_text(text, "json").unwrap_err();
            assert_eq!(e.field(), Some(path), "{text}");
            assert!(
                !e.message().contains("1000") && !e.message().contains("9999"),
                "{e}"
            );
        }
        let v = json_text(r#"{"amount":1.10,"n":[1,2,{"k":null}],"s":"x"}"#, "json").unwrap();
        assert_eq!(v["amount"].to_string(), "1.10", "numbers stay exact");
        let e = json_text("{\"pin\":\"1234\"", "json").unwrap_err();
        assert_eq!(e.field(), Some("json"));
        assert!(!e.message().contains("1234"), "{e}");
    }

    #[test]
    fn decode_text_reads_numeric_text_where_the_type_needs_a_number() {
        use crate::models::TransactionHistoryQuery;
        let q: TransactionHistoryQuery =
            decode_text(&json!({"month": "3", "year": " 2026 "}), "request").unwrap();
        assert_eq!((q.month, q.year), (3, 2026));
        // Not with `decode`, and not text that is no number (named by its field).
        let e = decode::<TransactionHistoryQuery>(&json!({"month": "3", "year": 2026}), "request")
            .unwrap_err();
        assert_eq!(e.field(), Some("month"));
        let e = decode_text::<TransactionHistoryQuery>(
            &json!({"month": "March", "year": "2026"}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("month"));
        // Amounts stay text (exact), and strings stay strings.
        let t: TransferRequest = decode_text(
            &json!({"destinationExternalUserId": "42", "amount": "10.50", "currency": "eur"}),
            "request",
        )
        .unwrap();
        assert_eq!(t.amount.to_string(), "10.50");
    }
    use crate::models::{CreateCardRequest, TransferRequest, UpdateCardLimitsRequest};
    use serde_json::json;

    fn field(e: &Error) -> String {
        e.field().unwrap_or_default().to_string()
    }

    #[test]
    fn unknown_fields_are_refused_with_their_path() {
        let e = decode::<TransferRequest>(
            &json!({"destinationExternalUserId": "u1", "ammount": "1", "currency": "eur"}),
            "request",
        )
        .unwrap_err();
        assert_eq!(field(&e), "ammount");
        assert!(e.to_string().contains("unexpected field"), "{e}");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<UpdateCardLimitsRequest>,
        }
        let item = json!({"externalUserId": "u", "cardId": "c", "pan": "4111111111111111"});
        let e = decode::<Outer>(&json!({ "items": [item] }), "request").unwrap_err();
        assert_eq!(field(&e), "items[0].pan");
        assert!(!e.to_string().contains("4111"), "{e}");
    }

    #[test]
    fn decodes_and_keeps_exact_amounts() {
        let t: TransferRequest = decode(
            &json!({"destinationExternalUserId": "u1", "amount": "10.10", "currency": "eur"}),
            "request",
        )
        .unwrap();
        assert_eq!(t.amount.to_string(), "10.10");
        // An integer is exact: accepted.
        let t: TransferRequest = decode(
            &json!({"destinationExternalUserId": "u1", "amount": 7, "currency": "eur"}),
            "request",
        )
        .unwrap();
        assert_eq!(t.amount.to_string(), "7");
        // A fraction, or an integer written as a float, is refused for a plain amount too.
        for amount in [json!(10.5), json!(10.0), json!(1e3)] {
            let e = decode::<TransferRequest>(
                &json!({"destinationExternalUserId": "u1", "amount": amount, "currency": "eur"}),
                "request",
            )
            .unwrap_err();
            assert_eq!(field(&e), "amount", "{amount}");
            assert!(e.to_string().contains("decimal string"), "{e}");
        }
    }

    #[test]
    fn null_for_an_optional_request_field_is_not_given() {
        // The npm typings let an optional request field be `null` (a result spread into a
        // request): the decoder must read it as absent, amounts included.
        let r = decode::<UpdateCardLimitsRequest>(
            &json!({"externalUserId": "u1", "cardId": "c1", "dailyTrxAll": null, "dailyTrxAtm": "50"}),
            "request",
        )
        .unwrap();
        assert_eq!(r.daily_trx_all, None);
        assert!(r.daily_trx_atm.is_some());
    }

    #[test]
    fn a_wrong_type_is_named_in_plain_words_not_rust_types() {
        use crate::models::TransactionHistoryQuery;
        let e = decode::<TransactionHistoryQuery>(&json!({"month": "x", "year": 2026}), "query")
            .unwrap_err();
        assert_eq!(field(&e), "month");
        assert!(e.to_string().contains("a whole number"), "{e}");
        assert!(!e.to_string().contains("i32"), "{e}");
        #[derive(serde::Deserialize, Debug)]
        #[serde(rename_all = "camelCase")]
        #[allow(dead_code)]
        struct Options {
            timeout_ms: Option<f64>,
        }
        let e = decode::<Options>(&json!({"timeoutMs": "5"}), "options").unwrap_err();
        assert_eq!(field(&e), "timeoutMs");
        assert!(!e.to_string().contains("f64"), "{e}");
        assert!(e.to_string().contains("expected a number"), "{e}");
        let e = decode::<crate::models::TransferRequest>(&Value::Null, "request").unwrap_err();
        assert_eq!(field(&e), "request");
        assert!(
            e.to_string().contains("expected an object, found null"),
            "{e}"
        );
    }

    #[test]
    fn a_float_for_money_is_refused_with_its_path() {
        let e = decode::<UpdateCardLimitsRequest>(
            &json!({"externalUserId": "u1", "cardId": "c1", "dailyTrxAll": 10.5}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Validation);
        assert_eq!(field(&e), "dailyTrxAll");
        assert!(e.to_string().contains("decimal string"), "{e}");
        assert!(e.to_string().contains("floating-point"), "{e}");
        // An integer beyond 2^53 (exact in Python) is not called a float.
        let e = decode::<UpdateCardLimitsRequest>(
            &json!({"externalUserId": "u1", "cardId": "c1", "dailyTrxAll": 9_007_199_254_740_992_u64}),
            "request",
        )
        .unwrap_err();
        assert_eq!(field(&e), "dailyTrxAll");
        assert!(e.to_string().contains("beyond 2^53"), "{e}");
        assert!(!e.to_string().contains("floating-point"), "{e}");
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let e = decode::<TransferRequest>(
            &json!({"destinationExternalUserId": "u1", "amount": "1", "currency": "eur", "ammount": "2"}),
            "request",
        )
        .unwrap_err();
        assert_eq!(field(&e), "ammount");
        let e = decode::<TransferRequest>(&json!({"destinationExternalUserId": "u1"}), "request")
            .unwrap_err();
        assert!(e.to_string().contains("is required"), "{e}");
        let e = decode::<TransferRequest>(&json!(["x"]), "request").unwrap_err();
        assert_eq!(field(&e), "request");
    }

    #[test]
    fn the_value_given_is_never_repeated() {
        let e = decode::<CreateCardRequest>(
            &json!({"externalUserId": "u1", "label": "abc", "pin": {"x": "4929123412341234"}}),
            "request",
        )
        .unwrap_err();
        assert_eq!(field(&e), "pin");
        assert!(!format!("{e} {e:?}").contains("4929"), "{e:?}");
    }

    #[test]
    fn a_missing_field_is_named_and_a_wrong_primitive_not_echoed() {
        use crate::models::UpdatePinRequest;
        // A missing field's error names it.
        let e =
            decode::<UpdatePinRequest>(&json!({"externalUserId": "u1", "cardId": "c1"}), "request")
                .unwrap_err();
        assert_eq!(field(&e), "pin");
        // A wrong primitive is described by its kind, never echoed.
        let e = decode::<UpdatePinRequest>(
            &json!({"externalUserId": "u1", "cardId": "c1", "pin": 4821}),
            "request",
        )
        .unwrap_err();
        assert_eq!(field(&e), "pin");
        assert!(!format!("{e} {e:?}").contains("4821"), "{e:?}");
    }
    #[test]
    fn a_value_of_another_json_type_is_named_by_its_kind_at_its_path() {
        use crate::models::UpdatePinRequest;
        let pin = |v: serde_json::Value| {
            decode::<UpdatePinRequest>(
                &json!({"externalUserId": "u1", "cardId": "c1", "pin": v}),
                "request",
            )
            .unwrap_err()
        };
        // A string field given an object, an array, a boolean or null.
        for (given, kind) in [
            (json!({"a": "4821"}), "an object"),
            (json!(["4821"]), "an array"),
            (json!(true), "a boolean"),
            (json!(null), "null"),
            (json!(-4821), "a negative number"),
            (json!(48.21), "a fractional number"),
            (serde_json::from_str("4821e400").unwrap(), "a number"),
            (serde_json::from_str("-4821e400").unwrap(), "a number"),
        ] {
            let e = pin(given);
            assert_eq!(field(&e), "pin");
            assert!(e.to_string().contains(&format!("found {kind}")), "{e}");
            assert!(!format!("{e} {e:?}").contains("4821"), "{e:?}");
        }
        // A request (a struct) must be an object: an array is not read field by field.
        for (given, kind) in [
            (json!(["u1", "c1", "4821"]), "an array"),
            (json!("4821"), "a string"),
        ] {
            let e = decode::<UpdatePinRequest>(&given, "request").unwrap_err();
            assert_eq!(field(&e), "request");
            assert!(e.to_string().contains(&format!("found {kind}")), "{e}");
            assert!(!format!("{e} {e:?}").contains("4821"), "{e:?}");
        }
        // A nested object (card limits) given a string, and a list given an object.
        let e = decode::<UpdateCardLimitsRequest>(
            &json!({"externalUserId": "u1", "cardId": "c1", "dailyTrxAll": {"x": 1}}),
            "request",
        )
        .unwrap_err();
        assert_eq!(field(&e), "dailyTrxAll");
        let e = decode::<CreateCardRequest>(&json!({"externalUserId": {"id": "u1"}}), "request")
            .unwrap_err();
        assert_eq!(field(&e), "externalUserId");
        assert!(e.to_string().contains("found an object"), "{e}");
    }
}
