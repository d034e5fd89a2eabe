//! Error replies in the documented shapes.
//!
//! * business errors: HTTP 400 (404 for "not found" codes) with
//!   `{"errorCode","errorName","errorMessage"}`;
//! * validation errors: HTTP 400 with `{"errorCode":"P403","errorMessage"}` — no `errorName`;
//! * authentication: HTTP 401 with the plain text `Access Denied. xo1` / `xo2`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// A P-code with its HTTP status, `errorName` and default message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// `P412`…
    pub code: &'static str,
    /// `invalid-user`…
    pub name: &'static str,
    /// HTTP status.
    pub status: u16,
    /// Default `errorMessage`.
    pub message: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $code:literal, $name:literal, $status:literal, $msg:literal;)+) => {
        $(
            #[doc = concat!("`", $code, "` `", $name, "` (HTTP ", stringify!($status), "): ", $msg)]
            pub const $konst: Code = Code { code: $code, name: $name, status: $status, message: $msg };
        )+
        /// Every code the sandbox can answer with.
        pub const ALL_CODES: &[Code] = &[$($konst),+];
    };
}

codes! {
    // Documented codes (the code and its meaning; of the names, the docs give only those of
    // P410, P412, P424, P428 and P433: the others are the sandbox's wording, marked * in its
    // README).
    INVALID_CURRENCY = "P410", "invalid-currency", 400, "Currency not found.";
    USER_EXISTS = "P411", "user-exists", 400, "User with this externalUserId already exists.";
    INVALID_USER = "P412", "invalid-user", 400, "User does not exist";
    SOURCE_OR_DESTINATION = "P424", "source-or-destination-required", 400, "Source or destination must be provided.";
    INVALID_FILE_TYPE = "P426", "invalid-file-type", 400, "Invalid file type.";
    SEPA_NOT_FOUND = "P428", "sepa-transfer-not-found", 404, "Sepa transfer not found.";
    INSUFFICIENT_FUNDS = "P433", "insufficient-funds", 400, "Insufficient funds.";
    CARD_NOT_EXIST = "P434", "card-not-exist", 400, "Card does not exist.";
    FILE_TOO_LARGE = "P440", "file-too-large", 400, "File too large.";
    KYC_NOT_FOUND = "P445", "kyc-not-found", 404, "KYC verification not found.";
    POA_ALREADY_VERIFIED = "P447", "poa-already-verified", 400, "POA already verified.";
    FORBIDDEN_COUNTRY_CARD = "P451", "forbidden-country-card", 400, "User of this country cannot have card";
    SUSPEND_ACTIVE_CARDS = "P454", "suspension-not-possible-active-cards", 400, "Suspension is not possible due to active cards.";
    USER_SUSPENDED = "P455", "user-suspended", 400, "User is suspended.";
    USER_NOT_VERIFIED = "P459", "user-not-verified", 400, "User not verified.";
    // Codes the docs do not give: chosen by the sandbox (listed in sandbox/README.md).
    TRANSFER_NOT_FOUND = "P429", "transfer-not-found", 404, "Transfer not found.";
    LOCK_NOT_FOUND = "P436", "lock-not-found", 400, "Lock not found or already used.";
    LOCK_EXPIRED = "P437", "lock-expired", 400, "The lock has expired; create a new lock.";
    EXCHANGE_NOT_FOUND = "P438", "exchange-not-found", 404, "Exchange not found.";
    WITHDRAWAL_NOT_FOUND = "P439", "crypto-withdrawal-not-found", 404, "Crypto withdrawal not found.";
    ORDER_NOT_FOUND = "P441", "order-not-found", 404, "Order not found.";
    PAYMENT_LINK_NOT_FOUND = "P442", "payment-link-not-found", 404, "Payment link not found.";
    DEPOSIT_NOT_FOUND = "P443", "crypto-deposit-not-found", 404, "Crypto deposit not found.";
    TRAVEL_RULE_NOT_REQUIRED = "P444", "travel-rule-not-required", 400, "The deposit is not waiting for travel rule data.";
    CARD_LIMIT = "P452", "card-limit-reached", 400, "A user can hold at most 10 cards.";
    CARD_NOT_ACTIVE = "P453", "card-not-active", 400, "The card is not in a state that allows this operation.";
}

/// An error reply of the sandbox.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// A business error with a P-code.
    Business {
        /// The code.
        code: Code,
        /// The `errorMessage`.
        message: String,
    },
    /// A validation error (P403).
    Validation(String),
    /// 401 with `Access Denied. <reason>`.
    Unauthorized(&'static str),
    /// 404 for a path that is not in the route table.
    NoRoute(String),
}

impl ApiError {
    /// A business error with the code's default message.
    pub fn of(code: Code) -> Self {
        ApiError::Business {
            code,
            message: code.message.to_string(),
        }
    }

    /// A business error with a specific message.
    pub fn with(code: Code, message: impl Into<String>) -> Self {
        ApiError::Business {
            code,
            message: message.into(),
        }
    }

    /// A P403 validation error, `"<field> <problem>"`.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::Validation(message.into())
    }

    /// A P403 from a core validation error: `"destinationIban checksum is wrong"`.
    pub fn from_core(e: &p100::Error) -> Self {
        let msg = e.message();
        let text = match e.field() {
            Some(f) => match msg.strip_prefix(&format!("{f}: ")) {
                Some(rest) => format!("{f} {rest}"),
                None => msg.to_string(),
            },
            None => msg.to_string(),
        };
        ApiError::Validation(text)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Business { code, .. } => {
                StatusCode::from_u16(code.status).unwrap_or(StatusCode::BAD_REQUEST)
            }
            ApiError::Validation(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
        }
    }

    /// The JSON error object (also used inside failed operations' `error` field).
    pub fn body(&self) -> Value {
        match self {
            ApiError::Business { code, message } => json!({
                "errorCode": code.code,
                "errorName": code.name,
                "errorMessage": message,
            }),
            ApiError::Validation(m) => json!({ "errorCode": "P403", "errorMessage": m }),
            ApiError::Unauthorized(r) => json!({ "message": format!("Access Denied. {r}") }),
            ApiError::NoRoute(m) => {
                json!({ "statusCode": 404, "message": m, "error": "Not Found" })
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Unauthorized(reason) = self {
            let mut r = (status, format!("Access Denied. {reason}")).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return r;
        }
        crate::reply::json_response(status, &self.body())
    }
}
