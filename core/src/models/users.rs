//! Users: creation (KYC and non-KYC models), update, status.

use super::{check_opt, known_value, Balances, Validate};
use crate::{validate, SecretString};

crate::string_enum! {
    /// Type of an identity document.
    pub enum DocumentType {
        /// National identity card (front, back, selfie).
        IdCard = "ID_CARD",
        /// Passport (one photo, selfie).
        Passport = "PASSPORT",
        /// Residence permit (front, back, selfie).
        ResidencePermit = "RESIDENCE_PERMIT",
        /// Driving licence (KYC by P100 only).
        DriverLicense = "DRIVER_LICENSE",
    }
}

crate::string_enum! {
    /// Status of a user account, as reported by the user-status webhook. Only `ACTIVE` is
    /// documented; the other values are *inferred* from the account-management pages.
    pub enum UserStatus {
        /// Verified; balances exist.
        Active = "ACTIVE",
        /// Not active yet.
        Inactive = "INACTIVE",
        /// Creation in progress.
        Pending = "PENDING",
        /// Suspended ("Frozen"): no deposits, withdrawals, exchanges or card payments.
        Suspended = "SUSPENDED" | "FROZEN",
        /// Deleted permanently.
        Deleted = "DELETED",
    }
}

model! {
    /// Create a user, KYC model (`POST /v1/user/balances/crypto-and-fiat`).
    ///
    /// The newest docs send `street`/`number`/`nationality`/`birthCountry`/`birthDate`/
    /// `userIdentificationNumber` and require `hasAcceptedP100Tc: true` (prose); the older docs
    /// sent one `address` plus `documentType`/`documentNumber`. Both sets are here, optional, so
    /// either generation can be sent; fields left `None` are not sent.
    #[derive(Default)]
    pub struct CreateUserRequest {
        /// The partner's own unique id for the user.
        pub external_user_id: String,
        /// E-mail address.
        pub email: String,
        /// Phone number, digits only with country prefix (`486012334567`).
        pub phone: String,
        /// First name.
        pub first_name: String,
        /// Last name.
        pub last_name: String,
        /// Street (newest docs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub street: Option<String>,
        /// House/flat number (newest docs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub number: Option<String>,
        /// City.
        pub city: String,
        /// Postal code.
        pub post_code: String,
        /// Country of residence, ISO 3166-1 alpha-2 (`PL`).
        pub country: String,
        /// Citizenship, alpha-2 (mandatory per the newest FAQ).
        pub citizenship: String,
        /// Nationality, alpha-2 (newest docs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub nationality: Option<String>,
        /// Country of birth, alpha-2 (newest docs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub birth_country: Option<String>,
        /// Date of birth `YYYY-MM-DD` (secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub birth_date: Option<SecretString>,
        /// National identification number (secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub user_identification_number: Option<SecretString>,
        /// Acceptance of the P100 terms; the newest prose says it must be `true`.
        #[serde(
            default,
            rename = "hasAcceptedP100Tc",
            skip_serializing_if = "Option::is_none"
        )]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub has_accepted_p100_tc: Option<bool>,
        /// Single-line address (older docs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub address: Option<String>,
        /// Identity document type (older docs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_type: Option<DocumentType>,
        /// Identity document number (older docs; secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_number: Option<SecretString>,
    }
}

impl Validate for CreateUserRequest {
    fn validate(&self) -> crate::Result<()> {
        let tc = match self.has_accepted_p100_tc {
            Some(false) => Err(crate::Error::validation(
                "hasAcceptedP100Tc",
                "must be true: the user has to accept the P100 terms",
            )),
            _ => Ok(()),
        };
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            validate::email("email", &self.email),
            validate::phone("phone", &self.phone),
            validate::non_empty("firstName", &self.first_name),
            validate::non_empty("lastName", &self.last_name),
            check_opt(self.street.as_deref(), |v| validate::non_empty("street", v)),
            check_opt(self.number.as_deref(), |v| validate::non_empty("number", v)),
            validate::non_empty("city", &self.city),
            validate::non_empty("postCode", &self.post_code),
            validate::country("country", &self.country),
            validate::country("citizenship", &self.citizenship),
            check_opt(self.nationality.as_deref(), |v| {
                validate::country("nationality", v)
            }),
            check_opt(self.birth_country.as_deref(), |v| {
                validate::country("birthCountry", v)
            }),
            check_opt(self.birth_date.as_ref(), |v| {
                validate::birth_date("birthDate", v.expose())
            }),
            check_opt(self.user_identification_number.as_ref(), |v| {
                validate::non_empty("userIdentificationNumber", v.expose())
            }),
            tc,
            check_opt(self.address.as_deref(), |v| {
                validate::non_empty("address", v)
            }),
            check_opt(self.document_type.as_ref(), |v| {
                known_value("documentType", v.is_unknown(), DocumentType::WIRE_VALUES)
            }),
            check_opt(self.document_number.as_ref(), |v| {
                validate::non_empty("documentNumber", v.expose())
            }),
        ])
    }
}

model! {
    /// Reply of both create-user calls. The KYC model's newest reply is
    /// `{userId, poaRequiredForExtended}`; the older one adds `poaRequired` and the balances
    /// object; the non-KYC reply carries `balances` as a flat array. All decode here.
    pub struct CreateUserResponse {
        /// P100's id of the user.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(deserialize_with = "super::de::id_text")]
        pub user_id: String,
        /// Whether a proof-of-address document is asked for: `poaRequired`, or in the newest
        /// replies `poaRequiredForExtended` (for the extended limits; the newest docs add that
        /// the POA requirement is currently suspended, so that POA need not be sent even when
        /// this is true).
        #[serde(default, alias = "poaRequiredForExtended")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["poaRequiredForExtended"])))]
        pub poa_required: Option<bool>,
        /// Balances created with the user, when the reply includes them.
        #[serde(default)]
        pub balances: Option<Balances>,
    }
}

model! {
    /// Create a user, non-KYC model (`POST /v1/user/balances/crypto`). Fields as the doc example;
    /// the docs have no field table, so document fields, PESEL and birth data are optional.
    #[derive(Default)]
    pub struct CreateUserWithoutKycRequest {
        /// The partner's own unique id for the user.
        pub external_user_id: String,
        /// E-mail address.
        pub email: String,
        /// First name.
        pub first_name: String,
        /// Last name.
        pub last_name: String,
        /// Single-line address.
        pub address: String,
        /// City.
        pub city: String,
        /// Country, ISO 3166-1 alpha-2.
        pub country: String,
        /// Identity document type.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_type: Option<DocumentType>,
        /// Identity document number (secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_number: Option<SecretString>,
        /// Polish PESEL number (secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub pesel: Option<SecretString>,
        /// Country of birth, alpha-2.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub birth_country: Option<String>,
        /// Date of birth `YYYY-MM-DD` (secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub birth_date: Option<SecretString>,
    }
}

impl Validate for CreateUserWithoutKycRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            validate::email("email", &self.email),
            validate::non_empty("firstName", &self.first_name),
            validate::non_empty("lastName", &self.last_name),
            validate::non_empty("address", &self.address),
            validate::non_empty("city", &self.city),
            validate::country("country", &self.country),
            check_opt(self.document_type.as_ref(), |v| {
                known_value("documentType", v.is_unknown(), DocumentType::WIRE_VALUES)
            }),
            check_opt(self.document_number.as_ref(), |v| {
                validate::non_empty("documentNumber", v.expose())
            }),
            check_opt(self.pesel.as_ref(), |v| {
                validate::length("pesel", v.expose(), 11, 11)
            }),
            check_opt(self.birth_country.as_deref(), |v| {
                validate::country("birthCountry", v)
            }),
            check_opt(self.birth_date.as_ref(), |v| {
                validate::birth_date("birthDate", v.expose())
            }),
        ])
    }
}

model! {
    /// Update a user (`PATCH /v1/user/{externalUserId}`; the user id goes in the path).
    /// *Inferred* body: the newest docs say e-mail, phone, street, city and postal code can be
    /// changed (country and KYC identity data cannot). Only the fields set are sent; at least
    /// one must be.
    #[derive(Default)]
    #[cfg_attr(feature = "openapi", schemars(extend("minProperties" = 1)))]
    pub struct UpdateUserRequest {
        /// New e-mail address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub email: Option<String>,
        /// New phone number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub phone: Option<String>,
        /// New street.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub street: Option<String>,
        /// New house/flat number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub number: Option<String>,
        /// New city.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub city: Option<String>,
        /// New postal code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub post_code: Option<String>,
        /// New single-line address (older model).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub address: Option<String>,
    }
}

impl Validate for UpdateUserRequest {
    fn validate(&self) -> crate::Result<()> {
        let fields = [
            &self.email,
            &self.phone,
            &self.street,
            &self.number,
            &self.city,
            &self.post_code,
            &self.address,
        ];
        if fields.iter().all(|f| f.is_none()) {
            // An empty PATCH changes nothing: most likely the fields were lost on the way.
            return Err(crate::Error::validation(
                "request",
                "gives no field to change (email, phone, street, number, city, postCode, address)",
            ));
        }
        validate::all([
            check_opt(self.email.as_deref(), |v| validate::email("email", v)),
            check_opt(self.phone.as_deref(), |v| validate::phone("phone", v)),
            check_opt(self.street.as_deref(), |v| validate::non_empty("street", v)),
            check_opt(self.number.as_deref(), |v| validate::non_empty("number", v)),
            check_opt(self.city.as_deref(), |v| validate::non_empty("city", v)),
            check_opt(self.post_code.as_deref(), |v| {
                validate::non_empty("postCode", v)
            }),
            check_opt(self.address.as_deref(), |v| {
                validate::non_empty("address", v)
            }),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_without_any_field_is_refused_before_sending() {
        let e = UpdateUserRequest::default().validate().unwrap_err();
        assert_eq!(e.field(), Some("request"));
        assert!(e.to_string().contains("no field to change"), "{e}");
        let one = UpdateUserRequest {
            city: Some("Kraków".into()),
            ..Default::default()
        };
        one.validate().unwrap();
    }

    #[test]
    fn poa_flag_under_both_names() {
        let a: CreateUserResponse =
            serde_json::from_str(r#"{"userId":"u","poaRequired":true}"#).unwrap();
        let b: CreateUserResponse =
            serde_json::from_str(r#"{"userId":"u","poaRequiredForExtended":true}"#).unwrap();
        assert_eq!(a.poa_required, Some(true));
        assert_eq!(b.poa_required, Some(true));
        let c: CreateUserResponse = serde_json::from_str(r#"{"userId":"u"}"#).unwrap();
        assert_eq!(c.poa_required, None);
        assert!(c.balances.is_none());
    }

    #[test]
    fn terms_flag_wire_name_and_skipped_options() {
        let req = CreateUserRequest {
            external_user_id: "u".into(),
            has_accepted_p100_tc: Some(true),
            ..Default::default()
        };
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(v["hasAcceptedP100Tc"], serde_json::Value::Bool(true));
        assert!(v.get("street").is_none());
        assert!(v.get("documentNumber").is_none());
        let req = CreateUserRequest {
            has_accepted_p100_tc: Some(false),
            ..req
        };
        assert!(req.validate().is_err());
        assert_eq!(
            serde_json::to_string(&UpdateUserRequest {
                city: Some("Kraków".into()),
                ..Default::default()
            })
            .unwrap(),
            r#"{"city":"Kraków"}"#
        );
    }

    #[test]
    fn statuses_any_case() {
        assert_eq!(UserStatus::parse("active"), UserStatus::Active);
        assert_eq!(UserStatus::parse("Frozen"), UserStatus::Suspended);
        assert_eq!(
            DocumentType::parse("passport").as_str(),
            DocumentType::Passport.as_str()
        );
        assert!(DocumentType::parse("id").is_unknown());
    }
}
