//! The OpenAPI 3.1 description of the P100 API, generated (feature `openapi`).
//!
//! [`spec`] builds `openapi/p100.openapi.json` from what the SDK itself is made of, so the
//! description cannot say something the code does not:
//!
//! * **paths, methods, operation ids, source letters, money flags** from the operation table
//!   ([`crate::for_each_operation!`] through [`crate::routes::ALL`]); the operation id is the
//!   manifest name (`sepa.partner_transfer`, as in `tests/operations.json`);
//! * **schemas** from the models: `schemars` derives added by `model!` (and by the few
//!   hand-written types) behind this feature, read under serde's *deserialize* contract — what
//!   the SDK accepts — with hand-written schemas only for the types whose serde form is written
//!   by hand: [`Amount`] (a decimal string), [`AmountNumber`] (the request fields the docs show
//!   as a JSON number), [`SecretString`] and the string enums (documented values, and any other
//!   text, which may appear);
//! * **errors**: the P-code body with [`crate::ErrorCode`]'s documented codes, and the 401 text
//!   bodies `Access Denied. xo1|xo2|xo3`;
//! * **webhooks**: one `webhooks` entry per event of [`crate::for_each_webhook_event!`];
//! * **examples**: the documented JSON vectors of `tests/vectors/`, each read by the SDK's own
//!   model and written back in its canonical form (amounts as strings, enum values as
//!   documented), so an example is exactly what the SDK makes of the docs' example.
//!
//! The default build has none of this: `schemars` is an optional dependency.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{json_schema, JsonSchema, Schema};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::models::*;
use crate::routes::{Method, Route};
use crate::webhooks::*;
use crate::{Amount, Currency, SecretString};

/// The schema of the request fields that the documentation shows as a JSON number
/// (`"amount": 10`): written from the decimal's text, exactly (`crate::money::as_number`).
pub struct AmountNumber;

impl JsonSchema for AmountNumber {
    fn schema_name() -> Cow<'static, str> {
        "AmountNumber".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "An exact decimal amount sent as a JSON number, because the docs' \
                example for this field is a number. The SDK writes the number from the \
                decimal's text (`10.50` stays `10.50`), never through a float; read it the \
                same way. At most the currency's decimals (see `Currency`).",
            "examples": [10, 0.005]
        })
    }
}

/// The schema of the ids the SDK reads as text or, leniently, as a JSON number
/// (`models::de::id_text`): schemars does not see `deserialize_with`, and described them as
/// strings only.
pub struct IdText;

impl JsonSchema for IdText {
    fn schema_name() -> Cow<'static, str> {
        "IdText".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "integer"],
            "description": "An id: text, or a JSON integer in some replies, which the SDK keeps \
                as its exact digits (text).",
            "examples": ["6d1c0a5e-4f4b-4d1e-9a9e-2f0f3c2b1a00", 123456]
        })
    }
}

/// Both wire forms [`Balances`] decodes: the object of the balances calls, and the flat array
/// of the non-KYC create-user reply (its shape was found by schemathesis against the sandbox:
/// the derived schema described only the object).
impl JsonSchema for Balances {
    fn schema_name() -> Cow<'static, str> {
        "Balances".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let fiat = g.subschema_for::<FiatBalance>();
        let crypto = g.subschema_for::<CryptoBalance>();
        json_schema!({
            "description": "All balances of the partner or of a user: an object of fiat and \
                crypto balances, or (in the reply of `users.create_without_kyc`) one flat array \
                of them, whose `eur` entries are fiat balances and the others crypto balances. \
                The SDK reads both as the object form.",
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "fiatBalances": {"type": "array", "items": fiat, "description": "Fiat balances."},
                        "cryptoBalances": {"type": "array", "items": crypto, "description": "Crypto balances."}
                    },
                    "required": ["fiatBalances", "cryptoBalances"]
                },
                {"type": "array", "items": {"anyOf": [fiat, crypto]}}
            ]
        })
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // The docs' replies carry rates, fees and limits as JSON numbers (`"minDeposit": 0`,
        // `"rate": 0.863331`; tests/vectors/), and the sandbox does the same: schemathesis
        // found the string-only schema wrong. A number is read from its text, exactly.
        json_schema!({
            "anyOf": [
                {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
                {"type": "number", "description": "As the docs' replies send rates, fees and limits: read it from its JSON text, never through a float."}
            ],
            "description": format!(
                "An exact decimal amount, rate or fee: decimal text (`\"10.50\"`, \
                 `\"0.00000001\"`), which is what the SDK sends, or a JSON number in some \
                 replies. Never a float. On requests, at most the currency's decimals: {}.",
                decimals_text()
            ),
            "examples": ["10.50", "0.00000001"]
        })
    }
}

impl JsonSchema for SecretString {
    fn schema_name() -> Cow<'static, str> {
        "SecretString".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "password",
            "description": "A secret (PAN, CVV, PIN, document number, date of birth): \
                never log it. The SDK keeps it out of every debug output, log and error."
        })
    }
}

/// `eur 2, usdc 6, …` from [`Currency::precision`].
fn decimals_text() -> String {
    Currency::WIRE_VALUES
        .iter()
        .map(|c| format!("{c} {}", Currency::parse(c).precision()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The doc comment lines of an item as one text (one leading space per line removed).
#[doc(hidden)]
pub fn doc_text(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The schema of a string enum of `string_enum!`: its documented values, and any other text.
#[doc(hidden)]
pub fn enum_schema(doc: &[&str], values: &[(&str, &[&str])]) -> Schema {
    let listed = values
        .iter()
        .map(|(v, _)| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let described: Map<String, Value> = values
        .iter()
        .map(|(v, d)| (v.to_string(), Value::String(doc_text(d))))
        .collect();
    let wire: Vec<&str> = values.iter().map(|(v, _)| *v).collect();
    json_schema!({
        "description": format!(
            "{}\n\nValues the SDK knows (the text above says which the docs name): \
             {listed}. Read in any case. **Other values may appear** \
             (the docs' lists are incomplete): keep an unknown value as its text, never fail \
             on it.",
            doc_text(doc)
        ),
        "anyOf": [
            {"type": "string", "enum": wire},
            {"type": "string", "description": "A value not documented yet."}
        ],
        "x-enumDescriptions": described
    })
}

/// The doc lines of attributes (`#[doc = "…"]` kept, others skipped), as `&[&str]`.
#[macro_export]
#[doc(hidden)]
macro_rules! __openapi_doc {
    (@acc [$($d:literal)*]) => { &[$($d),*] as &[&str] };
    (@acc [$($d:literal)*] #[doc = $x:literal] $($rest:tt)*) => {
        $crate::__openapi_doc!(@acc [$($d)* $x] $($rest)*)
    };
    (@acc [$($d:literal)*] #[$($other:tt)*] $($rest:tt)*) => {
        $crate::__openapi_doc!(@acc [$($d)*] $($rest)*)
    };
    ($($t:tt)*) => { $crate::__openapi_doc!(@acc [] $($t)*) };
}

/// The JSON Schema of a `string_enum!` (its doc, its values and theirs).
#[macro_export]
#[doc(hidden)]
macro_rules! __openapi_enum_extras {
    ($name:ident [$(#[$($meta:tt)*])*] [$($wire:literal [$(#[$($vmeta:tt)*])*]),+]) => {
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $crate::openapi::enum_schema(
                    $crate::__openapi_doc!($(#[$($meta)*])*),
                    &[$(($wire, $crate::__openapi_doc!($(#[$($vmeta)*])*))),+],
                )
            }
        }
    };
}

/// What the generator needs of a model type: its schema (a `$ref`), its schema inline (query
/// parameters, multipart fields) and how an example is read and written back.
#[derive(Clone, Copy)]
struct TypeFns {
    name: &'static str,
    reference: fn(&mut SchemaGenerator) -> Schema,
    inline: fn(&mut SchemaGenerator) -> Schema,
    normalize: fn(&str) -> serde_json::Result<Value>,
}

impl TypeFns {
    fn of<T: JsonSchema + DeserializeOwned + Serialize>(name: &'static str) -> TypeFns {
        TypeFns {
            name,
            reference: |g| g.subschema_for::<T>(),
            inline: |g| T::json_schema(g),
            normalize: |text| {
                serde_json::from_str::<T>(text).and_then(|t| serde_json::to_value(&t))
            },
        }
    }
}

/// What an operation answers.
#[derive(Clone, Copy)]
enum Output {
    /// No body the SDK reads (`()` in the table): the API sends `{}` or nothing useful.
    Empty,
    /// The HTML page of `kyc.verification_page` (as `core/src/client/resources.rs` reads it).
    Html,
    /// A JSON document of the type.
    Json(TypeFns),
}

/// The types of one row of the table.
struct OpTypes {
    name: &'static str,
    input: Option<TypeFns>,
    output: Output,
}

/// Groups (name, doc lines) and the row types, from the operation table.
macro_rules! op_types {
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
        const GROUPS: &[(&str, &[&str])] = &[$((stringify!($group), &[$($gdoc),*])),+];

        fn op_types() -> Vec<OpTypes> {
            vec![$($(OpTypes {
                name: concat!(stringify!($group), ".", stringify!($op)),
                input: op_types!(@in $($in)?),
                output: op_types!(@out $out),
            }),+),+]
        }
    };
    (@in) => { None };
    (@in $t:ident) => { Some(TypeFns::of::<$t>(stringify!($t))) };
    (@out ()) => { Output::Empty };
    (@out VerificationPage) => { Output::Html };
    (@out $t:ident) => { Output::Json(TypeFns::of::<$t>(stringify!($t))) };
}

crate::for_each_operation!(op_types);

/// One webhook event: name, doc lines, payload type.
struct EventTypes {
    name: &'static str,
    doc: &'static [&'static str],
    payload: TypeFns,
}

macro_rules! event_types {
    ($( #[doc = $doc:literal] $variant:ident($payload:ident) = $name:literal; )+) => {
        fn event_types() -> Vec<EventTypes> {
            vec![$(EventTypes {
                name: $name,
                doc: &[$doc],
                payload: TypeFns::of::<$payload>(stringify!($payload)),
            }),+]
        }
    };
}

crate::for_each_webhook_event!(event_types);

/// What each source letter means (`core/src/routes.rs`).
fn source_meaning(letter: &str) -> &'static str {
    match letter {
        "D" => "seen in a current doc page",
        "G" => "seen only in the old static docs",
        "U" => "seen only in third-party integration code",
        _ => "not documented anywhere: inferred from the API's naming pattern",
    }
}

/// An example object of the spec from a vector file.
fn example(file: &str, value: Value) -> Value {
    json!({
        "summary": format!("tests/vectors/{file}"),
        "description": "A documented example (tests/vectors/), as the docs show it (the \
            SDK's model reads it: the drift check fails otherwise).",
        "value": value,
    })
}

/// The vectors sorted by what they are an example of.
#[derive(Default)]
struct Examples {
    /// (operation, "request" | "response") → examples by key.
    ops: BTreeMap<(String, String), Map<String, Value>>,
    /// error examples by key.
    errors: Map<String, Value>,
    /// event name → examples by key.
    events: BTreeMap<String, Map<String, Value>>,
    /// Truncated vectors the model cannot read: (file, why).
    unused: Vec<Value>,
}

/// Sorts and normalizes the vectors. A vector that names nothing known, or that the model
/// cannot read, is an error naming the file.
fn examples(
    vectors: &[(String, String)],
    ops: &[OpTypes],
    events: &[EventTypes],
) -> Result<Examples, String> {
    let mut out = Examples::default();
    for (file, text) in vectors {
        let stem = file.strip_suffix(".json").unwrap_or(file);
        let key = stem.replace('.', "_");
        let parts: Vec<&str> = stem.split('.').collect();
        match parts.as_slice() {
            ["error", ..] => {
                let v: Value = serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
                out.errors.insert(key, example(file, v));
            }
            ["webhook", event, ..] => {
                let e = events
                    .iter()
                    .find(|e| e.name == *event)
                    .ok_or_else(|| format!("{file}: no webhook event {event}"))?;
                let parsed =
                    crate::webhooks::parse_event(text).map_err(|e| format!("{file}: {e}"))?;
                if parsed.name() != e.name {
                    return Err(format!("{file}: parsed as {}", parsed.name()));
                }
                // The delivery as documented (flat or in its envelope): the payload schema
                // takes both.
                let original: Value =
                    serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
                out.events
                    .entry(e.name.to_string())
                    .or_default()
                    .insert(key, example(file, original));
            }
            [group, op, dir @ ("request" | "response"), ..] => {
                let name = format!("{group}.{op}");
                let o = ops
                    .iter()
                    .find(|o| o.name == name)
                    .ok_or_else(|| format!("{file}: no operation {name}"))?;
                let fns = match (*dir, &o.output) {
                    ("request", _) => o.input,
                    (_, Output::Json(t)) => Some(*t),
                    _ => None,
                }
                .ok_or_else(|| format!("{file}: {name} has no JSON {dir}"))?;
                match (fns.normalize)(text) {
                    Ok(_) => {}
                    // A doc example the model refuses (a truncated page lacking a required
                    // field, the docs' duplicate key…) is no example of the API: it is listed
                    // in `info.x-p100-vectors-not-used` with the reason (and the drift check
                    // shows any change of that list).
                    Err(e) => {
                        out.unused
                            .push(json!({"file": file, "reason": e.to_string()}));
                        continue;
                    }
                };
                let original: Value =
                    serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
                out.ops
                    .entry((name, dir.to_string()))
                    .or_default()
                    .insert(key, example(file, original));
            }
            _ => {
                return Err(format!(
                    "{file}: name does not follow tests/vectors/README.md"
                ))
            }
        }
    }
    Ok(out)
}

fn schema_value(s: Schema) -> Value {
    s.to_value()
}

/// The properties of an inline object schema and its `required` list.
fn properties(s: &Value) -> (Map<String, Value>, Vec<String>) {
    let props = s
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let required = s
        .get("required")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (props, required)
}

/// Sets `key` on a JSON object (no-op on anything else).
fn set(v: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = v {
        m.insert(key.to_string(), value);
    }
}

/// `anyOf [X, null]` → `X`, `type [T, "null"]` → `T` (keeping the other keywords).
fn not_null(mut schema: Value) -> Value {
    if let Some(m) = schema.as_object_mut() {
        if let Some(Value::Array(any)) = m.get("anyOf") {
            let rest: Vec<Value> = any
                .iter()
                .filter(|s| s.get("type") != Some(&json!("null")))
                .cloned()
                .collect();
            if let [only] = rest.as_slice() {
                let only = only.clone();
                m.remove("anyOf");
                if let Value::Object(o) = only {
                    m.extend(o);
                }
            }
        }
        if let Some(Value::Array(types)) = m.get("type") {
            let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            if let [only] = rest.as_slice() {
                m.insert("type".into(), only.clone());
            }
        }
        if m.get("default") == Some(&Value::Null) {
            m.remove("default");
        }
    }
    schema
}

/// The other names a field is read under (`#[serde(alias)]`, which schemars does not see; each
/// alias is repeated for it as `x-p100-aliases` next to the serde attribute): each becomes a
/// property with the same schema, and a required field is satisfied by any of its names
/// (`anyOf` of `required`). Found by Prism in front of the sandbox, whose details replies say
/// `id` where the spec only allowed `exchangeId`.
fn with_aliases(schema: &mut Value) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let mut added = Vec::new();
    for (name, prop) in props.iter_mut() {
        let Some(Value::Array(aliases)) = prop
            .as_object_mut()
            .and_then(|p| p.remove("x-p100-aliases"))
        else {
            continue;
        };
        let mut alias_schema = prop.clone();
        set(
            &mut alias_schema,
            "description",
            json!(format!("Another name of `{name}`.")),
        );
        let aliases: Vec<String> = aliases
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        set(prop, "x-p100-aliases", json!(aliases));
        for a in aliases {
            added.push((name.clone(), a, alias_schema.clone()));
        }
    }
    if added.is_empty() {
        return;
    }
    for (_, alias, alias_schema) in &added {
        props.insert(alias.clone(), alias_schema.clone());
    }
    let Some(Value::Array(required)) = schema.get("required").cloned() else {
        return;
    };
    let mut still = Vec::new();
    let mut any_of = Vec::new();
    for r in required {
        let name = r.as_str().unwrap_or_default().to_string();
        let names: Vec<&String> = added
            .iter()
            .filter(|(n, _, _)| *n == name)
            .map(|(_, a, _)| a)
            .collect();
        if names.is_empty() {
            still.push(r);
        } else {
            let mut one_of_them = vec![json!({"required": [name]})];
            one_of_them.extend(names.iter().map(|a| json!({"required": [a]})));
            any_of.push(json!({"anyOf": one_of_them}));
        }
    }
    set(schema, "required", Value::Array(still));
    if !any_of.is_empty() {
        set(schema, "allOf", Value::Array(any_of));
    }
}

fn path_parameter(name: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": format!("`{name}`: one path segment (percent-encoded by the SDK)."),
        "schema": {"type": "string", "minLength": 1}
    })
}

/// The spec. `vectors` are the files of `tests/vectors/` as (file name, text).
pub fn spec(vectors: &[(String, String)]) -> Result<Value, String> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    let mut g = SchemaGenerator::new(settings);

    let ops = op_types();
    let events = event_types();
    let mut ex = examples(vectors, &ops, &events)?;

    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for route in crate::routes::ALL {
        let t = ops
            .iter()
            .find(|o| o.name == route.name)
            .ok_or_else(|| format!("{}: not in the table", route.name))?;
        let op = operation(route, t, &mut g, &mut ex);
        paths
            .entry(route.path)
            .or_default()
            .insert(route.method.as_str().to_ascii_lowercase(), op);
    }

    let mut webhooks = Map::new();
    for e in &events {
        let payload = schema_value((e.payload.reference)(&mut g));
        let mut media = json!({
            // `anyOf`: a payload type with no required field also matches the envelope, so
            // `oneOf` refused the envelope form (openapi/webhook_bodies.py).
            "schema": {
                "anyOf": [
                    payload.clone(),
                    {
                        "type": "object",
                        "description": "The envelope form the FAQ shows.",
                        "properties": {
                            "event_type": {"type": "string"},
                            "data": payload
                        },
                        "required": ["data"]
                    }
                ]
            }
        });
        if let Some(examples) = ex.events.remove(e.name) {
            set(&mut media, "examples", Value::Object(examples));
        }
        webhooks.insert(
            e.name.to_string(),
            json!({
                "post": {
                    "operationId": format!("webhook.{}", e.name),
                    "summary": doc_text(e.doc),
                    "description": format!(
                        "{} P100 posts the payload (`{}`) to the partner's webhook URL with the \
                         partner's webhook token in `Authorization`. The body is the flat \
                         payload or, as the FAQ shows, the envelope `{{\"event_type\", \"data\"}}`. \
                         The SDK recognises the event as `p100::webhooks::parse_event` \
                         describes. Answer 200 at once; P100 retries after about 8, 16, 32 and \
                         64 s.",
                        doc_text(e.doc),
                        e.payload.name
                    ),
                    "tags": ["webhooks"],
                    "security": [{"webhookToken": []}],
                    "requestBody": {"required": true, "content": {"application/json": media}},
                    "responses": {
                        "200": {"description": "Acknowledged."},
                        "401": {"description": "The `Authorization` token is missing or wrong: refuse the delivery."}
                    }
                }
            }),
        );
    }

    let error_codes = schema_value(g.subschema_for::<crate::ErrorCode>());
    let mut schemas: Map<String, Value> = g
        .take_definitions(true)
        .into_iter()
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    for schema in schemas.values_mut() {
        with_aliases(schema);
    }
    // A PIN is a secret (a `$ref`, which schemars' `regex` does not reach): its rule here.
    for name in ["CreateCardRequest", "UpdatePinRequest"] {
        if let Some(Value::Object(pin)) = schemas
            .get_mut(name)
            .and_then(|s| s.pointer_mut("/properties/pin"))
        {
            pin.insert("pattern".into(), json!(crate::validate::PIN_PATTERN));
        }
    }
    // A wallet address (`validate::wallet_address`): where money goes, visible ASCII only.
    for name in [
        "PartnerCryptoWithdrawalRequest",
        "UserCryptoWithdrawalRequest",
        "TravelRuleUpdateRequest",
    ] {
        if let Some(Value::Object(address)) = schemas
            .get_mut(name)
            .and_then(|s| s.pointer_mut("/properties/walletAddress"))
        {
            address.insert(
                "pattern".into(),
                json!(crate::validate::WALLET_ADDRESS_PATTERN),
            );
        }
    }
    // The SEPA receiver rule (`validate::sepa_receiver`): names for `NATURAL`, the company for
    // `LEGAL`, neither without a receiver type (a null is a field left out).
    let named = json!({"type": "string", "pattern": crate::validate::filled_pattern()});
    let absent = json!({"type": "null"});
    let receiver_rule = json!([
        {
            "if": {"properties": {"receiverType": {"const": "NATURAL"}}, "required": ["receiverType"]},
            "then": {
                "properties": {"receiverFirstName": named, "receiverLastName": named, "companyName": absent},
                "required": ["receiverFirstName", "receiverLastName"]
            }
        },
        {
            "if": {"properties": {"receiverType": {"const": "LEGAL"}}, "required": ["receiverType"]},
            "then": {
                "properties": {"companyName": named, "receiverFirstName": absent, "receiverLastName": absent},
                "required": ["companyName"]
            }
        },
        {
            "if": {"properties": {"receiverType": {"type": "null"}}},
            "then": {
                "properties": {"receiverFirstName": absent, "receiverLastName": absent, "companyName": absent}
            }
        }
    ]);
    // What a request may send: a known receiver type or none (the SDK reads the type in any
    // case and sends it in capitals), so that the rule above sees every type it checks.
    let mut types: Vec<Value> = crate::models::ReceiverType::WIRE_VALUES
        .iter()
        .map(|t| json!(t))
        .collect();
    types.push(Value::Null);
    for name in ["PartnerSepaTransferRequest", "UserSepaTransferRequest"] {
        if let Some(schema) = schemas.get_mut(name) {
            if let Some(Value::Object(t)) = schema.pointer_mut("/properties/receiverType") {
                t.remove("anyOf");
                t.insert("type".into(), json!(["string", "null"]));
                t.insert("enum".into(), Value::Array(types.clone()));
            }
            if let Value::Object(schema) = schema {
                schema.insert("allOf".into(), receiver_rule.clone());
            }
        }
    }
    if let Some(Value::Object(c)) = schemas.get_mut("Currency") {
        let decimals: Map<String, Value> = Currency::WIRE_VALUES
            .iter()
            .map(|c| (c.to_string(), json!(Currency::parse(c).precision())))
            .collect();
        c.insert("x-p100-decimals".into(), Value::Object(decimals));
    }
    schemas.insert(
        "ApiError".into(),
        json!({
            "type": "object",
            "description": "The body of every P-code error. Business errors carry \
                `errorCode`, `errorName` and `errorMessage`; validation errors are always \
                `P403` with a joined `errorMessage` and no `errorName`. Branch on `errorCode`; \
                log `errorMessage`, never show it to end users.",
            "properties": {
                "errorCode": error_codes,
                "errorName": {"type": "string", "description": "Readable name (`insufficient-funds`)."},
                "errorMessage": {"type": "string", "description": "Details for logs."}
            },
            "required": ["errorCode"]
        }),
    );

    let mut error_examples = std::mem::take(&mut ex.errors);
    let tags: Vec<Value> = GROUPS
        .iter()
        .map(|(name, doc)| json!({"name": name, "description": doc_text(doc)}))
        .chain(std::iter::once(json!({
            "name": "webhooks",
            "description": "Events P100 posts to the partner's server."
        })))
        .collect();

    let mut spec = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "P100 Partner API",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Users, KYC, fiat and crypto balances, exchange, SEPA, crypto, virtual cards, orders, payment links and webhooks.",
            "description": format!(
                "GENERATED from the P100 SDK's core (`core/src/openapi.rs`: the operation table \
                 and the models) — never edit by hand.\n\n\
                 The public P100 docs are incomplete. Every operation says where its path comes \
                 from (`x-p100-source` and its description): **D** {}; **G** {}; **U** {}; \
                 **I** {}.\n\n\
                 **Money** is exact decimal text (`Amount`), never a float; each currency has \
                 its number of decimals (`x-p100-decimals` on `Currency`: {}). \
                 **Enums** list their documented values, and other values may appear. \
                 A 2xx on a call that moves money (`x-p100-moves-money`) only means *accepted*: \
                 the outcome comes by webhook or from the matching details call; such a call \
                 is never sent twice after an ambiguous failure (P100 has no idempotency \
                 keys).\n\n\
                 Authentication: the `x-api-key` header on every call; a 401 answers with the \
                 text `Access Denied. xo1` (no key), `xo2` (wrong key) or `xo3` (IP not \
                 allowed).",
                source_meaning("D"),
                source_meaning("G"),
                source_meaning("U"),
                source_meaning("I"),
                decimals_text()
            ),
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
            "x-p100-vectors-not-used": std::mem::take(&mut ex.unused)
        },
        "servers": [
            {"url": "https://partner-api-stage.p100.io", "description": "Staging"},
            {"url": "https://partner-api.p100.io", "description": "Production"},
            {
                "url": "http://127.0.0.1:{port}",
                "description": "The local sandbox (`p100 sandbox --port PORT`)",
                "variables": {"port": {"default": "8080"}}
            }
        ],
        "security": [{"apiKey": []}],
        "tags": tags,
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "x-api-key",
                    "description": "The partner's API key (lower-case header name). Keep it in the environment or a secrets manager."
                },
                "webhookToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "The partner's webhook token, as P100 sends it with every delivery (compare in constant time: `p100::webhooks::Verifier`)."
                }
            },
            "responses": {
                "Error": {
                    "description": "Refused with a P-code (HTTP 400, and 404 for some \
                        not-found codes). `P403` is every validation failure.",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ApiError"},
                        "examples": std::mem::take(&mut error_examples)
                    }}
                },
                "NotFound": {
                    "description": "The resource does not exist (a not-found P-code).",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
                },
                "Unauthorized": {
                    "description": "No key (`xo1`), a wrong key (`xo2`) or an IP that is not allowed (`xo3`, production only).",
                    "content": {"text/plain": {
                        "schema": {"type": "string", "pattern": "^Access Denied\\. xo[0-9]+$"},
                        "examples": {
                            "xo1": {"summary": "No API key", "value": "Access Denied. xo1"},
                            "xo2": {"summary": "Wrong API key", "value": "Access Denied. xo2"},
                            "xo3": {"summary": "IP not allowed", "value": "Access Denied. xo3"}
                        }
                    }}
                }
            }
        }
    });
    let fields = property_names(&spec);
    wire_words(&mut spec, &fields);
    Ok(spec)
}

/// One operation object.
fn operation(route: &Route, t: &OpTypes, g: &mut SchemaGenerator, ex: &mut Examples) -> Value {
    let (group, _) = route.name.split_once('.').unwrap_or((route.name, ""));
    let doc = route.doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let summary = doc
        .split_once(". ")
        .map_or(doc.trim_end_matches('.').to_string(), |(first, _)| {
            first.to_string()
        });
    let letter = route.source.letter();
    let mut description = format!(
        "{doc}\n\nSource **{letter}**: the path was {}.",
        source_meaning(letter)
    );
    if route.moves_money {
        description.push_str(
            "\n\n**Moves money.** A 2xx means *accepted*, not done: follow the outcome by \
             webhook or the details call. Never sent twice after an ambiguous failure.",
        );
    }
    if let Some(w) = route.wait_for {
        description.push_str(&format!(" The SDK's `{w}` polls it to its final status."));
    }

    let mut parameters: Vec<Value> = route.params().iter().map(|p| path_parameter(p)).collect();
    let mut request_body = None;
    if let Some(input) = t.input {
        let shape = route.input.shape();
        match shape {
            "query" | "ids_query" => {
                let (props, required) = properties(&schema_value((input.inline)(g)));
                for (name, schema) in props {
                    // An absent query parameter is the model's `None`: never a JSON `null`.
                    let schema = not_null(schema);
                    let description = schema
                        .get("description")
                        .cloned()
                        .unwrap_or(Value::String(String::new()));
                    parameters.push(json!({
                        "name": name,
                        "in": "query",
                        "required": required.contains(&name),
                        "description": description,
                        "schema": schema,
                    }));
                }
            }
            "upload" => {
                let max_files = match route.name {
                    "kyc.upload_poa" => crate::validate::MAX_POA_FILES,
                    _ => crate::validate::MAX_KYC_FILES,
                };
                let (mut props, mut required) = properties(&schema_value((input.inline)(g)));
                for p in route.params() {
                    props.remove(p);
                    required.retain(|r| r != p);
                }
                props.insert(
                    "files".into(),
                    // One part or several, all named `files`: a single part is the file
                    // itself to multipart readers (Prism, in front of the sandbox, read it so).
                    json!({
                        "description": format!(
                            "The files, as parts named `files` (JPEG, PNG or PDF, checked by \
                             their first bytes; at most {} bytes each): one part, or up to {} \
                             in one call.",
                            crate::validate::MAX_UPLOAD_BYTES,
                            max_files
                        ),
                        "anyOf": [
                            {"type": "string", "contentMediaType": "application/octet-stream"},
                            {
                                "type": "array",
                                "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                                "minItems": 1,
                                "maxItems": max_files
                            }
                        ]
                    }),
                );
                required.push("files".into());
                request_body = Some(json!({
                    "required": true,
                    "content": {"multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": props,
                            "required": required,
                        },
                        // The types the docs allow (the SDK sends the one it recognised).
                        "encoding": {"files": {"contentType": "image/jpeg, image/png, application/pdf"}}
                    }}
                }));
            }
            _ => {
                let mut media = json!({"schema": schema_value((input.reference)(g))});
                if let Some(examples) = ex.ops.remove(&(route.name.to_string(), "request".into())) {
                    set(&mut media, "examples", Value::Object(examples));
                }
                request_body = Some(json!({
                    "required": true,
                    "content": {"application/json": media}
                }));
            }
        }
    }

    let success = match t.output {
        Output::Empty => json!({
            "description": "Done. The docs describe no body (the sandbox sends `{}`); the SDK does not read it.",
            "content": {"application/json": {"schema": {"type": "object"}}}
        }),
        Output::Html => json!({
            "description": "An HTML loading page (not a redirect) whose script, then the provider's redirects, lead to the iDenfy session. The docs say the raw HTML shown elsewhere does not work and give no server-side way to the final URL; the request URL needs the API key, so a browser cannot open it.",
            "content": {"text/html": {"schema": {"type": "string"}}}
        }),
        Output::Json(out) => {
            let mut media = json!({"schema": schema_value((out.reference)(g))});
            if let Some(examples) = ex.ops.remove(&(route.name.to_string(), "response".into())) {
                set(&mut media, "examples", Value::Object(examples));
            }
            json!({"description": format!("`{}`.", out.name), "content": {"application/json": media}})
        }
    };
    // The docs disagree on 200 and 201 for creating calls (SEPA: 201 in the old docs, 200 in
    // the newer); the SDK accepts any 2xx.
    let success_code = if route.method == Method::Post {
        "2XX"
    } else {
        "200"
    };
    let mut responses = Map::new();
    responses.insert(success_code.into(), success);
    if route.name == "kyc.upload_poa" {
        // The docs list it with the upload's answers, shown as a success.
        responses.insert(
            "202".into(),
            json!({
                "description": "`P211`: POA pending. Accepted, awaiting review: a success (the \
                    SDK returns normally); the result comes by the `poa_verification` webhook.",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ApiError"},
                    "example": {"errorCode": "P211", "errorMessage": "POA pending"}
                }}
            }),
        );
    }
    responses.insert(
        "400".into(),
        json!({"$ref": "#/components/responses/Error"}),
    );
    responses.insert(
        "401".into(),
        json!({"$ref": "#/components/responses/Unauthorized"}),
    );
    if !route.params().is_empty() {
        responses.insert(
            "404".into(),
            json!({"$ref": "#/components/responses/NotFound"}),
        );
    }

    let mut op = json!({
        "operationId": route.name,
        "tags": [group],
        "summary": summary,
        "description": description,
        "x-p100-source": letter,
        "x-p100-moves-money": route.moves_money,
        "responses": responses,
    });
    if let Some(w) = route.wait_for {
        set(&mut op, "x-p100-wait-for", json!(w));
    }
    if !parameters.is_empty() {
        set(&mut op, "parameters", Value::Array(parameters));
    }
    if let Some(body) = request_body {
        set(&mut op, "requestBody", body);
    }
    op
}

/// Every property name of the spec's schemas (the wire's names).
fn property_names(spec: &Value) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    fn walk(v: &Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    out.extend(props.keys().cloned());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(spec, &mut out);
    out
}

/// The descriptions in the wire's words, not Rust's (they come from the models' doc comments,
/// which every language shares): a Rust field name in backticks that is a property of the spec
/// becomes the wire name (`` `currency_to` `` → `` `currencyTo` ``, `` `ExchangeLock::lock_id` ``
/// → `` `ExchangeLock.lockId` ``), and rustdoc's links lose their brackets (`` [`X`] `` → `` `X` ``).
fn wire_words(v: &mut Value, fields: &std::collections::BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if matches!(key.as_str(), "description" | "summary") => {
                        *text = wire_text(text, fields);
                    }
                    // Property names and examples stay as they are.
                    _ if matches!(key.as_str(), "examples" | "example" | "const" | "enum") => {}
                    other => wire_words(other, fields),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| wire_words(v, fields)),
        _ => {}
    }
}

fn wire_text(text: &str, fields: &std::collections::BTreeSet<String>) -> String {
    let camel = |snake: &str| -> String {
        let mut out = String::new();
        for (i, part) in snake.split('_').enumerate() {
            let mut chars = part.chars();
            match chars.next() {
                Some(c) if i > 0 => out.extend(c.to_uppercase().chain(chars)),
                Some(c) => out.extend(std::iter::once(c).chain(chars)),
                None => {}
            }
        }
        out
    };
    let word = |code: &str| -> String {
        let (owner, name) = match code.rsplit_once("::") {
            Some((owner, name)) => (Some(owner), name),
            None => (None, code),
        };
        let is_snake = name.contains('_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let wire = camel(name);
        match owner {
            Some(owner) if is_snake && fields.contains(&wire) => format!("{owner}.{wire}"),
            None if is_snake && fields.contains(&wire) => wire,
            _ => code.to_string(),
        }
    };
    // `[`X`]` and `[`X`](path)` → `X`. Odd parts are code spans (when closed).
    let parts: Vec<&str> = text.split('`').collect();
    let code = |i: usize| i % 2 == 1 && i + 1 < parts.len();
    let linked = |i: usize| {
        code(i)
            && parts.get(i - 1).is_some_and(|p| p.ends_with('['))
            && parts.get(i + 1).is_some_and(|p| p.starts_with(']'))
    };
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        if code(i) {
            out.push('`');
            out.push_str(&word(part));
            out.push('`');
            continue;
        }
        let mut part: &str = part;
        if i > 0 && linked(i - 1) {
            part = part.strip_prefix(']').unwrap_or(part);
            if part.starts_with('(') {
                part = part
                    .find(')')
                    .and_then(|close| part.get(close + 1..))
                    .unwrap_or(part);
            }
        }
        if linked(i + 1) {
            part = part.strip_suffix('[').unwrap_or(part);
        }
        if i % 2 == 1 {
            // An unclosed backtick: kept as it was.
            out.push('`');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod wire_words_tests {
    use super::wire_text;

    #[test]
    fn rust_names_become_wire_names_and_links_lose_their_brackets() {
        let fields = ["currencyTo", "lockId"].map(String::from).into();
        for (text, want) in [
            ("in `currency_to`.", "in `currencyTo`."),
            ("(`ExchangeLock::lock_id`)", "(`ExchangeLock.lockId`)"),
            ("for [`CreateOrderRequest`].", "for `CreateOrderRequest`."),
            ("see [`x`](crate::x) here", "see `x` here"),
            // Not a property: as it was (an SDK method, an event name).
            ("follow it with `wait_for`", "follow it with `wait_for`"),
            (
                "by the `poa_verification` webhook",
                "by the `poa_verification` webhook",
            ),
            ("a lone ` backtick", "a lone ` backtick"),
            ("[`a`] and `b_c`", "`a` and `b_c`"),
        ] {
            assert_eq!(wire_text(text, &fields), want, "{text}");
        }
    }
}
