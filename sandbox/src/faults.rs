//! Injected faults: the spec the control endpoint and the Rust API take, its validation, and
//! the replies of each kind — refusals that answer before anything runs, and reshaped replies
//! of requests that were processed (cut short, trickled, padded, garbled, wrong shape…).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, SizeHint};
use serde_json::{json, Value};

use crate::app::{FaultKind, FAULT_KINDS};
use crate::refusal::Refusal;
use crate::reply::Reply;
use crate::server::ConnKill;

/// Longest `delayMs` (delay, slow-body): 10 minutes.
pub const MAX_DELAY_MS: u64 = 600_000;
/// Default `delayMs` of `delay`.
pub const DEFAULT_DELAY_MS: u64 = 1000;
/// Default `delayMs` of `slow-body`: the time the whole body takes to trickle out.
pub const DEFAULT_SLOW_BODY_MS: u64 = 2000;
/// Default `sizeBytes` of `huge-body`: 20 MiB.
pub const DEFAULT_HUGE_BODY: u64 = 20 * 1024 * 1024;
/// Largest `sizeBytes` of `huge-body`: 1 GiB.
pub const MAX_HUGE_BODY: u64 = 1024 * 1024 * 1024;
/// Default HTTP status of `5xx-with-code`.
pub const DEFAULT_5XX_STATUS: u16 = 502;
/// Largest `retryAfter` of `retry-after-date`: 10 years.
pub const MAX_RETRY_AFTER_DATE: f64 = 315_360_000.0;

/// A fault to inject: the same fields as `POST /_sandbox/faults`.
///
/// ```
/// let spec = p100_sandbox::FaultSpec::new("cut-body")
///     .count(2)
///     .operation("sepa.partner_transfer");
/// assert_eq!(spec.count, 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FaultSpec {
    /// The kind: `429`, `500`, `503`, `delay`, `drop`, `malformed`, `process-then-drop`,
    /// `cut-body`, `slow-body`, `huge-body`, `wrong-shape`, `duplicate-keys`,
    /// `retry-after-date`, `5xx-with-code`.
    pub kind: String,
    /// How many requests take it (default 1; 0 queues nothing).
    pub count: u32,
    /// `retryAfter`: seconds (`429`, `503`, `5xx-with-code`: the `Retry-After` header;
    /// `retry-after-date`: how far ahead the date is).
    pub retry_after_secs: Option<f64>,
    /// `delayMs`: how long `delay` holds the reply back, how long `slow-body` trickles.
    pub delay_ms: Option<u64>,
    /// `status`: the HTTP status of `5xx-with-code` (500–599, default 502).
    pub status: Option<u16>,
    /// `sizeBytes`: the body size of `huge-body` (default 20 MiB, at most 1 GiB).
    pub size_bytes: Option<u64>,
    /// `operation`: only requests of this operation (a `p100::routes` name such as
    /// `"sepa.partner_transfer"`) take the fault; others pass untouched and leave it queued.
    pub operation: Option<String>,
}

impl FaultSpec {
    /// A fault of `kind` for the next request, without any optional field.
    pub fn new(kind: impl Into<String>) -> FaultSpec {
        FaultSpec {
            kind: kind.into(),
            count: 1,
            retry_after_secs: None,
            delay_ms: None,
            status: None,
            size_bytes: None,
            operation: None,
        }
    }

    /// For the next `n` requests.
    pub fn count(mut self, n: u32) -> FaultSpec {
        self.count = n;
        self
    }

    /// `retryAfter` in seconds.
    pub fn retry_after(mut self, secs: f64) -> FaultSpec {
        self.retry_after_secs = Some(secs);
        self
    }

    /// `delayMs`.
    pub fn delay_ms(mut self, ms: u64) -> FaultSpec {
        self.delay_ms = Some(ms);
        self
    }

    /// `status` (`5xx-with-code`).
    pub fn status(mut self, status: u16) -> FaultSpec {
        self.status = Some(status);
        self
    }

    /// `sizeBytes` (`huge-body`).
    pub fn size_bytes(mut self, n: u64) -> FaultSpec {
        self.size_bytes = Some(n);
        self
    }

    /// Only requests of this operation (`"sepa.partner_transfer"`…).
    pub fn operation(mut self, name: impl Into<String>) -> FaultSpec {
        self.operation = Some(name.into());
        self
    }

    /// Checks the spec: the kind, what it queues, and the operation it is limited to.
    pub(crate) fn compile(&self) -> Result<(FaultKind, u32, Option<&'static str>), Refusal> {
        let kind = self.kind.as_str();
        if !FAULT_KINDS.contains(&kind) {
            return Err(Refusal::arg(
                "kind",
                format!("kind {kind:?} is not one of {}", FAULT_KINDS.join(", ")),
            ));
        }
        let uses = |field: &str| -> bool {
            match field {
                "retryAfter" => {
                    matches!(kind, "429" | "503" | "retry-after-date" | "5xx-with-code")
                }
                "delayMs" => matches!(kind, "delay" | "slow-body"),
                "status" => kind == "5xx-with-code",
                "sizeBytes" => kind == "huge-body",
                _ => false,
            }
        };
        for (field, given) in [
            ("retryAfter", self.retry_after_secs.is_some()),
            ("delayMs", self.delay_ms.is_some()),
            ("status", self.status.is_some()),
            ("sizeBytes", self.size_bytes.is_some()),
        ] {
            if given && !uses(field) {
                return Err(Refusal::arg(
                    field,
                    format!("{field} does not apply to kind {kind:?}"),
                ));
            }
        }
        let retry_after = match self.retry_after_secs {
            None => None,
            Some(s) if s.is_finite() && s >= 0.0 => Some(s),
            Some(_) => {
                return Err(Refusal::arg(
                    "retryAfter",
                    "retryAfter must be a number of seconds >= 0",
                ))
            }
        };
        let header_value = |s: f64| {
            if s.fract() == 0.0 {
                format!("{}", s as u64)
            } else {
                format!("{s}")
            }
        };
        let delay = match self.delay_ms {
            Some(ms) if ms > MAX_DELAY_MS => {
                return Err(Refusal::arg(
                    "delayMs",
                    format!("delayMs must be at most {MAX_DELAY_MS} (10 minutes)"),
                ))
            }
            ms => ms,
        };
        let operation = match self.operation.as_deref() {
            None => None,
            Some(name) => match p100::routes::by_name(name) {
                Some(r) => Some(r.name),
                None => {
                    return Err(Refusal::arg(
                        "operation",
                        format!(
                            "operation {name:?} is not an operation of the route table \
                             (names look like \"sepa.partner_transfer\"; GET /_sandbox/ops lists them all)"
                        ),
                    ))
                }
            },
        };
        let k = match kind {
            "429" => FaultKind::TooManyRequests {
                retry_after: Some(header_value(retry_after.unwrap_or(1.0))),
            },
            "429-bare" => FaultKind::TooManyRequests { retry_after: None },
            "p500" => FaultKind::ServerErrorWithCode {
                status: 400,
                retry_after: None,
            },
            "p500-cut-body" => FaultKind::P500CutBody,
            "p501" => FaultKind::P501,
            "499" => FaultKind::ClientClosed,
            "500" => FaultKind::ServerError,
            "503" => FaultKind::Unavailable {
                retry_after: retry_after.map(header_value),
            },
            "delay" => FaultKind::Delay(Duration::from_millis(delay.unwrap_or(DEFAULT_DELAY_MS))),
            "drop" => FaultKind::Drop,
            "malformed" => FaultKind::Malformed,
            "process-then-drop" => FaultKind::ProcessThenDrop,
            "cut-body" => FaultKind::CutBody,
            "slow-body" => {
                FaultKind::SlowBody(Duration::from_millis(delay.unwrap_or(DEFAULT_SLOW_BODY_MS)))
            }
            "huge-body" => match self.size_bytes.unwrap_or(DEFAULT_HUGE_BODY) {
                n @ 1..=MAX_HUGE_BODY => FaultKind::HugeBody(n),
                _ => {
                    return Err(Refusal::arg(
                        "sizeBytes",
                        format!("sizeBytes must be from 1 to {MAX_HUGE_BODY} (1 GiB)"),
                    ))
                }
            },
            "wrong-shape" => FaultKind::WrongShape,
            "duplicate-keys" => FaultKind::DuplicateKeys,
            "retry-after-date" => {
                let s = retry_after.unwrap_or(1.0);
                if s > MAX_RETRY_AFTER_DATE {
                    return Err(Refusal::arg(
                        "retryAfter",
                        format!(
                            "retryAfter of retry-after-date must be at most {MAX_RETRY_AFTER_DATE} seconds (10 years)"
                        ),
                    ));
                }
                FaultKind::RetryAfterDate {
                    secs: s.ceil() as u64,
                }
            }
            "5xx-with-code" => match self.status.unwrap_or(DEFAULT_5XX_STATUS) {
                status @ 500..=599 => FaultKind::ServerErrorWithCode {
                    status,
                    retry_after: retry_after.map(header_value),
                },
                other => {
                    return Err(Refusal::arg(
                        "status",
                        format!("status must be from 500 to 599, not {other}"),
                    ))
                }
            },
            _ => {
                return Err(Refusal::arg(
                    "kind",
                    format!("kind {kind:?} is not supported"),
                ))
            }
        };
        Ok((k, self.count, operation))
    }
}

// ---- refusals: answered before anything runs -----------------------------------------------

/// The reply of a fault that refuses the request before it is processed (`None` for the
/// other kinds; `drop` is handled by the caller, it has no reply).
pub(crate) fn refusal(kind: &FaultKind) -> Option<Response> {
    Some(match kind {
        FaultKind::TooManyRequests { retry_after } => with_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            too_many_requests(),
            retry_after.clone(),
        ),
        FaultKind::RetryAfterDate { secs } => with_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            too_many_requests(),
            Some(http_date_in(*secs)),
        ),
        FaultKind::ServerError => with_retry_after(
            StatusCode::INTERNAL_SERVER_ERROR,
            p500("Unknown exception (injected by the sandbox)"),
            None,
        ),
        FaultKind::ServerErrorWithCode {
            status,
            retry_after,
        } => with_retry_after(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY),
            // `p500` (status 400) or `5xx-with-code`: named as it was injected.
            p500(&format!(
                "Unknown exception (injected by the sandbox: {})",
                kind.name()
            )),
            retry_after.clone(),
        ),
        FaultKind::P500CutBody => with_retry_after(
            StatusCode::BAD_REQUEST,
            p500("Unknown exception (injected by the sandbox: p500-cut-body)"),
            None,
        ),
        FaultKind::ClientClosed => with_retry_after(
            StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_GATEWAY),
            json!({ "statusCode": 499, "message": "Client Closed Request" }),
            None,
        ),
        FaultKind::Unavailable { retry_after } => with_retry_after(
            StatusCode::SERVICE_UNAVAILABLE,
            p501("Service temporarily unavailable (injected by the sandbox)"),
            retry_after.clone(),
        ),
        FaultKind::P501 => with_retry_after(
            StatusCode::BAD_REQUEST,
            p501("Service temporarily unavailable (injected by the sandbox: p501)"),
            None,
        ),
        _ => return None,
    })
}

fn too_many_requests() -> Value {
    json!({ "statusCode": 429, "message": "Too Many Requests" })
}

fn p500(message: &str) -> Value {
    json!({
        "errorCode": "P500",
        "errorName": "unknown-exception",
        "errorMessage": message,
    })
}

fn p501(message: &str) -> Value {
    json!({
        "errorCode": "P501",
        "errorName": "service-temporarily-unavailable",
        "errorMessage": message,
    })
}

fn with_retry_after(status: StatusCode, body: Value, retry_after: Option<String>) -> Response {
    let mut r = Reply::Json(status, body).into_response();
    if let Some(ra) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        r.headers_mut().insert(header::RETRY_AFTER, ra);
    }
    r
}

/// The IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) `secs` seconds from now, rounded up to
/// the next whole second so that it is never less than `secs` ahead.
pub(crate) fn http_date_in(secs: u64) -> String {
    let now = chrono::Utc::now();
    let whole = now.timestamp().saturating_add(1);
    let at = whole.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX / 2));
    let t = chrono::DateTime::from_timestamp(at, 0).unwrap_or(now);
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Seconds since the epoch, for tests of the date.
#[cfg(test)]
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

// ---- reshaped replies of processed requests -------------------------------------------------

/// Pause before the connection of a `cut-body` reply is closed, so the half body is flushed.
const CUT_PAUSE: Duration = Duration::from_millis(50);
/// Pieces a `slow-body` reply is sent in (at most; fewer for shorter bodies).
const SLOW_PIECES: usize = 20;

/// Turns the real reply of a processed request into the one `kind` sends. `kill` closes the
/// request's connection (absent only outside the sandbox's own accept loop). Kinds that do not
/// reshape replies return `real` unchanged.
pub(crate) async fn reshape(kind: &FaultKind, real: Response, kill: Option<ConnKill>) -> Response {
    match kind {
        FaultKind::Malformed
        | FaultKind::ProcessThenDrop
        | FaultKind::CutBody
        | FaultKind::P500CutBody
        | FaultKind::SlowBody(_)
        | FaultKind::HugeBody(_)
        | FaultKind::WrongShape
        | FaultKind::DuplicateKeys => {}
        _ => return real,
    }
    let (mut parts, body) = real.into_parts();
    // The real replies are small documents held in memory.
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let json_type = HeaderValue::from_static("application/json");
    let body = match kind {
        FaultKind::ProcessThenDrop => {
            if let Some(k) = kill {
                k.0.notify_one();
                // The connection task drops this request with the connection: no reply at all.
                std::future::pending::<()>().await;
            }
            return StatusCode::BAD_GATEWAY.into_response();
        }
        FaultKind::Malformed => {
            parts.status = StatusCode::OK;
            parts.headers.insert(header::CONTENT_TYPE, json_type);
            let mut b = bytes.to_vec();
            b.extend_from_slice(b" trailing");
            Body::from(b)
        }
        FaultKind::WrongShape => {
            parts.headers.insert(header::CONTENT_TYPE, json_type);
            Body::from(r#"{"unexpected":true}"#)
        }
        FaultKind::DuplicateKeys => match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => Body::from(duplicate_keys(&v)),
            Err(_) => Body::from(bytes),
        },
        FaultKind::CutBody | FaultKind::P500CutBody => {
            let sent = bytes.len() / 2;
            let announced = bytes.len().max(sent + 1);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(announced));
            let mut steps = VecDeque::new();
            steps.push_back(Step::Data(bytes.slice(..sent)));
            steps.push_back(Step::Wait(CUT_PAUSE));
            Body::new(Paced::new(steps, None, kill))
        }
        FaultKind::SlowBody(total) => {
            let n = bytes.len().clamp(1, SLOW_PIECES);
            let wait = *total / n as u32;
            let mut steps = VecDeque::new();
            let mut at = 0;
            for i in 1..=n {
                let end = bytes.len() * i / n;
                steps.push_back(Step::Wait(wait));
                steps.push_back(Step::Data(bytes.slice(at..end)));
                at = end;
            }
            Body::new(Paced::new(steps, Some(bytes.len() as u64), None))
        }
        FaultKind::HugeBody(size) => {
            parts.headers.insert(header::CONTENT_TYPE, json_type);
            let (prefix, suffix) = huge_frame(&bytes);
            let frame = (prefix.len() + suffix.len()) as u64;
            let fill = size.saturating_sub(frame);
            let mut steps = VecDeque::new();
            steps.push_back(Step::Data(Bytes::from_static(prefix)));
            steps.push_back(Step::Fill(fill));
            steps.push_back(Step::Data(suffix));
            Body::new(Paced::new(steps, Some(frame + fill), None))
        }
        _ => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

/// The text around the padding of a `huge-body` reply: `{"padding":"` … `",<real fields>}`,
/// or `"}` when the real reply is not a non-empty JSON object.
fn huge_frame(real: &Bytes) -> (&'static [u8], Bytes) {
    const PREFIX: &[u8] = br#"{"padding":""#;
    let is_object = real.first() == Some(&b'{')
        && matches!(serde_json::from_slice::<Value>(real), Ok(Value::Object(m)) if !m.is_empty());
    let suffix = if is_object {
        let mut s = b"\",".to_vec();
        s.extend_from_slice(real.get(1..).unwrap_or_default());
        Bytes::from(s)
    } else {
        Bytes::from_static(b"\"}")
    };
    (PREFIX, suffix)
}

/// Field names whose values are secrets (compared lower-case, without `_` and `-`).
const SECRET_KEYS: &[&str] = &[
    "cardnumber",
    "pan",
    "cvv",
    "cvc",
    "cvv2",
    "pin",
    "documentnumber",
    "birthdate",
    "dateofbirth",
];

/// True for a field name that holds a secret (`cardNumber`, `CVV`, `date_of_birth`…).
pub(crate) fn is_secret_key(key: &str) -> bool {
    let norm: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_KEYS.contains(&norm.as_str())
}

fn has_secret(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| is_secret_key(k) || has_secret(v)),
        Value::Array(a) => a.iter().any(has_secret),
        _ => false,
    }
}

/// `v` as JSON text in which every secret field appears twice, first with its value, then
/// with `null` (`{"cvv":"987","cvv":null}`), at any depth. Without any secret field, the first
/// key met is repeated that way instead.
pub(crate) fn duplicate_keys(v: &Value) -> String {
    let mut out = String::new();
    let mut first = !has_secret(v);
    write_dup(v, &mut out, &mut first);
    out
}

fn write_dup(v: &Value, out: &mut String, dup_next: &mut bool) {
    match v {
        Value::Object(m) => {
            out.push('{');
            let mut sep = false;
            for (k, val) in m {
                let key = serde_json::to_string(k).unwrap_or_else(|_| "\"\"".into());
                if sep {
                    out.push(',');
                }
                sep = true;
                out.push_str(&key);
                out.push(':');
                let twice = is_secret_key(k) || std::mem::take(dup_next);
                write_dup(val, out, dup_next);
                if twice {
                    out.push(',');
                    out.push_str(&key);
                    out.push_str(":null");
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_dup(item, out, dup_next);
            }
            out.push(']');
        }
        scalar => out.push_str(&serde_json::to_string(scalar).unwrap_or_else(|_| "null".into())),
    }
}

// ---- a body written on a schedule ----------------------------------------------------------

/// 64 KiB of padding, sliced for `huge-body` (never allocated per reply).
static FILL: [u8; 64 * 1024] = [b'x'; 64 * 1024];

enum Step {
    /// Wait this long before the next step.
    Wait(Duration),
    /// Send these bytes.
    Data(Bytes),
    /// Send this many padding bytes (in 64 KiB frames).
    Fill(u64),
}

/// A reply body sent step by step; when the steps run out it either ends, or closes the
/// connection (`kill`) and never ends — the client sees the body stop short.
struct Paced {
    steps: VecDeque<Step>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    len: Option<u64>,
    kill: Option<ConnKill>,
    killed: bool,
}

impl Paced {
    fn new(steps: VecDeque<Step>, len: Option<u64>, kill: Option<ConnKill>) -> Paced {
        Paced {
            steps,
            sleep: None,
            len,
            kill,
            killed: false,
        }
    }
}

impl hyper::body::Body for Paced {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.killed {
            return Poll::Pending;
        }
        loop {
            if let Some(s) = this.sleep.as_mut() {
                ready!(s.as_mut().poll(cx));
                this.sleep = None;
            }
            match this.steps.pop_front() {
                Some(Step::Wait(d)) => {
                    if !d.is_zero() {
                        this.sleep = Some(Box::pin(tokio::time::sleep(d)));
                    }
                }
                Some(Step::Data(b)) => return Poll::Ready(Some(Ok(Frame::data(b)))),
                Some(Step::Fill(n)) => {
                    if n == 0 {
                        continue;
                    }
                    let take = n.min(FILL.len() as u64);
                    if n > take {
                        this.steps.push_front(Step::Fill(n - take));
                    }
                    let chunk = FILL.get(..take as usize).unwrap_or_default();
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(chunk)))));
                }
                None => {
                    return match this.kill.take() {
                        Some(k) => {
                            this.killed = true;
                            k.0.notify_one();
                            Poll::Pending
                        }
                        None => Poll::Ready(None),
                    }
                }
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.len {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fault kind is documented wherever the kinds are listed: the README's table, the
    /// npm typings' `FaultKind`, the Kotlin/Swift `injectFault` doc.
    #[test]
    fn every_fault_kind_is_documented_in_each_list() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let read = |path: &str| {
            std::fs::read_to_string(format!("{root}/{path}"))
                .unwrap_or_else(|e| panic!("{path}: {e}"))
        };
        let readme = read("sandbox/README.md");
        let typings = read("bindings-wasm/js/testing.d.ts");
        let mobile = read("bindings-mobile/src/sandbox.rs");
        for kind in FAULT_KINDS {
            assert!(
                readme.contains(&format!("| `{kind}` |")),
                "sandbox/README.md: {kind}"
            );
            assert!(
                typings.contains(&format!("| \"{kind}\"")),
                "testing.d.ts: {kind}"
            );
            assert!(
                mobile.contains(&format!("`{kind}`")),
                "bindings-mobile/src/sandbox.rs: {kind}"
            );
        }
    }

    #[test]
    fn duplicate_keys_repeat_every_secret_field_with_null() {
        let v = json!({"cardId": "c1", "cardNumber": "4111111111111111", "cvv": "987",
                       "nested": {"pin": "5813"}, "list": [{"documentNumber": "AB1"}]});
        let s = duplicate_keys(&v);
        for needle in [
            r#""cardNumber":"4111111111111111","cardNumber":null"#,
            r#""cvv":"987","cvv":null"#,
            r#""pin":"5813","pin":null"#,
            r#""documentNumber":"AB1","documentNumber":null"#,
        ] {
            assert!(s.contains(needle), "{needle} in {s}");
        }
        assert!(!s.contains(r#""cardId":null"#), "{s}");
        // Still JSON (serde_json keeps the last of duplicate keys).
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["cvv"], Value::Null);
    }

    #[test]
    fn without_secrets_the_first_key_is_repeated() {
        let s = duplicate_keys(&json!({"id": "x", "status": "PENDING"}));
        assert_eq!(s, r#"{"id":"x","id":null,"status":"PENDING"}"#);
    }

    #[test]
    fn secret_key_names_any_case() {
        for k in [
            "cardNumber",
            "CVV",
            "date_of_birth",
            "birth-date",
            "Pin",
            "pan",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["cardId", "pending", "status", "span"] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn http_date_is_imf_fixdate_ahead() {
        let d = http_date_in(5);
        assert!(d.ends_with(" GMT") && d.len() == 29, "{d}");
        let t = chrono::DateTime::parse_from_rfc2822(&d).unwrap();
        assert!(t.timestamp() as u64 >= unix_now() + 5, "{d}");
    }

    #[test]
    fn specs_are_checked() {
        let ok = |s: FaultSpec| s.compile().map(|c| c.0).unwrap();
        let refused = |s: FaultSpec, field: &str, says: &str| {
            let r = s.compile().unwrap_err();
            assert_eq!(r.field(), Some(field), "{r}");
            assert!(r.message().contains(says), "{r}");
        };
        assert_eq!(
            ok(FaultSpec::new("5xx-with-code")),
            FaultKind::ServerErrorWithCode {
                status: 502,
                retry_after: None
            }
        );
        assert_eq!(
            ok(FaultSpec::new("huge-body")),
            FaultKind::HugeBody(DEFAULT_HUGE_BODY)
        );
        assert_eq!(
            ok(FaultSpec::new("retry-after-date").retry_after(1.5)),
            FaultKind::RetryAfterDate { secs: 2 }
        );
        refused(FaultSpec::new("teapot"), "kind", "is not one of");
        refused(
            FaultSpec::new("5xx-with-code").status(404),
            "status",
            "500 to 599",
        );
        refused(
            FaultSpec::new("cut-body").status(502),
            "status",
            "does not apply",
        );
        refused(
            FaultSpec::new("huge-body").size_bytes(0),
            "sizeBytes",
            "from 1 to",
        );
        refused(
            FaultSpec::new("slow-body").delay_ms(600_001),
            "delayMs",
            "at most",
        );
        refused(
            FaultSpec::new("429").retry_after(-1.0),
            "retryAfter",
            ">= 0",
        );
        refused(
            FaultSpec::new("drop").operation("nope"),
            "operation",
            "route table",
        );
        let (_, _, op) = FaultSpec::new("drop")
            .operation("sepa.partner_transfer")
            .compile()
            .unwrap();
        assert_eq!(op, Some("sepa.partner_transfer"));
    }
}
