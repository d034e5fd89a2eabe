//! The invariants of the core that are checked on generated inputs: by the cargo-fuzz targets
//! (`core/fuzz/fuzz_targets/*.rs`, coverage-guided, `scripts/fuzz.sh`) and by the property tests
//! (`core/tests/properties.rs`, proptest, every `cargo test -p p100`). One definition, two
//! drivers: the property tests include this file with `#[path]`.
//!
//! Every `check_*` function panics (through `assert!`) when an invariant is broken and returns
//! quietly when it holds or does not apply to the input. Inputs are plain data, so both drivers
//! can build them: the fuzz targets with `arbitrary` (derived under `cfg(fuzzing)`), the
//! property tests with proptest strategies.

#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::Duration;

use p100::client::{
    decode, error_from_response, error_from_transport, parse_retry_after, retry_delay, Client,
    Config, Prepared, MAX_RETRY_AFTER,
};
use p100::mask::{is_secret_key, mask_secrets};
use p100::routes::{self, Method, Route};
use p100::transport::{BodyFailure, HttpResponse, TransportError};
use p100::webhooks::{parse_event, verify_token, Verifier, WebhookEvent};
use p100::{validate, Amount, Currency, Error, ErrorCode, ErrorKind, Network, Outcome};
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------------
// Seeded secrets
// ---------------------------------------------------------------------------------------------

/// Spellings of secret keys a server might send (any case, `_`/`-`, prefixes).
pub const SECRET_KEYS: &[&str] = &[
    "cvv",
    "CVV",
    "Cvv2",
    "cvc",
    "cardNumber",
    "card_number",
    "CARD-NUMBER",
    "pan",
    "PAN",
    "pin",
    "Pin",
    "newPin",
    "pinCode",
    "documentNumber",
    "idDocumentNumber",
    "birthDate",
    "dateOfBirth",
    "date_of_birth",
    "dob",
    "securityCode",
    "pesel",
    "apiKey",
    "x-api-key",
    "password",
    "webhookToken",
    "secret",
    "authorization",
];

/// How many snippet shapes [`Seed::snippet`] knows.
pub const SNIPPET_FORMS: u8 = 18;

/// A secret value under a secret key, in one of many textual shapes.
#[derive(Debug, Clone)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Seed {
    /// Index into [`SECRET_KEYS`].
    pub key: u8,
    /// The secret's digits (each byte modulo 10); 3 to 19 of them are used.
    pub digits: Vec<u8>,
    /// Which shape (see [`Seed::snippet`]).
    pub form: u8,
}

impl Seed {
    /// The key.
    pub fn key(&self) -> &'static str {
        SECRET_KEYS
            .get(usize::from(self.key) % SECRET_KEYS.len())
            .copied()
            .unwrap_or("cvv")
    }

    /// The secret value: 3 to 19 digits.
    pub fn value(&self) -> String {
        digits_of(&self.digits, 3, 19)
    }

    /// The same seed with another value of the same length (every digit moved by 5): the
    /// control run of a differential check.
    pub fn control(&self) -> Seed {
        Seed {
            digits: flip_digits(&self.digits, 3),
            ..self.clone()
        }
    }

    /// The key and value in one of [`SNIPPET_FORMS`] shapes.
    pub fn snippet(&self) -> String {
        snippet(self.form, self.key(), &self.value())
    }
}

/// The digits of [`digits_of`]`(bytes, min, _)`, each moved by 5: another value of the same
/// length that shares no digit position with the first.
pub fn flip_digits(bytes: &[u8], min: usize) -> Vec<u8> {
    let mut d = bytes.to_vec();
    while d.len() < min {
        d.push(9);
    }
    d.iter().map(|d| (d % 10 + 5) % 10).collect()
}

/// Text of `min..=max` digits from arbitrary bytes (padded with `9`s).
pub fn digits_of(bytes: &[u8], min: usize, max: usize) -> String {
    let mut s: String = bytes
        .iter()
        .take(max)
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    while s.len() < min {
        s.push('9');
    }
    s
}

/// `key` and `value` written in shape `form`.
pub fn snippet(form: u8, k: &str, v: &str) -> String {
    match form % SNIPPET_FORMS {
        0 => format!(r#"{{"{k}":"{v}"}}"#),
        1 => format!(r#"{{"{k}":{v}}}"#),
        2 => format!(r#""{k}": "{v}""#),
        3 => format!("{k}={v}"),
        4 => format!("'{k}': '{v}'"),
        5 => format!("{k}: {v}"),
        6 => format!(r#"{{"{k}":"{v}","{k}":null}}"#),
        7 => format!(r#"{{"{k}":null,"{k}":"{v}"}}"#),
        8 => format!(r#"{{"a":{{"b":[{{"{k}":"{v}"}}]}}}}"#),
        9 => format!(r#""{{\"{k}\":\"{v}\"}}""#),
        10 => format!(r#"{{"{k}":{{"value":"{v}"}}}}"#),
        11 => format!(r#"{{"{k}":[1,"{v}"]}}"#),
        12 => format!(r#"{k} = "{v}""#),
        13 => format!("{{\n  \"{k}\" :\t\"{v}\"\n}}"),
        14 => format!("{k}: Bearer {v}"),
        15 => format!("?a=1&{k}={v}&b=2"),
        16 => format!(r#"{{\"{k}\":\"{v}\"}}"#),
        _ => format!(r#"{{"data":"{{\"{k}\":{v}}}"}}"#),
    }
}

/// The part of `secret` that `text` still shows: all of it, or the longest prefix of it that
/// ends `text` (a body cut inside the secret), when that is at least `min` characters.
fn visible_part<'a>(text: &str, secret: &'a str, min: usize) -> Option<&'a str> {
    if text.contains(secret) {
        return Some(secret);
    }
    (min..secret.len())
        .rev()
        .filter_map(|n| secret.get(..n))
        .find(|p| text.ends_with(p))
}

// ---------------------------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------------------------

/// True when `text` can hold no secret key and no card-number shape, so that masking must leave
/// it unchanged: no backslash (escapes could spell a key), no secret key name anywhere once
/// case, `_`, `-`, `.` and spaces are ignored, and no run of digits, spaces and dashes with 12
/// or more digits.
pub fn plainly_safe(text: &str) -> bool {
    if text.contains('\\') {
        return false;
    }
    let normalised: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    // The longest secret key name has 24 characters; a key matches when its normalised form
    // ends with a secret name, so look at every 24-character window's suffixes.
    for end in 1..=normalised.len() {
        let start = end.saturating_sub(24);
        let window: String = normalised
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        if is_secret_key(&window) {
            return false;
        }
    }
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= 12 {
                return false;
            }
        } else if c != ' ' && c != '-' {
            digits = 0;
        }
    }
    true
}

/// Masking any text: no panic; idempotent; a text that can hold no secret comes back byte for
/// byte; valid JSON without long digit runs stays valid JSON.
pub fn check_mask_text(text: &str) {
    let once = mask_secrets(text);
    let twice = mask_secrets(&once);
    assert_eq!(twice, once, "masking is not idempotent on {text:?}");
    if plainly_safe(text) {
        assert_eq!(once, text, "a text without secrets was changed");
    }
    let long_digits = text
        .as_bytes()
        .windows(12)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    if !long_digits && serde_json::from_str::<serde_json::Value>(text).is_ok() {
        assert!(
            serde_json::from_str::<serde_json::Value>(&once).is_ok(),
            "valid JSON {text:?} became invalid: {once:?}"
        );
    }
}

/// A seeded secret spliced between `before` and `after` (and, with `cut`, the text cut short
/// somewhere after the secret began) never survives masking.
pub fn check_mask_seeded(before: &str, seed: &Seed, after: &str, cut: Option<u16>) {
    let value = seed.value();
    let Some(text) = seeded_text(before, seed, after, cut) else {
        return;
    };
    let Some(secret) = visible_part(&text, &value, 3) else {
        return;
    };
    if before.contains(secret) || after.contains(secret) {
        return; // the fillers show it too: not a secret of this test
    }
    let masked = mask_secrets(&text);
    if masked.contains(secret) {
        // Unless the same text with another secret shows it as well (the digits of an escape
        // such as `\u0019` next to a `9`), the secret survived.
        let control = seeded_text(before, &seed.control(), after, cut)
            .map(|t| mask_secrets(&t))
            .unwrap_or_default();
        assert!(
            control.contains(secret),
            "secret {secret:?} survived masking of {text:?}: {masked:?}"
        );
    }
    check_mask_text(&text);
}

/// `before`, the seed's snippet and `after`; with `cut`, cut short somewhere after the secret
/// value began.
fn seeded_text(before: &str, seed: &Seed, after: &str, cut: Option<u16>) -> Option<String> {
    let value = seed.value();
    let snippet = seed.snippet();
    let mut text = format!("{before}{snippet}{after}");
    if let Some(cut) = cut {
        let at = snippet.find(&value)?;
        let from = before.len() + at + 1;
        let mut end = from + usize::from(cut) % (text.len() - from + 1);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text.truncate(end);
    }
    Some(text)
}

// ---------------------------------------------------------------------------------------------
// Responses and errors
// ---------------------------------------------------------------------------------------------

/// Where a seed goes in a reply body.
#[derive(Debug, Clone)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Placed {
    /// The secret.
    pub seed: Seed,
    /// 0 inside `errorMessage`, 1 inside `errorName`, 2 inside `message`, 3 as a field of the
    /// object, 4 after the JSON, 5 inside a nested `details` string.
    pub place: u8,
}

/// A reply from a server that may misbehave in every way.
#[derive(Debug, Clone)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Reply {
    /// Index into [`routes::ALL`] (method, money or not).
    pub route: u8,
    /// HTTP status (mapped into 100..=599).
    pub status: u16,
    /// `Retry-After` header.
    pub retry_after: Option<String>,
    /// `x-request-id` header.
    pub request_id: Option<String>,
    /// The body.
    pub body: ReplyBody,
    /// Cut the body short after this many bytes.
    pub cut: Option<u16>,
    /// What the transport reports for the same reply, cut short, and its message.
    pub transport: u8,
    /// The transport's message (may hold a seed too).
    pub transport_message: String,
}

/// A reply body.
#[derive(Debug, Clone)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum ReplyBody {
    /// Any bytes.
    Raw(Vec<u8>),
    /// Any text with a seeded secret.
    Text {
        /// Before the seed.
        before: String,
        /// The seed.
        seed: Seed,
        /// After the seed.
        after: String,
    },
    /// A P100 error body `{"errorCode", "errorName", "errorMessage"}` and friends.
    Error {
        /// Index into [`CODES`], or beyond it: `code_text`.
        code: u8,
        /// A code of the fuzzer's choosing.
        code_text: String,
        /// `errorName`.
        name: Option<String>,
        /// `errorMessage`.
        message: Option<String>,
        /// `message`.
        message2: Option<String>,
        /// Secrets under secret keys.
        seeds: Vec<Placed>,
        /// A card number (`4` and 15 digits from these bytes) and where it goes: 0 a string
        /// field, 1 inside the message with spaces around, 2 a map key, 3 grouped by 4 in the
        /// message.
        pan: Option<(Vec<u8>, u8)>,
        /// Garbage after the JSON.
        trailing: Option<String>,
    },
    /// A 2xx body for a typed decode: `{"transferId": …}`, card details, rates.
    Typed {
        /// The JSON fields, name and value text.
        fields: Vec<(String, String)>,
        /// Secrets.
        seeds: Vec<Placed>,
        /// A card number and where it goes (as for [`ReplyBody::Error`]).
        pan: Option<(Vec<u8>, u8)>,
    },
}

/// Error codes a body may carry (any case, spaces).
pub const CODES: &[&str] = &[
    "P403", "P412", "P433", "P500", "P501", "p500", " P501 ", "P211", "P999", "",
];

fn route_at(i: u8) -> &'static Route {
    let all = routes::ALL;
    all.get(usize::from(i) % all.len())
        .unwrap_or(&routes::PARTNER_BALANCES)
}

fn prepared_for(route: &Route) -> Prepared {
    let params: Vec<&str> = route.params().iter().map(|_| "p1").collect();
    Prepared::new(route, &params).unwrap_or_else(|e| panic!("{}: {e}", route.name))
}

fn pan_of(bytes: &[u8]) -> String {
    format!("4{}", digits_of(bytes, 15, 15))
}

impl Reply {
    /// The response with every seed replaced by its control value (see [`Seed::control`]).
    fn control(&self) -> Reply {
        let mut r = self.clone();
        match &mut r.body {
            ReplyBody::Raw(_) => {}
            ReplyBody::Text { seed, .. } => *seed = seed.control(),
            ReplyBody::Error { seeds, pan, .. } | ReplyBody::Typed { seeds, pan, .. } => {
                for p in seeds.iter_mut() {
                    p.seed = p.seed.control();
                }
                if let Some((digits, _)) = pan {
                    *digits = flip_digits(digits, 15);
                }
            }
        }
        r
    }

    fn status(&self) -> u16 {
        100 + self.status % 500
    }

    /// The secrets this reply seeds, each with the shortest part of it that must never show
    /// (a value under a secret key: 3 characters; a card number: 12 digits, the shortest card
    /// shape, since a number cut shorter is no longer recognisable as one).
    fn secrets(&self) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        match &self.body {
            ReplyBody::Raw(_) => {}
            ReplyBody::Text { seed, .. } => out.push((seed.value(), 3)),
            ReplyBody::Error { seeds, pan, .. } | ReplyBody::Typed { seeds, pan, .. } => {
                out.extend(seeds.iter().map(|p| (p.seed.value(), 3)));
                out.extend(pan.iter().map(|(d, _)| (pan_of(d), 12)));
            }
        }
        out
    }

    /// The body text (before any cut).
    fn body_text(&self) -> Vec<u8> {
        use serde_json::{Map, Value};
        let place = |obj: &mut Map<String, Value>, tail: &mut String, seeds: &[Placed]| {
            for (n, p) in seeds.iter().enumerate() {
                let s = p.seed.snippet();
                let append = |obj: &mut Map<String, Value>, k: &str, s: &str| {
                    let old = obj.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    obj.insert(k.to_string(), Value::String(format!("{old} {s} ")));
                };
                match p.place % 6 {
                    0 => append(obj, "errorMessage", &s),
                    1 => append(obj, "errorName", &s),
                    2 => append(obj, "message", &s),
                    3 => {
                        let v = p.seed.value();
                        let value = match p.seed.form % 3 {
                            0 => Value::String(v),
                            1 => serde_json::from_str(&v).unwrap_or(Value::String(v)),
                            _ => serde_json::json!({ "value": v }),
                        };
                        obj.insert(format!("x{n}_{}", p.seed.key()), value.clone());
                        obj.insert(p.seed.key().to_string(), value);
                    }
                    4 => {
                        tail.push(' ');
                        tail.push_str(&s);
                    }
                    _ => append(obj, "details", &s),
                }
            }
        };
        let place_pan = |obj: &mut Map<String, Value>, pan: &Option<(Vec<u8>, u8)>| {
            let Some((digits, at)) = pan else { return };
            let pan = pan_of(digits);
            match at % 4 {
                0 => {
                    obj.insert("note".into(), Value::String(pan));
                }
                1 => {
                    let old = obj
                        .get("errorMessage")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    obj.insert(
                        "errorMessage".into(),
                        Value::String(format!("{old} card {pan} declined")),
                    );
                }
                2 => {
                    obj.insert("rates".into(), serde_json::json!({ pan: "1.5x" }));
                }
                _ => {
                    let grouped: Vec<&str> =
                        (0..4).filter_map(|i| pan.get(i * 4..i * 4 + 4)).collect();
                    obj.insert(
                        "message".into(),
                        Value::String(format!("pan {} refused", grouped.join(" "))),
                    );
                }
            }
        };
        match &self.body {
            ReplyBody::Raw(bytes) => bytes.clone(),
            ReplyBody::Text {
                before,
                seed,
                after,
            } => format!("{before}{}{after}", seed.snippet()).into_bytes(),
            ReplyBody::Error {
                code,
                code_text,
                name,
                message,
                message2,
                seeds,
                pan,
                trailing,
            } => {
                let mut obj = Map::new();
                let code = CODES
                    .get(usize::from(*code))
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| code_text.clone());
                obj.insert("errorCode".into(), Value::String(code));
                for (k, v) in [
                    ("errorName", name),
                    ("errorMessage", message),
                    ("message", message2),
                ] {
                    if let Some(v) = v {
                        obj.insert(k.into(), Value::String(v.clone()));
                    }
                }
                let mut tail = trailing.clone().unwrap_or_default();
                place(&mut obj, &mut tail, seeds);
                place_pan(&mut obj, pan);
                let mut text = Value::Object(obj).to_string();
                text.push_str(&tail);
                text.into_bytes()
            }
            ReplyBody::Typed { fields, seeds, pan } => {
                let mut obj = Map::new();
                for (k, v) in fields {
                    let value =
                        serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.clone()));
                    obj.insert(k.clone(), value);
                }
                let mut tail = String::new();
                place(&mut obj, &mut tail, seeds);
                place_pan(&mut obj, pan);
                let mut text = Value::Object(obj).to_string();
                text.push_str(&tail);
                text.into_bytes()
            }
        }
    }

    /// The HTTP response.
    fn response(&self) -> HttpResponse {
        let mut body = self.body_text();
        if let Some(cut) = self.cut {
            body.truncate(usize::from(cut));
        }
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if let Some(v) = &self.retry_after {
            headers.push(("retry-after".into(), v.clone()));
        }
        if let Some(v) = &self.request_id {
            headers.push(("x-request-id".into(), v.clone()));
        }
        HttpResponse {
            status: self.status(),
            headers,
            body,
        }
    }

    fn transport_error(&self, resp: HttpResponse) -> TransportError {
        let m = self.transport_message.clone();
        match self.transport % 7 {
            0 => TransportError::NotSent(m),
            1 => TransportError::Timeout,
            2 => TransportError::Failed(m),
            3 => TransportError::Body {
                response: resp,
                failure: BodyFailure::Broken(m),
            },
            4 => TransportError::Body {
                response: resp,
                failure: BodyFailure::Timeout,
            },
            5 => TransportError::Body {
                response: resp,
                failure: BodyFailure::TooLarge(16 * 1024 * 1024),
            },
            _ => {
                let keyed: String = self
                    .secrets()
                    .iter()
                    .map(|(s, _)| format!(" cvv={s}"))
                    .collect();
                TransportError::Failed(format!("{m}{keyed}"))
            }
        }
    }
}

/// Everything a caller can see of an error.
fn seen(e: &Error) -> [String; 3] {
    [
        e.to_string(),
        format!("{e:?}"),
        e.raw_body().unwrap_or_default().to_string(),
    ]
}

/// The secrets of `reply` that `texts` show although the control run (the same reply with other
/// secret values) does not: a leak, not a coincidence.
fn leaks(
    secrets: &[(String, usize)],
    body: &str,
    texts: &[String],
    control: &[String],
) -> Vec<String> {
    // A masked card number keeps its last 4 digits: a shorter secret found in them is no leak.
    let last_fours: Vec<&str> = secrets
        .iter()
        .filter(|(s, _)| s.len() >= 12)
        .filter_map(|(s, _)| s.get(s.len() - 4..))
        .collect();
    secrets
        .iter()
        // A secret inside another (a cut card number may show fewer than 12 digits, unmasked).
        .filter(|(s, _)| {
            !secrets
                .iter()
                .any(|(o, _)| o != s && o.contains(s.as_str()))
        })
        .filter_map(|(s, min)| visible_part(body, s, *min))
        .filter(|s| !last_fours.iter().any(|l| l.contains(s)))
        .filter(|s| texts.iter().any(|t| t.contains(s)) && !control.iter().any(|t| t.contains(s)))
        .map(str::to_string)
        .collect()
}

/// The outcome an error must report for a non-2xx reply with `status` (and P-code `code`).
/// The model of "what arrived of a write's 2xx body before it broke may still become a P100
/// error": as text, byte-order marks aside and in lower case, a quoted name `error…` or
/// `message` is followed by `:`; or, after the last `{` or `,` (JSON whitespace aside), a quote
/// opens a name that is whole and one of those, or unfinished and may still become one. Then
/// the outcome is `unknown`, else `accepted`.
fn cut_may_be_error(body: &[u8]) -> bool {
    let json_space = |c: char| c.is_ascii_whitespace();
    let text = String::from_utf8_lossy(body);
    let text = text.trim_start_matches('\u{feff}').to_ascii_lowercase();
    let error_name = |n: &str| n.starts_with("error") || n == "message";
    let pieces: Vec<&str> = text.split('"').collect();
    // Odd pieces are quoted (when a closing quote follows); the next piece is what follows it.
    for k in (1..pieces.len().saturating_sub(1)).step_by(2) {
        if error_name(pieces[k])
            && pieces[k + 1]
                .trim_start_matches(json_space)
                .starts_with(':')
        {
            return true;
        }
    }
    let Some((_, tail)) = text.rsplit_once(['{', ',']) else {
        return false;
    };
    let Some(name) = tail.trim_matches(json_space).strip_prefix('"') else {
        return false;
    };
    match name.split_once('"') {
        Some((whole, rest)) => rest.trim_matches(json_space).is_empty() && error_name(whole),
        None => {
            !name.is_empty()
                && ("error".starts_with(name)
                    || name.starts_with("error")
                    || "message".starts_with(name))
        }
    }
}

fn expected_outcome(
    status: u16,
    code: Option<&ErrorCode>,
    route: &Route,
    body_broken: bool,
) -> Outcome {
    let write = !route.method.is_idempotent_read();
    let server_failure = matches!(code, Some(ErrorCode::P500 | ErrorCode::P501));
    match status {
        // A 429 whose body says the server failed (P500/P501), or whose body was lost before
        // its code (it may have said so): a write may have happened.
        429 if write && (server_failure || (body_broken && code.is_none())) => Outcome::Unknown,
        401 | 429 => Outcome::Rejected,
        500..=599 => Outcome::Unknown,
        // A redirect (not followed) after a write: the write may have been processed.
        300..=399 if write => Outcome::Unknown,
        _ if server_failure => Outcome::Unknown,
        // No final answer (1xx, no status, a proxy's 499) after a write.
        _ if write && !(400..499).contains(&status) => Outcome::Unknown,
        // A write's refusal whose body was lost before its code: it may have been a P500.
        _ if write && body_broken && code.is_none() => Outcome::Unknown,
        _ => Outcome::Rejected,
    }
}

/// When the body's first JSON object names `errorCode` more than once with values that read as
/// different codes (or a code and none): `Some(true)` when one of them is a P-code. Such a
/// body's code cannot be told, so it counts as lost (a write is `unknown`).
fn codes_in_doubt(text: &str) -> Option<bool> {
    struct Codes(Vec<serde_json::Value>);
    impl<'de> serde::Deserialize<'de> for Codes {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Codes;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Codes, A::Error> {
                    let mut out = Vec::new();
                    while let Some(k) = a.next_key::<String>()? {
                        let v: serde_json::Value = a.next_value()?;
                        if k == "errorCode" {
                            out.push(v);
                        }
                    }
                    Ok(Codes(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    let t = text.trim_start_matches('\u{feff}');
    let Codes(values) = serde_json::Deserializer::from_str(t)
        .into_iter::<Codes>()
        .next()?
        .ok()?;
    // A code as the SDK reads one: trimmed text of letters, digits, `_-.` (32 at most), upper
    // case; three digits name their P-code; anything else is no code.
    let read = |v: &serde_json::Value| {
        let c = match v {
            serde_json::Value::String(s) => s.trim().to_ascii_uppercase(),
            serde_json::Value::Number(n) => n.to_string().to_ascii_uppercase(),
            _ => return None,
        };
        // (and no text that masking changes: a card number where the code goes is no code)
        let fine = !c.is_empty()
            && c.len() <= 32
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
            && mask_secrets(&c) == c;
        let digits = c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit());
        fine.then(|| if digits { format!("P{c}") } else { c })
    };
    let read: std::collections::BTreeSet<Option<String>> = values.iter().map(read).collect();
    (read.len() > 1).then(|| {
        // A P-code: `P` and three digits, the first not 0.
        read.iter().flatten().any(|c| {
            let digits = c.as_bytes().get(1..).unwrap_or_default();
            c.len() == 4
                && c.starts_with('P')
                && digits.iter().all(u8::is_ascii_digit)
                && digits.first().is_some_and(|d| *d != b'0')
        })
    })
}

/// The model of "a write's whole 2xx reply that did not decode reads as an error without a
/// P-code": its first JSON document (byte-order marks aside) is an object that names nothing
/// created (no `id`, `transferId`, `withdrawalId`, `exchangeId`, `orderId` or `cardId` that is
/// a non-blank text or a number above zero, at its top level or in an object one level down), whose `errorCode` is not a
/// P-code (`P` or nothing, then three digits, the first not 0) nor a success code (`0`,
/// `"000"`, blank, `OK`, `SUCCESS`), and that has a member `error`, `errors`, `errorCode`,
/// `errorName` or `errorMessage` (any case) saying something (not `null`, `false`, `0`, blank,
/// `[]` or `{}`), a `statusCode` or `status` from 400 to 599 (a number or its text), or
/// `"success": false`.
fn whole_reads_as_error(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let text = text.trim_start_matches('\u{feff}');
    let first = serde_json::Deserializer::from_str(text)
        .into_iter::<serde_json::Value>()
        .next();
    let Some(Ok(serde_json::Value::Object(map))) = first else {
        return false;
    };
    let blank = |v: &serde_json::Value| match v {
        serde_json::Value::Null | serde_json::Value::Bool(false) => true,
        serde_json::Value::Number(n) => n.as_f64() == Some(0.0),
        serde_json::Value::String(s) => s.trim().is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
        serde_json::Value::Bool(true) => false,
    };
    let text_of = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let ids = [
        "id",
        "transferId",
        "withdrawalId",
        "exchangeId",
        "orderId",
        "cardId",
    ];
    let has_id = |m: &serde_json::Map<String, serde_json::Value>| {
        ids.iter().any(|k| match m.get(*k) {
            Some(serde_json::Value::String(s)) => !s.trim().is_empty(),
            Some(serde_json::Value::Number(n)) => n.as_f64().is_some_and(|n| n > 0.0),
            _ => false,
        })
    };
    if has_id(&map) || map.values().any(|v| v.as_object().is_some_and(has_id)) {
        return false;
    }
    let p_code = map.get("errorCode").and_then(text_of).is_some_and(|c| {
        let digits = c.strip_prefix(['P', 'p']).unwrap_or(&c);
        digits.len() == 3
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
            && (digits.len() < c.len() || c.len() == 3)
    });
    // A success envelope's code.
    let success_code = match map.get("errorCode") {
        Some(serde_json::Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(serde_json::Value::String(s)) => {
            let s = s.trim().to_ascii_lowercase();
            s.chars().all(|c| c == '0') || s == "ok" || s == "success"
        }
        _ => false,
    };
    if p_code || success_code {
        return false;
    }
    map.iter()
        .any(|(k, v)| match k.to_ascii_lowercase().as_str() {
            "error" | "errors" | "errorcode" | "errorname" | "errormessage" => !blank(v),
            "statuscode" | "status" => text_of(v)
                .and_then(|t| t.parse::<u64>().ok())
                .is_some_and(|n| (400..600).contains(&n)),
            "success" => *v == serde_json::Value::Bool(false),
            _ => false,
        })
}

/// Whether `text` (after a byte-order mark and blanks) starts a JSON object or array that ends
/// before it is complete.
fn json_cut_short(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(t).is_err_and(|e| e.is_eof())
}

/// A client configuration (default retry policy) for [`retry_delay`].
fn config() -> &'static Config {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            Client::builder()
                .api_key("fuzz-key")
                .base_url("http://127.0.0.1:9")
                .build()
                .unwrap_or_else(|e| panic!("client: {e}"))
        })
        .config()
}

/// Checks one error against its reply: raw body is the masked reply text, the status is kept,
/// the retry delay is capped, and no secret leaks.
fn check_error(
    e: &Error,
    resp: &HttpResponse,
    control: Option<&Error>,
    secrets: &[(String, usize)],
) {
    let text = resp.text();
    assert_eq!(
        e.raw_body(),
        Some(mask_secrets(&text).as_str()),
        "raw body is not the masked reply"
    );
    assert_eq!(e.status(), Some(resp.status), "status lost: {e:?}");
    assert_eq!(e.accepted(), e.outcome() == Outcome::Accepted);
    if let Some(d) = retry_delay(e, 0, config(), 2) {
        assert!(d <= MAX_RETRY_AFTER, "retry delay {d:?} over the cap");
    }
    let control = control.map(seen).unwrap_or_default();
    let leaked = leaks(secrets, &text, &seen(e), &control);
    assert!(leaked.is_empty(), "secrets {leaked:?} leaked: {e:?} / {e}");
}

/// A reply, however broken, maps to an error without panicking; its outcome follows from the
/// status (2xx whose body cannot be decoded → accepted; 401/429/4xx → rejected, except P500 and
/// P501 → unknown (a 429's too, after a write); 5xx → unknown; 3xx → unknown after a write, rejected after a read); only `not_sent` and 429 are retryable for money calls; raw
/// bodies are masked; seeded secrets never reach `Display`, `Debug` or the raw body. The same
/// reply cut short by the transport keeps its status and outcome.
pub fn check_reply(reply: &Reply) {
    let route = route_at(reply.route);
    let prepared = prepared_for(route);
    let resp = reply.response();
    let ctl = reply.control();
    let ctl_resp = ctl.response();
    let secrets = reply.secrets();
    let status = resp.status;

    let mut errors: Vec<(Error, Option<Error>)> = Vec::new();
    if (200..300).contains(&status) {
        errors.extend(check_decode::<serde_json::Value>(
            &prepared, &resp, &ctl_resp,
        ));
        errors.extend(check_decode::<p100::models::SepaTransferCreated>(
            &prepared, &resp, &ctl_resp,
        ));
        errors.extend(check_decode::<p100::models::CardDetails>(
            &prepared, &resp, &ctl_resp,
        ));
        errors.extend(check_decode::<p100::models::ExchangeRates>(
            &prepared, &resp, &ctl_resp,
        ));
        for (e, _) in &errors {
            let read = route.method.is_idempotent_read();
            let server_failure = matches!(e.code(), Some(ErrorCode::P500 | ErrorCode::P501));
            assert_eq!(
                e.is_retryable(),
                read && server_failure,
                "a 2xx decode error is retryable only for a read the server failed: {e:?}"
            );
            if codes_in_doubt(&resp.text()) == Some(true) {
                // Two different codes, a P-code among them: an error (which one cannot be
                // told), `unknown` after a write.
                assert_eq!(e.kind(), ErrorKind::Api, "2xx with two codes: {e:?}");
                let expected = if read {
                    Outcome::Rejected
                } else {
                    Outcome::Unknown
                };
                assert_eq!(e.outcome(), expected, "2xx with two codes: {e:?}");
                continue;
            }
            if e.code().is_some() {
                // A 2xx whose body is a P100 error: the code is kept, and a write is `unknown`
                // (the status says yes, the body says no), never `accepted` or `rejected`. The
                // server's failure (P500/P501) is `unavailable`, as in a 4xx.
                let kind = match server_failure {
                    true => ErrorKind::Unavailable,
                    false => ErrorKind::Api,
                };
                assert_eq!(e.kind(), kind, "2xx with a code: {e:?}");
                let expected = match (read, server_failure) {
                    (false, _) | (true, true) => Outcome::Unknown,
                    (true, false) => Outcome::Rejected,
                };
                assert_eq!(e.outcome(), expected, "2xx with a code: {e:?}");
                continue;
            }
            // JSON that stops early, where what arrived may still become an error: as a body
            // the transport cut.
            if !read && json_cut_short(&resp.text()) && cut_may_be_error(&resp.body) {
                assert_eq!(e.outcome(), Outcome::Unknown, "2xx cut error start: {e:?}");
                assert_eq!(e.kind(), ErrorKind::Decode);
                continue;
            }
            // A whole reply that reads as an error without a P-code: as one cut short.
            if !read && whole_reads_as_error(&resp.body) {
                assert_eq!(e.outcome(), Outcome::Unknown, "2xx error shape: {e:?}");
                assert_eq!(e.kind(), ErrorKind::Api, "2xx error shape: {e:?}");
                continue;
            }
            assert_eq!(e.outcome(), Outcome::Accepted, "2xx decode error: {e:?}");
            assert_eq!(e.kind(), ErrorKind::Decode);
        }
    } else {
        let e = error_from_response(&prepared, &resp);
        // A body that is itself a JSON text cut short (`{"err…`) is as broken as one the
        // transport cut.
        // So is one that names two different codes.
        let lost = json_cut_short(&resp.text()) || codes_in_doubt(&resp.text()).is_some();
        let expected = expected_outcome(status, e.code(), route, lost);
        assert_eq!(e.outcome(), expected, "HTTP {status}: {e:?}");
        if route.moves_money && e.is_retryable() {
            assert_eq!(
                status, 429,
                "a money call is retryable after HTTP {status}: {e:?}"
            );
        }
        if status == 429 && expected == Outcome::Rejected {
            assert!(e.is_retryable(), "a plain 429 is not retryable: {e:?}");
        }
        let c = error_from_response(&prepared, &ctl_resp);
        errors.push((e, Some(c)));
    }
    for (e, c) in &errors {
        check_error(e, &resp, c.as_ref(), &secrets);
    }

    // The same reply as the transport may report it.
    let te = reply.transport_error(resp.clone());
    let e = error_from_transport(&prepared, &te, Duration::from_secs(60));
    let c = error_from_transport(
        &prepared,
        &ctl.transport_error(ctl_resp),
        Duration::from_secs(60),
    );
    let message = match &te {
        TransportError::NotSent(m) | TransportError::Failed(m) => m.clone(),
        TransportError::Body {
            failure: BodyFailure::Broken(m),
            ..
        } => m.clone(),
        _ => String::new(),
    };
    for text in [resp.text(), message] {
        let leaked = leaks(&secrets, &text, &seen(&e), &seen(&c));
        assert!(leaked.is_empty(), "secrets {leaked:?} leaked: {e:?} / {e}");
    }
    match &te {
        TransportError::NotSent(_) => {
            assert_eq!(e.outcome(), Outcome::NotSent);
            assert!(e.is_retryable());
        }
        TransportError::Timeout | TransportError::Failed(_) => {
            assert_eq!(e.outcome(), Outcome::Unknown, "{e:?}");
            if !route.method.is_idempotent_read() {
                assert!(!e.is_retryable(), "{e:?}");
            }
        }
        TransportError::Body { response, .. } => {
            check_error(&e, response, Some(&c), &secrets);
            if (200..300).contains(&status) {
                let write = !route.method.is_idempotent_read();
                let expected = if write && cut_may_be_error(&response.body) {
                    Outcome::Unknown
                } else {
                    Outcome::Accepted
                };
                assert_eq!(e.outcome(), expected, "{e:?}");
                if !route.method.is_idempotent_read() {
                    assert!(!e.is_retryable(), "{e:?}");
                }
            } else {
                assert_eq!(
                    e.outcome(),
                    expected_outcome(status, e.code(), route, true),
                    "{e:?}"
                );
            }
        }
    }
}

fn check_decode<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    prepared: &Prepared,
    resp: &HttpResponse,
    ctl: &HttpResponse,
) -> Option<(Error, Option<Error>)> {
    match decode::<T>(prepared, resp) {
        Ok(_) => {
            // A write's reply that reads as an error is never a success, whatever `T` takes.
            let write = !prepared.method.is_idempotent_read();
            assert!(
                !(write && whole_reads_as_error(&resp.body)),
                "a write's 2xx error reply decoded: {:?}",
                resp.text()
            );
            None
        }
        Err(e) => Some((e, decode::<T>(prepared, ctl).err())),
    }
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

/// Any body: parsing never panics; an unrecognised event keeps the body exactly; the event
/// serializes; its `Debug` never shows a seeded one-time code.
pub fn check_webhook_body(body: &str) {
    if let Ok(event) = parse_event(body) {
        if let WebhookEvent::Unknown { raw, .. } = &event {
            assert_eq!(raw, body);
        }
        let _ = format!("{event:?}");
        assert!(serde_json::to_string(&event).is_ok());
    }
}

/// A card code event with extra fields: the code never shows in `Debug`.
pub fn check_webhook_code(code_digits: &[u8], key: u8, extra: &[(String, String)]) {
    let code = digits_of(code_digits, 6, 12);
    let key = ["code", "otp", "threeDsCode", "activationCode"]
        .get(usize::from(key) % 4)
        .copied()
        .unwrap_or("code");
    let mut obj = serde_json::Map::new();
    for (k, v) in extra {
        if !v.contains(&code) && !k.contains(&code) {
            obj.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
    }
    obj.insert("cardId".into(), "card-1".into());
    obj.insert(key.into(), serde_json::Value::String(code.clone()));
    let body = serde_json::Value::Object(obj).to_string();
    if let Ok(event) = parse_event(&body) {
        let debug = format!("{event:?}");
        assert!(!debug.contains(&code), "code {code} in {debug}");
    }
}

/// How a token is presented in the `Authorization` header.
pub fn present(token: &str, how: u8) -> String {
    match how % 5 {
        0 => token.to_string(),
        1 => format!("Bearer {token}"),
        2 => format!("  bearer   {token}\t"),
        3 => format!("BEARER {token}"),
        _ => format!(" {token} "),
    }
}

/// The token check: the right token (raw, `Bearer`, any case, surrounding whitespace) passes;
/// any other header fails with 401; nothing panics; the token never shows in the error.
pub fn check_webhook_token(token: &str, presented: &str, how: u8) {
    let expected = token.trim();
    let right = present(token, how);
    let right_result = verify_token(Some(&right), token);
    if expected.is_empty() {
        assert!(right_result.is_err());
        assert!(Verifier::new(token).is_err());
        return;
    }
    assert!(
        right_result.is_ok(),
        "the right token {right:?} was refused for {token:?}"
    );
    let verifier = Verifier::new(token).unwrap_or_else(|e| panic!("{e}"));
    assert!(verifier.verify(Some(&right)).is_ok());
    assert_eq!(
        format!("{verifier:?}"),
        format!(
            "{:?}",
            Verifier::new("control").unwrap_or_else(|e| panic!("{e}"))
        )
    );

    // Any other header: accepted only if it is the token, raw or after `Bearer `.
    let p = presented.trim();
    let stripped = match (p.get(..7), p.get(7..)) {
        (Some(b), Some(rest)) if b.eq_ignore_ascii_case("bearer ") => rest.trim_start(),
        _ => p,
    };
    let should_pass = !p.is_empty() && (p == expected || stripped == expected);
    let result = verifier.verify(Some(presented));
    assert_eq!(
        result.is_ok(),
        should_pass,
        "header {presented:?} against token {token:?}"
    );
    if let Err(e) = result {
        assert_eq!(e.kind(), ErrorKind::WebhookUnauthorized);
        assert_eq!(e.status(), Some(401));
        // The error is the same whatever the token: it cannot show it.
        let control = format!("{expected}#control");
        if let Err(c) = verify_token(Some(presented), &control) {
            assert_eq!(e.to_string(), c.to_string());
            assert_eq!(format!("{e:?}"), format!("{c:?}"));
        }
    }
    assert!(verifier.verify(None).is_err());
}

// ---------------------------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------------------------

fn check_amount_round_trip(a: Amount) {
    let text = a.to_string();
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-'),
        "{text:?} is not plain decimal text"
    );
    let back = Amount::parse(&text).unwrap_or_else(|e| panic!("{text:?} does not parse: {e}"));
    assert_eq!(back, a);
    assert_eq!(back.scale(), a.scale(), "{text:?} lost its scale");
    assert_eq!(back.to_string(), text);
    // Through JSON, as a string and as a number (arbitrary precision: exact, never a float).
    let json = serde_json::to_string(&a).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json, format!("\"{text}\""));
    let from_string: Amount = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_string.to_string(), text);
    let from_number: Amount = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_number.to_string(), text, "JSON number {text} changed");
    let in_value: serde_json::Value =
        serde_json::from_str(&format!("{{\"a\":{text}}}")).unwrap_or_else(|e| panic!("{e}"));
    // Through a `Value` a number may reach `Amount` as an f64: exact, or refused (never a
    // different amount).
    if let Ok(via_value) = serde_json::from_value::<Amount>(in_value["a"].clone()) {
        assert_eq!(
            via_value.to_string(),
            text,
            "JSON number {text} changed in a Value"
        );
    }
    // Inside a webhook (parsed through a `Value`), amounts are exact.
    let body = format!(r#"{{"exchangeId":"e1","status":"COMPLETED","amount":{text}}}"#);
    if let Ok(WebhookEvent::Exchange(e)) = parse_event(&body) {
        let json = serde_json::to_value(&e).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            json["amount"],
            serde_json::Value::String(text.clone()),
            "{body}"
        );
    }
}

/// Any text: parsing never panics; what parses prints back to text that parses to the same
/// amount with the same scale (as text, a JSON string and a JSON number). Plain decimal text
/// with at most 28 digits always parses, exactly.
pub fn check_amount_text(text: &str) {
    if let Ok(a) = Amount::parse(text) {
        check_amount_round_trip(a);
    }
    // Oracle for plain decimal text: the mantissa as an integer and the scale as written.
    let t = text.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(body.contains('.') && frac.is_empty());
    if plain && int.len() + frac.len() <= 28 {
        let digits: i128 = format!("{int}{frac}").parse().unwrap_or(0);
        let m = if t.starts_with('-') { -digits } else { digits };
        let scale = u32::try_from(frac.len()).unwrap_or(0);
        let expected = Decimal::from_i128_with_scale(m, scale);
        let a = Amount::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(a.value(), expected, "{text:?}");
        assert_eq!(a.scale(), scale, "{text:?}");
    }
}

/// An amount from a mantissa and a scale: prints and parses back exactly.
pub fn check_amount_parts(mantissa: i128, scale: u8) {
    let m = mantissa % (1i128 << 96);
    let scale = u32::from(scale % 29);
    if let Ok(d) = Decimal::try_from_i128_with_scale(m, scale) {
        check_amount_round_trip(Amount::new(d));
        // Validation by currency precision agrees with the scale actually needed.
        let a = Amount::new(d);
        for c in [Currency::Eur, Currency::Btc, Currency::Usdc] {
            let ok = validate::amount("amount", &a, &c).is_ok();
            let expected = a.is_positive() && a.significant_scale() <= c.precision();
            assert_eq!(ok, expected, "{a} {c}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Retry-After
// ---------------------------------------------------------------------------------------------

/// Any `Retry-After` value at any time: no panic; the delay the client waits is at most
/// [`MAX_RETRY_AFTER`].
pub fn check_retry_after_text(value: &str, now_ms: i64) {
    let parsed = parse_retry_after(value, now_ms);
    if let Ok(n) = value.trim().parse::<u64>() {
        assert_eq!(parsed, Some(Duration::from_secs(n)));
    }
    // Through a 429 and a 503 as the client sees them.
    for (status, route) in [
        (429, &routes::PARTNER_SEPA_TRANSFER),
        (503, &routes::PARTNER_BALANCES),
    ] {
        let resp = HttpResponse {
            status,
            headers: vec![("retry-after".into(), value.to_string())],
            body: Vec::new(),
        };
        let e = error_from_response(&prepared_for(route), &resp);
        for attempt in 0..3 {
            if let Some(d) = retry_delay(&e, attempt, config(), 2) {
                assert!(d <= MAX_RETRY_AFTER, "{value:?}: {d:?}");
            }
        }
    }
}

/// An HTTP date `secs` after 1970 seen at `now_ms`: the time left until then, zero when past.
pub fn check_retry_after_date(secs: u64, now_ms: i64) {
    let secs = secs % 253_402_300_800; // up to 9999-12-31
    let at = std::time::UNIX_EPOCH + Duration::from_secs(secs);
    let text = httpdate::fmt_http_date(at);
    let at_ms = i64::try_from(secs).unwrap_or(i64::MAX).saturating_mul(1000);
    let expected = u64::try_from(at_ms.saturating_sub(now_ms)).unwrap_or(0);
    assert_eq!(
        parse_retry_after(&text, now_ms),
        Some(Duration::from_millis(expected)),
        "{text} at {now_ms}"
    );
    check_retry_after_text(&text, now_ms);
}

// ---------------------------------------------------------------------------------------------
// Validators and routes
// ---------------------------------------------------------------------------------------------

/// An error of a check: kind validation, the field named, the value not echoed (when the value
/// is distinctive enough to tell).
fn check_validation(r: p100::Result<()>, field: &str, value: &str) {
    if let Err(e) = r {
        assert_eq!(e.kind(), ErrorKind::Validation, "{e:?}");
        assert!(e.field().is_some(), "{e:?}");
        assert!(e.to_string().contains(e.field().unwrap_or_default()));
        let distinctive = value.chars().count() >= 4
            && value.chars().any(|c| !c.is_ascii() || "#$^|~`".contains(c));
        if distinctive {
            assert!(!e.to_string().contains(value), "{field}: value echoed: {e}");
        }
        assert_eq!(e.outcome(), Outcome::NotSent);
    }
}

// ---------------------------------------------------------------------------------------------
// Requests from host values (`p100::input`, the one decoder of every binding and the CLI)
// ---------------------------------------------------------------------------------------------

macro_rules! every_input_type {
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
        /// Decodes `value` as the input type of every operation of the table that has one
        /// (with [`p100::input::decode_text`] when `text`); the refusals, by type.
        fn refusals_of_every_input(value: &serde_json::Value, text: bool) -> Vec<(&'static str, Error)> {
            let mut refused = Vec::new();
            $($($(
                let r = if text {
                    p100::input::decode_text::<p100::models::$in>(value, "request").map(drop)
                } else {
                    p100::input::decode::<p100::models::$in>(value, "request").map(drop)
                };
                if let Err(e) = r {
                    refused.push((stringify!($in), e));
                }
            )?)+)+
            refused
        }
    };
}
p100::for_each_operation!(every_input_type);

/// Fields a secret-like value is planted in: secrets, amounts, ids, free text, an unknown one.
pub const PLANT_FIELDS: &[&str] = &[
    "pin",
    "cardNumber",
    "documentNumber",
    "birthDate",
    "userIdentificationNumber",
    "amount",
    "destinationIban",
    "externalUserId",
    "label",
    "walletAddress",
    "phone",
    "email",
    "dailyTrxAll",
    "files",
    "month",
    "notAField",
];

/// `p100::input` on any JSON text with a card-number-like value planted in it (as text or as a
/// JSON number; at the top, in a nested object or in an array): `json_text` and the decoding
/// into every request type of the operation table never panic; every refusal is a validation
/// error naming a field, `not_sent`; and the planted value never shows in a refusal's message or
/// `Debug` (serde's own messages would say `invalid type: integer 4111…`).
pub fn check_input(text: &str, digits: &[u8], place: u8, as_number: bool) {
    let _ = p100::input::json_text(text, "json");
    let secret = format!("4{}", digits_of(digits, 12, 18));
    let tail = &secret[secret.len() - 8..];
    if text.contains(tail) {
        return; // the input holds the same digits elsewhere (a key may be named in an error)
    }
    let planted = if as_number {
        serde_json::Value::Number(secret.parse::<u64>().expect("at most 19 digits").into())
    } else {
        serde_json::Value::String(secret.clone())
    };
    let field = PLANT_FIELDS[usize::from(place) % PLANT_FIELDS.len()];
    let planted = match (place / 16) % 3 {
        0 => planted,
        1 => serde_json::Value::Array(vec![planted]),
        _ => serde_json::json!({ field: planted }),
    };
    let mut value = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .filter(serde_json::Value::is_object)
        .unwrap_or_else(|| serde_json::json!({}));
    let nest = (place / 48) % 2 == 1;
    match value.as_object_mut() {
        Some(map) if nest => {
            map.insert("limits".into(), serde_json::json!({ field: planted }));
        }
        Some(map) => {
            map.insert(field.into(), planted);
        }
        None => unreachable!("an object"),
    }
    for text_mode in [false, true] {
        for (ty, e) in refusals_of_every_input(&value, text_mode) {
            assert_eq!(e.kind(), ErrorKind::Validation, "{ty}: {e:?}");
            assert!(e.field().is_some_and(|f| !f.is_empty()), "{ty}: {e:?}");
            assert_eq!(e.outcome(), Outcome::NotSent, "{ty}: {e:?}");
            let shown = format!("{e} {e:?}");
            assert!(
                !shown.contains(tail),
                "{ty}: the value planted in {field} shows: {shown}"
            );
        }
    }
}

/// Every validator on any text: no panic, validation errors naming the field, values never
/// echoed, and the documented rules for PIN, phone, user id and country.
pub fn check_validators(text: &str, bytes: &[u8], n: i64) {
    check_validation(validate::country("country", text), "country", text);
    check_validation(validate::date("birthDate", text), "birthDate", text);
    check_validation(validate::iban("iban", text), "iban", text);
    check_validation(validate::email("email", text), "email", text);
    check_validation(validate::phone("phone", text), "phone", text);
    check_validation(validate::card_label("label", text), "label", text);
    check_validation(validate::non_empty("x", text), "x", text);
    let (lo, hi) = (
        usize::try_from(n.rem_euclid(40)).unwrap_or(0),
        usize::try_from(n.rem_euclid(80)).unwrap_or(0),
    );
    check_validation(validate::length("x", text, lo, hi), "x", text);
    check_validation(validate::pin("pin", &text.into()), "pin", text);
    check_validation(
        validate::external_user_id("externalUserId", text),
        "externalUserId",
        text,
    );
    let month = i32::try_from(n.rem_euclid(40)).unwrap_or(0) - 20;
    let year = i32::try_from(n.rem_euclid(3000)).unwrap_or(0);
    check_validation(validate::month_year(month, year), "month", "");
    assert_eq!(
        validate::month_year(month, year).is_ok(),
        (1..=12).contains(&month) && (2000..=2100).contains(&year)
    );
    let opt = |b: u8| match b % 3 {
        0 => None,
        1 => Some(""),
        _ => Some(text),
    };
    let b = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let kind = match b(0) % 4 {
        0 => None,
        1 => Some("NATURAL"),
        2 => Some("legal"),
        _ => Some(text),
    };
    check_validation(
        validate::sepa_receiver(kind, opt(b(1)), opt(b(2)), opt(b(3))),
        "receiver",
        "",
    );
    check_validation(validate::poa_files("files", &[("f", bytes)]), "files", "");
    check_validation(
        validate::kyc_files("files", &[("a", bytes), ("b", bytes)]),
        "files",
        "",
    );
    let _ = validate::sniff(bytes);
    let currency = Currency::parse(text);
    check_validation(validate::currency("currency", &currency), "currency", text);
    check_validation(
        validate::crypto_currency("currency", &currency),
        "currency",
        text,
    );
    for network in [Network::parse(text), Network::parse("polygon")] {
        check_validation(
            validate::network("network", &currency, &network),
            "network",
            text,
        );
    }
    if let Ok(a) = Amount::parse(text) {
        check_validation(validate::amount("amount", &a, &currency), "amount", text);
        check_validation(validate::positive_amount("amount", &a), "amount", text);
        check_validation(validate::non_negative_amount("amount", &a), "amount", text);
    }

    // Documented rules.
    let pin_ok = text.len() == 4 && text.bytes().all(|c| c.is_ascii_digit());
    assert_eq!(
        validate::pin("pin", &text.into()).is_ok(),
        pin_ok,
        "{text:?}"
    );
    let digits = text.strip_prefix('+').unwrap_or(text);
    let phone_ok = (7..=15).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit());
    assert_eq!(validate::phone("phone", text).is_ok(), phone_ok, "{text:?}");
    let id_ok = !text.is_empty()
        && text.len() <= 128
        && text != "."
        && text != ".."
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@:".contains(c));
    assert_eq!(
        validate::external_user_id("externalUserId", text).is_ok(),
        id_ok,
        "{text:?}"
    );
    if validate::country("country", text).is_ok() {
        assert!(text.len() == 2 && text.bytes().all(|c| c.is_ascii_uppercase()));
    }
    assert_eq!(
        validate::date("birthDate", text).is_ok(),
        is_calendar_date(text),
        "{text:?}"
    );
    if validate::iban("iban", text).is_ok() {
        // Spaces anywhere do not change the verdict.
        let compact: String = text.chars().filter(|c| *c != ' ').collect();
        assert!(validate::iban("iban", &compact).is_ok());
    }
}

/// `YYYY-MM-DD` naming a day that exists in the proleptic Gregorian calendar.
fn is_calendar_date(text: &str) -> bool {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return false;
    }
    let num = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// A route filled with any parameter values resolves back to itself with the same values; any
/// method and path resolve without panic, and what resolves fills back to a path that resolves
/// the same way.
pub fn check_route(index: u8, params: &[String], method: u8, path: &str) {
    let route = route_at(index);
    let wanted = route.params().len();
    let values: Vec<&str> = params.iter().map(String::as_str).take(wanted).collect();
    if let Ok(p) = route.path_with(&values) {
        assert_eq!(values.len(), wanted);
        let (r, decoded) = routes::resolve(route.method, &p)
            .unwrap_or_else(|| panic!("{p:?} does not resolve to {}", route.name));
        assert_eq!(r.name, route.name, "{p:?}");
        assert_eq!(decoded, values, "{p:?}");
        assert!(p.starts_with("/v1/") && !p.contains("//") && !p.contains('?'));
    } else {
        assert!(
            values.len() != wanted
                || values
                    .iter()
                    .any(|v| v.is_empty() || *v == "." || *v == ".."),
            "{} refused {values:?}",
            route.name
        );
    }
    let m = [Method::Get, Method::Post, Method::Patch, Method::Delete]
        .get(usize::from(method) % 4)
        .copied()
        .unwrap_or(Method::Get);
    if let Some((r, decoded)) = routes::resolve(m, path) {
        assert_eq!(r.method, m);
        let refs: Vec<&str> = decoded.iter().map(String::as_str).collect();
        if let Ok(again) = r.path_with(&refs) {
            let (r2, d2) =
                routes::resolve(m, &again).unwrap_or_else(|| panic!("{again:?} does not resolve"));
            assert_eq!(r2.name, r.name);
            assert_eq!(d2, decoded);
        }
    }
}
