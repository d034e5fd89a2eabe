//! The operation catalog: method and path of every operation, in one table.
//!
//! A path the current docs do not confirm carries its source letter, as in the catalog of
//! `shared/p100-api/README.md`: **D** seen in a current doc page; **G** seen only in the old
//! static docs; **U** seen only in third-party integration code; **I** inferred from the API's
//! naming pattern. A correction is a one-line change here; the sandbox serves exactly these paths.

use std::fmt;

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method's name in upper case.
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Parses a method name (any case).
    pub fn parse(s: &str) -> Option<Method> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }

    /// True for methods that only read (safe to send twice).
    pub fn is_idempotent_read(&self) -> bool {
        matches!(self, Method::Get)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a path comes from (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// **D**: seen in a current doc page.
    D,
    /// **G**: seen only in the old static docs.
    G,
    /// **U**: seen only in third-party integration code.
    U,
    /// **I**: inferred from the API's naming pattern.
    I,
}

/// One operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    /// Stable operation name, `group.operation` (`"sepa.partner_transfer"`).
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template; parameters are written `{name}`.
    pub path: &'static str,
    /// Where the path comes from.
    pub source: Source,
    /// True for calls that move money (exchange, SEPA, withdrawal, transfer, card issue, order):
    /// they are never retried after an ambiguous failure.
    pub moves_money: bool,
    /// One line saying what it does, ending with its source letter (`"Partner balances. D"`;
    /// may start with a space: the doc comment's text).
    pub doc: &'static str,
    /// What the caller gives (the core's request type, by name).
    pub input: Input,
    /// The core's reply type, by name (`None`: the reply body is not used).
    pub output: Option<&'static str>,
    /// The helper that polls the operation to its final status (`"sepa.wait_for"`), for
    /// money-moving calls that have one.
    pub wait_for: Option<&'static str>,
}

/// The shape of an operation's input (type names are the core's `models` types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// Nothing.
    None,
    /// Path parameters only (the route's `{…}` names, in order).
    Ids,
    /// A query object.
    Query(&'static str),
    /// Path parameters and a query object.
    IdsQuery(&'static str),
    /// A JSON body (its path parameters, if any, are fields of it).
    Body(&'static str),
    /// Path parameters and a JSON body.
    IdsBody(&'static str),
    /// A multipart upload.
    Upload(&'static str),
}

impl Input {
    /// The shape's name in the manifest (`none`, `ids`, `query`, `body`, `ids_body`, `upload`).
    pub fn shape(&self) -> &'static str {
        match self {
            Input::None => "none",
            Input::Ids => "ids",
            Input::Query(_) => "query",
            Input::Body(_) => "body",
            Input::IdsQuery(_) => "ids_query",
            Input::IdsBody(_) => "ids_body",
            Input::Upload(_) => "upload",
        }
    }

    /// The request type's name, when the input has one.
    pub fn type_name(&self) -> Option<&'static str> {
        match self {
            Input::None | Input::Ids => None,
            Input::Query(t)
            | Input::IdsQuery(t)
            | Input::Body(t)
            | Input::IdsBody(t)
            | Input::Upload(t) => Some(t),
        }
    }
}

impl Route {
    /// The names of the path parameters, in order.
    pub fn params(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut rest = self.path;
        while let Some((_, after)) = rest.split_once('{') {
            let Some((name, tail)) = after.split_once('}') else {
                break;
            };
            out.push(name);
            rest = tail;
        }
        out
    }

    /// Fills the path parameters, percent-encoding each value as one path segment.
    ///
    /// `values` must follow the order of [`Route::params`]. Values are checked by validation
    /// before this is called; an empty value is still refused here as a last line of defence.
    pub fn path_with(&self, values: &[&str]) -> crate::Result<String> {
        let params = self.params();
        if params.len() != values.len() {
            return Err(crate::Error::config(format!(
                "route {} takes {} path parameters, {} given",
                self.name,
                params.len(),
                values.len()
            )));
        }
        let mut out = String::with_capacity(self.path.len() + 40);
        let mut rest = self.path;
        for (name, value) in params.iter().zip(values) {
            if value.is_empty() {
                return Err(crate::Error::validation(*name, "must not be empty"));
            }
            if *value == "." || *value == ".." {
                return Err(crate::Error::validation(
                    *name,
                    "must not be \".\" or \"..\"",
                ));
            }
            // `params` came from this template, so each parameter has its `{…}` here.
            let Some((before, tail)) = rest
                .split_once('{')
                .and_then(|(before, after)| Some((before, after.split_once('}')?.1)))
            else {
                return Err(crate::Error::config(format!(
                    "route {} has a malformed path template",
                    self.name
                )));
            };
            out.push_str(before);
            out.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
            rest = tail;
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Matches a concrete path against this route's template; returns the decoded parameters.
    pub fn match_path(&self, path: &str) -> Option<Vec<String>> {
        let t: Vec<&str> = self.path.split('/').collect();
        let p: Vec<&str> = path.split('/').collect();
        if t.len() != p.len() {
            return None;
        }
        let mut out = Vec::new();
        for (a, b) in t.iter().zip(p.iter()) {
            if a.starts_with('{') && a.ends_with('}') {
                if b.is_empty() {
                    return None;
                }
                out.push(
                    percent_encoding::percent_decode_str(b)
                        .decode_utf8()
                        .ok()?
                        .into_owned(),
                );
            } else if a != b {
                return None;
            }
        }
        Some(out)
    }
}

/// Characters escaped in a path segment: everything but unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One group of operations (`client.sepa`), for the manifest's `groups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// The Rust and Python name (`"sepa"`).
    pub name: &'static str,
    /// The type name of the group in the bindings (`"Sepa"`).
    pub class: &'static str,
    /// The JS, Kotlin and Swift name (`"sepa"`).
    pub js: &'static str,
    /// What the group holds (the doc comment's text).
    pub doc: &'static str,
    /// Its `wait_for` helper, when it has one.
    pub wait_for: Option<WaitFor>,
}

/// A group's `wait_for(id, options)`: polls a details operation until its status is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitFor {
    /// The operation it polls (`"sepa.details"`).
    pub polls: &'static str,
    /// Its output type (`"SepaTransferDetails"`).
    pub output: &'static str,
    /// What it waits for, in words (`"SEPA transfer"`).
    pub label: &'static str,
    /// The wire name of its id argument (`"transferId"`).
    pub id: &'static str,
}

/// Route constants, [`ALL`] and [`GROUPS`] from the operation table.
macro_rules! routes {
    ($(
        $(#[doc = $gdoc:literal])*
        group $group:ident $Group:ident $gjs:literal
            wait($($wop:ident $wout:ident $wlabel:literal $wid:ident $widw:literal)?) {
            $(
                $(#[doc = $doc:literal])+
                $op:ident: $konst:ident $method:ident $path:literal $src:ident $($flag:ident)*,
                $shape:ident $(($($id:ident $idw:literal),+))? $($in:ident)? -> $out:tt, js $js:literal;
            )+
        }
    )+) => {
        /// Every group of the catalog, in table order.
        pub const GROUPS: &[Group] = &[$(Group {
            name: stringify!($group),
            class: stringify!($Group),
            js: $gjs,
            doc: concat!($($gdoc, "\n",)* ""),
            wait_for: routes!(@wait $(concat!(stringify!($group), ".", stringify!($wop)),
                stringify!($wout), $wlabel, $widw)?),
        }),+];
        $($(
            #[doc = concat!($($doc, "\n"),+)]
            #[doc = concat!("\n`", stringify!($method), " ", $path, "` (source ", stringify!($src), ")")]
            pub const $konst: Route = Route {
                name: concat!(stringify!($group), ".", stringify!($op)),
                method: Method::$method,
                path: $path,
                source: Source::$src,
                moves_money: $crate::__op_flag!(money $($flag)*),
                doc: concat!($($doc, "\n"),+),
                input: routes!(@input $shape $($in)?),
                output: routes!(@output $out),
                wait_for: if $crate::__op_flag!(wait $($flag)*) {
                    Some(concat!(stringify!($group), ".wait_for"))
                } else {
                    None
                },
            };
        )+)+
        /// Every operation of the catalog, in table order.
        pub const ALL: &[Route] = &[$($($konst),+),+];
        /// The JS spelling the table gives each operation (checked against [`camel_case`]).
        #[cfg(test)]
        const JS_NAMES: &[(&str, &str)] = &[$($(($konst.name, $js)),+),+];
    };
    (@input none) => { Input::None };
    (@input ids) => { Input::Ids };
    (@input query $t:ident) => { Input::Query(stringify!($t)) };
    (@input body $t:ident) => { Input::Body(stringify!($t)) };
    (@input ids_query $t:ident) => { Input::IdsQuery(stringify!($t)) };
    (@input ids_body $t:ident) => { Input::IdsBody(stringify!($t)) };
    (@input upload $t:ident) => { Input::Upload(stringify!($t)) };
    (@wait) => { None };
    (@wait $op:expr, $out:expr, $label:expr, $id:expr) => {
        Some(WaitFor { polls: $op, output: $out, label: $label, id: $id })
    };
    (@output ()) => { None };
    (@output $t:ident) => { Some(stringify!($t)) };
}

crate::for_each_operation!(routes);

impl Source {
    /// The source letter of the catalog: `D`, `G`, `U` or `I`.
    pub fn letter(&self) -> &'static str {
        match self {
            Source::D => "D",
            Source::G => "G",
            Source::U => "U",
            Source::I => "I",
        }
    }
}

/// `snake_case` → `camelCase` (the JS, Kotlin and Swift spelling of a name).
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The machine-readable operations manifest, checked in as `tests/operations.json` (drift
/// is a test failure): what the scenario runners, the stub generator and every binding's
/// completeness test read instead of parsing Rust. One entry per route, in table order, with
/// the name each language calls it by; then the error kinds, the outcomes and the webhook
/// event names, each defined once in the core.
pub fn manifest() -> serde_json::Value {
    let ops: Vec<serde_json::Value> = ALL
        .iter()
        .map(|r| {
            let (group, op) = r.name.split_once('.').unwrap_or(("", r.name));
            let (g, o) = (camel_case(group), camel_case(op));
            serde_json::json!({
                "operation": r.name,
                "group": group,
                "name": op,
                "doc": r.doc.split_whitespace().collect::<Vec<_>>().join(" "),
                "method": r.method.as_str(),
                "path": r.path,
                "params": r.params(),
                "source": r.source.letter(),
                "movesMoney": r.moves_money,
                "input": {"shape": r.input.shape(), "type": r.input.type_name()},
                "output": r.output,
                "waitFor": r.wait_for,
                "names": {
                    "rust": format!("client.{group}().{op}"),
                    "js": format!("client.{g}.{o}"),
                    "python": format!("client.{group}.{op}"),
                    "kotlin": format!("client.{g}().{o}"),
                    "swift": format!("client.{g}().{o}"),
                },
            })
        })
        .collect();
    serde_json::json!({
        "format": "p100-operations/1",
        "description": "GENERATED from core/src/routes.rs (p100::routes::manifest) — do not edit; \
            P100_REGENERATE=1 cargo test -p p100 --test operations rewrites it.",
        "operations": ops,
        "errorKinds": crate::ErrorKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "outcomes": crate::Outcome::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
        "webhookEvents": crate::webhooks::EVENT_NAMES,
        "groups": GROUPS.iter().map(|g| serde_json::json!({
            "name": g.name,
            "class": g.class,
            "js": g.js,
            "doc": g.doc.split_whitespace().collect::<Vec<_>>().join(" "),
            "waitFor": g.wait_for.map(|w| serde_json::json!({
                "polls": w.polls,
                "output": w.output,
                "label": w.label,
                "id": w.id,
            })),
        })).collect::<Vec<_>>(),
    })
}

/// Looks up a route by its operation name.
pub fn by_name(name: &str) -> Option<&'static Route> {
    ALL.iter().find(|r| r.name == name)
}

/// Whether a call of the operation named `name` may change something: every operation but the
/// reads (`GET`); a name the table does not have counts as one that may.
pub fn changes_something(name: &str) -> bool {
    by_name(name).is_none_or(|r| !r.method.is_idempotent_read())
}

/// Whether a call with the HTTP method `method` (any case) may change something: every method
/// but `GET`; a method the SDK does not know counts as one that may.
pub fn method_changes_something(method: &str) -> bool {
    Method::parse(method).is_none_or(|m| !m.is_idempotent_read())
}

/// Finds the route serving `method` + `path`, with its decoded path parameters.
pub fn resolve(method: Method, path: &str) -> Option<(&'static Route, Vec<String>)> {
    ALL.iter()
        .filter(|r| r.method == method)
        .find_map(|r| r.match_path(path).map(|p| (r, p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_method_paths_are_unique() {
        let names: HashSet<_> = ALL.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), ALL.len());
        let keys: HashSet<_> = ALL.iter().map(|r| (r.method, r.path)).collect();
        assert_eq!(keys.len(), ALL.len());
        // 22 partner operations + 14 user/KYC operations + 17 user money and card operations.
        assert_eq!(ALL.len(), 53);
    }

    #[test]
    fn js_names_are_the_camel_case_of_the_names() {
        for (name, js) in JS_NAMES {
            let op = name.split_once('.').map_or(*name, |(_, op)| op);
            assert_eq!(camel_case(op), *js, "{name}");
        }
    }

    #[test]
    fn only_reads_change_nothing() {
        assert!(changes_something("sepa.partner_transfer"));
        assert!(by_name("cards.block").is_some() && changes_something("cards.block"));
        assert!(!changes_something("partner.balances"));
        assert!(changes_something("no.such_operation"));
        assert!(!method_changes_something("get"));
        assert!(method_changes_something("POST"));
        assert!(method_changes_something("delete"));
        assert!(method_changes_something("PROPFIND"));
        let writes = ALL.iter().filter(|r| changes_something(r.name)).count();
        assert_eq!(
            writes,
            ALL.iter().filter(|r| r.method != Method::Get).count()
        );
    }

    #[test]
    fn every_path_starts_with_v1() {
        for r in ALL {
            assert!(r.path.starts_with("/v1/"), "{}", r.name);
        }
    }

    #[test]
    fn fills_and_escapes_params() {
        assert_eq!(
            CARD_DETAILS.path_with(&["u 1/..", "c?1"]).unwrap(),
            "/v1/card/details/u%201%2F../c%3F1"
        );
        assert_eq!(USER_BALANCES.params(), vec!["externalUserId"]);
        assert!(USER_BALANCES.path_with(&[""]).is_err());
        assert!(USER_BALANCES.path_with(&[".."]).is_err());
        assert!(USER_BALANCES.path_with(&["."]).is_err());
        assert!(USER_BALANCES.path_with(&[]).is_err());
    }

    #[test]
    fn resolves_concrete_paths() {
        let (r, p) = resolve(Method::Get, "/v1/user/abc/balances").unwrap();
        assert_eq!(r.name, "users.balances");
        assert_eq!(p, vec!["abc"]);
        let (r, p) = resolve(Method::Get, "/v1/card/details/u%201/c1").unwrap();
        assert_eq!(r.name, "cards.details");
        assert_eq!(p, vec!["u 1", "c1"]);
        assert_eq!(resolve(Method::Post, "/v1/partner/balances"), None);
        // A literal segment wins over a parameter of another route.
        let (r, _) = resolve(Method::Patch, "/v1/user/suspend/u1").unwrap();
        assert_eq!(r.name, "users.suspend");
    }
}
