//! Request and response models of every operation, one module per API area.
//!
//! Everything is re-exported here, so every type is reachable as `p100::models::TypeName`.
//!
//! Rules every model follows (they are what the bindings rely on):
//! * **Lenient in.** Response fields the docs do not guarantee are `Option` and default to
//!   `None`; unknown fields are ignored; enum values decode in any case and unknown values are
//!   kept as `Unknown(text)`; older field names are accepted through `#[serde(alias)]`; amounts
//!   decode from a JSON string or number, exactly.
//! * **Strict out.** Requests serialize exactly the newest documented wire names; absent optional
//!   fields are left out; amounts are JSON numbers only where the newest doc example shows a
//!   number; currencies and networks are sent in lower case.
//! * **Secrets** (PAN, CVV, PIN, document numbers, dates of birth, personal id numbers) are
//!   [`SecretString`](crate::SecretString)s, so `Debug` never shows them.
//! * **Validation.** Every request type implements [`Validate`], which runs the checks of
//!   [`crate::validate`] with the wire name of each field.
//!
//! Shapes the docs do not show are marked *inferred* on the type.

mod balances;
mod cards;
mod common;
mod crypto;
mod exchange;
mod kyc;
mod orders;
mod payment_links;
mod sepa;
mod transfers;
mod users;
mod wallets;

pub use balances::*;
pub use cards::*;
pub use common::*;
pub use crypto::*;
pub use exchange::*;
pub use kyc::*;
pub use orders::*;
pub use payment_links::*;
pub use sepa::*;
pub use transfers::*;
pub use users::*;
pub use wallets::*;

/// A request that can be checked before it is sent.
///
/// A failure is a [`crate::ErrorKind::Validation`] error naming the wire field at fault
/// (`"destinationIban"`, `"externalUserId"`, …); nothing is sent.
pub trait Validate {
    /// Runs every check of this request; returns the first failure.
    fn validate(&self) -> crate::Result<()>;
}

/// The value of a required string-enum field that has not been set: `Unknown("")`.
///
/// Used by the `Default` of request types whose enum fields have no natural default (a currency
/// to sell, a wallet type…): like an empty `String` field, validation rejects it and names the
/// field, so nothing is sent.
pub(crate) fn unset<E: for<'a> From<&'a str>>() -> E {
    E::from("")
}

/// Runs `check` on an optional value; an absent value passes.
pub(crate) fn check_opt<T: ?Sized>(
    value: Option<&T>,
    check: impl FnOnce(&T) -> crate::Result<()>,
) -> crate::Result<()> {
    value.map_or(Ok(()), check)
}

/// Fails with a validation error for `field` when a string enum value is not one the SDK knows.
/// The message lists the accepted values and never repeats the given one.
pub(crate) fn known_value(field: &str, unknown: bool, allowed: &[&str]) -> crate::Result<()> {
    if unknown {
        Err(crate::Error::validation(
            field,
            format!("must be one of: {}", allowed.join(", ")),
        ))
    } else {
        Ok(())
    }
}

/// Fails with a validation error for `field` when `value` is `None`.
pub(crate) fn required<T>(field: &str, value: Option<&T>) -> crate::Result<()> {
    if value.is_none() {
        Err(crate::Error::validation(field, "is required"))
    } else {
        Ok(())
    }
}

/// Serde helpers shared by the models.
pub(crate) mod de {
    use serde::{Deserialize, Deserializer};

    /// Reads a value, turning JSON `null` into the type's default (an empty list or map).
    pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Default,
    {
        Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
    }

    /// Reads an id given as text or, leniently, as a JSON number (a numeric id keeps its exact
    /// digits), so that the id of an operation that happened is never lost to its spelling.
    pub fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Id {
            Text(String),
            Number(serde_json::Number),
        }
        Ok(match Id::deserialize(d) {
            Ok(Id::Text(s)) => s,
            Ok(Id::Number(n)) => n.to_string(),
            Err(_) => return Err(serde::de::Error::custom("expected an id (text)")),
        })
    }

    /// A one-time code (3-D Secure, card activation) given as text or as a JSON number written
    /// as plain digits (`123456`; not `123456.0`, `1e3` or `-12`, which are no code to show). A
    /// code sent as a number was no event at all, and the card holder never saw it (outside
    /// review, stop 48).
    pub fn code_text<'de, D: Deserializer<'de>>(d: D) -> Result<crate::SecretString, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Code {
            Text(String),
            Number(serde_json::Number),
        }
        match Code::deserialize(d) {
            Ok(Code::Text(s)) => Ok(s.into()),
            Ok(Code::Number(n)) if n.to_string().bytes().all(|b| b.is_ascii_digit()) => {
                Ok(n.to_string().into())
            }
            _ => Err(serde::de::Error::custom("expected a code (text or digits)")),
        }
    }

    /// [`id_text`] for an optional id: absent or `null` is `None`.
    pub fn opt_id_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        #[derive(Deserialize)]
        struct Id(#[serde(deserialize_with = "id_text")] String);
        Ok(Option::<Id>::deserialize(d)?.map(|Id(s)| s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Amount, Currency, SecretString};

    #[test]
    fn every_reply_id_may_be_a_json_number() {
        // An id the API sends as a number keeps its digits; the reply is never "unreadable".
        let user: CreateUserResponse = serde_json::from_str(r#"{"userId":12}"#).unwrap();
        assert_eq!(user.user_id, "12");
        // Beyond 64 bits too: the digits are the JSON text, never a float's.
        let big = r#"{"userId":123456789012345678901234567890}"#;
        let user: CreateUserResponse = serde_json::from_str(big).unwrap();
        assert_eq!(user.user_id, "123456789012345678901234567890");
        let fiat: FiatBalance =
            serde_json::from_str(r#"{"id":1,"amount":"0","name":"eur"}"#).unwrap();
        let crypto: CryptoBalance =
            serde_json::from_str(r#"{"id":2,"amount":"0","name":"btc"}"#).unwrap();
        assert_eq!((fiat.id.as_str(), crypto.id.as_str()), ("1", "2"));
        let history: TransactionHistory =
            serde_json::from_str(r#"{"transactions":[{"id":3},{"id":null},{}]}"#).unwrap();
        let ids: Vec<_> = history.transactions.iter().map(|t| t.id.clone()).collect();
        assert_eq!(ids, [Some("3".to_string()), None, None]);
        let card: CardSummary = serde_json::from_str(r#"{"cardId":4,"status":"ACTIVE"}"#).unwrap();
        assert_eq!(card.card_id, "4");
        let lock: ExchangeLock = serde_json::from_str(r#"{"id":5}"#).unwrap();
        assert_eq!(lock.lock_id, "5");
        let lock: OrderLock =
            serde_json::from_str(r#"{"lockId":6,"amount":"1","rate":"1"}"#).unwrap();
        assert_eq!(lock.lock_id, "6");
        // Anything else is still refused, with a message that names no value.
        let e = serde_json::from_str::<CreateUserResponse>(r#"{"userId":true}"#).unwrap_err();
        assert!(e.to_string().contains("expected an id"), "{e}");
    }

    fn debug_has_none_of<T: std::fmt::Debug>(value: &T, secrets: &[&str]) {
        let text = format!("{value:?}");
        for s in secrets {
            assert!(!text.contains(s), "Debug shows a secret: {text}");
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let created: CardCreated = serde_json::from_str(
            r#"{"cardId":"c1","cardNumber":"4111222233334444","cvv":"987","exp":"01/30"}"#,
        )
        .unwrap();
        debug_has_none_of(&created, &["4111222233334444", "987"]);
        assert_eq!(created.card_number.expose(), "4111222233334444");

        let details: CardDetails = serde_json::from_str(
            r#"{"cardId":"c1","cardNumber":"5555666677778888","cvv":"321","exp":"02/31","status":"ACTIVE"}"#,
        )
        .unwrap();
        debug_has_none_of(&details, &["5555666677778888", "321"]);

        let create = CreateCardRequest {
            external_user_id: "u1".into(),
            label: "Shopping".into(),
            pin: SecretString::new("8642"),
        };
        debug_has_none_of(&create, &["8642"]);

        let pin = UpdatePinRequest {
            external_user_id: "u1".into(),
            card_id: "c1".into(),
            pin: SecretString::new("9753"),
        };
        debug_has_none_of(&pin, &["9753"]);

        let user = CreateUserRequest {
            external_user_id: "u1".into(),
            birth_date: Some("1990-05-15".into()),
            user_identification_number: Some("88112233445".into()),
            document_number: Some("CEV12630".into()),
            ..Default::default()
        };
        debug_has_none_of(&user, &["1990-05-15", "88112233445", "CEV12630"]);

        let no_kyc = CreateUserWithoutKycRequest {
            pesel: Some("12345678901".into()),
            birth_date: Some("2000-01-01".into()),
            document_number: Some("CEV124630".into()),
            ..Default::default()
        };
        debug_has_none_of(&no_kyc, &["12345678901", "2000-01-01", "CEV124630"]);

        let tu: TransferUser = serde_json::from_str(
            r#"{"externalUserId":"u","documentNumber":"109314","pesel":"99010112345","birthDate":"1999-01-01"}"#,
        )
        .unwrap();
        debug_has_none_of(&tu, &["109314", "99010112345", "1999-01-01"]);

        let kyc = CreateKycVerificationRequest {
            external_user_id: "u1".into(),
            tax_id: Some("5261040828".into()),
            ..Default::default()
        };
        debug_has_none_of(&kyc, &["5261040828"]);
        let raw = crate::mask::mask_secrets(r#"{"taxId":"5261040828","tax_number":"77"}"#);
        assert!(!raw.contains("5261040828") && !raw.contains("77"), "{raw}");
    }

    #[test]
    fn validation_errors_name_the_wire_field() {
        let req = TransferRequest {
            source_external_user_id: Some("a".into()),
            destination_external_user_id: Some("b".into()),
            amount: Amount::from(1i64),
            currency: Currency::Eur,
        };
        let err = req.validate().unwrap_err();
        assert_eq!(err.field(), Some("sourceExternalUserId"));

        let req = TransferRequest {
            source_external_user_id: None,
            destination_external_user_id: None,
            amount: Amount::from(1i64),
            currency: Currency::Eur,
        };
        assert_eq!(
            req.validate().unwrap_err().field(),
            Some("sourceExternalUserId")
        );
        assert!(
            TransferRequest::fund("u1", Amount::from(1i64), Currency::Eur)
                .validate()
                .is_ok()
        );

        let sepa = PartnerSepaTransferRequest::new(
            Amount::parse("10.00").unwrap(),
            "DE89370400440532013000",
            "Invoice 1",
        );
        assert!(sepa.validate().is_ok());
        let mut bad = sepa.clone();
        bad.currency = Currency::Btc;
        assert_eq!(bad.validate().unwrap_err().field(), Some("currency"));

        let ex =
            PartnerExchangeRequest::new(Amount::from(10i64), Currency::Eth, Currency::Eth, "l1");
        assert_eq!(ex.validate().unwrap_err().field(), Some("currencyTo"));
    }
}
