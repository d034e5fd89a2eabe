//! What a successful call returns besides its result: [`ResponseMeta`] (request id, status,
//! headers, elapsed time, attempts), read per call through [`Client::with_response`]
//! (`client.with_response().partner().balances()` → [`WithResponse`]), and the per-call extra
//! headers of [`super::RequestOptions`] with their checks.
//!
//! Every binding reads the metadata the same way: a client made by [`Client::recorded`] keeps
//! the [`ResponseMeta`] of its last successful call ([`Client::last_response`]); the JS and
//! Python wrappers, generated from the operation table, make one per call (so concurrent calls
//! never see each other's metadata), and Kotlin/Swift wrap it in `withResponse { … }`.
//!
//! ```no_run
//! # async fn demo(client: p100::Client) -> p100::Result<()> {
//! use p100::client::check_headers;
//! use p100::RequestOptions;
//!
//! let r = client.with_response().partner().balances().await?;
//! println!("{} fiat balances; request {:?}, HTTP {}, {} attempt(s) in {:?}",
//!     r.data.fiat_balances.len(), r.response.request_id, r.response.status,
//!     r.response.attempts, r.response.elapsed);
//! let traced = client.with_options(RequestOptions {
//!     headers: check_headers([("x-correlation-id", "order-42")])?,
//!     timeout: Some(std::time::Duration::from_secs(5)),
//!     max_retries: Some(1),
//!     ..Default::default()
//! });
//! traced.sepa().details("tr-1").await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Client;
use crate::error::{Error, Result};

/// What the server sent back with a successful (2xx) reply, and how the call went. The same
/// facts in every language.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseMeta {
    /// The server's request id (`x-request-id` or the other usual headers), for support tickets.
    pub request_id: Option<String>,
    /// The HTTP status of the reply (200, 201…).
    pub status: u16,
    /// The reply's headers, names in lower case, in arrival order. Values of headers that may
    /// carry credentials (`set-cookie`, `authorization`, anything named like a key, token,
    /// secret, session or cookie) are replaced by `[REDACTED]`.
    pub headers: Vec<(String, String)>,
    /// From the start of the first attempt to the reply, retries and their delays included.
    pub elapsed: Duration,
    /// Attempts made (1 when the first one succeeded).
    pub attempts: u32,
}

impl ResponseMeta {
    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The metadata of a 2xx reply after `attempts` attempts that took `elapsed`; no header
    /// value shows `api_key`, should a header echo it (`x-echo: x-api-key=…`), nor a secret
    /// the call sent (`sent`: `x-echo: 5813` after a PIN change), nor another secret
    /// ([`crate::mask::mask_secrets`]: `x-debug: cvv=987`). A header named as a secret
    /// (`x-card-cvv`, `x-user-dob`) shows `[REDACTED]`.
    pub(crate) fn of(
        resp: &crate::transport::HttpResponse,
        elapsed: Duration,
        attempts: u32,
        api_key: &str,
        sent: &[String],
    ) -> Self {
        let clean = |v: &str| {
            let masked = crate::mask::without_values(&crate::mask::mask_secrets(v), sent);
            crate::mask::without_secret(&masked, api_key)
        };
        ResponseMeta {
            request_id: super::exec::request_id(resp).map(|id| clean(&id)),
            status: resp.status,
            headers: resp
                .headers
                .iter()
                .map(|(k, v)| {
                    let name = k.to_ascii_lowercase();
                    let value = if is_secret_header(&name) || crate::mask::is_secret_key(&name) {
                        REDACTED.to_string()
                    } else {
                        clean(v)
                    };
                    (name, value)
                })
                .collect(),
            elapsed,
            attempts,
        }
    }
}

impl fmt::Debug for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseMeta")
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("elapsed", &self.elapsed)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// As the bindings hand it to JS and Python: `{requestId, status, headers: {name: value},
/// elapsedMs, attempts}` (a repeated header's values joined by `, `; `elapsedMs` with
/// microsecond precision).
impl serde::Serialize for ResponseMeta {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ResponseMeta", 5)?;
        st.serialize_field("requestId", &self.request_id)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("headers", &self.header_map())?;
        st.serialize_field("elapsedMs", &self.elapsed_ms())?;
        st.serialize_field("attempts", &self.attempts)?;
        st.end()
    }
}

impl ResponseMeta {
    /// The headers as a map (a repeated header's values joined by `, `).
    pub fn header_map(&self) -> std::collections::BTreeMap<String, String> {
        let mut map = std::collections::BTreeMap::<String, String>::new();
        for (k, v) in &self.headers {
            map.entry(k.clone())
                .and_modify(|prev| {
                    prev.push_str(", ");
                    prev.push_str(v);
                })
                .or_insert_with(|| v.clone());
        }
        map
    }

    /// [`ResponseMeta::elapsed`] in milliseconds (fractional).
    pub fn elapsed_ms(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1000.0
    }
}

/// What stands in for the value of a header that may carry a credential.
pub const REDACTED: &str = "[REDACTED]";

/// `true` for a header name (lower case) whose value may be a credential: never shown in
/// [`ResponseMeta::headers`].
pub fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "set-cookie" | "set-cookie2" | "cookie"
    ) || [
        "key", "token", "secret", "session", "auth", "cookie", "password",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A call's result with its [`ResponseMeta`]: what `client.with_response()…` returns.
#[derive(Debug, Clone, PartialEq)]
pub struct WithResponse<T> {
    /// The result, as the plain call returns it.
    pub data: T,
    /// The reply's metadata.
    pub response: ResponseMeta,
}

impl<T> WithResponse<T> {
    /// `(data, response)`.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.data, self.response)
    }
}

/// Where a recording client keeps the metadata of its last successful call.
#[derive(Debug, Default)]
pub(crate) struct Recorder(Mutex<Option<ResponseMeta>>);

impl Recorder {
    pub(crate) fn record(&self, meta: ResponseMeta) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(meta);
    }

    fn last(&self) -> Option<ResponseMeta> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Client {
    /// A client sharing this one's connections and settings whose successful calls keep their
    /// [`ResponseMeta`], read with [`Client::last_response`]. Its calls (and those of clients
    /// derived from it with [`Client::with_options`]) share one slot: use one per call, or one
    /// per task, never one for concurrent calls. [`Client::with_response`] does that for you.
    pub fn recorded(&self) -> Client {
        let mut c = self.clone();
        c.recorder = Some(Arc::new(Recorder::default()));
        c
    }

    /// The [`ResponseMeta`] of the last successful call of a client made by
    /// [`Client::recorded`] (`None` before its first success, and always for other clients).
    pub fn last_response(&self) -> Option<ResponseMeta> {
        self.recorder.as_ref().and_then(|r| r.last())
    }

    /// Runs a call on a fresh [`Client::recorded`] client and returns its result with its
    /// metadata (the metadata of the block's last successful call when it makes several).
    pub(crate) async fn recording<T, F, Fut>(&self, call: F) -> Result<WithResponse<T>>
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let c = self.recorded();
        let data = call(c.clone()).await?;
        let response = c.last_response().ok_or_else(|| {
            Error::new(
                crate::ErrorKind::Decode,
                "the call succeeded without a reply to describe",
            )
        })?;
        Ok(WithResponse { data, response })
    }
}

/// The view of a [`Client`] whose calls return their [`ResponseMeta`] too:
/// [`Client::with_response`]. The groups (`.partner()`, `.users()`, …) are generated from the
/// operation table, in [`super::with_response`].
#[derive(Debug, Clone, Copy)]
pub struct WithResponseClient<'a> {
    client: &'a Client,
}

impl<'a> WithResponseClient<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        WithResponseClient { client }
    }

    pub(crate) fn client(&self) -> &'a Client {
        self.client
    }

    /// The escape hatch ([`Client::request`]) with the reply's metadata.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<WithResponse<serde_json::Value>> {
        self.client
            .recording(|c| async move { c.request(method, path, body).await })
            .await
    }
}

/// Header names a caller may not set per call: the SDK's own (`x-api-key` above all — the key
/// is set once, on the client), credentials, and the hop-by-hop and framing headers the HTTP
/// stack owns.
pub const RESERVED_HEADERS: [&str; 17] = [
    "x-api-key",
    "authorization",
    "proxy-authorization",
    "cookie",
    "user-agent",
    "accept",
    "content-type",
    "content-length",
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
];

/// Checks one extra header given for a call: a valid HTTP name that is not one of
/// [`RESERVED_HEADERS`], and a value without control characters. Errors are validation errors
/// of field `headers.<name>` (nothing is sent); the value is never echoed.
pub fn check_header(name: &str, value: &str) -> Result<(String, String)> {
    let lower = name.trim().to_ascii_lowercase();
    let field = format!("headers.{lower}");
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if lower.is_empty() || !lower.chars().all(token) {
        // The name is not repeated: a credential put where the name goes would be.
        return Err(Error::validation(
            "headers",
            "holds a name that is not a valid header name (letters, digits and \
             !#$%&'*+-.^_`|~ only)",
        ));
    }
    if RESERVED_HEADERS.contains(&lower.as_str()) {
        let why = match lower.as_str() {
            "x-api-key" | "authorization" | "proxy-authorization" | "cookie" => {
                "cannot be set per call: the API key is the client's (apiKey), and no other \
                 credential is sent"
            }
            "user-agent" => "cannot be set per call: use the client's userAgent option",
            _ => "cannot be set per call: the SDK and its HTTP stack set it",
        };
        return Err(Error::validation(field, why));
    }
    if value
        .chars()
        .any(|c| !(c == '\t' || (' '..='~').contains(&c)))
    {
        return Err(Error::validation(
            field,
            "must be printable ASCII (no line breaks or control characters)",
        ));
    }
    Ok((lower, value.trim().to_string()))
}

/// Checks every extra header of a call ([`check_header`]).
pub fn check_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(String, String)>> {
    headers
        .into_iter()
        .map(|(k, v)| check_header(k, v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_malformed_headers_are_refused_naming_the_field() {
        for name in [
            "x-api-key",
            "X-API-KEY",
            "Authorization",
            "connection",
            "host",
        ] {
            let e = check_header(name, "v").unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Validation, "{name}");
            assert_eq!(
                e.field(),
                Some(format!("headers.{}", name.to_ascii_lowercase()).as_str())
            );
            assert_eq!(e.outcome(), crate::Outcome::NotSent);
        }
        let e = check_header("x-api-key", "sk_live_secret").unwrap_err();
        assert!(!e.to_string().contains("sk_live_secret"), "{e}");
        assert_eq!(
            check_header("bad name", "v").unwrap_err().field(),
            Some("headers")
        );
        // A key where the name goes is not repeated either.
        let e = check_header("x y sk_live_0123456789", "v").unwrap_err();
        assert!(!format!("{e} {e:?}").contains("sk_live_0123456789"), "{e}");
        let e = check_header("x-trace", "a\r\nx-api-key: other").unwrap_err();
        assert_eq!(e.field(), Some("headers.x-trace"));
        assert_eq!(
            check_header("X-Idempotency-Key", " abc ").unwrap(),
            ("x-idempotency-key".to_string(), "abc".to_string())
        );
    }

    #[test]
    fn secret_reply_headers_are_redacted() {
        let resp = crate::transport::HttpResponse {
            status: 200,
            headers: vec![
                ("X-Request-Id".into(), "req_1".into()),
                ("set-cookie".into(), "session=abc".into()),
                ("x-api-key".into(), "k".into()),
                ("x-session-token".into(), "t".into()),
                ("content-type".into(), "application/json".into()),
                ("x-card-cvv".into(), "987".into()),
                ("x-user-dob".into(), "1990-05-17".into()),
                ("x-echo".into(), "pin 5813 set".into()),
            ],
            body: vec![],
        };
        let m = ResponseMeta::of(&resp, Duration::from_millis(5), 2, "", &["5813".into()]);
        assert_eq!(m.header("x-card-cvv"), Some(REDACTED));
        assert_eq!(m.header("x-user-dob"), Some(REDACTED));
        assert_eq!(m.header("x-echo"), Some("pin [REDACTED] set"));
        assert_eq!(m.request_id.as_deref(), Some("req_1"));
        assert_eq!(m.header("x-request-id"), Some("req_1"));
        assert_eq!(m.header("set-cookie"), Some(REDACTED));
        assert_eq!(m.header("x-api-key"), Some(REDACTED));
        assert_eq!(m.header("x-session-token"), Some(REDACTED));
        assert_eq!(m.header("content-type"), Some("application/json"));
        assert_eq!((m.status, m.attempts), (200, 2));
    }

    #[test]
    fn a_request_id_that_echoes_a_sent_secret_does_not_show_it() {
        let resp = crate::transport::HttpResponse {
            status: 200,
            headers: vec![("x-request-id".into(), "7319".into())],
            body: vec![],
        };
        let m = ResponseMeta::of(&resp, Duration::from_millis(5), 1, "", &["7319".into()]);
        assert_eq!(m.request_id.as_deref(), Some(REDACTED));
        assert_eq!(m.header("x-request-id"), Some(REDACTED));
    }
}
