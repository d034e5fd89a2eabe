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

// `P100Error` is returned by value across the FFI (its fields are what Swift/Kotlin see), so it
// cannot be boxed.
#![allow(clippy::result_large_err)]

use std::fmt;

use crate::client::Fingerprint;
use crate::error::ErrorDetails as P100ErrorDetails;
use crate::{Amount, Error, ErrorKind, Outcome, SecretString};

/// Per-enum hook of `string_enum!`: nothing to add, the `derive(uniffi::Enum)` in `macros.rs`
/// covers the known values and the `Unknown(String)` variant.
#[macro_export]
#[doc(hidden)]
macro_rules! __uniffi_enum_extras {
    ($name:ident) => {};
}

/// Per-model hook of `model!`: `toJson()` on every model (Swift and Kotlin), the value as the
/// API's JSON — wire names, amounts as strings, exactly what the core sends or received.
/// Secrets are in clear there, as on the wire: for sending or storing, never for logs.
#[macro_export]
#[doc(hidden)]
macro_rules! __uniffi_model_extras {
    ($name:ident) => {
        #[::uniffi::export]
        #[allow(clippy::result_large_err)]
        impl $name {
            /// This value as the API's JSON (wire names, amounts as strings). Secrets (PAN, CVV,
            /// PIN…) are in clear, as on the wire: never log it.
            pub fn to_json(
                &self,
            ) -> ::std::result::Result<String, $crate::bindings::uniffi::P100Error> {
                $crate::bindings::uniffi::to_json(self)
            }
        }
    };
}

/// Serializes a model for `toJson()`.
#[doc(hidden)]
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, P100Error> {
    serde_json::to_string(value).map_err(|e| {
        P100Error::from(Error::new(
            ErrorKind::Decode,
            format!("could not write JSON ({:?} error)", e.classify()),
        ))
    })
}

/// Reads a request from the API's JSON, for `*FromJson` ([`crate::input::decode_json`]: no key
/// given twice, wire paths in errors, unknown fields refused, never an echo of the text; the
/// text's numbers are exact, so `"amount": 0.005` is read as written).
fn from_json<T: serde::de::DeserializeOwned>(name: &str, json: &str) -> Result<T, P100Error> {
    Ok(crate::input::decode_json(json, name)?)
}

/// The JSON of a money-moving call's fingerprint (`e.fingerprint`), to store it with the payment
/// and reconcile after a restart: `client.reconcileFingerprint(fingerprintFromJson(json))`. The
/// same JSON as the npm and pip packages store (camelCase names, the amount as a string).
#[uniffi::export]
pub fn fingerprint_to_json(fingerprint: Fingerprint) -> Result<String, P100Error> {
    to_json(&fingerprint)
}

/// A stored fingerprint from its JSON ([`fingerprint_to_json`], or the npm or pip package's); a
/// value that does not fit is a validation error naming its wire path.
#[uniffi::export]
pub fn fingerprint_from_json(json: String) -> Result<Fingerprint, P100Error> {
    from_json("Fingerprint", &json)
}

/// The fingerprint of a money call before it is sent (the core's `fingerprint_of`):
/// `operation` as the manifest names it (`"sepa.partner_transfer"`), `requestJson` the call's
/// request as the API's JSON (as `*FromJson` takes it). Store it first, then send; after a
/// crash, `client.reconcileFingerprint(stored)` finds out whether the call went through. A
/// validation error names the field (or `operation`), as the call would.
#[uniffi::export]
pub fn fingerprint_of(operation: String, request_json: String) -> Result<Fingerprint, P100Error> {
    let request = crate::input::json_text(&request_json, "requestJson")?;
    Ok(crate::fingerprint_of(&operation, &request)?)
}

// `<request>FromJson(json)` for every request type (Swift and Kotlin): builds the request from
// the API's JSON (wire names, amounts as decimal strings or integers), as every binding reads a
// request. (The files of an upload request are not JSON: they come empty and are set in
// Swift/Kotlin.)
// Records have no static constructors in uniffi's Swift/Kotlin output, hence top-level functions.
macro_rules! request_from_json {
    ($($fn_name:ident => $ty:ident),+ $(,)?) => {$(
        /// The request from the API's JSON (wire names); a value that does not fit is a
        /// validation error naming its wire path (`json` when the text is not JSON).
        #[uniffi::export]
        pub fn $fn_name(json: String) -> Result<crate::models::$ty, P100Error> {
            from_json(stringify!($ty), &json)
        }
    )+};
}

request_from_json! {
    create_user_request_from_json => CreateUserRequest,
    create_user_without_kyc_request_from_json => CreateUserWithoutKycRequest,
    update_user_request_from_json => UpdateUserRequest,
    transaction_history_query_from_json => TransactionHistoryQuery,
    create_wallet_request_from_json => CreateWalletRequest,
    kyc_files_request_from_json => KycFilesRequest,
    poa_files_request_from_json => PoaFilesRequest,
    user_verification_request_from_json => UserVerificationRequest,
    create_kyc_verification_request_from_json => CreateKycVerificationRequest,
    exchange_lock_query_from_json => ExchangeLockQuery,
    partner_exchange_request_from_json => PartnerExchangeRequest,
    user_exchange_request_from_json => UserExchangeRequest,
    partner_sepa_transfer_request_from_json => PartnerSepaTransferRequest,
    user_sepa_transfer_request_from_json => UserSepaTransferRequest,
    network_fee_query_from_json => NetworkFeeQuery,
    partner_crypto_withdrawal_request_from_json => PartnerCryptoWithdrawalRequest,
    user_crypto_withdrawal_request_from_json => UserCryptoWithdrawalRequest,
    travel_rule_update_request_from_json => TravelRuleUpdateRequest,
    transfer_request_from_json => TransferRequest,
    create_card_request_from_json => CreateCardRequest,
    update_pin_request_from_json => UpdatePinRequest,
    card_ref_from_json => CardRef,
    update_card_limits_request_from_json => UpdateCardLimitsRequest,
    order_lock_request_from_json => OrderLockRequest,
    create_order_request_from_json => CreateOrderRequest,
    create_payment_link_request_from_json => CreatePaymentLinkRequest,
}

uniffi::custom_type!(Amount, String, {
    lower: |amount| amount.to_string(),
    try_lift: |text| match Amount::parse(&text) {
        Ok(amount) => Ok(amount),
        Err(_) => Err(P100Error::from(Error::validation(
            "amount",
            crate::money::NOT_AN_AMOUNT,
        ))
        .into()),
    },
});

uniffi::custom_type!(SecretString, String, {
    lower: |secret| secret.expose().to_string(),
    try_lift: |text| Ok(SecretString::new(text)),
});

/// Declares [`P100Error`] (one case per kind, every case with the same fields) and the FFI form
/// of [`ErrorKind`] from the one list of kinds ([`crate::for_each_error_kind!`]).
macro_rules! p100_error {
    ($( $(#[$m:meta])* $variant:ident $name:literal $class:literal, )+) => {
        /// An error of the P100 SDK: one case per kind of failure, every case with the same
        /// fields (below). The same values, with the kind, are properties of the error in Swift
        /// and Kotlin (`e.kind`, `e.code`, `e.status`, `e.isRetryable`, `e.outcome`…), read from
        /// [`P100Error::details`], so that no code matches a case positionally.
        #[derive(Clone, PartialEq, Eq, uniffi::Error)]
        #[uniffi::export(Display)]
        pub enum P100Error {
            $(
                $(#[$m])*
                $variant {
                    /// Readable explanation (never contains a secret).
                    reason: String,
                    /// P-code (`"P412"`…), when the API sent one.
                    code: Option<String>,
                    /// `errorName` from the API (`"invalid-user"`…), when sent.
                    error_name: Option<String>,
                    /// HTTP status, when a reply was received (none: nothing was sent).
                    status: Option<i32>,
                    /// The server's request id, when sent.
                    request_id: Option<String>,
                    /// True when the same call can be sent again safely.
                    retryable: bool,
                    /// How long the server asked to wait before a retry, in milliseconds.
                    retry_after_ms: Option<i64>,
                    /// The request field at fault (validation errors).
                    field: Option<String>,
                    /// True when the server accepted the operation despite this error: check
                    /// the details endpoint, do not send the call again.
                    accepted: bool,
                    /// The SDK operation that failed (`"sepa.partner_transfer"`…).
                    operation: Option<String>,
                    /// The server's reply, secrets masked, when there was one. A `Secret`, so
                    /// that it never shows in the exception's message (read `rawBody`).
                    raw_body: Option<SecretString>,
                    /// Did the operation happen: not sent, rejected, unknown or accepted.
                    outcome: Outcome,
                    /// What a money-moving call sent (`unknown`/`accepted` outcomes): the
                    /// input of `client.reconcile(error)`.
                    fingerprint: Option<Fingerprint>,
                },
            )+
        }

        /// What kind of failure a [`P100Error`] is: `e.kind` in Swift (`.validation`,
        /// `.rateLimited`…) and Kotlin (`ErrorKind.VALIDATION`…), to `switch`/`when` on. Its
        /// text (`description`, `toString()`) is the stable lower-case name every language
        /// uses: `"rate_limited"`.
        #[uniffi::export(Display)]
        #[uniffi::remote(Enum)]
        pub enum ErrorKind {
            $( $(#[$m])* $variant, )+
        }

        impl P100Error {
            /// The kind of this error.
            pub fn kind(&self) -> ErrorKind {
                match self {
                    $( P100Error::$variant { .. } => ErrorKind::$variant, )+
                }
            }

            /// The request field at fault, for validation errors.
            pub fn field(&self) -> Option<&str> {
                match self {
                    $( P100Error::$variant { field, .. } )|+ => field.as_deref(),
                }
            }

            /// The HTTP status, when a reply was received.
            pub fn status(&self) -> Option<i32> {
                match self {
                    $( P100Error::$variant { status, .. } )|+ => *status,
                }
            }

            /// Did the operation happen?
            pub fn outcome(&self) -> Outcome {
                match self {
                    $( P100Error::$variant { outcome, .. } )|+ => *outcome,
                }
            }
        }

        #[uniffi::export]
        impl P100Error {
            /// Every field of this error, whichever its case, with its kind. Swift and Kotlin
            /// expose them as properties of the error (`e.kind`, `e.code`, `e.isRetryable`…).
            pub fn details(&self) -> P100ErrorDetails {
                let kind = self.kind();
                match self.clone() {
                    $( P100Error::$variant {
                        reason, code, error_name, status, request_id, retryable, retry_after_ms,
                        field, accepted, operation, raw_body, outcome, fingerprint,
                    } )|+ => P100ErrorDetails {
                        kind, reason, code, error_name, status, request_id, retryable,
                        retry_after_ms, field, accepted, operation, raw_body, outcome, fingerprint,
                    },
                }
            }
        }

        impl From<Error> for P100Error {
            fn from(e: Error) -> Self {
                let P100ErrorDetails {
                    kind, reason, code, error_name, status, request_id, retryable,
                    retry_after_ms, field, accepted, operation, raw_body, outcome, fingerprint,
                } = P100ErrorDetails::from(&e);
                match kind {
                    $( ErrorKind::$variant => P100Error::$variant {
                        reason, code, error_name, status, request_id, retryable, retry_after_ms,
                        field, accepted, operation, raw_body, outcome, fingerprint,
                    }, )+
                }
            }
        }
    };
}

crate::for_each_error_kind!(p100_error);

/// Did the operation happen? The answer every [`P100Error`] gives, for money above all: `e.outcome`
/// in Swift (`.notSent`, `.rejected`, `.unknown`, `.accepted`) and Kotlin (`Outcome.NOT_SENT`…).
/// Its text is the stable name every language uses: `"not_sent"`, `"rejected"`, `"unknown"`,
/// `"accepted"`.
#[uniffi::export(Display)]
#[uniffi::remote(Enum)]
pub enum Outcome {
    /// The request provably never left (validation, configuration, connection refused, DNS,
    /// connect timeout): sending it again cannot duplicate anything.
    NotSent,
    /// A reply said no (4xx, P-codes, 401, 429): nothing happened; fix the cause and send again.
    Rejected,
    /// Sent, no usable reply (timeout after sending, reset, 5xx, P500): it may or may not have
    /// happened. Do not send it again blindly: `client.reconcile(error)` (or the details endpoint,
    /// when you have its id) tells whether it happened.
    Unknown,
    /// A 2xx arrived (the operation happened) but its body could not be read: never send it
    /// again; `rawBody` may hold its id.
    Accepted,
}

impl fmt::Display for P100Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.details();
        let text = error_message(x.reason, x.code, x.status, x.request_id);
        f.write_str(&text)
    }
}

/// The message of a [`P100Error`] from its fields: what its `description` (Swift) and
/// `toString()` (Kotlin) show, `"[P412] user not found (HTTP 400) [request id abc]"`. They call
/// it with the fields read on their side, so that an error the app built itself prints without
/// the core lifting the rest of it (a fingerprint whose amount the core refuses).
#[uniffi::export]
pub fn error_message(
    reason: String,
    code: Option<String>,
    status: Option<i32>,
    request_id: Option<String>,
) -> String {
    crate::error::message_text(&reason, code.as_deref(), status, request_id.as_deref())
}

impl fmt::Debug for P100Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.details();
        f.debug_struct("P100Error")
            .field("kind", &x.kind)
            .field("reason", &x.reason)
            .field("code", &x.code)
            .field("status", &x.status)
            .field("request_id", &x.request_id)
            .field("retryable", &x.retryable)
            .field("field", &x.field)
            .field("accepted", &x.accepted)
            .field("outcome", &x.outcome)
            .finish()
    }
}

impl std::error::Error for P100Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_every_field() {
        let e = P100Error::from(Error::validation("destinationIban", "checksum is wrong"));
        assert!(matches!(e, P100Error::Validation { .. }));
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some("destinationIban"));
        let d = e.details();
        assert_eq!(d.kind, ErrorKind::Validation);
        assert_eq!(d.field.as_deref(), Some("destinationIban"));
        assert!(!d.retryable && !d.accepted);
        assert_eq!(d.outcome, Outcome::NotSent);
        assert_eq!(e.outcome().to_string(), "not_sent");
        assert!(e.to_string().contains("destinationIban"));
        let e = P100Error::from(Error::config("no key"));
        assert_eq!(e.kind(), ErrorKind::Config);
        assert_eq!(e.status(), None);
        assert_eq!(e.kind().to_string(), "config");
    }
}
