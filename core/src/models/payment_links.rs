//! Payment links and hosted checkout.
//!
//! *Inferred throughout*: the docs list these operations (Generate Payment Link, Generate Hosted
//! Checkout, Get Payment Link Details) but none of their paths, bodies or replies could be read.
//! The shapes below are the SDK's best guess and decode leniently.

use super::{check_opt, unset, Validate};
use crate::{validate, Amount, Currency};

model! {
    /// Create a payment link or a hosted checkout (`POST /v1/payment-link`,
    /// `POST /v1/payment-link/checkout`). *Inferred* body; `amount` is sent as a string.
    pub struct CreatePaymentLinkRequest {
        /// Amount to collect.
        pub amount: Amount,
        /// Currency of the amount (`eur`).
        pub currency: Currency,
        /// Description shown to the payer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub description: Option<String>,
        /// The partner's own reference.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub external_id: Option<String>,
        /// Where to send the payer afterwards.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub redirect_url: Option<String>,
    }
}

impl CreatePaymentLinkRequest {
    /// A link collecting `amount` in `currency`.
    pub fn new(amount: Amount, currency: Currency) -> Self {
        CreatePaymentLinkRequest {
            amount,
            currency,
            description: None,
            external_id: None,
            redirect_url: None,
        }
    }
}

impl Default for CreatePaymentLinkRequest {
    /// Empty, with the currency unset (validation rejects it).
    fn default() -> Self {
        CreatePaymentLinkRequest {
            amount: Amount::ZERO,
            currency: unset(),
            description: None,
            external_id: None,
            redirect_url: None,
        }
    }
}

impl Validate for CreatePaymentLinkRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::currency("currency", &self.currency),
            validate::amount("amount", &self.amount, &self.currency),
            check_opt(self.description.as_deref(), |v| {
                validate::non_empty("description", v)
            }),
            check_opt(self.external_id.as_deref(), |v| {
                validate::non_empty("externalId", v)
            }),
            check_opt(self.redirect_url.as_deref(), |v| {
                validate::non_empty("redirectUrl", v)
            }),
        ])
    }
}

model! {
    /// Reply of payment-link creation. *Inferred*: the id is read from `paymentLinkId` or `id`,
    /// the URL from `url`, `link`, `paymentLink` or `checkoutUrl`.
    pub struct PaymentLink {
        /// Payment link id.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub payment_link_id: String,
        /// URL to give the payer.
        #[serde(
            default,
            alias = "link",
            alias = "paymentLink",
            alias = "checkoutUrl"
        )]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["link", "paymentLink", "checkoutUrl"])))]
        pub url: Option<String>,
    }
}

crate::string_enum! {
    /// State of a payment link. *Inferred* values.
    pub enum PaymentLinkStatus {
        /// Open for payment.
        Active = "ACTIVE",
        /// Paid (final).
        Paid = "PAID" | "COMPLETED",
        /// Not paid in time (final).
        Expired = "EXPIRED",
        /// Cancelled (final).
        Cancelled = "CANCELLED" | "CANCELED",
        /// Payment seen, not settled yet.
        Pending = "PENDING",
    }
}

impl PaymentLinkStatus {
    /// True for a status that ends the link (`PAID`, `EXPIRED`, `CANCELLED`).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Paid | Self::Expired | Self::Cancelled)
    }

    /// True for `PAID`.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Paid)
    }
}

model! {
    /// Details of a payment link (`GET /v1/payment-link/details/{paymentLinkId}`). *Inferred*.
    pub struct PaymentLinkDetails {
        /// Payment link id (`id` accepted).
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub payment_link_id: String,
        /// Current state.
        pub status: PaymentLinkStatus,
        /// Amount requested.
        #[serde(default)]
        pub amount: Option<Amount>,
        /// Currency of the amount.
        #[serde(default)]
        pub currency: Option<Currency>,
        /// URL of the link.
        #[serde(
            default,
            alias = "link",
            alias = "paymentLink",
            alias = "checkoutUrl"
        )]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["link", "paymentLink", "checkoutUrl"])))]
        pub url: Option<String>,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// Expiry time (ISO-8601 text).
        #[serde(default)]
        pub expires_at: Option<String>,
        /// Amount paid so far.
        #[serde(default)]
        pub paid_amount: Option<Amount>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        let l: PaymentLink =
            serde_json::from_str(r#"{"id":"p","checkoutUrl":"https://pay"}"#).unwrap();
        assert_eq!(l.payment_link_id, "p");
        assert_eq!(l.url.as_deref(), Some("https://pay"));
        let d: PaymentLinkDetails =
            serde_json::from_str(r#"{"paymentLinkId":"p","status":"canceled"}"#).unwrap();
        assert_eq!(d.status, PaymentLinkStatus::Cancelled);
        assert!(d.status.is_final());
    }
}
