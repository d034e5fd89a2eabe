//! The resource groups (`client.users`, `client.sepa`, …), generated from the core's operation
//! table ([`p100::for_each_operation!`]): for each group a class of `Client` (module
//! [`blocking`]: calls block, GIL released) and one of `AsyncClient` (module [`aio`]: calls
//! return coroutines), with one method per operation of the table and `wait_for` where the
//! group has one. Every method converts its arguments, calls the core method of the same name
//! and converts the result: nothing else.
//!
//! Arguments: ids are positional `str`s (`None` is refused like an empty id: a
//! `ValidationError` naming it, nothing sent); a request is one optional dict and/or keyword
//! arguments (`fields=None, /, **kwargs`, see `convert`); uploads take `files=[...]` among them.

use std::sync::Arc;

use p100::client::{Unit, WaitSettings};
use p100::models::*;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use crate::client::Shared;
use crate::convert;
use crate::errors::to_pyerr;
use crate::runtime::{block_named, kept, pending, spawn_named, Keep};

/// The callback of [`p100::for_each_operation!`] (the grammar is in `core/src/operations.rs`).
macro_rules! py_groups {
    ($(
        $(#[doc = $gdoc:literal])*
        group $group:ident $Group:ident $gjs:literal wait($($wop:ident $wout:ident $wlabel:literal $wid:ident $widw:literal)?) {
            $(
                $(#[doc = $doc:literal])+
                $op:ident: $konst:ident $method:ident $path:literal $src:ident $($flag:ident)*,
                $shape:ident $(($($id:ident $idw:literal),+))? $($in:ident)? -> $out:tt, js $js:literal;
            )+
        }
    )+) => {
        /// The group classes of `Client` (calls block, with the GIL released).
        pub mod blocking {
            use super::*;
            $(
                py_groups!(@munch (block_named $group $Group [$($gdoc)*] [$($wid $widw $wlabel)?]) []
                    $( [$($doc)+] $op $shape ($($($id $idw)+)?) $($in)?; )+
                );
            )+
        }

        /// The group classes of `AsyncClient` (calls return coroutines).
        pub mod aio {
            use super::*;
            $(
                py_groups!(@munch (spawn_named $group $Group [$($gdoc)*] [$($wid $widw $wlabel)?]) []
                    $( [$($doc)+] $op $shape ($($($id $idw)+)?) $($in)?; )+
                );
            )+
        }

        /// Adds the group classes to the module: `Users` and `AsyncUsers`, …
        pub fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $(
                m.add_class::<blocking::$Group>()?;
                add_async_class(m, &PyType::new::<aio::$Group>(m.py()))?;
            )+
            Ok(())
        }
    };

    // One class (`@munch (header) [methods so far] operations left`); `$run` is `block` or
    // `spawn`. Macros are not expanded inside `#[pymethods]`, so the methods are built first,
    // one operation at a time, then emitted by the last rule.
    //
    // Operations without a request: the ids (if any) are positional `str`s.
    (@munch ($run:ident $group:ident $($hdr:tt)*) [$($done:tt)*]
        [$($doc:literal)+] $op:ident $shape:ident ($($id:ident $idw:literal)*); $($ops:tt)*
    ) => {
        py_groups!(@munch ($run $group $($hdr)*) [$($done)*
            $(#[doc = $doc])+
            #[pyo3(signature = ($($id),*))]
            fn $op(&self, py: Python<'_> $(, $id: Option<&Bound<'_, PyAny>>)*) -> PyResult<Py<PyAny>> {
                let call = (|| {
                    $(let $id = convert::id(py, $id, $idw)?;)*
                    let c = self.core.client(py)?;
                    let keep = Keep::of(&c, concat!(stringify!($group), ".", stringify!($op)));
                    Ok(kept(async move { c.$group().$op($(&$id),*).await }, keep))
                })();
                $run(py, call, concat!(stringify!($group), ".", stringify!($op)))
            }
        ] $($ops)*);
    };

    // Uploads: the request's fields, with `files=[...]`.
    (@munch ($run:ident $group:ident $($hdr:tt)*) [$($done:tt)*]
        [$($doc:literal)+] $op:ident upload () $in:ident; $($ops:tt)*
    ) => {
        py_groups!(@munch ($run $group $($hdr)*) [$($done)*
            $(#[doc = $doc])+
            #[pyo3(signature = (fields=None, /, **kwargs))]
            fn $op(
                &self,
                py: Python<'_>,
                fields: Option<&Bound<'_, PyAny>>,
                kwargs: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Py<PyAny>> {
                let call = (|| {
                    let (mut request, files): ($in, _) = convert::upload_request(py, fields, kwargs)?;
                    request.files = files;
                    let c = self.core.client(py)?;
                    let keep = Keep::of(&c, concat!(stringify!($group), ".", stringify!($op)));
                    Ok(kept(async move { c.$group().$op(&request).await }, keep))
                })();
                $run(py, call, concat!(stringify!($group), ".", stringify!($op)))
            }
        ] $($ops)*);
    };

    // Operations with a request (query or body), after the ids if any.
    (@munch ($run:ident $group:ident $($hdr:tt)*) [$($done:tt)*]
        [$($doc:literal)+] $op:ident $shape:ident ($($id:ident $idw:literal)*) $in:ident; $($ops:tt)*
    ) => {
        py_groups!(@munch ($run $group $($hdr)*) [$($done)*
            $(#[doc = $doc])+
            #[pyo3(signature = ($($id,)* fields=None, /, **kwargs))]
            fn $op(
                &self,
                py: Python<'_>,
                $($id: Option<&Bound<'_, PyAny>>,)*
                fields: Option<&Bound<'_, PyAny>>,
                kwargs: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Py<PyAny>> {
                let call = (|| {
                    $(let $id = convert::id(py, $id, $idw)?;)*
                    let request: $in = convert::request(py, fields, kwargs)?;
                    let c = self.core.client(py)?;
                    let keep = Keep::of(&c, concat!(stringify!($group), ".", stringify!($op)));
                    Ok(kept(async move { c.$group().$op($(&$id,)* &request).await }, keep))
                })();
                $run(py, call, concat!(stringify!($group), ".", stringify!($op)))
            }
        ] $($ops)*);
    };

    // Every operation done: the class.
    (@munch (
        $run:ident $group:ident $Group:ident [$($gdoc:literal)*] [$($wid:ident $widw:literal $wlabel:literal)?]
    ) [$($done:tt)*]) => {
        $(#[doc = $gdoc])*
        #[pyclass(frozen, module = "p100")]
        pub struct $Group {
            pub(crate) core: Arc<Shared>,
        }

        #[pymethods]
        impl $Group {
            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                let name = slf.get_type().qualname()?;
                Ok(format!("<p100.{name} of {}>", slf.get().core.describe()))
            }

            $($done)*

            $(
                #[doc = concat!("Polls `details` until the ", $wlabel, " is final (or `timeout` \
                    seconds have passed); `interval` and `max_interval` (seconds) space the polls.")]
                #[pyo3(signature = ($wid, *, timeout=None, interval=None, max_interval=None))]
                fn wait_for(
                    &self,
                    py: Python<'_>,
                    $wid: Option<&Bound<'_, PyAny>>,
                    timeout: Option<&Bound<'_, PyAny>>,
                    interval: Option<&Bound<'_, PyAny>>,
                    max_interval: Option<&Bound<'_, PyAny>>,
                ) -> PyResult<Py<PyAny>> {
                    let call = (|| {
                        let $wid = convert::id(py, $wid, $widw)?;
                        let settings = WaitSettings {
                            timeout: convert::seconds_or_nan(timeout),
                            interval: convert::seconds_or_nan(interval),
                            max_interval: convert::seconds_or_nan(max_interval),
                        };
                        let options = settings.options_for(Unit::Seconds, &$wid).map_err(|e| to_pyerr(py, &e))?;
                        let c = self.core.client(py)?;
                        Ok(pending(async move { c.$group().wait_for(&$wid, options).await }))
                    })();
                    $run(py, call, concat!(stringify!($group), ".wait_for"))
                }
            )?
        }
    };
}

p100::for_each_operation!(py_groups);

/// Registers an async group class as `Async<Name>`. Both classes of a group come from one Rust
/// template, and a macro cannot build the identifier `AsyncUsers`, so the async class is named
/// here: its `__name__` and `__qualname__` (a heap type's are writable).
fn add_async_class(m: &Bound<'_, PyModule>, cls: &Bound<'_, PyType>) -> PyResult<()> {
    let name = format!("Async{}", cls.name()?);
    cls.setattr("__name__", &name)?;
    cls.setattr("__qualname__", &name)?;
    m.add(name, cls)
}
