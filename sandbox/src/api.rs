//! The `/v1/` front door: faults, authentication, then one dispatch on the route found in the
//! core's route table (`p100::routes::resolve`) — the sandbox serves exactly that table.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{to_bytes, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use p100::models::Validate;
use p100::routes::{self, Method};
use serde::de::DeserializeOwned;

use crate::app::{App, FaultKind};
use crate::error::ApiError;
use crate::faults;
use crate::handlers;
use crate::server::ConnKill;

/// Largest request body read (uploads: 3 files of 5 MB plus form overhead).
const MAX_BODY: usize = 24 * 1024 * 1024;

/// One uploaded multipart part.
#[derive(Debug, Clone)]
pub struct Part {
    /// Form field name.
    pub name: String,
    /// File name, for file parts.
    pub file_name: Option<String>,
    /// The bytes.
    pub data: Bytes,
}

/// What a handler gets: decoded path parameters, raw query, body.
#[derive(Debug)]
pub struct Ctx {
    /// Path parameters in route order.
    pub params: Vec<String>,
    /// The query string (without `?`).
    pub query: String,
    /// The raw body (JSON routes).
    pub body: Bytes,
    /// Multipart parts (upload routes).
    pub parts: Vec<Part>,
}

impl Ctx {
    /// Path parameter `i` (present by construction of the route match).
    pub fn param(&self, i: usize) -> &str {
        self.params.get(i).map(String::as_str).unwrap_or("")
    }

    /// The JSON body as `T`, shape errors as P403. An `amount` above the sandbox's bound
    /// ([`crate::catalog::max_amount`]) is a P403 too.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let t = parse_json(&self.body)?;
        // The body read whole (it is one JSON document, `parse_json` made sure): a failure here
        // is nesting deeper than serde_json follows, or text it refuses (a lone surrogate). It was read as `null` before, and the
        // amount bound below was skipped (outside review, stop 45: a 5·10^28 EUR payment link
        // overflowed the balance it was paid into).
        let body: serde_json::Value = serde_json::from_slice(&self.body).map_err(|_| {
            ApiError::validation(
                "body cannot be read whole (nested too deeply, or a lone surrogate)",
            )
        })?;
        if body
            .get("amount")
            .is_some_and(crate::catalog::above_max_amount)
        {
            return Err(ApiError::validation(
                "amount is too large (the sandbox takes at most 10^15)",
            ));
        }
        Ok(t)
    }

    /// The JSON body as `T` ([`Ctx::json`]), then the core's validation, failures as P403.
    pub fn valid<T: DeserializeOwned + Validate>(&self) -> Result<T, ApiError> {
        let t: T = self.json()?;
        check(&t)?;
        Ok(t)
    }

    /// The query string as `T`, then validation.
    pub fn valid_query<T: DeserializeOwned + Validate>(&self) -> Result<T, ApiError> {
        let t: T = self.query()?;
        check(&t)?;
        Ok(t)
    }

    /// The query string as `T`, without validation (a shape error is a P403). An `amount`
    /// above the sandbox's bound is a P403, as in a body.
    pub fn query<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&self.query).unwrap_or_default();
        let too_large = pairs.into_iter().any(|(k, v)| {
            k == "amount" && crate::catalog::above_max_amount(&serde_json::Value::from(v))
        });
        if too_large {
            return Err(ApiError::validation(
                "amount is too large (the sandbox takes at most 10^15)",
            ));
        }
        serde_urlencoded::from_str(&self.query)
            .map_err(|e| ApiError::validation(clean(&e.to_string(), "query")))
    }
}

/// Runs the core's validation; a failure is a P403 naming the field.
pub fn check<T: Validate>(t: &T) -> Result<(), ApiError> {
    t.validate().map_err(|e| ApiError::from_core(&e))
}

/// Decodes a JSON body; a shape error is a P403 naming the field where possible.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::validation(
            "body must be a JSON object (Content-Type: application/json)",
        ));
    }
    // Every request body of the API is a JSON object. serde would also read a struct from an
    // array of its fields in order (`[null, null]`), which P100 refuses (found by schemathesis).
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::validation("body must be a JSON object"));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let t = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        let at = if path == "." || path.is_empty() {
            "body".to_string()
        } else {
            path
        };
        ApiError::validation(clean(&inner, &at))
    })?;
    // One JSON document and nothing after it (`{…} x` was read as its object, and moved money).
    de.end()
        .map_err(|_| ApiError::validation("body must be one JSON object, with nothing after it"))?;
    Ok(t)
}

/// Turns a serde message into `"<field> <problem>"`, without echoing values (they may be
/// secrets such as a PIN) and without line/column noise.
fn clean(msg: &str, at: &str) -> String {
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return if at == "body" {
            format!("{field} is required")
        } else {
            format!("{at}.{field} is required")
        };
    }
    if msg.starts_with("expected value") || msg.starts_with("EOF") || msg.contains("expected `") {
        return "body is not valid JSON".to_string();
    }
    // Drop quoted values: "invalid type: integer `1234`, expected a string".
    let mut out = String::new();
    let mut inside = false;
    for c in msg.chars() {
        if c == '`' {
            inside = !inside;
            if inside {
                out.push('…');
            }
            continue;
        }
        if !inside {
            out.push(c);
        }
    }
    let out = out.replace("invalid type: ", "has the wrong type: ");
    format!("{at} {out}")
}

/// The fallback handler: every `/v1/` request lands here.
/// Every reply carries a fresh `x-request-id`, and the request is remembered (headers as they
/// arrived, secrets left out) for `GET /_sandbox/requests`.
pub async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let started = Instant::now();
    let method_text = req.method().as_str().to_string();
    // As the SDK logs it: a card number typed into an id shows only its last 4 digits.
    let path = p100::mask::mask_secrets(req.uri().path());
    let request_id = format!("req_{}", crate::util::uuid().replace('-', ""));
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let name = k.as_str().to_ascii_lowercase();
            let secret = matches!(
                name.as_str(),
                "x-api-key" | "authorization" | "proxy-authorization" | "cookie"
            );
            let value = if secret {
                "[redacted]".to_string()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect();
    app.log_request(crate::app::RequestRecord {
        request_id: request_id.clone(),
        method: method_text.clone(),
        path: path.clone(),
        headers,
        status: None,
    });
    let mut resp = serve(&app, req).await;
    app.log_status(&request_id, resp.status().as_u16());
    if let Ok(v) = axum::http::HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    // The sandbox's own time, as P100's `Date` comes from the clock that stamps its history
    // (`advance` moves both): the SDK's `reconcile` reads clock differences from it.
    let date = app.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if let Ok(v) = axum::http::HeaderValue::from_str(&date) {
        resp.headers_mut().insert(axum::http::header::DATE, v);
    }
    if app.settings.log {
        let _ = writeln!(
            std::io::stderr(),
            "{method_text} {path} -> {} ({:.1} ms)",
            resp.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    resp
}

async fn serve(app: &Arc<App>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/v1/") {
        return ApiError::NoRoute(format!("Cannot {} {}", req.method(), path)).into_response();
    }

    // The operation the request is for (None: not in the route table) — faults may be limited
    // to one operation.
    let method = Method::parse(req.method().as_str());
    let resolved = method.and_then(|m| routes::resolve(m, &path));

    // Faults apply to the next N /v1/ requests, before anything else.
    let fault = app.take_fault(resolved.as_ref().map(|(r, _)| r.name));
    if let Some(kind) = &fault {
        if let Some(refused) = faults::refusal(kind) {
            // p500-cut-body: the refusal's body is then cut short.
            let kill = req.extensions().get::<ConnKill>().cloned();
            return faults::reshape(kind, refused, kill).await;
        }
        if let FaultKind::Drop = kind {
            if let Some(kill) = req.extensions().get::<ConnKill>() {
                kill.0.notify_one();
                // The connection task drops this request with the connection.
                std::future::pending::<()>().await;
            }
            return StatusCode::BAD_GATEWAY.into_response();
        }
    }

    // Authentication: x-api-key on every call.
    match req.headers().get("x-api-key") {
        None => return ApiError::Unauthorized("xo1").into_response(),
        Some(v) if v.as_bytes() != app.api_key().as_bytes() => {
            return ApiError::Unauthorized("xo2").into_response()
        }
        Some(_) => {}
    }

    let Some((route, params)) = resolved else {
        return ApiError::NoRoute(format!("Cannot {} {}", req.method(), path)).into_response();
    };

    let kill = req.extensions().get::<ConnKill>().cloned();
    let query = req.uri().query().unwrap_or("").to_string();
    let is_upload = matches!(route.name, "kyc.upload_files" | "kyc.upload_poa");
    let mut ctx = Ctx {
        params,
        query,
        body: Bytes::new(),
        parts: Vec::new(),
    };
    if is_upload {
        match read_parts(req).await {
            Ok(parts) => ctx.parts = parts,
            Err(e) => return e.into_response(),
        }
    } else {
        match to_bytes(req.into_body(), MAX_BODY).await {
            Ok(b) => ctx.body = b,
            Err(_) => {
                return ApiError::validation("body could not be read (too large?)").into_response()
            }
        }
    }

    // The operation runs: from here on it counts as executed, whatever reply follows.
    let result = handlers::dispatch(app, route.name, &ctx);
    app.count_op(route.name, result.is_ok());
    let real = match result {
        Ok(reply) => reply.into_response(),
        Err(e) => e.into_response(),
    };
    match &fault {
        // The operation has run; its reply comes late. A client that gives up first leaves it
        // done, as the fault's `processed` says (outside review, stop 47: the delay came before
        // the handler, which a client's timeout then cancelled: "processed" never ran, and a
        // test of "timed out after sending" always saw nothing happen).
        Some(FaultKind::Delay(d)) => {
            tokio::time::sleep(*d).await;
            real
        }
        Some(kind) => faults::reshape(kind, real, kill).await,
        None => real,
    }
}

async fn read_parts(req: Request) -> Result<Vec<Part>, ApiError> {
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|_| ApiError::validation("body must be multipart/form-data with a files field"))?;
    let mut parts = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                let data = field
                    .bytes()
                    .await
                    .map_err(|_| ApiError::validation("files could not be read"))?;
                parts.push(Part {
                    name,
                    file_name,
                    data,
                });
            }
            Ok(None) => break,
            Err(_) => {
                return Err(ApiError::validation(
                    "body is not valid multipart/form-data",
                ))
            }
        }
    }
    Ok(parts)
}
