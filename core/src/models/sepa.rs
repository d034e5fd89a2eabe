//! SEPA: deposit info, contacts, outgoing transfers and their details.

use serde::{Deserialize, Deserializer};

use super::{check_opt, known_value, ErrorInfo, Validate};
use crate::{validate, Amount, Currency, SecretString};

model! {
    /// Bank details for topping up a EUR balance by SEPA (`GET /v1/partner/sepa-deposit/info`,
    /// `GET /v1/sepa-deposit/info/{externalUserId}`). Put `title` verbatim into the transfer's
    /// reference, or the deposit is not matched automatically.
    pub struct SepaDepositInfo {
        /// Reference to put in the transfer title.
        pub title: String,
        /// IBAN to send to.
        pub iban: String,
        /// BIC/SWIFT of the receiving bank.
        #[serde(default)]
        pub swift: Option<String>,
        /// Beneficiary name.
        #[serde(default)]
        pub account_holder: Option<String>,
        /// Beneficiary address.
        #[serde(default)]
        pub address: Option<String>,
    }
}

model! {
    /// A whitelisted sender IBAN. *Inferred*: the contact-list page body was not found.
    pub struct SepaContact {
        /// The IBAN.
        #[serde(default)]
        pub iban: Option<String>,
        /// Account holder's name.
        #[serde(default)]
        pub name: Option<String>,
        /// Status text, as sent.
        #[serde(default)]
        pub status: Option<String>,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
    }
}

model! {
    @custom_decode
    /// The SEPA deposit contact list (whitelisted sender IBANs). *Inferred*: decodes from a
    /// top-level array or from an object holding it under `contacts`, `items` or `data`.
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    pub struct SepaContacts {
        /// The contacts.
        pub contacts: Vec<SepaContact>,
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ContactsWire {
    List(Vec<SepaContact>),
    Object {
        #[serde(alias = "items", alias = "data")]
        contacts: Vec<SepaContact>,
    },
}

impl<'de> Deserialize<'de> for SepaContacts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let contacts = match ContactsWire::deserialize(d)? {
            ContactsWire::List(c) | ContactsWire::Object { contacts: c } => c,
        };
        Ok(SepaContacts { contacts })
    }
}

crate::string_enum! {
    /// Kind of receiver (SEPA transfers, crypto withdrawals' travel-rule data).
    pub enum ReceiverType {
        /// A natural person: first and last name.
        Natural = "NATURAL",
        /// A legal entity: company name.
        Legal = "LEGAL",
    }
}

/// The checks shared by both SEPA transfer requests.
#[allow(clippy::too_many_arguments)]
fn check_sepa(
    amount: &Amount,
    currency: &Currency,
    destination_iban: &str,
    transfer_title: &str,
    receiver_type: Option<&ReceiverType>,
    first: Option<&str>,
    last: Option<&str>,
    company: Option<&str>,
) -> crate::Result<()> {
    validate::all([
        validate::amount("amount", amount, currency),
        if *currency == Currency::Eur {
            Ok(())
        } else {
            validate::currency_case("currency", currency).and(Err(crate::Error::validation(
                "currency",
                "SEPA transfers are in eur only",
            )))
        },
        validate::iban("destinationIban", destination_iban),
        validate::non_empty("transferTitle", transfer_title),
        check_opt(receiver_type, |r| {
            known_value("receiverType", r.is_unknown(), ReceiverType::WIRE_VALUES)
        }),
        validate::sepa_receiver(receiver_type.map(|r| r.as_str()), first, last, company),
    ])
}

model! {
    /// SEPA transfer from the partner's EUR balance (`POST /v1/partner/sepa-transfer`).
    ///
    /// Standard (closed-loop) integrations send only amount, currency, IBAN and title; legacy
    /// open-loop partners add `receiverType` with the names (`NATURAL`) or the company (`LEGAL`).
    /// `amount` is sent as a string.
    pub struct PartnerSepaTransferRequest {
        /// Amount in EUR.
        pub amount: Amount,
        /// Currency; must be `eur`.
        pub currency: Currency,
        /// Destination IBAN.
        pub destination_iban: String,
        /// Transfer title.
        pub transfer_title: String,
        /// Receiver kind (legacy open-loop only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub receiver_type: Option<ReceiverType>,
        /// Receiver's first name (`NATURAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub receiver_first_name: Option<String>,
        /// Receiver's last name (`NATURAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub receiver_last_name: Option<String>,
        /// Receiver's company name (`LEGAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub company_name: Option<String>,
    }
}

impl PartnerSepaTransferRequest {
    /// A standard (closed-loop) EUR transfer.
    pub fn new(
        amount: Amount,
        destination_iban: impl Into<String>,
        transfer_title: impl Into<String>,
    ) -> Self {
        PartnerSepaTransferRequest {
            amount,
            currency: Currency::Eur,
            destination_iban: destination_iban.into(),
            transfer_title: transfer_title.into(),
            receiver_type: None,
            receiver_first_name: None,
            receiver_last_name: None,
            company_name: None,
        }
    }
}

impl Default for PartnerSepaTransferRequest {
    /// Empty, in `eur` (the only SEPA currency).
    fn default() -> Self {
        PartnerSepaTransferRequest {
            amount: Amount::ZERO,
            currency: Currency::Eur,
            destination_iban: String::new(),
            transfer_title: String::new(),
            receiver_type: None,
            receiver_first_name: None,
            receiver_last_name: None,
            company_name: None,
        }
    }
}

impl Validate for PartnerSepaTransferRequest {
    fn validate(&self) -> crate::Result<()> {
        check_sepa(
            &self.amount,
            &self.currency,
            &self.destination_iban,
            &self.transfer_title,
            self.receiver_type.as_ref(),
            self.receiver_first_name.as_deref(),
            self.receiver_last_name.as_deref(),
            self.company_name.as_deref(),
        )
    }
}

model! {
    /// SEPA transfer from a user's EUR balance (`POST /v1/sepa-transfer`). `amount` is sent as a
    /// string (the docs' table types it `string`). The old docs' example used `externalUserId`;
    /// that name is accepted on decode, never sent.
    pub struct UserSepaTransferRequest {
        /// The partner's id of the paying user.
        // No `x-p100-aliases` for the OpenAPI spec: it describes what is sent, and the alias is
        // only read (from a host value), never sent to P100.
        #[serde(alias = "externalUserId")]
        pub source_external_user_id: String,
        /// Amount in EUR.
        pub amount: Amount,
        /// Currency; must be `eur`.
        pub currency: Currency,
        /// Destination IBAN.
        pub destination_iban: String,
        /// Transfer title.
        pub transfer_title: String,
        /// Receiver kind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub receiver_type: Option<ReceiverType>,
        /// Receiver's first name (`NATURAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub receiver_first_name: Option<String>,
        /// Receiver's last name (`NATURAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub receiver_last_name: Option<String>,
        /// Receiver's company name (`LEGAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub company_name: Option<String>,
    }
}

impl UserSepaTransferRequest {
    /// A EUR transfer from `user`'s balance without receiver details.
    pub fn new(
        user: impl Into<String>,
        amount: Amount,
        destination_iban: impl Into<String>,
        transfer_title: impl Into<String>,
    ) -> Self {
        UserSepaTransferRequest {
            source_external_user_id: user.into(),
            amount,
            currency: Currency::Eur,
            destination_iban: destination_iban.into(),
            transfer_title: transfer_title.into(),
            receiver_type: None,
            receiver_first_name: None,
            receiver_last_name: None,
            company_name: None,
        }
    }
}

impl Default for UserSepaTransferRequest {
    /// Empty, in `eur` (the only SEPA currency).
    fn default() -> Self {
        UserSepaTransferRequest {
            source_external_user_id: String::new(),
            amount: Amount::ZERO,
            currency: Currency::Eur,
            destination_iban: String::new(),
            transfer_title: String::new(),
            receiver_type: None,
            receiver_first_name: None,
            receiver_last_name: None,
            company_name: None,
        }
    }
}

impl Validate for UserSepaTransferRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("sourceExternalUserId", &self.source_external_user_id),
            check_sepa(
                &self.amount,
                &self.currency,
                &self.destination_iban,
                &self.transfer_title,
                self.receiver_type.as_ref(),
                self.receiver_first_name.as_deref(),
                self.receiver_last_name.as_deref(),
                self.company_name.as_deref(),
            ),
        ])
    }
}

model! {
    /// Reply of a SEPA transfer: accepted and queued, not yet done.
    pub struct SepaTransferCreated {
        /// Id to follow the transfer with.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub transfer_id: String,
    }
}

crate::string_enum! {
    /// State of a SEPA transfer. Only `SUCCESSFUL` and `FAILED` are documented.
    pub enum SepaTransferStatus {
        /// Accepted, waiting.
        Pending = "PENDING",
        /// Being processed.
        Processing = "PROCESSING",
        /// Processed and sent (final).
        Successful = "SUCCESSFUL",
        /// Failed (final); see `error`.
        Failed = "FAILED",
    }
}

impl SepaTransferStatus {
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
    /// The user embedded in SEPA transfer details (old docs). Every field is optional; document
    /// number, PESEL and date of birth are secrets.
    pub struct TransferUser {
        /// The partner's id of the user.
        #[serde(default)]
        pub external_user_id: Option<String>,
        /// E-mail address.
        #[serde(default)]
        pub email: Option<String>,
        /// First name.
        #[serde(default)]
        pub first_name: Option<String>,
        /// Last name.
        #[serde(default)]
        pub last_name: Option<String>,
        /// Address.
        #[serde(default)]
        pub address: Option<String>,
        /// City.
        #[serde(default)]
        pub city: Option<String>,
        /// Country, alpha-2.
        #[serde(default)]
        pub country: Option<String>,
        /// Document type, as sent (the example says `id`).
        #[serde(default)]
        pub document_type: Option<String>,
        /// Document number (secret).
        #[serde(default)]
        pub document_number: Option<SecretString>,
        /// PESEL (secret).
        #[serde(default)]
        pub pesel: Option<SecretString>,
        /// Country of birth.
        #[serde(default)]
        pub birth_country: Option<String>,
        /// Date of birth (secret).
        #[serde(default)]
        pub birth_date: Option<SecretString>,
    }
}

model! {
    /// Details of one SEPA transfer (`GET /v1/sepa-transfer/details/{transferId}`).
    pub struct SepaTransferDetails {
        /// Transfer id (`transferId` accepted).
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "transferId", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["transferId"])))]
        pub id: String,
        /// Transfer kind as sent (`external`).
        #[serde(default, rename = "type")]
        pub r#type: Option<String>,
        /// Amount (a number in the old docs, a string in newer ones).
        pub amount: Amount,
        /// Transfer title.
        #[serde(default)]
        pub transfer_title: Option<String>,
        /// Destination IBAN.
        #[serde(default)]
        pub destination_iban: Option<String>,
        /// Receiver's first name.
        #[serde(default)]
        pub receiver_first_name: Option<String>,
        /// Receiver's last name.
        #[serde(default)]
        pub receiver_last_name: Option<String>,
        /// Receiver's company name.
        #[serde(default)]
        pub company_name: Option<String>,
        /// Current state.
        pub status: SepaTransferStatus,
        /// Currency (`eur`).
        #[serde(default)]
        pub currency: Option<Currency>,
        /// Fee charged.
        #[serde(default)]
        pub fee: Option<Amount>,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// The paying user, for user transfers.
        #[serde(default)]
        pub user: Option<TransferUser>,
        /// Why it failed.
        #[serde(default)]
        pub error: Option<ErrorInfo>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_as_string_or_number() {
        for (text, want) in [(r#""5.51""#, "5.51"), ("100", "100"), ("16.020", "16.020")] {
            let body = format!(r#"{{"id":"t","amount":{text},"status":"successful"}}"#);
            let d: SepaTransferDetails = serde_json::from_str(&body).unwrap();
            assert_eq!(d.amount.to_string(), want);
            assert_eq!(d.status, SepaTransferStatus::Successful);
        }
        let d: SepaTransferDetails =
            serde_json::from_str(r#"{"transferId":"t","amount":"1","status":"ON_HOLD"}"#).unwrap();
        assert_eq!(d.status, SepaTransferStatus::Unknown("ON_HOLD".into()));
        assert!(!d.status.is_final());
    }

    #[test]
    fn request_encodes_amount_as_string_and_skips_receiver() {
        let req = PartnerSepaTransferRequest::new(
            Amount::parse("10.50").unwrap(),
            "DE89370400440532013000",
            "Invoice 7",
        );
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"amount":"10.50","currency":"eur","destinationIban":"DE89370400440532013000","transferTitle":"Invoice 7"}"#
        );
    }

    #[test]
    fn contacts_array_or_object() {
        let a: SepaContacts = serde_json::from_str(r#"[{"iban":"LT1"}]"#).unwrap();
        let b: SepaContacts = serde_json::from_str(r#"{"contacts":[{"iban":"LT1"}]}"#).unwrap();
        assert_eq!(a, b);
    }
}
