//! The resource groups (`client.partner`, `client.users`, …), generated from the core's
//! operation table ([`p100::for_each_operation!`]): one class per group, one method per
//! operation under the table's JS name, `waitFor` for the groups that have one, and the
//! `Client` getters. A method reads its ids (strings) and its request (through the core's
//! decoder, [`crate::convert::input`]), calls the core's method of the same name and converts
//! the reply; validation, retries and error mapping all happen in the core.
//!
//! The TypeScript declarations come from the same table: wasm-bindgen's type attributes take
//! only plain string literals, so the methods are `skip_typescript` and each group's class is
//! declared by a custom section assembled with `concat!`
//! (`createWallet(request: CreateWalletRequest): Promise<Wallet>;`).

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use p100::models::*;
use p100::Error;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{spawn, wait_options, Client};
use crate::convert::{input, output, text};

/// Declarations the generated classes share.
#[wasm_bindgen(typescript_custom_section)]
const TS_GROUPS: &'static str = r#"
/** The argument of a query: optional when every field of `T` is. */
export type QueryArgs<T> = {} extends T ? [query?: T] : [query: T];
"#;

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
        let name = Reflect::get(&f, &JsValue::from_str("fileName"))
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| Error::validation(format!("{field}.fileName"), "must be a string"))?;
        let data = Reflect::get(&f, &JsValue::from_str("data"))
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .ok_or_else(|| {
                Error::validation(
                    format!("{field}.data"),
                    "must be a Uint8Array (a Node Buffer is one)",
                )
            })?;
        out.push(FileUpload::new(name, data.to_vec()));
    }
    // The JSON part: a shallow copy without `files`.
    let rest = Object::assign(&Object::new(), obj);
    let _ = Reflect::delete_property(&rest, &JsValue::from_str("files"));
    Ok((rest.into(), out))
}

macro_rules! wasm_groups {
    // How a request argument is read, by the operation's shape.
    (@read upload $in:ident, $v:ident) => {
        split_files($v).and_then(|(rest, files)| Ok($in { files, ..input(rest, "request")? }))
    };
    (@read query $in:ident, $v:ident) => { query::<$in>($v) };
    (@read ids_query $in:ident, $v:ident) => { query::<$in>($v) };
    (@read $shape:ident $in:ident, $v:ident) => { input::<$in>($v, "request") };
    (@js $in:ident) => { JsValue };
    (@out (), $v:ident) => {{
        let () = $v;
        Ok(JsValue::UNDEFINED)
    }};
    (@out $t:ident, $v:ident) => { output(&$v) };
    // TypeScript: the parameters and the resolved type.
    (@ts_ids $first:literal $($rest:literal)*) => {
        concat!($first, ": string" $(, ", ", $rest, ": string")*)
    };
    (@ts_req query $in:ident) => { concat!("...query: QueryArgs<", stringify!($in), ">") };
    (@ts_req ids_query $in:ident) => { concat!("...query: QueryArgs<", stringify!($in), ">") };
    (@ts_req $shape:ident $in:ident) => { concat!("request: ", stringify!($in)) };
    (@ts_params $shape:ident [] []) => { "" };
    (@ts_params $shape:ident [$($idw:literal)+] []) => { wasm_groups!(@ts_ids $($idw)+) };
    (@ts_params $shape:ident [] [$in:ident]) => { wasm_groups!(@ts_req $shape $in) };
    (@ts_params $shape:ident [$($idw:literal)+] [$in:ident]) => {
        concat!(wasm_groups!(@ts_ids $($idw)+), ", ", wasm_groups!(@ts_req $shape $in))
    };
    (@ts_out ()) => { "void" };
    (@ts_out $t:ident) => { stringify!($t) };
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
        $(
            $(#[doc = $gdoc])*
            #[wasm_bindgen(skip_typescript)]
            pub struct $Group {
                c: p100::Client,
            }

            const _: () = {
                #[wasm_bindgen(typescript_custom_section)]
                const TS: &'static str = concat!(
                    "/**", $("\n *", $gdoc,)* "\n */\nexport class ", stringify!($Group), " {\n",
                    "    private constructor();\n    free(): void;\n    [Symbol.dispose](): void;\n",
                    $(
                        "    /**", $("\n     *", $doc,)+ "\n     */\n",
                        "    ", $js, "(",
                        wasm_groups!(@ts_params $shape [$($($idw)+)?] [$($in)?]),
                        "): Promise<", wasm_groups!(@ts_out $out), ">;\n",
                    )+
                    $(
                        "    /**\n     * Polls `", stringify!($wop), "` until the ", $wlabel,
                        " is final; rejects with a\n     * `TimeoutError` after",
                        " `options.timeoutMs` (default 5 minutes).\n     */\n",
                        "    waitFor(", $widw, ": string, options?: WaitOptions): Promise<",
                        stringify!($wout), ">;\n",
                    )?
                    "}\n"
                );
            };

            #[wasm_bindgen]
            impl $Group {
                $(
                    $(#[doc = $doc])+
                    #[wasm_bindgen(js_name = $js, skip_typescript)]
                    pub fn $op(&self $($(, $id: JsValue)+)? $(, request: wasm_groups!(@js $in))?) -> Promise {
                        let c = self.c.clone();
                        spawn(async move {
                            let out = c
                                .$group()
                                .$op(
                                    $($(&text(&$id, $idw)?,)+)?
                                    $(&wasm_groups!(@read $shape $in, request)?)?
                                )
                                .await?;
                            wasm_groups!(@out $out, out)
                        })
                    }
                )+

                $(
                    #[doc = concat!("Polls `", stringify!($wop), "` until the ", $wlabel, " is final.")]
                    #[wasm_bindgen(js_name = waitFor, skip_typescript)]
                    pub fn wait_for(&self, $wid: JsValue, options: JsValue) -> Promise {
                        let c = self.c.clone();
                        spawn(async move {
                            let id = text(&$wid, $widw)?;
                            output(&c.$group().wait_for(&id, wait_options(options)?).await?)
                        })
                    }
                )?
            }
        )+

        #[wasm_bindgen]
        impl Client {
            $(
                $(#[doc = $gdoc])*
                #[wasm_bindgen(getter, js_name = $gjs)]
                pub fn $group(&self) -> $Group {
                    $Group {
                        c: self.inner().clone(),
                    }
                }
            )+
        }
    };
}

p100::for_each_operation!(wasm_groups);
