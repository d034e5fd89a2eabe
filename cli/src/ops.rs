//! Every operation of the core's table, for `p100 call`: its names and doc (for `--help`), and a
//! call by name from a flat JSON object (path ids and request fields side by side, in the wire's
//! camelCase), decoded by the core's one request decoder. Generated from
//! `p100::for_each_operation!`: the CLI has no operation list of its own.

use p100::models::*;
use p100::{Client, WaitOptions};
use serde_json::Value;

/// One operation, as `p100 call <group> <name>` shows it.
pub struct Op {
    /// Group (`sepa`).
    pub group: &'static str,
    /// Operation within the group (`partner_transfer`).
    pub name: &'static str,
    /// The core's route: manifest name, method, path, doc, money flag, input and output types.
    pub route: &'static p100::routes::Route,
    /// Wire names of the path ids.
    pub ids: &'static [&'static str],
    /// Takes files (`--file`).
    pub upload: bool,
}

/// A path id: text. One given as another JSON value (`--card-id true`, `"cardId": 1.5`) is not
/// "required" (it was given) but no string (outside review, stop 50).
fn s(input: &Value, key: &str) -> p100::Result<String> {
    match input.get(key) {
        Some(Value::String(id)) => Ok(id.clone()),
        None | Some(Value::Null) => Err(p100::Error::validation(key, "is required (a string)")),
        Some(_) => Err(p100::Error::validation(key, "must be a string")),
    }
}

/// The request fields of `input` (without the path ids), decoded by the core's decoder for
/// text input: `--month 3` is the number 3 where the request has a number (the request type
/// says so, see `p100::input::decode_text`).
fn arg<T: serde::de::DeserializeOwned>(input: &Value, ids: &[&str]) -> p100::Result<T> {
    let mut fields = input.clone();
    if let Some(map) = fields.as_object_mut() {
        for key in ids {
            map.remove(*key);
        }
    }
    p100::input::decode_text(&fields, "request")
}

fn out<T: serde::Serialize>(r: p100::Result<T>) -> p100::Result<Value> {
    r.and_then(|v| {
        serde_json::to_value(&v).map_err(|e| {
            p100::Error::new(
                p100::ErrorKind::Decode,
                format!("the result could not be written as JSON: {e}"),
            )
        })
    })
}

macro_rules! cli_ops {
    ($(
        $(#[doc = $gdoc:literal])*
        group $group:ident $Group:ident $gjs:literal wait($($wait:tt)*) {
            $(
                $(#[doc = $doc:literal])+
                $op:ident: $konst:ident $method:ident $path:literal $src:ident $($flag:ident)*,
                $shape:ident $(($($id:ident $idw:literal),+))? $($in:ident)? -> $out:tt, js $js:literal;
            )+
        }
    )+) => {
        /// Every operation, in the table's order.
        pub const OPS: &[Op] = &[$($(
            Op {
                group: stringify!($group),
                name: stringify!($op),
                route: &p100::routes::$konst,
                ids: &[$($($idw),+)?],
                upload: cli_ops!(@upload $shape),
            },
        )+)+];

        /// Calls the operation `full` (`sepa.partner_transfer`) with the fields of `input`;
        /// `files` for uploads.
        pub async fn call(
            c: &Client,
            full: &str,
            input: &Value,
            files: Vec<FileUpload>,
        ) -> p100::Result<Value> {
            let _ = &files;
            $($(
                if full == p100::routes::$konst.name {
                    return cli_ops!(@call c, input, files, $group, $op, $shape $(($($idw),+))? $($in)?);
                }
            )+)+
            Err(p100::Error::validation("operation", "is not an operation of the catalog"))
        }

        /// Follows an operation of `group` to its final state (`wait_for`), by its id: that
        /// state, and whether it is a success (`COMPLETED`, `SUCCESSFUL`).
        pub async fn wait(c: &Client, group: &str, id: &str, options: WaitOptions) -> p100::Result<(Value, bool)> {
            let _ = (&c, &id, &options);
            $(
                cli_ops!(@wait c, group, id, options, $group, $($wait)*);
            )+
            Err(p100::Error::validation("group", "has no operation to wait for"))
        }

        /// The id field of a group's "created" replies that `wait` takes (`transferId`).
        pub fn wait_id(group: &str) -> Option<&'static str> {
            $(
                if group == stringify!($group) {
                    return cli_ops!(@wait_id $($wait)*);
                }
            )+
            None
        }
    };
    (@upload upload) => { true };
    (@upload $shape:ident) => { false };
    (@wait $c:ident, $g:ident, $id:ident, $o:ident, $group:ident, ) => {};
    (@wait $c:ident, $g:ident, $id:ident, $o:ident, $group:ident, details $Out:ident $label:literal $wid:ident $widw:literal) => {
        if $g == stringify!($group) {
            let last = $c.$group().wait_for($id, $o).await?;
            let success = last.status.is_success();
            return out(Ok(last)).map(|v| (v, success));
        }
    };
    (@wait_id) => { None };
    (@wait_id details $Out:ident $label:literal $wid:ident $widw:literal) => { Some($widw) };
    (@call $c:ident, $i:ident, $f:ident, $g:ident, $o:ident, none) => { out($c.$g().$o().await) };
    (@call $c:ident, $i:ident, $f:ident, $g:ident, $o:ident, ids($($idw:literal),+)) => {
        out($c.$g().$o($(&s($i, $idw)?),+).await)
    };
    (@call $c:ident, $i:ident, $f:ident, $g:ident, $o:ident, upload $in:ident) => {{
        let mut req: $in = arg($i, &["files"])?;
        req.files = $f;
        out($c.$g().$o(&req).await)
    }};
    (@call $c:ident, $i:ident, $f:ident, $g:ident, $o:ident, $shape:ident ($($idw:literal),+) $in:ident) => {
        out($c.$g().$o($(&s($i, $idw)?),+, &arg::<$in>($i, &[$($idw),+])?).await)
    };
    (@call $c:ident, $i:ident, $f:ident, $g:ident, $o:ident, $shape:ident $in:ident) => {
        out($c.$g().$o(&arg::<$in>($i, &[])?).await)
    };
}

p100::for_each_operation!(cli_ops);

/// The operation `group`/`name` (`-` and `_` alike).
pub fn find(group: &str, name: &str) -> Option<&'static Op> {
    let norm = |s: &str| s.replace('-', "_");
    OPS.iter()
        .find(|o| o.group == norm(group) && o.name == norm(name))
}

/// The groups, in the table's order.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for o in OPS {
        if !out.contains(&o.group) {
            out.push(o.group);
        }
    }
    out
}
