//! Successful replies.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// What a handler answers when it succeeds.
#[derive(Debug)]
pub enum Reply {
    /// A JSON document with a status (200, 201…).
    Json(StatusCode, Value),
    /// An HTML page (`text/html`).
    Html(String),
    /// An already encoded JSON document (200).
    RawJson(axum::body::Bytes),
}

impl Reply {
    /// 200 with a JSON body.
    pub fn ok(v: Value) -> Reply {
        Reply::Json(StatusCode::OK, v)
    }

    /// 201 with a JSON body.
    pub fn created(v: Value) -> Reply {
        Reply::Json(StatusCode::CREATED, v)
    }

    /// 200 with `{}` (calls whose reply body the docs do not describe).
    pub fn empty() -> Reply {
        Reply::Json(StatusCode::OK, Value::Object(Default::default()))
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Json(status, v) => json_response(status, &v),
            Reply::RawJson(bytes) => {
                let mut r = Response::new(Body::from(bytes));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                r
            }
            Reply::Html(html) => {
                let mut r = Response::new(Body::from(html));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                r
            }
        }
    }
}

/// A JSON response (`application/json`) with `status`.
pub fn json_response(status: StatusCode, v: &Value) -> Response {
    let bytes = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
