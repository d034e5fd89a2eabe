//! Swift and Kotlin support (feature `uniffi`), used by `bindings-mobile`.
//!
//! * Every model derives `uniffi::Record` and every string enum `uniffi::Enum` (the `cfg_attr`
//!   lines in `macros.rs`). A string enum's `Unknown(String)` variant crosses as a variant that
//!   carries the text: `Currency.Unknown("xyz")` in Kotlin, `.unknown("xyz")` in Swift.
//! * [`Amount`] crosses as its exact decimal text. Swift sees `typealias Amount = String`; Kotlin
//!   maps it to `java.math.BigDecimal` (custom type config in `bindings-mobile/uniffi.toml`), built
//!   from the text and turned back into text with `toPlainString()`, so no float is ever involved
//!   and the scale is kept (`"0.00"` stays `0.00`).
//! * [`SecretString`] crosses as text and is wrapped on the foreign side in a type whose
//!   `toString()` / `description` is `[REDACTED]` (`io.p100.sdk.Secret` in Kotlin, `Secret` in
//!   Swift): a Kotlin data class or a Swift struct printed in a log never shows a PAN, CVV, PIN
//!   or document number (DESIGN principle 8). Read the value with `reveal()`.
//! * [`P100Error`] is the one error type of the FFI: `P100Error` in Swift, `P100Exception` in
//!   Kotlin. It is defined here, next to the custom types, so that an amount that is not an exact
//!   decimal fails as a validation error of that type rather than as an internal FFI error.
//!
//! The scaffolding itself (`uniffi::setup_scaffolding!`) sits at the crate root, where uniffi
//! requires its `UniFfiTag` to be.

use std::fmt;

use std::collections::HashMap;

use crate::client::Environment;
use crate::models::{
    Balances, CryptoBalance, ExchangeRates, FiatBalance, FileUpload, OrderRates, SepaContact,
    SepaContacts, Transaction, TransactionHistory,
};
use crate::{Amount, Error, ErrorKind, SecretString};

// The models that are not declared through `model!` (they have hand-written serde or
// `Debug` impls). `remote` re-states their fields for uniffi without redefining them; the
// compiler checks that the fields match. `bindings-mobile` imports them with
// `uniffi::use_remote_type!`.

/// All balances of the partner or of a user.
#[uniffi::remote(Record)]
pub struct Balances {
    /// Fiat balances.
    pub fiat_balances: Vec<FiatBalance>,
    /// Crypto balances.
    pub crypto_balances: Vec<CryptoBalance>,
}

/// One file of a multipart upload (KYC documents, proof of address).
#[uniffi::remote(Record)]
pub struct FileUpload {
    /// File name sent with the part (`passport.jpg`).
    pub file_name: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// Indicative EUR rates of every currency: not binding.
#[uniffi::remote(Record)]
pub struct ExchangeRates {
    /// Rate per currency code, as sent (lower case in the docs).
    pub rates: HashMap<String, Amount>,
}

/// Current order rates without a lock.
#[uniffi::remote(Record)]
pub struct OrderRates {
    /// Rate per currency code, as sent.
    pub rates: HashMap<String, Amount>,
}

/// A transaction history (one month).
#[uniffi::remote(Record)]
pub struct TransactionHistory {
    /// The transactions, as sent.
    pub transactions: Vec<Transaction>,
}

/// The SEPA deposit contact list (whitelisted sender IBANs).
#[uniffi::remote(Record)]
pub struct SepaContacts {
    /// The contacts.
    pub contacts: Vec<SepaContact>,
}

/// A P100 environment.
#[uniffi::remote(Enum)]
pub enum Environment {
    /// `https://partner-api-stage.p100.io`: test data, no real money.
    Staging,
    /// `https://partner-api.p100.io`: real money.
    Production,
}

/// Per-enum hook of `string_enum!`: nothing to add, the `derive(uniffi::Enum)` in `macros.rs`
/// covers the known values and the `Unknown(String)` variant.
#[macro_export]
#[doc(hidden)]
macro_rules! __uniffi_enum_extras {
    ($name:ident) => {};
}

uniffi::custom_type!(Amount, String, {
    lower: |amount| amount.to_string(),
    try_lift: |text| match Amount::parse(&text) {
        Ok(amount) => Ok(amount),
        Err(_) => Err(P100Error::from(Error::validation(
            "amount",
            format!("{text:?} is not an exact decimal amount (at most 28 decimal places)"),
        ))
        .into()),
    },
});

uniffi::custom_type!(SecretString, String, {
    lower: |secret| secret.expose().to_string(),
    try_lift: |text| Ok(SecretString::new(text)),
});

/// An error of the P100 SDK: one case per kind of failure.
///
/// Every case carries the same fields: `reason` (a readable explanation that never contains a
/// secret), `code` (the P-code such as `"P412"`, when the API sent one), `errorName`
/// (`"invalid-user"`…), `status` (the HTTP status, when a reply was received), `requestId`
/// (the server's request id, when sent), `retryable` (sending the same call again cannot cause a
/// duplicate operation), `retryAfterMs` (how long the server asked to wait), `field` (the request
/// field at fault, for validation errors), `accepted` (the server accepted the operation although
/// its reply could not be read: check the details endpoint, do not send it again) and `operation`
/// (the SDK operation that failed, e.g. `"sepa.partner_transfer"`).
#[derive(Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum P100Error {
    /// Bad input caught before anything was sent (or a P403 from the API). Has a `field`.
    Validation {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// 401: key missing (`xo1`), wrong (`xo2`) or IP not allowed (`xo3`).
    Authentication {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// A business error from the API with a P-code (`P412`, `P433`, …).
    Api {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// 429: too many requests; `retryAfterMs` says how long to wait when the server said.
    RateLimited {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// `P501` or an HTTP 5xx: the service is unavailable.
    Unavailable {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// The request could not be completed on the network (refused, reset, DNS, TLS).
    Network {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// No reply within the timeout (or a `waitFor` that ran out of time).
    Timeout {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// A reply that could not be read; `accepted` tells whether the operation was accepted.
    Decode {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// The client is misconfigured (no API key, bad base URL, …).
    Config {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
    /// A webhook delivery without the right `Authorization` token: answer it with 401.
    WebhookUnauthorized {
        /// Readable explanation (no secrets).
        reason: String,
        /// P-code, when the API sent one.
        code: Option<String>,
        /// `errorName` from the API, when sent.
        error_name: Option<String>,
        /// HTTP status, when a reply was received.
        status: Option<i32>,
        /// The server's request id, when sent.
        request_id: Option<String>,
        /// True when the same call can be sent again safely.
        retryable: bool,
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<i64>,
        /// The request field at fault.
        field: Option<String>,
        /// True when the server accepted the operation despite this error.
        accepted: bool,
        /// The SDK operation that failed.
        operation: Option<String>,
    },
}

/// The fields every case of [`P100Error`] carries, in one place.
#[derive(Clone, Copy)]
struct Fields<'a> {
    kind: ErrorKind,
    reason: &'a str,
    code: Option<&'a str>,
    status: Option<i32>,
    request_id: Option<&'a str>,
    retryable: bool,
    field: Option<&'a str>,
    accepted: bool,
}

macro_rules! with_fields {
    ($error:expr, |$kind:ident, $reason:ident, $code:ident, $status:ident, $request_id:ident,
      $retryable:ident, $field:ident, $accepted:ident| $body:expr) => {{
        use P100Error as E;
        match $error {
            E::Validation {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Validation;
                $body
            }
            E::Authentication {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Authentication;
                $body
            }
            E::Api {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Api;
                $body
            }
            E::RateLimited {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::RateLimited;
                $body
            }
            E::Unavailable {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Unavailable;
                $body
            }
            E::Network {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Network;
                $body
            }
            E::Timeout {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Timeout;
                $body
            }
            E::Decode {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Decode;
                $body
            }
            E::Config {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::Config;
                $body
            }
            E::WebhookUnauthorized {
                reason: $reason,
                code: $code,
                status: $status,
                request_id: $request_id,
                retryable: $retryable,
                field: $field,
                accepted: $accepted,
                ..
            } => {
                let $kind = ErrorKind::WebhookUnauthorized;
                $body
            }
        }
    }};
}

impl P100Error {
    fn fields(&self) -> Fields<'_> {
        with_fields!(self, |kind,
                            reason,
                            code,
                            status,
                            request_id,
                            retryable,
                            field,
                            accepted| {
            Fields {
                kind,
                reason: reason.as_str(),
                code: code.as_deref(),
                status: *status,
                request_id: request_id.as_deref(),
                retryable: *retryable,
                field: field.as_deref(),
                accepted: *accepted,
            }
        })
    }
}

#[uniffi::export]
impl P100Error {
    /// The kind as a stable lower-case name: `validation`, `authentication`, `api`,
    /// `rate_limited`, `unavailable`, `network`, `timeout`, `decode`, `config`,
    /// `webhook_unauthorized`.
    pub fn kind(&self) -> String {
        self.fields().kind.as_str().to_string()
    }

    /// The P-code (`"P412"`…), when the API sent one.
    pub fn code(&self) -> Option<String> {
        self.fields().code.map(str::to_string)
    }

    /// The HTTP status, when a reply was received.
    pub fn status(&self) -> Option<i32> {
        self.fields().status
    }

    /// The server's request id, when it sent one.
    pub fn request_id(&self) -> Option<String> {
        self.fields().request_id.map(str::to_string)
    }

    /// True when sending the same call again cannot cause a duplicate operation.
    pub fn is_retryable(&self) -> bool {
        self.fields().retryable
    }

    /// The request field at fault, for validation errors.
    pub fn field(&self) -> Option<String> {
        self.fields().field.map(str::to_string)
    }

    /// True when the server accepted the operation although this error is returned.
    pub fn is_accepted(&self) -> bool {
        self.fields().accepted
    }
}

impl fmt::Display for P100Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.fields();
        if let Some(code) = x.code {
            write!(f, "[{code}] ")?;
        }
        f.write_str(x.reason)?;
        if let Some(status) = x.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(id) = x.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for P100Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.fields();
        f.debug_struct("P100Error")
            .field("kind", &x.kind)
            .field("reason", &x.reason)
            .field("code", &x.code)
            .field("status", &x.status)
            .field("request_id", &x.request_id)
            .field("retryable", &x.retryable)
            .field("field", &x.field)
            .field("accepted", &x.accepted)
            .finish()
    }
}

impl std::error::Error for P100Error {}

impl From<Error> for P100Error {
    fn from(e: Error) -> Self {
        let reason = e.message().to_string();
        let code = e.code().map(|c| c.as_str().to_string());
        let error_name = e.error_name().map(str::to_string);
        let status = e.status().map(i32::from);
        let request_id = e.request_id().map(str::to_string);
        let retryable = e.is_retryable();
        let retry_after_ms = e
            .retry_after()
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let field = e.field().map(str::to_string);
        let accepted = e.accepted();
        let operation = e.operation().map(str::to_string);
        macro_rules! build {
            ($variant:ident) => {
                P100Error::$variant {
                    reason,
                    code,
                    error_name,
                    status,
                    request_id,
                    retryable,
                    retry_after_ms,
                    field,
                    accepted,
                    operation,
                }
            };
        }
        match e.kind() {
            ErrorKind::Validation => build!(Validation),
            ErrorKind::Authentication => build!(Authentication),
            ErrorKind::Api => build!(Api),
            ErrorKind::RateLimited => build!(RateLimited),
            ErrorKind::Unavailable => build!(Unavailable),
            ErrorKind::Network => build!(Network),
            ErrorKind::Timeout => build!(Timeout),
            ErrorKind::Decode => build!(Decode),
            ErrorKind::Config => build!(Config),
            ErrorKind::WebhookUnauthorized => build!(WebhookUnauthorized),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_every_field() {
        let e = P100Error::from(Error::validation("destinationIban", "checksum is wrong"));
        assert!(matches!(e, P100Error::Validation { .. }));
        assert_eq!(e.kind(), "validation");
        assert_eq!(e.field().as_deref(), Some("destinationIban"));
        assert!(!e.is_retryable());
        assert!(e.to_string().contains("destinationIban"));
        let e = P100Error::from(Error::config("no key"));
        assert_eq!(e.kind(), "config");
        assert_eq!(e.status(), None);
    }
}
