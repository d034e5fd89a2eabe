//! Virtual cards. Card number, CVV and PIN are secrets.

use super::{check_opt, Validate};
use crate::money::as_number;
use crate::webhooks::CardTransactionEvent;
use crate::{validate, Amount, SecretString};

model! {
    /// Issue a virtual card (`POST /v1/card/virtual`): label 3–30 characters, 4-digit PIN.
    #[derive(Default)]
    pub struct CreateCardRequest {
        /// The partner's id of the card holder.
        pub external_user_id: String,
        /// Card label, 3–30 characters.
        #[cfg_attr(feature = "openapi", schemars(length(min = *validate::CARD_LABEL_CHARS.start(), max = *validate::CARD_LABEL_CHARS.end())))]
        pub label: String,
        /// Card PIN, 4 digits (secret).
        pub pin: SecretString,
    }
}

impl Validate for CreateCardRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            validate::card_label("label", &self.label),
            validate::pin("pin", &self.pin),
        ])
    }
}

model! {
    /// Reply of card creation: the sensitive card data (number and CVV are secrets).
    pub struct CardCreated {
        /// Card id.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(deserialize_with = "super::de::id_text")]
        pub card_id: String,
        /// Full card number (secret).
        pub card_number: SecretString,
        /// CVV (secret).
        pub cvv: SecretString,
        /// Expiry `MM/YY`.
        pub exp: String,
    }
}

crate::string_enum! {
    /// State of a card (values from third-party code; only `ACTIVE` and `LOCKED_BY_USER` are
    /// in the docs' examples).
    pub enum CardStatus {
        /// Usable.
        Active = "ACTIVE",
        /// Blocked temporarily by the holder/partner.
        LockedByUser = "LOCKED_BY_USER",
        /// Blocked.
        Blocked = "BLOCKED",
        /// Suspended.
        Suspended = "SUSPENDED",
        /// Deleted for good.
        Deleted = "DELETED",
    }
}

model! {
    /// A card in the list of a user's cards.
    pub struct CardSummary {
        /// Card id.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(deserialize_with = "super::de::id_text")]
        pub card_id: String,
        /// Current state.
        pub status: CardStatus,
        /// Card label.
        #[serde(default)]
        pub label: Option<String>,
        /// Last four digits.
        #[serde(default)]
        pub card_last_digits: Option<String>,
    }
}

model! {
    /// A user's cards (`GET /v1/card/all/{externalUserId}`).
    pub struct CardList {
        /// The cards (the member is required, `null` reading as none: an object without it is
        /// no card list, and read as one it would say the user has no card).
        #[serde(deserialize_with = "super::de::null_default")]
        pub cards: Vec<CardSummary>,
    }
}

model! {
    /// A card's transactions (`GET /v1/card/transactions/{externalUserId}/{cardId}`). *Inferred*
    /// shape: each transaction is shaped like the card transaction webhook's payload.
    pub struct CardTransactions {
        /// The transactions, newest first (the member is required, `null` reading as none).
        #[serde(deserialize_with = "super::de::null_default")]
        pub transactions: Vec<CardTransactionEvent>,
    }
}

model! {
    /// Sensitive data of one card (`GET /v1/card/details/{externalUserId}/{cardId}`).
    /// *Inferred* shape (no example in the docs): like the create reply, plus status and label.
    pub struct CardDetails {
        /// Card id.
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::IdText>"))]
        #[serde(default, deserialize_with = "super::de::opt_id_text")]
        pub card_id: Option<String>,
        /// Full card number (secret; `pan` accepted).
        #[serde(alias = "pan")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["pan"])))]
        pub card_number: SecretString,
        /// CVV (secret).
        pub cvv: SecretString,
        /// Expiry `MM/YY` (`expiry`, `expiryDate` accepted).
        #[serde(default, alias = "expiry", alias = "expiryDate")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["expiry", "expiryDate"])))]
        pub exp: Option<String>,
        /// Current state.
        #[serde(default)]
        pub status: Option<CardStatus>,
        /// Card label.
        #[serde(default)]
        pub label: Option<String>,
    }
}

model! {
    /// Identifies a card: body of block, unblock and delete (`{externalUserId, cardId}`).
    #[derive(Default)]
    pub struct CardRef {
        /// The partner's id of the card holder.
        pub external_user_id: String,
        /// Card id.
        pub card_id: String,
    }
}

impl CardRef {
    /// The card `card_id` of `user`.
    pub fn new(user: impl Into<String>, card_id: impl Into<String>) -> Self {
        CardRef {
            external_user_id: user.into(),
            card_id: card_id.into(),
        }
    }
}

impl Validate for CardRef {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            validate::external_user_id("cardId", &self.card_id),
        ])
    }
}

model! {
    /// Change a card's PIN (`PATCH /v1/card/pin`).
    #[derive(Default)]
    pub struct UpdatePinRequest {
        /// The partner's id of the card holder.
        pub external_user_id: String,
        /// Card id.
        pub card_id: String,
        /// New PIN, 4 digits (secret).
        pub pin: SecretString,
    }
}

impl Validate for UpdatePinRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            validate::external_user_id("cardId", &self.card_id),
            validate::pin("pin", &self.pin),
        ])
    }
}

model! {
    /// Spending limits of a card (`GET /v1/card/limits/{externalUserId}/{cardId}`): daily and
    /// monthly, for all transactions, ATM and e-commerce. *Inferred* names (third-party code).
    pub struct CardLimits {
        /// Monthly limit, all transactions.
        #[serde(default)]
        pub monthly_trx_all: Option<Amount>,
        /// Daily limit, all transactions.
        #[serde(default)]
        pub daily_trx_all: Option<Amount>,
        /// Monthly limit, ATM.
        #[serde(default)]
        pub monthly_trx_atm: Option<Amount>,
        /// Daily limit, ATM.
        #[serde(default)]
        pub daily_trx_atm: Option<Amount>,
        /// Monthly limit, e-commerce.
        #[serde(default)]
        pub monthly_trx_ecom: Option<Amount>,
        /// Daily limit, e-commerce.
        #[serde(default)]
        pub daily_trx_ecom: Option<Amount>,
    }
}

model! {
    /// Change a card's limits (`PATCH /v1/card/limits`). Only the limits set are sent, as JSON
    /// numbers. *Inferred* names (third-party code).
    #[derive(Default)]
    pub struct UpdateCardLimitsRequest {
        /// The partner's id of the card holder.
        pub external_user_id: String,
        /// Card id.
        pub card_id: String,
        /// Monthly limit, all transactions.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "as_number::option")]
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::AmountNumber>"))]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub monthly_trx_all: Option<Amount>,
        /// Daily limit, all transactions.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "as_number::option")]
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::AmountNumber>"))]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub daily_trx_all: Option<Amount>,
        /// Monthly limit, ATM.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "as_number::option")]
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::AmountNumber>"))]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub monthly_trx_atm: Option<Amount>,
        /// Daily limit, ATM.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "as_number::option")]
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::AmountNumber>"))]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub daily_trx_atm: Option<Amount>,
        /// Monthly limit, e-commerce.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "as_number::option")]
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::AmountNumber>"))]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub monthly_trx_ecom: Option<Amount>,
        /// Daily limit, e-commerce.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "as_number::option")]
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::AmountNumber>"))]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub daily_trx_ecom: Option<Amount>,
    }
}

impl Validate for UpdateCardLimitsRequest {
    fn validate(&self) -> crate::Result<()> {
        let limit = |field: &'static str, v: &Option<Amount>| {
            check_opt(v.as_ref(), |a| validate::card_limit(field, a))
        };
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            validate::external_user_id("cardId", &self.card_id),
            limit("monthlyTrxAll", &self.monthly_trx_all),
            limit("dailyTrxAll", &self.daily_trx_all),
            limit("monthlyTrxAtm", &self.monthly_trx_atm),
            limit("dailyTrxAtm", &self.daily_trx_atm),
            limit("monthlyTrxEcom", &self.monthly_trx_ecom),
            limit("dailyTrxEcom", &self.daily_trx_ecom),
            self.any_limit(),
        ])
    }
}

impl UpdateCardLimitsRequest {
    /// An update that sets no limit changes nothing: refused rather than sent.
    fn any_limit(&self) -> crate::Result<()> {
        let limits = [
            &self.monthly_trx_all,
            &self.daily_trx_all,
            &self.monthly_trx_atm,
            &self.daily_trx_atm,
            &self.monthly_trx_ecom,
            &self.daily_trx_ecom,
        ];
        if limits.iter().all(|l| l.is_none()) {
            return Err(crate::Error::validation(
                "limits",
                "set at least one limit (monthlyTrxAll, dailyTrxAll, monthlyTrxAtm, dailyTrxAtm, \
                 monthlyTrxEcom, dailyTrxEcom)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_numbers_and_skipped_when_unset() {
        let req = UpdateCardLimitsRequest {
            external_user_id: "u".into(),
            card_id: "c".into(),
            daily_trx_atm: Some(Amount::parse("200.50").unwrap()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"externalUserId":"u","cardId":"c","dailyTrxAtm":200.50}"#
        );
        let l: CardLimits =
            serde_json::from_str(r#"{"dailyTrxAll":"100","monthlyTrxAll":5000}"#).unwrap();
        assert_eq!(l.monthly_trx_all, Some(Amount::from(5000i64)));
        assert_eq!(l.daily_trx_ecom, None);
    }

    #[test]
    fn card_statuses() {
        let l: CardList = serde_json::from_str(
            r#"{"cards":[{"cardId":"a","status":"locked_by_user"},{"cardId":"b","status":"FROZEN"}]}"#,
        )
        .unwrap();
        assert_eq!(l.cards[0].status, CardStatus::LockedByUser);
        assert_eq!(l.cards[1].status, CardStatus::Unknown("FROZEN".into()));
        let d: CardDetails =
            serde_json::from_str(r#"{"pan":"4111","cvv":"1","expiryDate":"01/30"}"#).unwrap();
        assert_eq!(d.card_number.expose(), "4111");
        assert_eq!(d.exp.as_deref(), Some("01/30"));
    }
}
