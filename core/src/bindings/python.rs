//! Python extras (feature `python`, used by `bindings-python/`).
//!
//! * every model is a frozen `#[pyclass]` (see `macros.rs`) with read-only snake_case
//!   attributes; [`__python_model_extras!`](crate::__python_model_extras) adds `__repr__`
//!   (secrets shown as `'[REDACTED]'`) and `to_dict()`;
//! * every string enum converts to a Python `str` (its wire text, so unknown values come back
//!   as the text received);
//! * [`Amount`] converts to `decimal.Decimal` (exactly, through its text), [`SecretString`] to
//!   `str` (the caller must be able to read a PAN; `repr()` of the model still hides it);
//! * the few response types that are not plain models (balances, rate maps, lists, webhook
//!   events) get small frozen wrapper classes here.
//!
//! Nothing here contains logic beyond conversion: lookups call the core's own methods.

use std::convert::Infallible;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple, PyType};
use pyo3::IntoPyObjectExt;

use crate::models::FileUpload;
use crate::webhooks::WebhookEvent;

#[doc(hidden)]
pub use inventory;

/// A model class to add to the Python module: each `model!` submits one (through
/// [`__python_model_extras!`](crate::__python_model_extras)), and [`add_classes`] adds them all,
/// so declaring a model is all it takes for it to be `p100.<Name>`.
#[doc(hidden)]
pub struct ModelClass(pub fn(&Bound<'_, PyModule>) -> PyResult<()>);

inventory::collect!(ModelClass);
use crate::{Amount, SecretString};

/// The text shown instead of a secret in `repr()`.
pub const REDACTED: &str = "'[REDACTED]'";

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal`, imported once.
pub fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// `IntoPyObject` for a type and its reference, from one body (`$v` is a reference).
macro_rules! into_py {
    ($($t:ty),+ => $target:ty, $err:ty, |$py:ident, $v:ident| $body:expr) => {$(
        impl<'py> IntoPyObject<'py> for $t {
            type Target = $target;
            type Output = Bound<'py, $target>;
            type Error = $err;
            fn into_pyobject(self, $py: Python<'py>) -> Result<Self::Output, $err> {
                let $v = &self;
                $body
            }
        }
    )+};
}

// An amount through its exact decimal text: never through a float.
into_py!(Amount, &Amount => PyAny, PyErr, |py, a| decimal_type(py)?.call1((a.to_string(),)));
into_py!(SecretString, &SecretString => PyString, Infallible, |py, s| {
    Ok(PyString::new(py, s.expose()))
});

/// A file of an upload request, as the tuple `(file_name, bytes)`.
impl<'py> IntoPyObject<'py> for FileUpload {
    type Target = PyTuple;
    type Output = Bound<'py, PyTuple>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let name = PyString::new(py, &self.file_name).into_any();
        let data = PyBytes::new(py, &self.data).into_any();
        PyTuple::new(py, [name, data])
    }
}

/// The attribute name of a field (`r#type` → `type`).
#[doc(hidden)]
pub fn field_name(raw: &str) -> &str {
    raw.strip_prefix("r#").unwrap_or(raw)
}

/// `name=<repr>` of one field for `__repr__`. Fields whose type holds a secret (or file
/// contents) show `'[REDACTED]'` when set.
#[doc(hidden)]
pub fn repr_field<'py, T>(py: Python<'py>, name: &str, ty: &str, value: &T) -> PyResult<String>
where
    T: IntoPyObject<'py> + Clone,
{
    let obj = value.clone().into_bound_py_any(py)?;
    let secret = ty.contains("SecretString") || ty.contains("FileUpload");
    let shown = if obj.is_none() {
        "None".to_string()
    } else if secret {
        REDACTED.to_string()
    } else {
        obj.repr()?.to_string()
    };
    Ok(format!("{}={}", field_name(name), shown))
}

/// How the Python binding reads a call's `fields=None, /, **kwargs` into JSON, and maps the
/// core's errors: set by the binding when its module loads ([`set_reader`]), so that model
/// constructors read arguments exactly as the methods do.
/// Its last argument is the model's class name (a request object passed as `fields` must be of
/// that class).
pub type Reader = for<'py> fn(
    Python<'py>,
    Option<&Bound<'py, PyAny>>,
    Option<&Bound<'py, PyDict>>,
    &str,
) -> PyResult<serde_json::Value>;
/// The binding's mapping of a core error to its exception.
pub type ToPyErr = fn(Python<'_>, &crate::Error) -> PyErr;

static READER: std::sync::OnceLock<(Reader, ToPyErr)> = std::sync::OnceLock::new();

/// Sets the binding's [`Reader`] and error mapping (once; later calls change nothing).
pub fn set_reader(read: Reader, to_pyerr: ToPyErr) {
    let _ = READER.set((read, to_pyerr));
}

/// The Python class name of the model `T` (`CreateCardRequest`): its unqualified Rust name.
pub fn class_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// A model's constructor (`p100.CreateCardRequest(external_user_id=..., ...)`): the arguments
/// decoded by the core's one request decoder ([`crate::input::decode`]: field paths, unknown
/// fields refused, no float for money, no echo of values). Validation of the values comes when
/// the request is sent, as for a dict.
#[doc(hidden)]
pub fn construct<'py, T: serde::de::DeserializeOwned>(
    py: Python<'py>,
    fields: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<T> {
    let Some((read, to_pyerr)) = READER.get() else {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "p100: models are built through the p100 package",
        ));
    };
    let value = read(py, fields, kwargs, class_name::<T>())?;
    crate::input::decode(&value, "fields").map_err(|e| to_pyerr(py, &e))
}

/// The wire JSON of a model (`to_json()`); a failure (never expected) is a `ValueError`.
#[doc(hidden)]
pub fn wire_json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("not serializable: {e}")))
}

/// Converts an attribute value for `to_dict()`: models become dicts, lists and dicts are
/// converted element by element, everything else (str, int, bool, Decimal, None) is kept.
#[doc(hidden)]
pub fn plain<'py>(value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    if let Ok(list) = value.cast::<PyList>() {
        let out = PyList::empty(py);
        for item in list.iter() {
            out.append(plain(item)?)?;
        }
        return Ok(out.into_any());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        let items = tuple.iter().map(plain).collect::<PyResult<Vec<_>>>()?;
        return Ok(PyTuple::new(py, items)?.into_any());
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let out = PyDict::new(py);
        for (k, v) in dict.iter() {
            out.set_item(k, plain(v)?)?;
        }
        return Ok(out.into_any());
    }
    let module = value.get_type().module()?;
    if module.to_cow()? == "p100" && value.hasattr(pyo3::intern!(py, "to_dict"))? {
        return value.call_method0(pyo3::intern!(py, "to_dict"));
    }
    Ok(value)
}

/// Python extras of one model: `__repr__` (secrets redacted) and `to_dict()`, from the field
/// list; more methods can follow after a `;`.
#[macro_export]
#[doc(hidden)]
macro_rules! __python_model_extras {
    (
        $name:ident {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $fty:ty ),* $(,)?
        }
        $( ; $($extra:tt)* )?
    ) => {
        #[::pyo3::pymethods]
        impl $name {
            /// Built from a dict and/or keyword arguments (snake_case or wire names), read as
            /// the methods read a request.
            #[new]
            #[pyo3(signature = (fields=None, /, **kwargs))]
            fn p100_py_new<'py>(
                py: ::pyo3::Python<'py>,
                fields: Option<&::pyo3::Bound<'py, ::pyo3::PyAny>>,
                kwargs: Option<&::pyo3::Bound<'py, ::pyo3::types::PyDict>>,
            ) -> ::pyo3::PyResult<Self> {
                $crate::bindings::python::construct(py, fields, kwargs)
            }

            fn __repr__(slf: &::pyo3::Bound<'_, Self>) -> ::pyo3::PyResult<String> {
                use ::pyo3::types::{PyAnyMethods, PyTypeMethods};
                let py = slf.py();
                let this = slf.get();
                let parts: ::std::vec::Vec<String> = ::std::vec![
                    $(
                        $crate::bindings::python::repr_field(
                            py,
                            stringify!($field),
                            stringify!($fty),
                            &this.$field,
                        )?,
                    )*
                ];
                let _ = &this;
                Ok(format!("{}({})", slf.get_type().qualname()?, parts.join(", ")))
            }

            /// The attributes as a plain `dict` (nested models as dicts, amounts as `Decimal`,
            /// secrets readable).
            #[pyo3(name = "to_dict")]
            fn p100_py_to_dict<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::types::PyDict>> {
                #[allow(unused_imports)]
                use ::pyo3::types::PyDictMethods;
                let dict = ::pyo3::types::PyDict::new(py);
                $(
                    let value =
                        ::pyo3::IntoPyObjectExt::into_bound_py_any(self.$field.clone(), py)?;
                    dict.set_item(
                        $crate::bindings::python::field_name(stringify!($field)),
                        $crate::bindings::python::plain(value)?,
                    )?;
                )*
                Ok(dict)
            }

            /// The wire JSON of this object (camelCase names, amounts as strings), as the API
            /// would send it.
            #[pyo3(name = "to_json")]
            fn p100_py_to_json(&self) -> ::pyo3::PyResult<String> {
                $crate::bindings::python::wire_json(self)
            }

            /// Results are immutable: a copy is the object itself.
            fn __copy__(slf: ::pyo3::Py<Self>) -> ::pyo3::Py<Self> {
                slf
            }

            /// Results are immutable: a deep copy is the object itself.
            fn __deepcopy__(
                slf: ::pyo3::Py<Self>,
                _memo: &::pyo3::Bound<'_, ::pyo3::PyAny>,
            ) -> ::pyo3::Py<Self> {
                slf
            }

            $( $($extra)* )?
        }

        $crate::bindings::python::inventory::submit! {
            $crate::bindings::python::ModelClass(|m| {
                ::pyo3::types::PyModuleMethods::add_class::<$name>(m)
            })
        }
    };
}

/// Every string enum converts to its wire text (`"SUCCESSFUL"`, `"eur"`); an unknown value to
/// the text as received.
#[macro_export]
#[doc(hidden)]
macro_rules! __python_enum_extras {
    ($name:ident) => {
        $crate::__python_enum_extras!(@text $name);
        $crate::__python_enum_extras!(@text &$name);
    };
    (@text $t:ty) => {
        impl<'py> ::pyo3::IntoPyObject<'py> for $t {
            type Target = ::pyo3::types::PyString;
            type Output = ::pyo3::Bound<'py, ::pyo3::types::PyString>;
            type Error = ::std::convert::Infallible;
            fn into_pyobject(
                self,
                py: ::pyo3::Python<'py>,
            ) -> ::std::result::Result<Self::Output, ::std::convert::Infallible> {
                Ok(::pyo3::types::PyString::new(py, self.as_str()))
            }
        }
    };
}

/// A webhook delivery the SDK does not recognise (or whose payload does not decode). `repr()`
/// shows the size of the raw body only: it may hold anything.
#[pyclass(frozen, get_all, eq, name = "UnknownEvent", module = "p100")]
#[derive(Clone, PartialEq)]
pub struct UnknownEvent {
    /// `event_type` of the envelope, when present.
    pub event_type: Option<String>,
    /// The body exactly as received.
    pub raw: String,
}

#[pymethods]
impl UnknownEvent {
    fn __repr__(&self) -> String {
        format!(
            "UnknownEvent(event_type={}, raw=<{} bytes>)",
            match &self.event_type {
                Some(t) => format!("{t:?}"),
                None => "None".to_string(),
            },
            self.raw.len()
        )
    }

    /// The body exactly as received (the wire JSON of the delivery).
    fn to_json(&self) -> String {
        self.raw.clone()
    }

    /// Immutable: a copy is the object itself.
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Immutable: a deep copy is the object itself.
    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }

    /// `{"event_type": ..., "raw": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("event_type", &self.event_type)?;
        d.set_item("raw", &self.raw)?;
        Ok(d)
    }
}

/// The callback of [`crate::for_each_webhook_event!`]: a parsed event becomes its typed payload
/// object (`SepaTransferEvent`…) or an [`UnknownEvent`].
macro_rules! py_events {
    ($( $(#[doc = $doc:literal])* $variant:ident($payload:ident) = $name:literal; )+) => {
        impl<'py> IntoPyObject<'py> for WebhookEvent {
            type Target = PyAny;
            type Output = Bound<'py, PyAny>;
            type Error = PyErr;
            fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
                match self {
                    $( WebhookEvent::$variant(e) => e.into_bound_py_any(py), )+
                    WebhookEvent::Unknown { event_type, raw } => {
                        UnknownEvent { event_type, raw }.into_bound_py_any(py)
                    }
                }
            }
        }
    };
}

crate::for_each_webhook_event!(py_events);

/// Adds every model (each `model!` registered itself), webhook payload and wrapper class to
/// `module` (the classes exported as `p100.<Name>`).
pub fn add_classes(module: &Bound<'_, PyModule>) -> PyResult<()> {
    for class in inventory::iter::<ModelClass> {
        (class.0)(module)?;
    }
    module.add_class::<UnknownEvent>()?;
    Ok(())
}
