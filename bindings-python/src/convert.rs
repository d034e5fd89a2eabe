//! Arguments in, JSON out: Python keyword arguments (or a dict) become the core's request
//! structs through serde, and JSON replies of the escape hatch become Python values.
//!
//! * keys are snake_case (`external_user_id`) or the wire's camelCase (`externalUserId`);
//! * amounts are `decimal.Decimal`, `str` or `int`: a `float` anywhere in a request is refused
//!   with a validation error naming the field (it cannot hold most decimal amounts exactly);
//! * a keyword the request type does not have is a validation error naming it;
//! * error messages never repeat the value given (it may be a PIN or a card number).

use std::collections::HashMap;
use std::str::FromStr;

use p100::models::FileUpload;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::errors::validation;

/// Deepest nesting accepted in a request (guards against self-referencing lists).
const MAX_DEPTH: usize = 16;

/// `external_user_id` → `externalUserId`; camelCase input is returned unchanged.
pub fn snake_to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for ch in s.chars() {
        if ch == '_' {
            upper = !out.is_empty();
            continue;
        }
        if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// `externalUserId` → `external_user_id` (for messages).
pub fn camel_to_snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for ch in s.chars() {
        if ch.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
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

/// Converts one argument value to JSON. `path` is the wire name of the field (for errors).
pub fn to_json(value: &Bound<'_, PyAny>, path: &str, depth: usize) -> PyResult<Value> {
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
        // A big integer: its exact text (serde_json keeps arbitrary precision numbers).
        let text = value.str()?.to_string();
        return Number::from_str(&text)
            .map(Value::Number)
            .map_err(|_| validation(py, field, "is an integer out of range"));
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(validation(
            py,
            field,
            "a float is not accepted: money must be exact (0.1 has no exact binary float); \
             pass a decimal.Decimal, a str such as \"10.50\", or an int",
        ));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if value.is_instance(p100::bindings::python::decimal_type(py)?)? {
        if !value.call_method0("is_finite")?.is_truthy()? {
            return Err(validation(py, field, "must be a finite decimal"));
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
    if let Ok(dict) = value.cast::<PyDict>() {
        return mapping_to_json(dict.items().as_any(), path, depth, &mut HashMap::new());
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(to_json(&item?, &format!("{field}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    // enum.Enum members (e.g. a StrEnum of statuses): their value.
    let enum_type = py.import("enum")?.getattr("Enum")?;
    if value.is_instance(&enum_type)? {
        return to_json(&value.getattr("value")?, path, depth + 1);
    }
    // datetime.date / datetime.datetime: ISO-8601 text (`birth_date=date(1990, 5, 15)`).
    let datetime = py.import("datetime")?;
    if value.is_instance(&datetime.getattr("date")?)? {
        return Ok(Value::String(
            value.call_method0("isoformat")?.str()?.to_string(),
        ));
    }
    if let Ok(mapping) = value.cast::<PyMapping>() {
        return mapping_to_json(mapping.items()?.as_any(), path, depth, &mut HashMap::new());
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

/// Converts the `(key, value)` pairs of a mapping to a JSON object with camelCase keys;
/// `names` records the key the caller used for each wire name.
fn mapping_to_json(
    items: &Bound<'_, PyAny>,
    path: &str,
    depth: usize,
    names: &mut HashMap<String, String>,
) -> PyResult<Value> {
    let mut out = Map::new();
    merge_items(items, path, depth, &mut out, names)?;
    Ok(Value::Object(out))
}

fn merge_items(
    items: &Bound<'_, PyAny>,
    path: &str,
    depth: usize,
    out: &mut Map<String, Value>,
    names: &mut HashMap<String, String>,
) -> PyResult<()> {
    let py = items.py();
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
        let wire = snake_to_camel(&key);
        let field_path = join(path, &wire);
        let json = to_json(&value, &field_path, depth + 1)?;
        names.insert(wire.clone(), key.into_owned());
        out.insert(wire, json);
    }
    Ok(())
}

/// Collects the fields of a call: the optional positional mapping, then the keyword arguments
/// (which win over the mapping).
pub fn collect(
    fields: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<(Map<String, Value>, HashMap<String, String>)> {
    let mut out = Map::new();
    let mut names = HashMap::new();
    if let Some(fields) = fields.filter(|f| !f.is_none()) {
        let py = fields.py();
        let items = if let Ok(d) = fields.cast::<PyDict>() {
            d.items().into_any()
        } else if let Ok(m) = fields.cast::<PyMapping>() {
            m.items()?.into_any()
        } else {
            return Err(validation(
                py,
                "fields",
                format!(
                    "expected a dict of fields or keyword arguments, not {}",
                    type_name(fields)
                ),
            ));
        };
        merge_items(&items, "", 0, &mut out, &mut names)?;
    }
    if let Some(kwargs) = kwargs {
        merge_items(kwargs.items().as_any(), "", 0, &mut out, &mut names)?;
    }
    Ok((out, names))
}

/// Rewrites a serde message without the offending value (which may be a secret).
fn safe_message(message: &str) -> String {
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        match message.split_once(", expected ") {
            Some((_, expected)) => format!("has the wrong type: expected {expected}"),
            None => "has the wrong type".to_string(),
        }
    } else if message.starts_with("invalid length") {
        match message.split_once(", expected ") {
            Some((_, expected)) => format!("has the wrong length: expected {expected}"),
            None => "has the wrong length".to_string(),
        }
    } else {
        message.to_string()
    }
}

/// The field name in a serde message like ``missing field `email` ``.
fn quoted_name(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// Deserializes a request of type `T` from collected fields, refusing unknown keys.
pub fn from_fields<T: DeserializeOwned>(
    py: Python<'_>,
    fields: Map<String, Value>,
    names: &HashMap<String, String>,
) -> PyResult<T> {
    let mut ignored: Vec<String> = Vec::new();
    let result: Result<T, serde_path_to_error::Error<serde_json::Error>> = {
        let mut record = |path: serde_ignored::Path<'_>| ignored.push(path.to_string());
        let de = serde_ignored::Deserializer::new(Value::Object(fields), &mut record);
        serde_path_to_error::deserialize(de)
    };
    if let Some(path) = ignored.first() {
        let top = path.split('.').next().unwrap_or(path);
        let given = names.get(top).cloned().unwrap_or_else(|| top.to_string());
        return Err(validation(
            py,
            path,
            format!("unexpected keyword argument {given:?} (not a field of this request)"),
        ));
    }
    result.map_err(|e| {
        let inner = e.inner().to_string();
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        if inner.starts_with("missing field") {
            let missing = quoted_name(&inner).unwrap_or("?");
            let field = join(&path, missing);
            return validation(
                py,
                &field,
                format!("is required (keyword argument {})", camel_to_snake(missing)),
            );
        }
        let field = if path.is_empty() {
            "fields".to_string()
        } else {
            path
        };
        validation(py, &field, safe_message(&inner))
    })
}

/// The request of type `T` from a call's fields and keyword arguments.
pub fn request<T: DeserializeOwned>(
    py: Python<'_>,
    fields: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<T> {
    let (map, names) = collect(fields, kwargs)?;
    from_fields(py, map, &names)
}

/// Like [`request`], for uploads: the `files` entry (bytes, `(name, bytes)` pairs or paths) is
/// taken out first and returned as [`FileUpload`]s.
pub fn upload_request<T: DeserializeOwned>(
    py: Python<'_>,
    fields: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<(T, Vec<FileUpload>)> {
    let mut files_arg: Option<Bound<'_, PyAny>> = None;
    let mut rest_fields: Option<Bound<'_, PyDict>> = None;
    if let Some(f) = fields.filter(|f| !f.is_none()) {
        let d = PyDict::new(py);
        let items = if let Ok(m) = f.cast::<PyMapping>() {
            m.items()?.into_any()
        } else {
            return Err(validation(
                py,
                "fields",
                format!("expected a dict of fields, not {}", type_name(f)),
            ));
        };
        for pair in items.try_iter()? {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
            if k.extract::<String>().is_ok_and(|k| k == "files") {
                files_arg = Some(v);
            } else {
                d.set_item(k, v)?;
            }
        }
        rest_fields = Some(d);
    }
    let rest_kwargs = match kwargs {
        Some(kw) => {
            let copy = kw.copy()?;
            if let Some(v) = copy.get_item("files")? {
                files_arg = Some(v);
                copy.del_item("files")?;
            }
            Some(copy)
        }
        None => None,
    };
    let req = request(
        py,
        rest_fields.as_ref().map(|d| d.as_any()),
        rest_kwargs.as_ref(),
    )?;
    let files = match files_arg {
        Some(v) => file_list(&v)?,
        None => Vec::new(),
    };
    Ok((req, files))
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
                v.extract::<Vec<u8>>().or_else(|_| {
                    // bytearray / memoryview
                    Ok(py
                        .import("builtins")?
                        .getattr("bytes")?
                        .call1((v,))?
                        .cast_into::<PyBytes>()?
                        .as_bytes()
                        .to_vec())
                })
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
                validation(
                    py,
                    &format!("files[{i}]"),
                    format!("cannot read {path:?}: {e}"),
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

/// A JSON value as a Python value: objects → dict, arrays → list, integers → int, other
/// numbers → `decimal.Decimal` (exactly, from the number's text).
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    use pyo3::IntoPyObjectExt;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)?
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)?
            } else {
                let text = n.to_string();
                if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    py.import("builtins")?.getattr("int")?.call1((text,))?
                } else {
                    p100::bindings::python::decimal_type(py)?.call1((text,))?
                }
            }
        }
        Value::String(s) => s.into_bound_py_any(py)?,
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}
