//! Sans-IO request building and response reading, plus the retry loop on top of a transport.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::config::{Config, MAX_RETRY_AFTER};
use crate::error::{Error, ErrorCode, ErrorKind, Result};
use crate::routes::{Method, Route};
use crate::transport::{Body, HttpRequest, HttpResponse, MultipartPart, TransportError};

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
                format!("request could not be encoded: {e}"),
            )
        })?;
        self.body = Body::Json(bytes);
        Ok(self)
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
    HttpRequest {
        method: prepared.method,
        url: format!("{}{}", config.base_url, prepared.path),
        headers,
        body: prepared.body.clone(),
    }
}

/// The request id a server may send back, from the usual headers.
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
    .map(str::to_string)
}

/// `Retry-After` in seconds (HTTP dates are not honoured; the backoff applies instead).
pub fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    let v = resp.header("retry-after")?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // Any number is accepted, but never converted in a way that could panic: huge values are
    // capped (the loop caps them again at MAX_RETRY_AFTER).
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    error_code: Option<String>,
    error_name: Option<String>,
    error_message: Option<String>,
    message: Option<String>,
}

/// Turns a non-2xx response into the SDK error (pure).
pub fn error_from_response(prepared: &Prepared, resp: &HttpResponse) -> Error {
    let status = resp.status;
    let text = redact_secrets(&resp.text());
    let rid = request_id(resp);
    let safe_read = prepared.method.is_idempotent_read();
    let parsed: Option<ErrorBody> = serde_json::from_slice(&resp.body).ok();

    let base = |kind: ErrorKind, msg: String| {
        Error::new(kind, msg)
            .with_status(status)
            .with_request_id(rid.clone())
            .with_raw_body(text.clone())
            .with_operation(prepared.operation)
    };

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
    if status == 429 {
        return base(
            ErrorKind::RateLimited,
            "rate limited: too many requests, slow down".to_string(),
        )
        .with_retry_after(retry_after(resp))
        .with_retryable(true);
    }

    if let Some(body) = parsed.as_ref().filter(|b| b.error_code.is_some()) {
        let code = ErrorCode::parse(body.error_code.as_deref().unwrap_or_default());
        let detail = body
            .error_message
            .clone()
            .or_else(|| body.message.clone())
            .or_else(|| body.error_name.clone())
            .unwrap_or_else(|| code.description().to_string());
        let (kind, retryable) = match code {
            ErrorCode::P403 => (ErrorKind::Validation, false),
            ErrorCode::P501 => (ErrorKind::Unavailable, safe_read),
            _ if status >= 500 => (ErrorKind::Unavailable, safe_read),
            _ => (ErrorKind::Api, false),
        };
        let mut e = base(kind, detail.clone())
            .with_code(code.clone())
            .with_error_name(body.error_name.clone())
            .with_retryable(retryable);
        if code == ErrorCode::P403 {
            // "currency must be one of …" → field "currency".
            if let Some(first) = detail.split_whitespace().next() {
                if first
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._[]".contains(c))
                {
                    e = e.with_field(first.to_string());
                }
            }
        }
        if kind == ErrorKind::Unavailable && !safe_read {
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
    let detail = parsed
        .and_then(|b| b.message)
        .unwrap_or_else(|| format!("unexpected HTTP {status}"));
    base(ErrorKind::Api, detail).with_retryable(false)
}

/// Rewrites the message of an ambiguous failure of a call that may have been processed.
fn ambiguous(e: Error) -> Error {
    let msg = format!(
        "{} — the request may have been processed; do not send it again before checking \
         the matching details endpoint",
        e.message()
    );
    e.with_message(msg).with_retryable(false)
}

/// Decodes a 2xx body into `T` (pure). An empty body reads as JSON `null`.
///
/// When the body cannot be read and the call was not a plain read, the error says the
/// operation was **accepted** and carries the raw body, so nothing is lost.
pub fn decode<T: DeserializeOwned>(prepared: &Prepared, resp: &HttpResponse) -> Result<T> {
    let body: &[u8] = if resp.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &resp.body
    };
    serde_json::from_slice(body).map_err(|e| {
        let accepted = !prepared.method.is_idempotent_read();
        let msg = if accepted {
            format!(
                "P100 accepted {} (HTTP {}) but its reply could not be read ({e}); the raw reply \
                 is attached — do not send the call again, check the details endpoint",
                prepared.operation, resp.status
            )
        } else {
            format!("the reply to {} could not be read: {e}", prepared.operation)
        };
        Error::new(ErrorKind::Decode, msg)
            .with_status(resp.status)
            .with_request_id(request_id(resp))
            .with_raw_body(redact_secrets(&resp.text()))
            .with_accepted(accepted)
            .with_retryable(false)
            .with_operation(prepared.operation)
    })
}

/// JSON keys whose values are secrets (compared lower case, without `_` and `-`).
const SECRET_KEYS: &[&str] = &[
    "cardnumber",
    "pan",
    "cvv",
    "cvc",
    "cvv2",
    "pin",
    "documentnumber",
    "useridentificationnumber",
    "pesel",
    "birthdate",
    "dateofbirth",
    "apikey",
    "xapikey",
    "authorization",
    "token",
];

/// The raw body kept in an error, with secrets masked: in a JSON body the values of the keys in
/// [`SECRET_KEYS`] become `"[REDACTED]"`; in any other text, runs of 12 or more digits (card
/// numbers) keep only their last 4 digits. A body with nothing to mask is returned unchanged,
/// byte for byte, so that an accepted operation's reply (its ids) is never lost.
pub fn redact_secrets(text: &str) -> String {
    fn is_secret(key: &str) -> bool {
        let k: String = key
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        SECRET_KEYS.contains(&k.as_str())
    }
    fn walk(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Object(map) => {
                let mut changed = false;
                for (k, val) in map.iter_mut() {
                    if is_secret(k) && !val.is_null() {
                        *val = serde_json::Value::String("[REDACTED]".into());
                        changed = true;
                    } else {
                        changed |= walk(val);
                    }
                }
                changed
            }
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, i| walk(i) | c),
            _ => false,
        }
    }
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) {
        return if walk(&mut value) {
            serde_json::to_string(&value).unwrap_or_default()
        } else {
            text.to_string()
        };
    }
    // Not JSON: mask long digit runs.
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 12 {
            out.extend(std::iter::repeat_n('*', run.len() - 4));
            out.push_str(&run[run.len() - 4..]);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Maps a transport failure to the SDK error; `retryable` says whether a retry is safe.
pub fn error_from_transport(prepared: &Prepared, err: &TransportError, timeout: Duration) -> Error {
    let read = prepared.method.is_idempotent_read();
    let e = match err {
        TransportError::NotSent(m) => {
            return Error::new(ErrorKind::Network, format!("could not reach P100: {m}"))
                .with_retryable(true)
                .with_operation(prepared.operation)
        }
        TransportError::Timeout => Error::new(
            ErrorKind::Timeout,
            format!("no reply from P100 within {:.1} s", timeout.as_secs_f64()),
        ),
        TransportError::Failed(m) => Error::new(
            ErrorKind::Network,
            format!("connection to P100 failed: {m}"),
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
    let backoff = config.retry.backoff(attempt);
    Some(match error.retry_after() {
        Some(d) => d.min(MAX_RETRY_AFTER),
        None => backoff,
    })
}

#[cfg(test)]
mod tests {
    use super::redact_secrets;

    #[test]
    fn secrets_in_raw_bodies_are_masked() {
        let body = r#"{"cardId":"c1","cardNumber":"4111111111111111","cvv":"123","nested":[{"pin":"1234"}],"amount":1.50}"#;
        let out = redact_secrets(body);
        assert!(
            !out.contains("4111111111111111") && !out.contains("\"123\"") && !out.contains("1234")
        );
        assert!(out.contains("\"cardId\":\"c1\""), "ids are kept: {out}");
        assert!(out.contains("1.50"), "numbers keep their text: {out}");
        // Nothing to mask: unchanged, byte for byte.
        let plain = r#"{ "transferId" : "t1" }"#;
        assert_eq!(redact_secrets(plain), plain);
        // Not JSON: long digit runs keep only their last 4 digits.
        assert_eq!(
            redact_secrets("pan=4111111111111111;"),
            "pan=************1111;"
        );
        assert_eq!(redact_secrets("<html>id 123</html>"), "<html>id 123</html>");
    }
}
