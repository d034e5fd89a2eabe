//! Internal transfers between the partner and its users (funding and collection).

use super::{unset, ErrorInfo, Validate};
use crate::{validate, Amount, Currency};

model! {
    /// Internal transfer (`POST /v1/transfer`). Exactly one user id is set:
    /// `destinationExternalUserId` moves money partner → user ([`TransferRequest::fund`]),
    /// `sourceExternalUserId` user → partner ([`TransferRequest::collect`]).
    /// `amount` is sent as a string (the docs' table types it `string`).
    pub struct TransferRequest {
        /// The paying user (collection).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub source_external_user_id: Option<String>,
        /// The receiving user (funding).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub destination_external_user_id: Option<String>,
        /// Amount.
        pub amount: Amount,
        /// Currency (`eur`, `btc`…).
        pub currency: Currency,
    }
}

impl TransferRequest {
    /// Funding: partner balance → `user`'s balance.
    pub fn fund(user: impl Into<String>, amount: Amount, currency: Currency) -> Self {
        TransferRequest {
            source_external_user_id: None,
            destination_external_user_id: Some(user.into()),
            amount,
            currency,
        }
    }

    /// Collection: `user`'s balance → partner balance.
    pub fn collect(user: impl Into<String>, amount: Amount, currency: Currency) -> Self {
        TransferRequest {
            source_external_user_id: Some(user.into()),
            destination_external_user_id: None,
            amount,
            currency,
        }
    }
}

impl Default for TransferRequest {
    /// Empty, with no user and the currency unset (validation rejects both).
    fn default() -> Self {
        TransferRequest {
            source_external_user_id: None,
            destination_external_user_id: None,
            amount: Amount::ZERO,
            currency: unset(),
        }
    }
}

impl Validate for TransferRequest {
    fn validate(&self) -> crate::Result<()> {
        let user = match (
            &self.source_external_user_id,
            &self.destination_external_user_id,
        ) {
            (Some(src), None) => validate::external_user_id("sourceExternalUserId", src),
            (None, Some(dst)) => validate::external_user_id("destinationExternalUserId", dst),
            (Some(_), Some(_)) => Err(crate::Error::validation(
                "sourceExternalUserId",
                "set exactly one of sourceExternalUserId and destinationExternalUserId, not both",
            )),
            (None, None) => Err(crate::Error::validation(
                "sourceExternalUserId",
                "set exactly one of sourceExternalUserId and destinationExternalUserId",
            )),
        };
        validate::all([
            user,
            validate::currency("currency", &self.currency),
            validate::amount("amount", &self.amount, &self.currency),
        ])
    }
}

model! {
    /// Reply of an internal transfer: accepted, not yet done.
    pub struct TransferCreated {
        /// Id to follow the transfer with.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub transfer_id: String,
    }
}

crate::string_enum! {
    /// State of an internal transfer (`SUCCESSFUL` documented; the others inferred).
    pub enum TransferStatus {
        /// Accepted, waiting.
        Pending = "PENDING",
        /// Being processed.
        Processing = "PROCESSING",
        /// Done (final).
        Successful = "SUCCESSFUL",
        /// Failed (final); see `error`.
        Failed = "FAILED",
    }
}

impl TransferStatus {
    /// True for a status that ends the operation (`SUCCESSFUL`, `FAILED`).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Successful | Self::Failed)
    }

    /// True for `SUCCESSFUL`.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Successful)
    }
}

model! {
    /// Details of an internal transfer (`GET /v1/transfer/details/{transferId}`).
    pub struct TransferDetails {
        /// Transfer id (wire `id`; `transferId` accepted).
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(rename = "id", alias = "transferId", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["transferId"])))]
        pub transfer_id: String,
        /// Current state.
        pub status: TransferStatus,
        /// Amount.
        #[serde(default)]
        pub amount: Option<Amount>,
        /// Currency (the docs' example says `BTC`).
        #[serde(default)]
        pub currency: Option<Currency>,
        /// The paying user; `None` for the partner.
        #[serde(default)]
        pub source_external_user_id: Option<String>,
        /// The receiving user; `None` for the partner.
        #[serde(default)]
        pub destination_external_user_id: Option<String>,
        /// E-mail of the payer.
        #[serde(default)]
        pub source_email: Option<String>,
        /// E-mail of the receiver.
        #[serde(default)]
        pub destination_email: Option<String>,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// Why it failed.
        #[serde(default)]
        pub error: Option<ErrorInfo>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fund_and_collect_wire_form() {
        let f = TransferRequest::fund("u1", Amount::parse("10.00").unwrap(), Currency::Eur);
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"destinationExternalUserId":"u1","amount":"10.00","currency":"eur"}"#
        );
        let c = TransferRequest::collect("u2", Amount::from(1i64), Currency::Btc);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"sourceExternalUserId":"u2","amount":"1","currency":"btc"}"#
        );
    }

    #[test]
    fn details_lenient() {
        let d: TransferDetails = serde_json::from_str(
            r#"{"id":"t","status":"Successful","amount":100,"currency":"BTC","extra":1}"#,
        )
        .unwrap();
        assert_eq!(d.currency, Some(Currency::Btc));
        assert!(d.status.is_final() && d.status.is_success());
        assert_eq!(TransferStatus::parse("pending"), TransferStatus::Pending);
        assert!(!TransferStatus::Pending.is_final());
    }
}
