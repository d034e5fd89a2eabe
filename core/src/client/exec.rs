//! Sans-IO request building and response reading, plus the retry loop on top of a transport.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::config::{Config, MAX_RETRY_AFTER};
use crate::error::{Error, ErrorCode, ErrorKind, Outcome, Result};
use crate::routes::{Method, Route};
use crate::transport::{
    Body, BodyFailure, HttpRequest, HttpResponse, MultipartPart, TransportError,
};

/// A request ready to be sent: what the route and the caller's input decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Operation name (`"sepa.partner_transfer"`), or `"request"` for the escape hatch.
    pub operation: &'static str,
    /// Method.
    pub method: Method,
    /// Path and query, starting with `/`.
    pub path: String,
    /// Body.
    pub body: Body,
    /// True when the call moves money (never retried after an ambiguous failure).
    pub moves_money: bool,
}

impl Prepared {
    /// A request for `route` with its path parameters filled in.
    pub fn new(route: &Route, params: &[&str]) -> Result<Prepared> {
        Ok(Prepared {
            operation: route.name,
            method: route.method,
            path: route.path_with(params)?,
            body: Body::Empty,
            moves_money: route.moves_money,
        })
    }

    /// Adds a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Prepared> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::new(
                ErrorKind::Validation,
                format!("request could not be encoded: {}", describe_serde_error(&e)),
            )
        })?;
        self.body = Body::Json(bytes);
        Ok(self)
    }

    /// The values of the secret fields this request sends (see [`crate::mask::secret_values`]).
    pub(crate) fn sent_secrets(&self) -> Vec<String> {
        match &self.body {
            Body::Json(bytes) => serde_json::from_slice(bytes)
                .map(|v| crate::mask::secret_values(&v))
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Adds a multipart body.
    pub fn multipart(mut self, parts: Vec<MultipartPart>) -> Prepared {
        self.body = Body::Multipart(parts);
        self
    }

    /// Appends query parameters (values percent-encoded; `None` values skipped).
    pub fn query(mut self, pairs: &[(&str, Option<String>)]) -> Prepared {
        let mut first = !self.path.contains('?');
        for (k, v) in pairs {
            if let Some(v) = v {
                self.path.push(if first { '?' } else { '&' });
                first = false;
                self.path.push_str(k);
                self.path.push('=');
                self.path
                    .extend(percent_encoding::utf8_percent_encode(v, QUERY_VALUE));
            }
        }
        self
    }
}

const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Builds the HTTP request for `prepared` under `config` (pure).
pub fn build_http_request(config: &Config, prepared: &Prepared) -> HttpRequest {
    let mut headers = vec![
        ("x-api-key".to_string(), config.api_key.expose().to_string()),
        ("accept".to_string(), "application/json".to_string()),
        ("user-agent".to_string(), config.user_agent.clone()),
    ];
    if matches!(prepared.body, Body::Json(_)) {
        headers.push(("content-type".to_string(), "application/json".to_string()));
    }
    headers.extend(config.extra_headers.iter().cloned());
    HttpRequest {
        method: prepared.method,
        url: format!("{}{}", config.base_url, prepared.path),
        headers,
        body: prepared.body.clone(),
        timeout: config.timeout,
        max_response_bytes: config.max_response_bytes,
        head: crate::transport::ReplyHead::default(),
    }
}

/// The request id a server may send back, from the usual headers, through
/// [`crate::mask::mask_secrets`] (a header is a server's text too).
pub fn request_id(resp: &HttpResponse) -> Option<String> {
    [
        "x-request-id",
        "x-amzn-requestid",
        "x-correlation-id",
        "request-id",
        "x-trace-id",
    ]
    .iter()
    .find_map(|h| resp.header(h))
    .map(crate::mask::mask_secrets)
}

/// `Retry-After`: seconds, or an HTTP date (the time left until then; zero when past).
pub fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    parse_retry_after(resp.header("retry-after")?, now_unix_ms())
}

/// Milliseconds since 1970 now (works on `wasm32` too).
pub(crate) fn now_unix_ms() -> i64 {
    web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A `Retry-After` value at `now_ms` (pure): delay seconds (any non-negative number; huge
/// values saturate) or an HTTP date.
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(at) = httpdate::parse_http_date(v) {
        let at_ms = at
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let left = u64::try_from(at_ms.saturating_sub(now_ms)).unwrap_or(0);
        return Some(Duration::from_millis(left));
    }
    // Any number is accepted, but never converted in a way that could panic: huge values are
    // capped (the loop gives up at once on a wait longer than MAX_RETRY_AFTER).
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX))
}

/// The parts of a P100 error body the SDK reads.
struct ErrorBody {
    error_code: Option<String>,
    error_name: Option<String>,
    error_message: Option<String>,
    message: Option<String>,
    /// `errorCode` given twice with two different values (`{"errorCode":"P500",…,
    /// "errorCode":"P412"}`, or a code and a `null`): which one the server meant cannot be
    /// told, so neither is read.
    code_in_doubt: bool,
    /// Every code the body names, in upper case.
    codes: std::collections::BTreeSet<String>,
}

/// The members of a JSON object in the order given, a key given twice kept each time (a
/// `serde_json::Map` keeps only its last value).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit)
    }
}

impl ErrorBody {
    /// Reads an error body leniently, so that nothing else in it can hide its code (a hidden
    /// P500 would turn a write that may have happened into a refusal): bytes that are not UTF-8
    /// are replaced, only the first JSON document counts (trailing text is ignored), and a
    /// member of an unexpected type is skipped (a list of texts, as some validators write
    /// `errorMessage`, is joined). A key given twice keeps its last value, except `errorCode`:
    /// two different values leave the code unread and [`ErrorBody::code_in_doubt`] set (the
    /// last one won before: a P500 followed by a P412 or a `null` read as a refusal). `None` unless the
    /// body is a JSON object.
    fn read(body: &[u8]) -> Option<ErrorBody> {
        let text = String::from_utf8_lossy(without_bom(body));
        let Members(members) = serde_json::Deserializer::from_str(&text)
            .into_iter::<Members>()
            .next()?
            .ok()?;
        // Each `errorCode` as the code it reads as (upper case: `p412` is `P412`), or `None`
        // for one that reads as none (`null`, `""`, an object): a code followed by a `null`
        // hid it as surely as by another code (the diff review, stop 45).
        let given: std::collections::BTreeSet<Option<String>> = members
            .iter()
            .filter(|(k, _)| k == "errorCode")
            .map(|(_, v)| code_text(v).map(|c| c.to_ascii_uppercase()))
            .collect();
        let code_in_doubt = given.len() > 1;
        let codes: std::collections::BTreeSet<String> = given.into_iter().flatten().collect();
        let map: serde_json::Map<String, serde_json::Value> = members.into_iter().collect();
        let text_of = |key: &str| match map.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Array(items) => {
                let texts: Vec<&str> = items.iter().filter_map(|v| v.as_str()).collect();
                (!texts.is_empty()).then(|| texts.join("; "))
            }
            _ => None,
        };
        Some(ErrorBody {
            error_code: map
                .get("errorCode")
                .and_then(code_text)
                .filter(|_| !code_in_doubt),
            error_name: text_of("errorName"),
            error_message: text_of("errorMessage"),
            message: text_of("message"),
            code_in_doubt,
            codes,
        })
    }
}

/// An `errorCode` as its text. The API sends `"P500"`; a number (`500`) or bare digits
/// (`"500"`) name the same code, so a server failure written that way is still read as one and
/// a write it answered stays `unknown`, never a refusal.
fn code_text(value: &serde_json::Value) -> Option<String> {
    let code = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let code = code.trim();
    // Kept only when it reads as a code: never a long text, and never one that masking would
    // change (a server echoing a card number or the key where the code goes).
    let plausible = !code.is_empty()
        && code.len() <= 32
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && crate::mask::mask_secrets(code) == code;
    if !plausible {
        return None;
    }
    let digits = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit());
    Some(if digits {
        format!("P{code}")
    } else {
        code.to_string()
    })
}

/// True for a P100 error code: `P` and three digits, the first not 0 (`P433`, `P500`, any case).
fn is_p_code(code: &str) -> bool {
    match code.as_bytes() {
        [p, first, rest @ ..] => {
            p.eq_ignore_ascii_case(&b'P')
                && (b'1'..=b'9').contains(first)
                && rest.len() == 2
                && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// The body without its leading UTF-8 byte-order marks, which some servers and proxies write
/// (a proxy may add one to a body that had one) and JSON parsers refuse. All of them: behind
/// two, an error body's P500 was unread and a write's refusal taken for final (the review of
/// this stop's diff), where a cut body after two was already `unknown`.
fn without_bom(mut body: &[u8]) -> &[u8] {
    while let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
        body = rest;
    }
    body
}

/// Turns a non-2xx response into the SDK error (pure).
pub fn error_from_response(prepared: &Prepared, resp: &HttpResponse) -> Error {
    let status = resp.status;
    let text = resp.text();
    let rid = request_id(resp);
    let safe_read = prepared.method.is_idempotent_read();
    let parsed = ErrorBody::read(&resp.body);

    let base = |kind: ErrorKind, msg: String| {
        Error::new(kind, msg)
            .with_status(status)
            .with_request_id(rid.clone())
            .with_raw_body(&text)
            .with_operation(prepared.operation)
    };

    // Only a final status says no. A 1xx (or no status at all: a host transport that could not
    // read one) is no answer, and 499 is a proxy saying its own client left while the request
    // was being handled: after a write, either may have been processed, whatever the body says.
    let final_answer = status >= 200 && status != 499;

    if status == 401 {
        let msg = if text.contains("xo1") {
            "access denied (xo1): no API key was sent"
        } else if text.contains("xo2") {
            "access denied (xo2): the API key is wrong"
        } else if text.contains("xo3") {
            "access denied (xo3): requests from this IP address are not allowed"
        } else {
            "access denied: the API key was refused"
        };
        return base(ErrorKind::Authentication, msg.to_string()).with_retryable(false);
    }
    // A body sent compressed although the SDK never asks for it cannot be read: like a body
    // lost before its code, it may have been a P500 (HTTP 400 or 429), so a write stays
    // `unknown`.
    // Every `Content-Encoding` counts, each of its codings: `identity` in a first header and
    // `gzip` in a second (or `identity, gzip`) is compressed all the same. A coding that names
    // no compression (`none`, `UTF-8`: a misconfigured server) counts only when the body is
    // not text: a plain HTML 429 under `none` is still a refusal.
    let compressed = resp
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-encoding"))
        .flat_map(|(_, value)| value.split(','))
        .map(|enc| enc.trim().to_ascii_lowercase())
        .any(|enc| match enc.as_str() {
            "" | "identity" => false,
            "gzip" | "x-gzip" | "deflate" | "br" | "compress" | "x-compress" | "zstd" => true,
            _ => std::str::from_utf8(&resp.body).is_err(),
        });
    // So is a JSON body that ends before its document does (`{"errorCode":"P50`): a reply
    // without a length, ended by the connection's close, is complete to the transport. And one
    // that names two different codes.
    let cut = parsed.is_none() && json_cut_short(&resp.body);
    let in_doubt = parsed.as_ref().is_some_and(|b| b.code_in_doubt);
    let unreadable = (parsed.is_none() && (compressed || cut)) || in_doubt;

    // A 429 is refused unprocessed, unless its body says the server failed (P500/P501): then a
    // write may have happened, like any other P500. A write's 429 whose body cannot be read
    // (see `unreadable`) cannot say which: outcome unknown, never sent again (outside review,
    // stop 45: it was retried, three times with the default settings).
    let server_failure = parsed
        .as_ref()
        .and_then(|b| b.error_code.as_deref())
        .is_some_and(|c| matches!(ErrorCode::parse(c), ErrorCode::P500 | ErrorCode::P501));
    if status == 429 && (safe_read || (!server_failure && !unreadable)) {
        return base(
            ErrorKind::RateLimited,
            "rate limited: too many requests, slow down".to_string(),
        )
        .with_retry_after(retry_after(resp))
        .with_retryable(true);
    }

    if (300..400).contains(&status) {
        // A redirect is not followed (it would carry the key and the body elsewhere). After a
        // write it does not say "no": a 303 is the classic answer to a POST that was processed.
        let e = base(
            ErrorKind::Api,
            format!("the P100 service answered HTTP {status}, a redirect, which the SDK does not follow"),
        )
        .with_retryable(false);
        return if safe_read { e } else { ambiguous(e) };
    }

    if let Some(body) = parsed.as_ref().filter(|b| b.error_code.is_some()) {
        let code = ErrorCode::parse(body.error_code.as_deref().unwrap_or_default());
        let detail = body
            .error_message
            .clone()
            .or_else(|| body.message.clone())
            .or_else(|| body.error_name.clone())
            .map(|m| crate::mask::mask_secrets(&m))
            .unwrap_or_else(|| code.description().to_string());
        // P500 ("unknown exception") and P501 are the server's failures, whatever the status:
        // the call may have been processed (outcome unknown).
        let (kind, retryable) = match code {
            // A 5xx is the server's failure whatever code it carries: outcome unknown.
            ErrorCode::P403 if status < 500 => (ErrorKind::Validation, false),
            ErrorCode::P500 | ErrorCode::P501 => (ErrorKind::Unavailable, safe_read),
            _ if status >= 500 => (ErrorKind::Unavailable, safe_read),
            _ => (ErrorKind::Api, false),
        };
        let mut e = base(kind, detail.clone())
            .with_code(code.clone())
            .with_error_name(body.error_name.as_deref().map(crate::mask::mask_secrets))
            .with_retryable(retryable);
        if kind == ErrorKind::Unavailable {
            e = e.with_retry_after(retry_after(resp));
        }
        if code == ErrorCode::P403 {
            if let Some(field) = named_field(prepared, &detail) {
                e = e.with_field(field);
            }
        }
        if (kind == ErrorKind::Unavailable || !final_answer) && !safe_read {
            e = ambiguous(e);
        }
        return e;
    }

    if status >= 500 {
        let e = base(
            ErrorKind::Unavailable,
            format!("the P100 service answered HTTP {status}"),
        )
        .with_retry_after(retry_after(resp))
        .with_retryable(safe_read);
        return if safe_read { e } else { ambiguous(e) };
    }
    let detail = match (compressed, cut, in_doubt) {
        (_, _, true) => format!("HTTP {status} naming two different error codes"),
        (true, _, _) => format!("HTTP {status} with a compressed body the SDK cannot read"),
        (_, true, _) => format!("HTTP {status} with a JSON body cut short"),
        _ => parsed
            .and_then(|b| b.message)
            .map(|m| crate::mask::mask_secrets(&m))
            .unwrap_or_else(|| format!("unexpected HTTP {status}")),
    };
    let kind = if status == 429 {
        ErrorKind::RateLimited
    } else {
        ErrorKind::Api
    };
    let e = base(kind, detail).with_retryable(false);
    if safe_read || (final_answer && !unreadable) {
        e
    } else {
        ambiguous(e)
    }
}

/// True when `body` starts a JSON object or array that ends before it is complete (after any
/// number of byte-order marks: a refusal whose code was lost stays `unknown` after a write).
fn json_cut_short(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with('{') || text.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(text).is_err_and(|e| e.is_eof())
}

/// Rewrites the message of an ambiguous failure of a call that may have been processed.
fn ambiguous(e: Error) -> Error {
    let msg = format!(
        "{} — the request may have been processed; do not send it again before checking \
         whether it happened (reconcile, or the details endpoint when you have its id)",
        e.message()
    );
    e.with_message(msg)
        .with_retryable(false)
        .with_outcome(Outcome::Unknown)
}

/// Decodes a 2xx body into `T` (pure). An empty body reads as JSON `null`.
///
/// When the body cannot be decoded the error's outcome is [`Outcome::Accepted`] (a 2xx
/// arrived: the operation happened) and it carries the raw body, secrets masked, so nothing is
/// lost. The message names the field path and never echoes a value.
pub fn decode<T: DeserializeOwned>(prepared: &Prepared, resp: &HttpResponse) -> Result<T> {
    // A 2xx whose body is a P100 error is that error even when `T` would take it (a model of
    // optional fields, or `request()`'s plain JSON): a write stays `unknown`. `P211` ("POA
    // pending", HTTP 202) is the documented success of that kind. The byte scan keeps the
    // JSON read off every ordinary reply.
    const MARK: &[u8] = b"\"errorCode\"";
    if resp.body.windows(MARK.len()).any(|w| w == MARK) {
        if let Some(e) = error_in_success(prepared, resp) {
            if e.code() != Some(&ErrorCode::P211) {
                return Err(e);
            }
        }
    }
    // A write's reply that reads as an error without a P-code is one, whether or not `T`
    // would take it (the escape hatch's plain JSON, a model whose id is a number: `{"id": 0,
    // "error": …}`; the reviews of stop 47).
    if let Some(e) = error_shaped(prepared, resp) {
        return Err(e);
    }
    let body = without_bom(&resp.body);
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    let result = serde_json::from_slice::<T>(body)
        .or_else(|e| without_second_names(body, &e).ok_or(e))
        .map_err(|e| {
            let offset = byte_offset(body, e.line(), e.column());
            (path_at(body, offset), describe_serde_error(&e))
        });
    // A write's reply whose id is empty (`{"transferId": ""}`) decodes, but the operation it
    // created cannot be followed: an `accepted` error with the raw body and the fingerprint.
    let empty = (!prepared.method.is_idempotent_read())
        .then(|| empty_id(body))
        .flatten();
    let result = result.and_then(|value| match empty {
        Some(key) => Err((key, "the id is empty".to_string())),
        None => Ok(value),
    });
    result.map_err(|(path, what)| {
        if let Some(e) = error_in_success(prepared, resp) {
            return e;
        }
        // A body that ended with its connection, its JSON unfinished: as a body cut short.
        if let Some(e) = cut_error_start(prepared, resp) {
            return e;
        }
        let at = if path.is_empty() {
            String::new()
        } else {
            format!(" at {path}")
        };
        accepted_error(
            prepared,
            resp,
            ErrorKind::Decode,
            &format!("its reply could not be read ({what}{at})"),
        )
    })
}

/// Most rounds and attempts of [`without_second_names`] (it runs only on a refused reply).
const SECOND_NAME_ROUNDS: usize = 4;
const SECOND_NAME_ATTEMPTS: usize = 64;

/// A reply that carries one field under two of its names (`transferId` and its alias `id`,
/// `poaRequired` and `poaRequiredForExtended`): P100 renamed fields between generations of its
/// docs, and a reply in transition may send both. serde refuses that (`duplicate field`), which
/// would make the reply of an operation that happened unreadable. When both names hold the
/// same value, decodes it again with the other name removed from the objects that hold the
/// field's main name (every record of a list): only the removal of the second name makes
/// serde's complaint go away. Two different values stay refused (an `accepted` decode error with the raw
/// body): which one is right cannot be known. Only on that error, bounded, through text
/// (amounts stay exact).
pub(crate) fn without_second_names<T: DeserializeOwned>(
    body: &[u8],
    first: &serde_json::Error,
) -> Option<T> {
    // Generic only in this closure, through `from_slice` like the first attempt: the work on
    // the JSON tree is compiled once, not once per reply type (the wasm package stays small).
    let mut decoded = None;
    let read = second_names_removed(
        body,
        first,
        &mut |text| match serde_json::from_slice::<T>(text) {
            Ok(value) => {
                decoded = Some(value);
                None
            }
            Err(e) => Some(e),
        },
    );
    // Not the same name twice, which decodes through a tree that kept only its last value.
    decoded.filter(|_| read)
}

/// The work of [`without_second_names`]: `decodes` tries one text (`None` when it decoded);
/// true when the last text tried is the reply read.
fn second_names_removed(
    body: &[u8],
    first: &serde_json::Error,
    decodes: &mut dyn FnMut(&[u8]) -> Option<serde_json::Error>,
) -> bool {
    fn duplicate(e: &serde_json::Error) -> Option<String> {
        let msg = e.to_string();
        let rest = msg.strip_prefix("duplicate field `")?;
        rest.split('`').next().map(str::to_string)
    }
    fn escape(key: &str) -> String {
        key.replace('~', "~0").replace('/', "~1")
    }
    fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value::{Number, String};
        match (a, b) {
            (String(s), Number(n)) | (Number(n), String(s)) => *s == n.to_string(),
            _ => a == b,
        }
    }
    /// Every object of `v` holding `key`, by JSON pointer.
    fn holders(v: &serde_json::Value, key: &str, at: String, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if m.contains_key(key) {
                    out.push(at.clone());
                }
                for (k, child) in m {
                    holders(child, key, format!("{at}/{}", escape(k)), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    holders(child, key, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let Some(mut field) = duplicate(first) else {
        return false;
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    // The same name twice (`{"transferId":"a","transferId":"b"}`) is not two names: it stays
    // refused (reading it through a `Value` would keep the last one silently).
    if decodes(value.to_string().as_bytes()).is_none() {
        return false;
    }
    let mut attempts = 0;
    for _ in 0..SECOND_NAME_ROUNDS {
        let mut at = Vec::new();
        holders(&value, &field, String::new(), &mut at);
        // The other names with the field's value, in each object that holds the field (a list
        // of records may carry both names in every record).
        let mut seconds: Vec<(String, String)> = Vec::new();
        for pointer in &at {
            let Some(serde_json::Value::Object(m)) = value.pointer(pointer) else {
                continue;
            };
            let Some(kept) = m.get(&field) else {
                continue;
            };
            for (key, v) in m {
                if *key != field && same_value(v, kept) {
                    seconds.push((pointer.clone(), key.clone()));
                }
            }
        }
        let mut keys: Vec<&String> = seconds.iter().map(|(_, k)| k).collect();
        keys.sort();
        keys.dedup();
        let mut progress = None;
        for key in keys {
            attempts += 1;
            if attempts > SECOND_NAME_ATTEMPTS {
                return false;
            }
            let mut trial = value.clone();
            for (pointer, _) in seconds.iter().filter(|(_, k)| k == key) {
                if let Some(serde_json::Value::Object(m)) = trial.pointer_mut(pointer) {
                    m.remove(key);
                }
            }
            match decodes(trial.to_string().as_bytes()) {
                None => return true,
                // Another field named twice: this removal was right, go on with that one.
                Some(e) => match duplicate(&e) {
                    Some(next) if next != field => {
                        progress = Some((trial, next));
                        break;
                    }
                    _ => {}
                },
            }
        }
        let Some((trial, next)) = progress else {
            return false;
        };
        value = trial;
        field = next;
    }
    false
}

/// A 2xx reply that does not decode and whose body is a P100 error (`{"errorCode": "P433", …}`):
/// the status says yes, the body says no. Its code is kept and, after a write, the outcome is
/// `unknown` (neither `accepted`, which would hide a refusal, nor `rejected`, which would invite
/// a second payment): reconcile before sending again. `None` for any other body.
pub(crate) fn error_in_success(prepared: &Prepared, resp: &HttpResponse) -> Option<Error> {
    let body = ErrorBody::read(&resp.body)?;
    let read = prepared.method.is_idempotent_read();
    if body.code_in_doubt && body.codes.iter().any(|c| is_p_code(c)) {
        // Two different codes, a P-code among them: an error either way, which one cannot be
        // told.
        let e = Error::new(
            ErrorKind::Api,
            format!(
                "P100 answered HTTP {} but its body names two different error codes",
                resp.status
            ),
        )
        .with_status(resp.status)
        .with_request_id(request_id(resp))
        .with_raw_body(&resp.text())
        .with_retryable(false)
        .with_operation(prepared.operation);
        return Some(if read { e } else { ambiguous(e) });
    }
    let code = body.error_code.as_deref().filter(|c| is_p_code(c))?;
    let code = ErrorCode::parse(code);
    let detail = body
        .error_message
        .or(body.message)
        .map(|m| crate::mask::mask_secrets(&m))
        .unwrap_or_else(|| code.description().to_string());
    // The server's failure, as in a 4xx reply: a read may be tried again.
    let failed = matches!(code, ErrorCode::P500 | ErrorCode::P501);
    let e = Error::new(
        if failed {
            ErrorKind::Unavailable
        } else {
            ErrorKind::Api
        },
        format!(
            "P100 answered HTTP {} but its body is error {code}: {detail}",
            resp.status
        ),
    )
    .with_status(resp.status)
    .with_code(code)
    .with_error_name(body.error_name.as_deref().map(crate::mask::mask_secrets))
    .with_request_id(request_id(resp))
    .with_raw_body(&resp.text())
    .with_retryable(failed && read)
    .with_operation(prepared.operation);
    Some(match read {
        true => e,
        false => ambiguous(e),
    })
}

/// The ids a write's reply names what it created by (the `*Created` models' ids and their
/// `id` alias). Other `…Id` members (`txId` of an order not yet paid…) may well be empty.
const CREATED_IDS: [&str; 6] = [
    "id",
    "transferId",
    "withdrawalId",
    "exchangeId",
    "orderId",
    "cardId",
];

/// The first top-level member of a JSON object reply that is one of [`CREATED_IDS`] and is an
/// empty or blank string.
fn empty_id(body: &[u8]) -> Option<String> {
    let serde_json::Value::Object(map) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    CREATED_IDS
        .into_iter()
        .find(|k| {
            map.get(*k)
                .and_then(serde_json::Value::as_str)
                .is_some_and(|t| t.trim().is_empty())
        })
        .map(str::to_string)
}

/// The byte offset of serde_json's 1-based line and column (column 0: the start of the line).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(i, _)| i + 1)
    };
    (line_start + column).min(body.len())
}

/// Where in the JSON document the reader stood at `offset`: `rates.eur`, `cards[2].status`
/// (empty at the top level). Keys come from the body, so each is masked (a card number used as
/// a key keeps its last 4 digits). One small scan of the text, run only for a reply that
/// failed, instead of tracking the path in every model's deserializer (which also doubled the
/// deserializer code in the wasm).
fn path_at(body: &[u8], offset: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let end = offset.min(body.len());
    let mut i = 0;
    while let Some(&byte) = body.get(i).filter(|_| i < end) {
        match byte {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i = start;
                while let Some(&c) = body.get(i).filter(|c| **c != b'"') {
                    i += if c == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    let raw = body.get(start..i).unwrap_or_default();
                    let quoted = [&b"\""[..], raw, &b"\""[..]].concat();
                    *key = Some(
                        serde_json::from_slice::<String>(&quoted)
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    for frame in &stack {
        match frame {
            Frame::Array(n) => out.push_str(&format!("[{n}]")),
            Frame::Object(Some(key)) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&crate::mask::mask_secrets(key));
            }
            Frame::Object(None) => {}
        }
    }
    out
}

/// A serde_json error as text without any value it may echo (see
/// [`crate::mask::sanitize_serde_message`]).
pub fn describe_serde_error(e: &serde_json::Error) -> String {
    crate::mask::sanitize_serde_message(&e.to_string())
}

/// The error of a call whose 2xx reply could not be used: outcome [`Outcome::Accepted`],
/// the status and request id kept, the raw (partial) body masked; never retried, except a
/// plain read whose body broke.
fn accepted_error(prepared: &Prepared, resp: &HttpResponse, kind: ErrorKind, why: &str) -> Error {
    let read = prepared.method.is_idempotent_read();
    let msg = if read {
        format!(
            "the reply to {} (HTTP {}): {why}",
            prepared.operation, resp.status
        )
    } else {
        format!(
            "P100 accepted {} (HTTP {}) but {why}; the masked raw reply is attached — do not \
             send the call again (it happened): look for its id there or reconcile",
            prepared.operation, resp.status
        )
    };
    Error::new(kind, msg)
        .with_status(resp.status)
        .with_request_id(request_id(resp))
        .with_raw_body(&resp.text())
        .with_outcome(Outcome::Accepted)
        .with_retryable(false)
        .with_operation(prepared.operation)
}

/// Maps a transport failure to the SDK error; `retryable` says whether a retry is safe.
pub fn error_from_transport(prepared: &Prepared, err: &TransportError, timeout: Duration) -> Error {
    let read = prepared.method.is_idempotent_read();
    let e = match err {
        TransportError::NotSent(m) => {
            return Error::new(
                ErrorKind::Network,
                format!("could not reach P100: {}", crate::mask::mask_secrets(m)),
            )
            .with_retryable(true)
            .with_outcome(Outcome::NotSent)
            .with_operation(prepared.operation)
        }
        TransportError::Body { response, failure } => {
            let kind = match failure {
                BodyFailure::Broken(_) => ErrorKind::Network,
                BodyFailure::Timeout => ErrorKind::Timeout,
                BodyFailure::TooLarge(_) => ErrorKind::Decode,
            };
            if !(200..300).contains(&response.status) {
                let e = error_from_response(prepared, response);
                // A refusal whose body broke is still a refusal when its status alone says so
                // (401) or what arrived of the body named its code. Otherwise, after a write,
                // the lost body may have been P100's P500/P501 ("the call may have been
                // processed"), which come with HTTP 400 or 429: not a refusal (a 429 was one
                // before, and its write was sent again: outside review, stop 45).
                // (A 4xx whose JSON is cut short is already `unknown`: it gets the transport's
                // words too.)
                let cut = (400..500).contains(&response.status) && json_cut_short(&response.body);
                let maybe_processed = (e.outcome() == Outcome::Rejected || cut)
                    && !read
                    && response.status != 401
                    && e.code().is_none();
                if !maybe_processed {
                    return e;
                }
                // The transport's words are masked, as in the 2xx case below.
                let lost = format!(
                    "P100 answered HTTP {} but its reply was lost before its error code ({})",
                    response.status,
                    crate::mask::mask_secrets(&failure.to_string())
                );
                return ambiguous(e.with_message(lost).with_kind(kind));
            }
            let why = match failure {
                BodyFailure::Broken(m) => format!(
                    "its reply was cut short after {} bytes ({})",
                    response.body.len(),
                    crate::mask::mask_secrets(m)
                ),
                other => other.to_string(),
            };
            if !read && may_be_error_body(&response.body) {
                return maybe_error_cut(prepared, response, kind, &why);
            }
            let e = accepted_error(prepared, response, kind, &why);
            // A read may be sent again (nothing moves); a body over the limit stays over it.
            let again = read && !matches!(failure, BodyFailure::TooLarge(_));
            return e.with_retryable(again);
        }
        TransportError::Timeout => Error::new(
            ErrorKind::Timeout,
            format!("no reply from P100 within {:.1} s", timeout.as_secs_f64()),
        ),
        TransportError::Failed(m) => Error::new(
            ErrorKind::Network,
            format!(
                "connection to P100 failed: {}",
                crate::mask::mask_secrets(m)
            ),
        ),
    }
    .with_retryable(read)
    .with_operation(prepared.operation);
    if read {
        e
    } else {
        ambiguous(e)
    }
}

/// The field a P403's text names. Its first word, when that is a field the call sent (a member
/// name of its JSON body at any depth, or a query parameter; in any case: "Amount is below …"
/// → `amount`) or reads as a field name (an identifier or dotted path starting in lower case, no
/// common word, at most two digits, before a verb: "transferTitle is required" → `transferTitle`, "recipient.name
/// must be …" → `recipient.name`, but not "insufficient funds"); else its first later word that is a field the call sent ("The field
/// destinationIban is invalid" → `destinationIban`). Outside review, stop 46: the first word was
/// taken whatever it was, and "Invalid IBAN provided" gave the field `Invalid`.
fn named_field(prepared: &Prepared, detail: &str) -> Option<String> {
    fn names(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    names(v, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| names(v, out)),
            _ => {}
        }
    }
    const COMMON: &[&str] = &[
        "a",
        "an",
        "the",
        "this",
        "each",
        "field",
        "value",
        "invalid",
        "missing",
        "required",
        "request",
        "validation",
        "unknown",
        "body",
        "parameter",
        "property",
        "nested",
        "must",
        "should",
        "cannot",
        "only",
        "is",
        "not",
        "no",
        "wrong",
        "bad",
        "incorrect",
        "error",
    ];
    let mut fields = Vec::new();
    if let Body::Json(bytes) = &prepared.body {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
            names(&value, &mut fields);
        }
    }
    if let Some((_, query)) = prepared.path.split_once('?') {
        fields.extend(query.split('&').filter_map(|kv| {
            let name = kv.split('=').next().unwrap_or_default();
            (!name.is_empty()).then(|| name.to_string())
        }));
    }
    let sent = |w: &str| fields.iter().find(|f| f.eq_ignore_ascii_case(w)).cloned();
    let words: Vec<&str> = detail
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || "_.[]".contains(c))))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    // A word that is no field the call sent reads as one only before a validation verb
    // ("amount must be positive"; not "insufficient funds", "user not found").
    const VERBS: &[&str] = &["is", "must", "should", "cannot", "has", "was", "are", "may"];
    let verb_next = words
        .get(1)
        .is_some_and(|w| VERBS.contains(&w.to_ascii_lowercase().as_str()));
    let first = words.first().and_then(|w| {
        let named = verb_next
            && w.chars().filter(char::is_ascii_digit).count() <= 2
            && w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c))
            && !COMMON.contains(&w.to_ascii_lowercase().as_str());
        sent(w).or_else(|| named.then(|| w.to_string()))
    });
    first.or_else(|| words.iter().skip(1).find_map(|w| sent(w)))
}

/// A write's 2xx whose body the transport read whole but whose JSON ends early, where it may be
/// the start of a P100 error ([`may_be_error_body`]; a reply delimited by its connection's
/// close): `unknown`, for [`decode`] and for the calls whose reply the SDK does not read.
pub(crate) fn cut_error_start(prepared: &Prepared, resp: &HttpResponse) -> Option<Error> {
    let body = without_bom(&resp.body);
    (!prepared.method.is_idempotent_read() && json_cut_short(body) && may_be_error_body(body))
        .then(|| maybe_error_cut(prepared, resp, ErrorKind::Decode, "its JSON ends early"))
}

/// The top-level members whose presence in a whole 2xx reply (naming nothing created) reads as
/// an error reply not in P100's documented shape, in any case. Not `message`: a success says
/// "Transfer created successfully" as well as a refusal says "Insufficient funds" (the diff
/// review: a success envelope with its id one level down became `unknown`).
const ERROR_MEMBERS: [&str; 5] = ["error", "errors", "errorcode", "errorname", "errormessage"];

/// A write's whole 2xx body that reads as an error reply without a P-code: a member of
/// [`ERROR_MEMBERS`] that says something (not `null`, `false`, `0`, blank, `[]`, `{}`), a
/// `statusCode` or numeric `status` from 400 to 599, or `"success": false`; and that names
/// nothing created (no [`CREATED_IDS`] member, a non-blank text or a number above zero, at
/// its top level or one level down, as in `{"data": {"transferId": …}}`) and is no success envelope (an `errorCode` of zero,
/// `OK` or `SUCCESS`): outcome `unknown`, as the same body cut short already was
/// ([`may_be_error_body`]). Outside review, stop 47: `{"errorCode": "INSUFFICIENT_FUNDS", …}`
/// was `accepted` ("it happened, do not send it again") for a payout, a success for a card
/// block. For [`decode`] (every write, before its reply is decoded) and the calls whose reply
/// the SDK does not read. Reads: `None` (nothing to lose).
pub(crate) fn error_shaped(prepared: &Prepared, resp: &HttpResponse) -> Option<Error> {
    if prepared.method.is_idempotent_read() {
        return None;
    }
    let text = String::from_utf8_lossy(without_bom(&resp.body));
    let serde_json::Value::Object(map) = serde_json::Deserializer::from_str(&text)
        .into_iter::<serde_json::Value>()
        .next()?
        .ok()?
    else {
        return None;
    };
    let says = |v: &serde_json::Value| match v {
        serde_json::Value::Null | serde_json::Value::Bool(false) => false,
        serde_json::Value::Number(n) => n.as_f64() != Some(0.0),
        serde_json::Value::String(s) => !s.trim().is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
        serde_json::Value::Bool(true) => true,
    };
    // An id: a non-blank text, or a number above zero (`0` and `-1` are an error DTO's).
    let names_created = |m: &serde_json::Map<String, serde_json::Value>| {
        CREATED_IDS.iter().any(|k| match m.get(*k) {
            Some(serde_json::Value::String(s)) => !s.trim().is_empty(),
            Some(serde_json::Value::Number(n)) => n.as_f64().is_some_and(|n| n > 0.0),
            _ => false,
        })
    };
    let created = names_created(&map)
        || map
            .values()
            .any(|v| v.as_object().is_some_and(&names_created));
    let error = map.iter().any(|(k, v)| {
        let k = k.to_ascii_lowercase();
        let number = v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
        let status =
            (k == "statuscode" || k == "status") && number.is_some_and(|n| (400..600).contains(&n));
        (ERROR_MEMBERS.contains(&k.as_str()) && says(v))
            || status
            || (k == "success" && *v == serde_json::Value::Bool(false))
    });
    // A P-code is [`error_in_success`]'s to read (and `P211` a success); a zero, blank, `OK`
    // or `SUCCESS` code is a success envelope's (`{"errorCode": 0, "errorMessage": "OK",
    // "data": …}`).
    let code = map.get("errorCode");
    let p_code = code.and_then(code_text).is_some_and(|c| is_p_code(&c));
    let success_code = code.is_some_and(|v| match v {
        serde_json::Value::Number(n) => n.as_f64() == Some(0.0),
        serde_json::Value::String(s) => {
            let s = s.trim();
            s.bytes().all(|b| b == b'0')
                || s.eq_ignore_ascii_case("ok")
                || s.eq_ignore_ascii_case("success")
        }
        _ => false,
    });
    if created || p_code || success_code || !error {
        return None;
    }
    let detail = ["errorMessage", "message", "error"]
        .iter()
        .find_map(|k| map.get(*k).and_then(|v| v.as_str()))
        .map(|m| format!(": {}", crate::mask::mask_secrets(m)))
        .unwrap_or_default();
    let e = Error::new(
        ErrorKind::Api,
        format!(
            "P100 answered {} with HTTP {} but its body reads as an error reply{detail}",
            prepared.operation, resp.status
        ),
    )
    .with_status(resp.status)
    .with_request_id(request_id(resp))
    .with_raw_body(&resp.text())
    .with_operation(prepared.operation);
    Some(ambiguous(e))
}

/// A write's 2xx whose body broke off where it may be the start of a P100 error
/// ([`may_be_error_body`]): outcome `unknown`, with the status, request id and what arrived.
fn maybe_error_cut(prepared: &Prepared, resp: &HttpResponse, kind: ErrorKind, why: &str) -> Error {
    let e = Error::new(
        kind,
        format!(
            "P100 answered {} with HTTP {} but {why}, and what arrived may be the start of an \
             error reply",
            prepared.operation, resp.status
        ),
    )
    .with_status(resp.status)
    .with_request_id(request_id(resp))
    .with_raw_body(&resp.text())
    .with_operation(prepared.operation);
    ambiguous(e)
}

/// Whether the part of a write's 2xx body that arrived before it broke off may be the start
/// of a P100 error (`{"errorCode": "P433", "errorMessage": …}`; a complete one is `unknown`,
/// see [`error_in_success`]): it holds a member named `error…` or `message` (a name followed
/// by `:`, in any case), or it ends inside or right after such a member name (`{"errorCod`,
/// `{"transferId":"t-1","e`, `{"errorCode"`). Outside review, stop 46: such a reply cut short
/// was `accepted` ("it happened") for a payout the whole reply refused. What shows nothing
/// either way stays `accepted`, as a 2xx is P100's "accepted": an empty body, `{`, `{"`, a
/// success's members (`{"transferId":"t-42",`), an `error` inside a value (`"status":"ERROR"`).
fn may_be_error_body(body: &[u8]) -> bool {
    let text = without_bom(body).to_ascii_lowercase();
    let error_name = |name: &[u8]| name.starts_with(b"error") || name == b"message";
    // A complete member name, followed by `:`.
    let mut at = 0;
    while let Some(open) = text
        .get(at..)
        .and_then(|t| t.iter().position(|&b| b == b'"'))
    {
        let start = at + open + 1;
        let Some(len) = text
            .get(start..)
            .and_then(|t| t.iter().position(|&b| b == b'"'))
        else {
            break;
        };
        let name = text.get(start..start + len).unwrap_or_default();
        let rest = text.get(start + len + 1..).unwrap_or_default();
        if error_name(name) && rest.trim_ascii_start().starts_with(b":") {
            return true;
        }
        at = start + len + 1;
    }
    // The last member name, cut inside it or before its `:`.
    let Some(last) = text.iter().rposition(|b| matches!(b, b'{' | b',')) else {
        return false;
    };
    let tail = text.get(last + 1..).unwrap_or_default().trim_ascii();
    let Some(name) = tail.strip_prefix(b"\"") else {
        return false;
    };
    match name.iter().position(|&b| b == b'"') {
        Some(end) => {
            name.get(end + 1..)
                .unwrap_or_default()
                .trim_ascii()
                .is_empty()
                && error_name(name.get(..end).unwrap_or_default())
        }
        None => {
            !name.is_empty()
                && (b"error".starts_with(name)
                    || name.starts_with(b"error")
                    || b"message".starts_with(name))
        }
    }
}

/// The error of a call the caller aborted: `in_flight` when an attempt was out (the request
/// may have been processed: outcome unknown for calls that change something), else nothing
/// was sent that could have been processed (not sent).
pub fn aborted_error(prepared: &Prepared, in_flight: bool) -> Error {
    let e = Error::new(
        ErrorKind::Aborted,
        if in_flight {
            "aborted by the caller while the request was out"
        } else {
            "aborted by the caller before anything that could be processed was sent"
        },
    )
    .with_retryable(false)
    .with_operation(prepared.operation);
    if !in_flight {
        e.with_outcome(Outcome::NotSent)
    } else if prepared.method.is_idempotent_read() {
        e
    } else {
        ambiguous(e)
    }
}

/// The error kept for a call whose future was dropped while an attempt was out
/// ([`super::Client::take_cancelled`]; only calls that change something are kept): outcome
/// unknown.
pub(crate) fn dropped_error(prepared: &Prepared) -> Error {
    ambiguous(
        Error::new(
            ErrorKind::Aborted,
            "cancelled by the caller (the call was dropped) while the request was out",
        )
        .with_retryable(false)
        .with_operation(prepared.operation),
    )
}

/// The error of a call that changes something, cancelled (`dropped`: its future dropped;
/// else aborted by the caller's signal) after its reply's head arrived and before its body
/// did. A 2xx head says P100 accepted the call: outcome `accepted`, its status and request id
/// kept. Any other head may still have been a P500's (HTTP 400 or 429): outcome `unknown`.
pub(crate) fn cancelled_after_head(
    prepared: &Prepared,
    head: &HttpResponse,
    dropped: bool,
) -> Error {
    let how = if dropped {
        "cancelled by the caller (the call was dropped)"
    } else {
        "aborted by the caller"
    };
    if !(200..300).contains(&head.status) {
        let e = Error::new(
            ErrorKind::Aborted,
            format!("{how} after the head of P100's reply and before its body arrived"),
        )
        .with_status(head.status)
        .with_request_id(request_id(head))
        .with_retryable(false)
        .with_operation(prepared.operation);
        return ambiguous(e);
    }
    Error::new(
        ErrorKind::Aborted,
        format!(
            "{how} after P100 accepted {} and before its reply's body arrived — it happened: do \
             not send the call again; reconcile, or look for it in the history",
            prepared.operation
        ),
    )
    .with_status(head.status)
    .with_request_id(request_id(head))
    .with_outcome(Outcome::Accepted)
    .with_retryable(false)
    .with_operation(prepared.operation)
}

/// What the retry loop does after one failed attempt.
pub fn retry_delay(
    error: &Error,
    attempt: u32,
    config: &Config,
    max_retries: u32,
) -> Option<Duration> {
    if attempt >= max_retries || !error.is_retryable() {
        return None;
    }
    // `retryable` already says whether a retry is safe for this method: reads retry on
    // anything transient; other calls only when provably not processed (not sent, 429).
    let transient = matches!(
        error.kind(),
        ErrorKind::RateLimited | ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Unavailable
    );
    if !transient {
        return None;
    }
    match error.retry_after() {
        // Longer than the client sleeps: give up now, with the server's `retry_after`, rather
        // than send the call again before the server allows it.
        Some(d) if d > MAX_RETRY_AFTER => None,
        Some(d) => Some(d),
        None => Some(config.retry.backoff(attempt)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_field_sent_under_two_of_its_names_is_read_by_its_main_name() {
        use crate::models::{CreateUserResponse, OrderDetails, SepaTransferCreated};
        let sepa = Prepared::new(&crate::routes::PARTNER_SEPA_TRANSFER, &[]).unwrap();
        let created: SepaTransferCreated =
            decode(&sepa, &reply(r#"{"id":"t-1","transferId":"t-1"}"#)).unwrap();
        assert_eq!(created.transfer_id, "t-1");
        // The same id as text and as a number.
        let created: SepaTransferCreated =
            decode(&sepa, &reply(r#"{"transferId":"12","id":12}"#)).unwrap();
        assert_eq!(created.transfer_id, "12");
        let user: CreateUserResponse = decode(
            &sepa,
            &reply(r#"{"userId":"u","poaRequired":true,"poaRequiredForExtended":true}"#),
        )
        .unwrap();
        assert_eq!(user.poa_required, Some(true));
        // Different values: which one is right cannot be known, the reply stays refused.
        let body = r#"{"transferId":"t-2","id":"999"}"#;
        let e = decode::<SepaTransferCreated>(&sepa, &reply(body)).unwrap_err();
        assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
        assert_eq!(e.raw_body(), Some(body));
        let body = r#"{"userId":"u","poaRequired":true,"poaRequiredForExtended":false}"#;
        let e = decode::<CreateUserResponse>(&sepa, &reply(body)).unwrap_err();
        assert!(e.message().contains("duplicate field"), "{e}");
        // Two fields each under two names, amounts exact.
        let order: OrderDetails = decode(
            &sepa,
            &reply(
                r#"{"id":"o-1","orderId":"o-1","currency":"usdc","cryptocurrency":"usdc",
                    "receivedAmount":412.607142,"status":"COMPLETED","lockId":"l-1"}"#,
            ),
        )
        .unwrap();
        assert_eq!(order.order_id, "o-1");
        let received = order.received_amount.map(|a| a.to_string());
        assert_eq!(received.as_deref(), Some("412.607142"));
        assert_eq!(order.currency, Some(crate::Currency::Usdc));
        // In every record of a list.
        let list: Vec<SepaTransferCreated> = decode(
            &sepa,
            &reply(r#"[{"transferId":"a","id":"a"},{"id":"b","transferId":"b"}]"#),
        )
        .unwrap();
        let ids: Vec<&str> = list.iter().map(|c| c.transfer_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        // The same name twice is still refused, with the reply kept (outcome accepted).
        let e = decode::<SepaTransferCreated>(
            &sepa,
            &reply(r#"{"transferId":"a","transferId":"b","x":1}"#),
        )
        .unwrap_err();
        assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
        assert!(e.message().contains("duplicate field"), "{e}");
    }

    #[test]
    fn only_an_empty_created_id_makes_a_write_reply_unusable() {
        let empty = |b: &str| empty_id(b.as_bytes());
        assert_eq!(
            empty(r#"{"orderId":"","txId":"t"}"#).as_deref(),
            Some("orderId")
        );
        assert_eq!(empty(r#"{"id":" "}"#).as_deref(), Some("id"));
        // An order not yet paid has no transaction id: fine.
        assert_eq!(empty(r#"{"orderId":"o1","txId":""}"#), None);
        assert_eq!(empty(r#"{"transferId":null}"#), None); // a decode error of its own
        assert_eq!(empty(r#"[{"transferId":""}]"#), None);
        assert_eq!(empty("not json"), None);
    }

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        let now = 1_784_000_000_000; // ms
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("0.5", now),
            Some(Duration::from_millis(500))
        );
        let at = std::time::UNIX_EPOCH + Duration::from_millis(now as u64 + 7_000);
        let date = httpdate::fmt_http_date(at);
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(7)));
        // In the past: no wait.
        let past = httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(1));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    /// Where a reply failed, found by [`path_at`] from serde_json's line and column.
    fn failure_path<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let e = serde_json::from_str::<T>(body).unwrap_err();
        path_at(
            body.as_bytes(),
            byte_offset(body.as_bytes(), e.line(), e.column()),
        )
    }

    #[test]
    fn a_failed_reply_names_the_path_of_the_bad_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Card {
            status: String,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct List {
            cards: Vec<Card>,
            rates: std::collections::HashMap<String, u32>,
        }
        let wrong_type = r#"{"rates": {}, "cards": [{"status": "A"}, {"status": 5}]}"#;
        assert_eq!(failure_path::<List>(wrong_type), "cards[1].status");
        // Over several lines, with escapes and commas inside strings.
        let multi = "{\"cards\": [{\"status\": \"a,\\\"]\"},\n {\"status\": \"b\"}],\n \"rates\": {\"eur\": \"x\"}}";
        assert_eq!(failure_path::<List>(multi), "rates.eur");
        // A missing field names the object that lacks it.
        assert_eq!(
            failure_path::<List>(r#"{"rates": {}, "cards": [{}]}"#),
            "cards[0]"
        );
        // Keys come from the body: a card number as a key is masked.
        let key = r#"{"cards": [], "rates": {"4111111111111111": "x"}}"#;
        let path = failure_path::<List>(key);
        assert!(
            path.starts_with("rates.") && !path.contains("4111111111111111"),
            "{path}"
        );
        // Broken syntax at the top level has no path.
        assert_eq!(failure_path::<List>("nope"), "");
    }
}
