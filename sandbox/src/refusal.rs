//! [`Refusal`]: why the sandbox refused a control, with the argument at fault named
//! structurally (never guessed from the message), for the HTTP controls (`{"error", "field"}`)
//! and for the language packages' `Sandbox` types (see [`crate::host`]).

use std::borrow::Cow;
use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::reply::json_response;

/// A refused control: the argument at fault as the control's JSON body names it
/// (`"externalUserId"`, `"retryAfter"`), when one is, and why. A refusal about the sandbox's
/// state (no webhook target set, a stopped sandbox) names no argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub(crate) status: StatusCode,
    field: Option<Cow<'static, str>>,
    message: String,
}

impl Refusal {
    /// A bad value of the argument `field` (HTTP 400).
    pub(crate) fn arg(field: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            field: Some(Cow::Borrowed(field)),
            message: message.into(),
        }
    }

    /// A bad request that no single argument is at fault for (HTTP 400).
    pub(crate) fn request(message: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            field: None,
            message: message.into(),
        }
    }

    /// The same refusal answered with `status`.
    pub(crate) fn status(mut self, status: StatusCode) -> Refusal {
        self.status = status;
        self
    }

    /// A refusal read back from a control's reply (`{"error", "field"?}` with `status`).
    pub(crate) fn from_reply(status: u16, field: Option<String>, message: String) -> Refusal {
        Refusal {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            field: field.map(Cow::Owned),
            message,
        }
    }

    /// The argument at fault, as the control's JSON body names it.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// Why (names the argument in words too; never echoes a secret).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True for a refusal about the sandbox's state rather than an argument (HTTP 409).
    pub fn is_state(&self) -> bool {
        self.status == StatusCode::CONFLICT
    }

    /// The HTTP status the control endpoint answers this refusal with.
    pub fn http_status(&self) -> u16 {
        self.status.as_u16()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = match &self.field {
            Some(field) => json!({ "error": self.message, "field": field }),
            None => json!({ "error": self.message }),
        };
        json_response(self.status, &body)
    }
}
