//! The resource groups (`client.partner.balances()`, …): one exported entry,
//! `Client.__call(operation, args)`, whose `match` is generated from the core's operation table
//! ([`p100::for_each_operation!`]). It reads the ids (strings) and the request (through the
//! core's decoder, [`crate::convert::input`]), calls the core's method of the same name and
//! converts the reply; validation, retries and error mapping all happen in the core.
//!
//! The JS side is generated from the same table: `build.sh` runs `scripts/groups.mjs`, which
//! writes `pkg/groups.cjs` (one class per group of `tests/operations.json`, the table's
//! manifest, whose methods call `__call`) and their typings. One exported entry instead of one
//! per operation keeps the wasm small: each export carries its own promise glue.

use js_sys::{Array, Object, Promise, Reflect};
use p100::models::*;
use p100::Error;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{spawn_call, wait_options, Client};
use crate::convert::{input, output, text};

/// A query: `undefined` stands for `{}` (a query whose fields are all optional).
fn query<T: DeserializeOwned>(value: JsValue) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return input(Object::new().into(), "query");
    }
    input(value, "query")
}

/// Splits an upload request: `files: FileUpload[]` read as bytes, and the rest (the JSON part).
fn split_files(value: JsValue) -> Result<(JsValue, Vec<FileUpload>), Error> {
    let obj = value
        .dyn_ref::<Object>()
        .ok_or_else(|| Error::validation("request", "must be an object"))?;
    let files = Reflect::get(obj, &JsValue::from_str("files")).unwrap_or(JsValue::UNDEFINED);
    let files = files
        .dyn_into::<Array>()
        .map_err(|_| Error::validation("files", "must be an array of { fileName, data }"))?;
    let mut out = Vec::with_capacity(files.length() as usize);
    for (i, f) in files.iter().enumerate() {
        let field = format!("files[{i}]");
        // A key a file does not have (`contentType`) is refused, as in a request.
        if let Some(entry) = f.dyn_ref::<Object>() {
            let unknown = Object::keys(entry)
                .iter()
                .filter_map(|k| k.as_string())
                .find(|k| k != "fileName" && k != "data");
            if let Some(key) = unknown {
                return Err(Error::validation(
                    format!("{field}.{key}"),
                    "is not a field of a file (it has fileName and data)",
                ));
            }
        }
        let name = Reflect::get(&f, &JsValue::from_str("fileName")).unwrap_or_default();
        let name = crate::convert::text(&name, &format!("{field}.fileName"))?;
        let data = Reflect::get(&f, &JsValue::from_str("data"))
            .ok()
            .and_then(|v| crate::convert::uint8_bytes(&v))
            .ok_or_else(|| {
                Error::validation(
                    format!("{field}.data"),
                    "must be a Uint8Array (a Node Buffer is one)",
                )
            })?;
        out.push(FileUpload::new(name, data));
    }
    // The JSON part: a shallow copy without `files`.
    let rest = Object::assign(&Object::new(), obj);
    let _ = Reflect::delete_property(&rest, &JsValue::from_str("files"));
    Ok((rest.into(), out))
}

/// The next JS argument (`undefined` past the last).
fn next(args: &mut js_sys::ArrayIter<'_>) -> JsValue {
    args.next().unwrap_or(JsValue::UNDEFINED)
}

/// No argument after those the operation takes: a `{ signal }` or options object given to a
/// call (as to `fetch`) would be ignored while the call goes out. Per-call options go through
/// `client.withOptions(...)`.
fn no_more(args: &mut js_sys::ArrayIter<'_>) -> Result<(), Error> {
    if args.any(|a| !a.is_undefined()) {
        return Err(Error::validation(
            "arguments",
            "more arguments than the operation takes: per-call options (signal, timeoutMs, \
             maxRetries, headers) go through client.withOptions({ ... })",
        ));
    }
    Ok(())
}

macro_rules! wasm_dispatch {
    // How a request argument is read, by the operation's shape.
    (@read upload $in:ident, $v:expr) => {
        split_files($v).and_then(|(rest, files)| Ok($in { files, ..input(rest, "request")? }))
    };
    (@read query $in:ident, $v:expr) => { query::<$in>($v) };
    (@read ids_query $in:ident, $v:expr) => { query::<$in>($v) };
    (@read $shape:ident $in:ident, $v:expr) => { input::<$in>($v, "request") };
    (@out (), $v:ident) => {{
        let () = $v;
        Ok(JsValue::UNDEFINED)
    }};
    (@out $t:ident, $v:ident) => { output(&$v) };
    (@request $in:ident, $request:expr) => { $request };
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
        /// Reads the JS arguments `args` of the operation `op` (`"sepa.partner_transfer"`, or
        /// `"sepa.wait_for"`: its ids, then its request or the wait options) at once, while the
        /// caller waits, and returns the call to run: an object the caller changes after the
        /// call returned (a template reused in a loop) is not what is sent (outside review,
        /// stop 44: the arguments were read on the first poll, a microtask later).
        fn dispatch(c: p100::Client, op: String, args: Array) -> Result<Call, Error> {
            let mut args = args.iter();
            let args = &mut args;
            match op.as_str() {
                $(
                    $(
                        concat!(stringify!($group), ".", stringify!($op)) => {
                            $($(let $id = text(&next(args), $idw)?;)+)?
                            $(let request = wasm_dispatch!(@read $shape $in, next(args))?;)?
                            no_more(args)?;
                            Ok(Box::pin(async move {
                                let out = c
                                    .$group()
                                    .$op(
                                        $($(&$id,)+)?
                                        $(wasm_dispatch!(@request $in, &request))?
                                    )
                                    .await?;
                                wasm_dispatch!(@out $out, out)
                            }))
                        }
                    )+
                    $(
                        concat!(stringify!($group), ".wait_for") => {
                            let id = text(&next(args), $widw)?;
                            let options = wait_options(next(args), &id)?;
                            no_more(args).map_err(|e| e.refused_wait(&id))?;
                            Ok(Box::pin(async move {
                                output(&c.$group().wait_for(&id, options).await?)
                            }))
                        }
                    )?
                )+
                _ => Err(Error::validation("operation", "is not an operation of this version")),
            }
        }
    };
}

/// An operation whose arguments were read, ready to run.
type Call = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, Error>>>>;

p100::for_each_operation!(wasm_dispatch);

#[wasm_bindgen]
impl Client {
    /// Calls an operation by its manifest name with its arguments (the generated group classes
    /// of `js/groups.cjs` call this; not part of the package's API).
    #[wasm_bindgen(js_name = __call, skip_typescript)]
    pub fn call(&self, op: String, args: Array) -> Promise {
        let (c, signal) = self.for_call();
        let call = dispatch(c, op, args);
        spawn_call(signal, async move { call?.await })
    }
}
