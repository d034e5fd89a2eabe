//! The HTTP seam: plain request/response values, a [`Transport`] trait, and the default
//! implementation on reqwest (native targets; on `wasm32` the npm package brings its own, on
//! Node's `fetch`).
//!
//! Building a request and reading a response are pure functions elsewhere in the crate; this
//! module only moves bytes. Tests and embedders can plug in their own [`Transport`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::routes::Method;

/// A future that is `Send` on native targets (and need not be on `wasm32`).
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A future that is `Send` on native targets (and need not be on `wasm32`).
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// `Send + Sync` on native targets, nothing on `wasm32` (single-threaded).
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync> MaybeSendSync for T {}
/// `Send + Sync` on native targets, nothing on `wasm32` (single-threaded).
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T> MaybeSendSync for T {}

/// The body of a request.
#[derive(Clone, PartialEq)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON document (already encoded).
    Json(Vec<u8>),
    /// A `multipart/form-data` form.
    Multipart(Vec<MultipartPart>),
}

/// One part of a multipart form.
#[derive(Clone, PartialEq)]
pub struct MultipartPart {
    /// Form field name (`files`).
    pub name: String,
    /// File name, for file parts.
    pub file_name: Option<String>,
    /// MIME type, for file parts.
    pub content_type: Option<String>,
    /// The bytes.
    pub data: Vec<u8>,
}

impl fmt::Debug for MultipartPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartPart")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            // JSON bodies may hold PINs or document numbers: show only the size.
            Body::Json(b) => write!(f, "Json({} bytes)", b.len()),
            Body::Multipart(parts) => f.debug_list().entries(parts).finish(),
        }
    }
}

/// A fully built HTTP request.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// The attempt's deadline: a transport honours it while connecting, sending and reading
    /// the body (the client also stops waiting when it has passed).
    pub timeout: Duration,
    /// Longest reply body accepted; a longer one fails as [`BodyFailure::TooLarge`].
    pub max_response_bytes: usize,
    /// Where the transport says that the reply's head arrived, before its body (see
    /// [`ReplyHead`]).
    pub head: ReplyHead,
}

/// Where a transport tells the client that a reply's head (its status and headers) arrived,
/// before the body is read: a call that changes something and is cancelled while a 2xx body
/// is still coming then says that P100 accepted it (outcome `accepted`, never send it again)
/// instead of `unknown`. A transport that never calls [`ReplyHead::arrived`] leaves such a call
/// `unknown`, the safe side. Only the first head counts; clones share it.
#[derive(Clone, Default)]
pub struct ReplyHead(Option<std::sync::Arc<std::sync::OnceLock<HttpResponse>>>);

impl ReplyHead {
    /// A head that is listened to (the client makes one for each attempt of a call that
    /// changes something; the default listens to nothing).
    pub fn watched() -> ReplyHead {
        ReplyHead(Some(Default::default()))
    }

    /// The reply's status and headers arrived (its body not yet).
    pub fn arrived(&self, status: u16, headers: &[(String, String)]) {
        if let Some(cell) = &self.0 {
            let _ = cell.set(HttpResponse {
                status,
                headers: headers.to_vec(),
                body: Vec::new(),
            });
        }
    }

    /// The head that arrived (with an empty body), if one did and it was listened to.
    pub fn get(&self) -> Option<&HttpResponse> {
        self.0.as_ref().and_then(|cell| cell.get())
    }
}

impl PartialEq for ReplyHead {
    /// Requests compare by what they send: who listens for the reply is no part of it.
    fn eq(&self, _: &ReplyHead) -> bool {
        true
    }
}

impl fmt::Debug for ReplyHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.get() {
            Some(_) => "ReplyHead(arrived)",
            None => "ReplyHead",
        })
    }
}

impl HttpRequest {
    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret =
                    k.eq_ignore_ascii_case("x-api-key") || k.eq_ignore_ascii_case("authorization");
                (k.as_str(), if secret { "[REDACTED]" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// An HTTP response.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may hold card data: only their size is shown.
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request got no HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request provably never reached the server (connection refused, DNS failure):
    /// sending it again cannot duplicate anything.
    NotSent(String),
    /// No response in time. The server may or may not have received the request.
    Timeout,
    /// The connection failed after the request may have been sent (reset, broken pipe, …).
    Failed(String),
    /// The status line and headers arrived, then the body could not be read in full. The
    /// server did process the request: `response` holds the status, the headers and whatever
    /// body bytes arrived.
    Body {
        /// What arrived: status, headers, the partial body.
        response: HttpResponse,
        /// Why the body stopped.
        failure: BodyFailure,
    },
}

/// Why a reply body could not be read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyFailure {
    /// The connection broke (closed early, reset, cut short).
    Broken(String),
    /// The deadline passed while the body was arriving.
    Timeout,
    /// The body is longer than the limit (bytes).
    TooLarge(usize),
}

impl fmt::Display for BodyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyFailure::Broken(m) => write!(f, "the reply body was cut short ({m})"),
            BodyFailure::Timeout => f.write_str("the reply body did not arrive in time"),
            BodyFailure::TooLarge(limit) => {
                write!(
                    f,
                    "the reply body is larger than the limit of {limit} bytes"
                )
            }
        }
    }
}

impl std::error::Error for TransportError {}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::NotSent(m) => write!(f, "could not connect: {m}"),
            TransportError::Timeout => f.write_str("timed out"),
            TransportError::Failed(m) => write!(f, "connection failed: {m}"),
            TransportError::Body { response, failure } => {
                write!(f, "HTTP {} arrived, but {failure}", response.status)
            }
        }
    }
}

/// Sends one HTTP request. Implementations must not retry: the client decides that.
pub trait Transport: MaybeSendSync + fmt::Debug {
    /// Sends `request` and returns the response, whatever its status.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// `true` when [`send`](Transport::send) always ends by [`HttpRequest::timeout`] (reporting
    /// [`TransportError::Timeout`] or [`BodyFailure::Timeout`] itself). The client then spares
    /// the extra timer it otherwise races against every attempt of a custom transport.
    fn honours_deadline(&self) -> bool {
        false
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod reqwest;
#[cfg(not(target_arch = "wasm32"))]
pub use self::reqwest::{Proxies, ReqwestTransport};

/// How long the default transport tries to connect (10 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest reply body the client reads by default (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Sleeps on both targets (tokio timer natively, `setTimeout` on `wasm32`).
pub async fn sleep(d: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(d).await;
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::sleep(d).await;
}

/// Runs `fut` with a deadline; `None` when the time ran out first.
pub async fn timeout<F: Future>(d: Duration, fut: F) -> Option<F::Output> {
    use futures_util::future::{select, Either};
    let fut = std::pin::pin!(fut);
    let timer = std::pin::pin!(sleep(d));
    match select(fut, timer).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(_) => None,
    }
}
