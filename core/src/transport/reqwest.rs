//! The default [`Transport`] on native targets: reqwest (rustls, HTTP/2).

use std::time::Duration;

use super::{
    timeout, Body, BodyFailure, BoxFuture, HttpRequest, HttpResponse, Transport, TransportError,
    DEFAULT_CONNECT_TIMEOUT,
};
use crate::fork::PerProcess;
use crate::routes::Method;

/// The default transport, on reqwest.
///
/// **Fork safety.** A process forked after the transport was made (gunicorn `--preload`, Celery
/// prefork, `multiprocessing` with the fork start method) must not share the parent's pooled
/// connections (two processes reading one socket) nor wait on connection tasks of a runtime whose
/// threads did not survive the fork. A transport this crate built itself notices that it runs in
/// another process (its pid changed) and makes a fresh HTTP client there, once per process
/// ([`PerProcess`]: no lock that a fork could leave taken).
#[derive(Debug)]
pub struct ReqwestTransport {
    /// How to make the client again in a forked child; `None` for a client of the caller's
    /// ([`ReqwestTransport::with_client`]), which is used as it is.
    settings: Option<(Duration, Proxies)>,
    /// The process that made `client`.
    pid: u32,
    client: reqwest::Client,
    /// The client of a forked child (and of its children).
    forked: PerProcess<reqwest::Client>,
}

/// Which HTTP proxies a [`ReqwestTransport`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proxies {
    /// The environment's `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (reqwest's default).
    FromEnvironment,
    /// None: connect directly. The client uses this for loopback base URLs, so that the API key
    /// of a local sandbox never travels to a proxy.
    None,
}

impl ReqwestTransport {
    /// A transport with reqwest's defaults, except that redirects are **not** followed: a
    /// redirect would carry the `x-api-key` header (and a money-moving body) to a URL the SDK
    /// never checked. A 3xx reply is returned to the client, which reports it as an error.
    pub fn new() -> crate::Result<Self> {
        ReqwestTransport::with_options(DEFAULT_CONNECT_TIMEOUT, Proxies::FromEnvironment)
    }

    /// Like [`ReqwestTransport::new`], giving up on connecting after `connect_timeout`. A
    /// connection that was never made carried nothing, so that failure is
    /// [`TransportError::NotSent`] and even a money-moving call may be sent again.
    pub fn with_connect_timeout(connect_timeout: Duration) -> crate::Result<Self> {
        ReqwestTransport::with_options(connect_timeout, Proxies::FromEnvironment)
    }

    /// Like [`ReqwestTransport::with_connect_timeout`], with the choice of proxies.
    pub fn with_options(connect_timeout: Duration, proxies: Proxies) -> crate::Result<Self> {
        let client = default_client(connect_timeout, proxies)?;
        Ok(ReqwestTransport {
            settings: Some((connect_timeout, proxies)),
            pid: std::process::id(),
            client,
            forked: PerProcess::new(),
        })
    }

    /// A transport over a reqwest client you configured (proxy, TLS roots, …). After a fork,
    /// making a fresh client is up to you: this one is used as it is.
    pub fn with_client(client: reqwest::Client) -> Self {
        ReqwestTransport {
            settings: None,
            pid: std::process::id(),
            client,
            forked: PerProcess::new(),
        }
    }

    /// The client for this process (see the type's docs on fork safety).
    fn client(&self) -> Result<reqwest::Client, TransportError> {
        let pid = std::process::id();
        let Some((connect_timeout, proxies)) = self.settings.filter(|_| pid != self.pid) else {
            return Ok(self.client.clone());
        };
        let made = self
            .forked
            .get_or_try_init(|| default_client(connect_timeout, proxies));
        match made.map_err(|e| TransportError::NotSent(e.to_string()))? {
            Some(client) => Ok(client.clone()),
            None => Err(TransportError::NotSent(format!(
                "this process is more than {} forks away from the one that made the client",
                crate::fork::GENERATIONS
            ))),
        }
    }
}

fn default_client(connect_timeout: Duration, proxies: Proxies) -> crate::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout);
    if proxies == Proxies::None {
        builder = builder.no_proxy();
    }
    trust(builder)
        .build()
        .map_err(|e| crate::Error::config(format!("the HTTP client could not start: {e}")))
}

/// Which certificates a server may present: the platform's verifier (the OS trust store and its
/// revocation checks, through rustls-platform-verifier) everywhere but on Android, where that
/// verifier needs a JNI context the app would have to hand over first. There, and on any
/// platform with feature `bundled-roots`, Mozilla's root certificates built into the library
/// (webpki-root-certs) are the only trust anchors, checked by rustls' own WebPKI verifier.
#[cfg(not(any(target_os = "android", feature = "bundled-roots")))]
fn trust(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}

#[cfg(any(target_os = "android", feature = "bundled-roots"))]
fn trust(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    // `from_der` only keeps the bytes with rustls (it cannot fail); rustls parses them when the
    // client is built.
    let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok());
    builder.tls_certs_only(roots)
}

fn reqwest_method(m: Method) -> reqwest::Method {
    match m {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    // Only messages are kept: reqwest's (it holds the URL but never headers) and those of its
    // causes (hyper, io, rustls: e.g. "invalid peer certificate: UnknownIssuer"), so that a
    // refused certificate or a refused connection says so.
    // A connect timeout is a connect error too: nothing was sent.
    if e.is_connect() || e.is_builder() {
        return TransportError::NotSent(with_causes(&e));
    }
    if e.is_timeout() {
        return TransportError::Timeout;
    }
    TransportError::Failed(with_causes(&e))
}

/// `error: cause: cause of the cause`, skipping a cause whose text its parent already holds.
fn with_causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

async fn send_reqwest(
    client: &reqwest::Client,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    let mut builder = client.request(reqwest_method(request.method), &request.url);
    for (k, v) in &request.headers {
        builder = builder.header(k, v);
    }
    builder = match request.body {
        Body::Empty => builder,
        Body::Json(bytes) => builder.body(bytes),
        Body::Multipart(parts) => {
            let mut form = reqwest::multipart::Form::new();
            for p in parts {
                let mut part = reqwest::multipart::Part::bytes(p.data);
                if let Some(name) = p.file_name {
                    part = part.file_name(name);
                }
                if let Some(ct) = p.content_type {
                    part = part
                        .mime_str(&ct)
                        .map_err(|e| TransportError::NotSent(e.to_string()))?;
                }
                form = form.part(p.name, part);
            }
            builder.multipart(form)
        }
    };
    let started = web_time::Instant::now();
    let deadline = request.timeout;
    let limit = request.max_response_bytes;
    let response = timeout(deadline, builder.send())
        .await
        .ok_or(TransportError::Timeout)?
        .map_err(classify)?;
    let mut out = HttpResponse {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: Vec::new(),
    };
    request.head.arrived(out.status, &out.headers);
    let fail = |out: HttpResponse, failure| TransportError::Body {
        response: out,
        failure,
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(fail(out, BodyFailure::TooLarge(limit)));
    }
    let mut response = response;
    match read_body(&mut response, &mut out, limit, deadline, started).await {
        Ok(()) => Ok(out),
        Err(failure) => Err(fail(out, failure)),
    }
}

/// Reads the body into `out.body`, piece by piece, within the deadline and the size limit.
async fn read_body(
    response: &mut reqwest::Response,
    out: &mut HttpResponse,
    limit: usize,
    deadline: Duration,
    started: web_time::Instant,
) -> Result<(), BodyFailure> {
    loop {
        let left = deadline.saturating_sub(started.elapsed());
        match timeout(left, response.chunk()).await {
            None => return Err(BodyFailure::Timeout),
            Some(Err(e)) => return Err(BodyFailure::Broken(e.to_string())),
            Some(Ok(None)) => return Ok(()),
            Some(Ok(Some(chunk))) => {
                if out.body.len().saturating_add(chunk.len()) > limit {
                    return Err(BodyFailure::TooLarge(limit));
                }
                out.body.extend_from_slice(&chunk);
            }
        }
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let client = self.client()?;
            send_reqwest(&client, request).await
        })
    }

    fn honours_deadline(&self) -> bool {
        true
    }
}
