//! Arguments in, JSON out: Python keyword arguments (or a dict) are read into JSON and decoded
//! by the core's one request decoder ([`p100::input::decode`]: field paths in errors,
//! unknown fields refused, no float for money, no echo of values); JSON replies of the escape
//! hatch become Python values. What is Python's own:
//!
//! * keys are snake_case (`external_user_id`) or the wire's camelCase (`externalUserId`);
//! * amounts are `decimal.Decimal` (sent as its exact text), `str` or `int`; a `float` goes to
//!   the core as a JSON number, which refuses it where an amount is expected (a NaN or an
//!   infinity is refused here: JSON has no such number);
//! * `datetime.date`s become ISO text, `enum.Enum` members their value;
//! * uploads take `files=[...]` (bytes, `(file_name, bytes)` pairs or paths).

use std::str::FromStr;

use p100::models::FileUpload;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::errors::{to_pyerr, validation};

/// Deepest nesting accepted in a request (guards against self-referencing lists).
const MAX_DEPTH: usize = 16;

/// How dict keys and floats are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// Requests of the typed methods: snake_case keys become camelCase; floats go to the core.
    Request,
    /// The body of the escape hatch: keys kept as given, floats refused (the core does not know
    /// which fields are amounts there).
    Raw,
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_string())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Most digits, and largest exponent, of a `Decimal` read (far beyond any amount's).
const MAX_DECIMAL_DIGITS: usize = 100;

/// Converts one argument value to JSON. `path` is the wire name of the field (for errors).
pub fn to_json(value: &Bound<'_, PyAny>, path: &str, depth: usize, keys: Keys) -> PyResult<Value> {
    let py = value.py();
    let field = if path.is_empty() { "value" } else { path };
    if depth > MAX_DEPTH {
        return Err(validation(py, field, "is nested too deeply"));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Value::from(u));
        }
        // A big integer: its exact text (serde_json keeps arbitrary precision numbers). Python
        // itself refuses to write one of more than 4,300 digits (a ValueError).
        let out_of_range = || validation(py, field, "is an integer out of range");
        let text = value.str().map_err(|_| out_of_range())?.to_string();
        return Number::from_str(&text)
            .map(Value::Number)
            .map_err(|_| out_of_range());
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let number = Number::from_f64(f.value()).filter(|_| keys == Keys::Request);
        return number
            .map(Value::Number)
            .ok_or_else(|| validation(py, field, p100::input::FLOAT_FOR_MONEY));
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text = s
            .to_cow()
            .map_err(|_| validation(py, field, p100::input::NOT_UNICODE))?;
        return Ok(Value::String(text.into_owned()));
    }
    let decimal = p100::bindings::python::decimal_type(py)?;
    if value.is_instance(decimal)? {
        // A plain `Decimal` holding the same value first: a subclass's own `__format__`,
        // `__str__` or `as_tuple` (a money type that rounds to cents for display) must not
        // decide what is checked and sent (outside review, stop 50: `Money("10.005")` went
        // out as 10.01).
        let value = &decimal.call1((value,))?;
        if !value.call_method0("is_finite")?.is_truthy()? {
            return Err(validation(py, field, "must be a finite decimal"));
        }
        // Plain notation below would write out every digit of `Decimal("1E+200000000")`
        // (seconds and hundreds of MB): no amount has that many, so such a value goes as its
        // short text (`1E+200000000`), which the core refuses as any binding's too-large amount.
        let (digits, exponent): (Bound<'_, PyTuple>, i64) = {
            let t = value.call_method0("as_tuple")?;
            (
                t.getattr("digits")?.cast_into()?,
                t.getattr("exponent")?.extract()?,
            )
        };
        if digits.len() > MAX_DECIMAL_DIGITS || exponent.unsigned_abs() > MAX_DECIMAL_DIGITS as u64
        {
            return Ok(Value::String(value.str()?.to_string()));
        }
        // Plain notation, exactly as the Decimal holds it (`Decimal("1E-8")` → `0.00000001`).
        let text = py
            .import("builtins")?
            .getattr("format")?
            .call1((value, "f"))?
            .str()?
            .to_string();
        return Ok(Value::String(text));
    }
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
        return Err(validation(
            py,
            field,
            "bytes are only accepted for file uploads (files=[...])",
        ));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(to_json(&item?, &format!("{field}[{i}]"), depth + 1, keys)?);
        }
        return Ok(Value::Array(items));
    }
    // enum.Enum members (e.g. a StrEnum of statuses): their value.
    let enum_type = py.import("enum")?.getattr("Enum")?;
    if value.is_instance(&enum_type)? {
        return to_json(&value.getattr("value")?, path, depth + 1, keys);
    }
    // datetime.date / datetime.datetime: ISO-8601 text (`birth_date=date(1990, 5, 15)`).
    let datetime = py.import("datetime")?;
    if value.is_instance(&datetime.getattr("date")?)? {
        return Ok(Value::String(
            value.call_method0("isoformat")?.str()?.to_string(),
        ));
    }
    if value.is_instance_of::<PyDict>() || value.cast::<PyMapping>().is_ok() {
        let mut out = Map::new();
        merge(value, path, depth, keys, &mut out, None)?;
        return Ok(Value::Object(out));
    }
    Err(validation(
        py,
        field,
        format!(
            "a {} is not accepted here (use str, int, bool, decimal.Decimal, list or dict)",
            type_name(value)
        ),
    ))
}

/// Adds the entries of the mapping `items` to `out` (keys as `keys` says). With `files`, a
/// top-level `files` entry is kept aside, unconverted, for [`file_list`].
fn merge<'py>(
    mapping: &Bound<'py, PyAny>,
    path: &str,
    depth: usize,
    keys: Keys,
    out: &mut Map<String, Value>,
    mut files: Option<&mut Option<Bound<'py, PyAny>>>,
) -> PyResult<()> {
    let py = mapping.py();
    let items = match mapping.cast::<PyDict>() {
        Ok(d) => d.items().into_any(),
        Err(_) => mapping.cast::<PyMapping>()?.items()?.into_any(),
    };
    // The names `out` already holds came from the call's dict (see `collect`).
    let before: std::collections::HashSet<String> = out.keys().cloned().collect();
    let mut seen = std::collections::HashSet::new();
    for pair in items.try_iter()? {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
        let Ok(key) = key.cast::<PyString>() else {
            return Err(validation(
                py,
                if path.is_empty() { "fields" } else { path },
                format!("keys must be str, not {}", type_name(&key)),
            ));
        };
        let key = key.to_cow()?;
        if let Some(slot) = files.as_deref_mut().filter(|_| key == "files") {
            *slot = Some(value);
            continue;
        }
        let wire = match keys {
            Keys::Request => p100::routes::camel_case(&key),
            Keys::Raw => key.into_owned(),
        };
        let at = join(path, &wire);
        if !seen.insert(wire.clone()) {
            // `external_user_id=` and `externalUserId=` in one call: which one is meant?
            return Err(validation(py, &at, "is given twice, under two spellings"));
        }
        if before.contains(&wire) {
            // `partner_transfer(saved, destination_iban=...)`: the dict's value or this one?
            // Money must not go where only one of the two says.
            return Err(validation(
                py,
                &at,
                "is given twice, in the dict and as a keyword argument",
            ));
        }
        let json = to_json(&value, &at, depth + 1, keys)?;
        out.insert(wire, json);
    }
    Ok(())
}

/// The fields of a call as a JSON object: the optional positional mapping (or request object of
/// the class `expected`), then the keyword arguments. A field in both (under any spelling) is
/// refused: neither silently wins.
fn collect<'py>(
    fields: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
    mut files: Option<&mut Option<Bound<'py, PyAny>>>,
    expected: &str,
) -> PyResult<Value> {
    let mut out = Map::new();
    if let Some(fields) = fields.filter(|f| !f.is_none()) {
        let model = model_fields(fields, expected)?;
        let mapping = match &model {
            // A request object (`p100.CreateCardRequest(...)`): its set fields, as if given in
            // a dict; keyword arguments may add the ones it leaves unset.
            Some(set) => set.as_any(),
            None if fields.cast::<PyMapping>().is_ok() => fields,
            None => {
                return Err(validation(
                    fields.py(),
                    "fields",
                    format!(
                        "expected a dict of fields, a p100.{expected} or keyword arguments, not {}",
                        type_name(fields)
                    ),
                ))
            }
        };
        merge(
            mapping,
            "",
            0,
            Keys::Request,
            &mut out,
            files.as_deref_mut(),
        )?;
    }
    if let Some(kwargs) = kwargs {
        merge(kwargs.as_any(), "", 0, Keys::Request, &mut out, files)?;
    }
    Ok(Value::Object(out))
}

/// The set fields of a `p100` model object as a dict (its `to_dict()`, without `None`s: amounts
/// stay `Decimal`s), when it is of the class `expected`; `None` for a value that is no `p100`
/// model; a `ValidationError` for a model of another class.
fn model_fields<'py>(
    value: &Bound<'py, PyAny>,
    expected: &str,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let py = value.py();
    let class = value.get_type();
    let module = class.getattr(pyo3::intern!(py, "__module__"))?;
    if module.to_string() != "p100" || !value.hasattr(pyo3::intern!(py, "to_dict"))? {
        return Ok(None);
    }
    let name = class.name()?.to_string();
    if name != expected {
        return Err(validation(
            py,
            "fields",
            format!("expected a dict of fields or a p100.{expected}, not a p100.{name}"),
        ));
    }
    let all = value.call_method0(pyo3::intern!(py, "to_dict"))?;
    let set = PyDict::new(py);
    for (key, v) in all.cast::<PyDict>()?.iter() {
        if !v.is_none() {
            set.set_item(key, v)?;
        }
    }
    Ok(Some(set))
}

/// A call's fields and keyword arguments as JSON, for a model of the class `expected` (the
/// [`p100::bindings::python::Reader`] of model constructors).
pub fn read_fields<'py>(
    _py: Python<'py>,
    fields: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
    expected: &str,
) -> PyResult<Value> {
    collect(fields, kwargs, None, expected)
}

/// A number of seconds as the core's wait settings take it: `None` when not given; anything
/// that is not a number (`"5"`, `True`) as NaN, which the core refuses as a `ValidationError`
/// naming the option, with the outcome of a wait (a bare `TypeError` before: outside review,
/// stop 44).
pub fn seconds_or_nan(value: Option<&Bound<'_, PyAny>>) -> Option<f64> {
    let v = value.filter(|v| !v.is_none())?;
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Some(f64::NAN);
    }
    Some(v.extract::<f64>().unwrap_or(f64::NAN))
}

/// An id argument (`transfer_id`…), named `field` (its wire name) in errors: `None` is empty
/// text (which the core refuses naming the id); anything but a `str`, or a `str` holding a lone
/// surrogate, is a `ValidationError` naming it, as in every language (it was a `TypeError` or a
/// `UnicodeEncodeError`: no `P100Error`, no outcome).
pub fn id(py: Python<'_>, value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<String> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(String::new());
    };
    let text = value
        .cast::<PyString>()
        .map_err(|_| validation(py, field, p100::input::NOT_TEXT))?;
    text.to_cow()
        .map(|t| t.into_owned())
        .map_err(|_| validation(py, field, p100::input::NOT_UNICODE))
}

/// The request of type `T` from a call's fields and keyword arguments, decoded by the core.
pub fn request<T: DeserializeOwned>(
    py: Python<'_>,
    fields: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<T> {
    let value = collect(
        fields,
        kwargs,
        None,
        p100::bindings::python::class_name::<T>(),
    )?;
    p100::input::decode(&value, "fields").map_err(|e| to_pyerr(py, &e))
}

/// Like [`request`], for uploads: the `files` entry (bytes, `(name, bytes)` pairs or paths) is
/// taken out first and returned as [`FileUpload`]s.
pub fn upload_request<T: DeserializeOwned>(
    py: Python<'_>,
    fields: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<(T, Vec<FileUpload>)> {
    let mut files = None;
    let value = collect(
        fields,
        kwargs,
        Some(&mut files),
        p100::bindings::python::class_name::<T>(),
    )?;
    let request = p100::input::decode(&value, "fields").map_err(|e| to_pyerr(py, &e))?;
    let files = match files {
        Some(v) => file_list(&v)?,
        None => Vec::new(),
    };
    Ok((request, files))
}

/// JSON as plain Python values, through Python's own parser: integers become `int`, other
/// numbers `Decimal` (from their exact text, which serde_json keeps), objects dicts and arrays
/// lists. For the escape hatch's replies and the sandbox's. A reply with an integer longer than
/// Python reads as `int` (`sys.get_int_max_str_digits()`, 4,300 digits by default) has every
/// integer as a `Decimal`, exact too (outside review, stop 46: a `ValueError` after a 2xx lost
/// the outcome).
pub fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    let decimal = p100::bindings::python::decimal_type(py)?;
    let kw = PyDict::new(py);
    kw.set_item("parse_float", decimal)?;
    let loads = py.import("json")?.getattr("loads")?;
    let text = value.to_string();
    match loads.call((&text,), Some(&kw)) {
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyValueError>(py) => {
            kw.set_item("parse_int", decimal)?;
            loads.call((&text,), Some(&kw))
        }
        read => read,
    }
}

/// `files=[b"...", ("front.jpg", b"..."), pathlib.Path("selfie.png")]`.
fn file_list(value: &Bound<'_, PyAny>) -> PyResult<Vec<FileUpload>> {
    let py = value.py();
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyString>() {
        return Err(validation(
            py,
            "files",
            "must be a list of files: bytes, (file_name, bytes) pairs or paths",
        ));
    }
    let os_fspath = py.import("os")?.getattr("fspath")?;
    let pathlike = py.import("os")?.getattr("PathLike")?;
    let mut out = Vec::new();
    for (i, item) in value.try_iter()?.enumerate() {
        let item = item?;
        let bytes_of = |v: &Bound<'_, PyAny>| -> PyResult<Vec<u8>> {
            if v.is_instance_of::<PyBytes>() || v.is_instance_of::<PyByteArray>() {
                let bytes = py
                    .get_type::<PyBytes>()
                    .call1((v,))?
                    .cast_into::<PyBytes>()?;
                Ok(bytes.as_bytes().to_vec())
            } else {
                Err(validation(
                    py,
                    &format!("files[{i}]"),
                    format!("file contents must be bytes, not {}", type_name(v)),
                ))
            }
        };
        if let Ok(t) = item.cast::<PyTuple>() {
            if t.len() != 2 {
                return Err(validation(
                    py,
                    &format!("files[{i}]"),
                    "must be a (file_name, bytes) pair",
                ));
            }
            let name: String = t.get_item(0)?.extract().map_err(|_| {
                validation(py, &format!("files[{i}]"), "the file name must be a str")
            })?;
            out.push(FileUpload::new(name, bytes_of(&t.get_item(1)?)?));
        } else if item.is_instance_of::<PyBytes>() || item.is_instance_of::<PyByteArray>() {
            out.push(FileUpload::new(format!("file{}", i + 1), bytes_of(&item)?));
        } else if item.is_instance(&pathlike)? || item.is_instance_of::<PyString>() {
            let path: String = os_fspath.call1((&item,))?.extract()?;
            let data = std::fs::read(&path).map_err(|e| {
                // A str is a path. One that is not a plausible path may be the file's contents
                // (base64 of an ID photo): never repeat it.
                let shown = if path.len() <= 255 && !path.contains(['\n', '\r']) {
                    format!("{path:?}")
                } else {
                    format!("the path given ({} characters)", path.chars().count())
                };
                validation(
                    py,
                    &format!("files[{i}]"),
                    format!(
                        "cannot read {shown}: {e} (a str is a file path; pass contents as bytes)"
                    ),
                )
            })?;
            let name = std::path::Path::new(&path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| format!("file{}", i + 1));
            out.push(FileUpload::new(name, data));
        } else {
            return Err(validation(
                py,
                &format!("files[{i}]"),
                format!(
                    "must be bytes, a (file_name, bytes) pair or a path, not {}",
                    type_name(&item)
                ),
            ));
        }
    }
    Ok(out)
}
