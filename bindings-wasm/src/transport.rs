//! The core's [`Transport`] on undici (Node's HTTP client): `js/transport.cjs` does the exchange, this file
//! converts the core's request into its arguments and its answer (or its failure) back into the
//! core's [`HttpResponse`] / [`TransportError`]. Retries, deadlines per attempt, outcomes and
//! error mapping stay in the core, as on every other platform.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use p100::transport::{
    Body, BodyFailure, BoxFuture, HttpRequest, HttpResponse, ReplyHead, Transport, TransportError,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/js/transport.cjs")]
extern "C" {
    #[wasm_bindgen(js_name = send)]
    fn js_send(
        method: &str,
        url: &str,
        headers: Vec<String>,
        body: Option<Vec<u8>>,
        parts: JsValue,
        timeout_ms: f64,
        max_bytes: f64,
        connect_timeout_ms: f64,
    ) -> Promise;

    /// `{ status, headers, body }`.
    type Reply;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Reply) -> Option<u16>;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &Reply) -> Option<Vec<String>>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Reply) -> Option<Vec<u8>>;

    /// `{ kind, message, reply?, failure? }`.
    type Failure;
    #[wasm_bindgen(method, getter)]
    fn kind(this: &Failure) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn message(this: &Failure) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn reply(this: &Failure) -> Option<Reply>;
    #[wasm_bindgen(method, getter)]
    fn failure(this: &Failure) -> Option<String>;
}

/// The transport of every `Client` of the npm package; connects within `connect_timeout`.
#[derive(Debug)]
pub(crate) struct FetchTransport {
    pub(crate) connect_timeout: std::time::Duration,
}

impl Transport for FetchTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(send(request, self.connect_timeout))
    }

    /// `js/transport.cjs` aborts the exchange at the deadline and says whether the head or the
    /// body was late.
    fn honours_deadline(&self) -> bool {
        true
    }
}

async fn send(
    request: HttpRequest,
    connect_timeout: std::time::Duration,
) -> Result<HttpResponse, TransportError> {
    let limit = request.max_response_bytes;
    let headers = request
        .headers
        .into_iter()
        .flat_map(|(k, v)| [k, v])
        .collect();
    let (body, parts) = match request.body {
        Body::Empty => (None, JsValue::UNDEFINED),
        Body::Json(bytes) => (Some(bytes), JsValue::UNDEFINED),
        Body::Multipart(parts) => {
            let list = Array::new();
            for p in parts {
                let part = Object::new();
                let set = |k: &str, v: JsValue| Reflect::set(&part, &JsValue::from_str(k), &v);
                let _ = set("name", p.name.into());
                let _ = set("fileName", p.file_name.map_or(JsValue::NULL, Into::into));
                let _ = set(
                    "contentType",
                    p.content_type.map_or(JsValue::NULL, Into::into),
                );
                let _ = set("data", Uint8Array::from(&p.data[..]).into());
                list.push(&part);
            }
            (None, list.into())
        }
    };
    let promise = js_send(
        request.method.as_str(),
        &request.url,
        headers,
        body,
        parts,
        request.timeout.as_secs_f64() * 1000.0,
        limit as f64,
        connect_timeout.as_secs_f64() * 1000.0,
    );
    let mut in_flight = CancelOnDrop(Some(promise.clone()), request.head);
    let settled = JsFuture::from(promise).await;
    in_flight.0 = None; // settled: nothing left to cancel

    match settled {
        Ok(reply) => Ok(response(reply.unchecked_into())),
        Err(e) => Err(transport_error(e.unchecked_into(), limit)),
    }
}

/// The exchange in flight: dropped before it settled (the caller's `AbortSignal` fired, see
/// `p100::AbortSignal`), it tells the core whether the reply's head had arrived (the promise's
/// `head()`: a 2xx head says the call was accepted), then aborts the HTTP request through the
/// promise's `cancel()` (`js/transport.cjs`), so that the socket is not left busy for a reply
/// nobody reads.
struct CancelOnDrop(Option<Promise>, ReplyHead);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let method = |name: &str| {
                Reflect::get(&p, &JsValue::from_str(name))
                    .ok()
                    .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            };
            if let Some(head) = method("head").and_then(|f| f.call0(&p).ok()) {
                if head.is_object() {
                    let head = response(head.unchecked_into());
                    self.1.arrived(head.status, &head.headers);
                }
            }
            if let Some(cancel) = method("cancel") {
                let _ = cancel.call0(&p);
            }
        }
    }
}

fn response(reply: Reply) -> HttpResponse {
    let flat = reply.headers().unwrap_or_default();
    let headers = flat
        .chunks_exact(2)
        .map(|kv| (kv[0].to_ascii_lowercase(), kv[1].clone()))
        .collect();
    HttpResponse {
        status: reply.status().unwrap_or(0),
        headers,
        body: reply.body().unwrap_or_default(),
    }
}

fn transport_error(f: Failure, limit: usize) -> TransportError {
    let message = f.message().unwrap_or_else(|| "fetch failed".into());
    match f.kind().as_deref() {
        Some("not_sent") => TransportError::NotSent(message),
        Some("timeout") => TransportError::Timeout,
        Some("body") => {
            let failure = match f.failure().as_deref() {
                Some("too_large") => BodyFailure::TooLarge(limit),
                Some("timeout") => BodyFailure::Timeout,
                _ => BodyFailure::Broken(message),
            };
            match f.reply() {
                Some(reply) => TransportError::Body {
                    response: response(reply),
                    failure,
                },
                None => TransportError::Failed("the reply was lost".into()),
            }
        }
        // "failed", or anything unexpected: the request may have been sent.
        _ => TransportError::Failed(message),
    }
}
