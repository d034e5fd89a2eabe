//! KYC: document and proof-of-address uploads, user verification, KYC by P100.

use std::fmt;

use super::{check_opt, known_value, unset, DocumentType, Validate};
use crate::{validate, SecretString};

/// One file of a multipart upload (KYC documents, proof of address).
///
/// Sent as a multipart part, never as JSON. Its `Debug` output shows the name and the size only.
#[derive(Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(::uniffi::Record))]
pub struct FileUpload {
    /// File name sent with the part (`passport.jpg`); its extension helps the server pick the
    /// content type.
    pub file_name: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

impl FileUpload {
    /// A file named `file_name` with content `data`.
    pub fn new(file_name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        FileUpload {
            file_name: file_name.into(),
            data: data.into(),
        }
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// The `(name, bytes)` pairs the file checks of [`crate::validate`] take.
fn file_pairs(files: &[FileUpload]) -> Vec<(&str, &[u8])> {
    files
        .iter()
        .map(|f| (f.file_name.as_str(), f.data.as_slice()))
        .collect()
}

model! {
    /// Add KYC document files (`POST /v1/user/kyc-files/{externalUserId}`, multipart).
    ///
    /// `ID_CARD` and `RESIDENCE_PERMIT` need front, back and a selfie; `PASSPORT` one photo and
    /// a selfie. The multipart field names are *inferred* (the page body was not found): the
    /// files go as repeated `files` parts, `documentType` as a text part. `files` is never part
    /// of a JSON encoding.
    pub struct KycFilesRequest {
        /// The partner's id of the user (path parameter).
        pub external_user_id: String,
        /// Type of the document shown in the files.
        pub document_type: DocumentType,
        /// The files.
        #[serde(skip)]
        pub files: Vec<FileUpload>,
    }
}

impl Default for KycFilesRequest {
    /// Empty, with the document type unset (validation rejects it).
    fn default() -> Self {
        KycFilesRequest {
            external_user_id: String::new(),
            document_type: unset(),
            files: Vec::new(),
        }
    }
}

impl Validate for KycFilesRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            known_value(
                "documentType",
                self.document_type.is_unknown(),
                DocumentType::WIRE_VALUES,
            ),
            validate::kyc_files("files", &file_pairs(&self.files)),
        ])
    }
}

model! {
    /// Add proof-of-address files (`POST /v1/user/poa-files/{externalUserId}`, multipart field
    /// `files`): at most 3 files of at most 5 MB, jpeg/png/pdf, all in one call.
    #[derive(Default)]
    pub struct PoaFilesRequest {
        /// The partner's id of the user (path parameter).
        pub external_user_id: String,
        /// The files.
        #[serde(skip)]
        pub files: Vec<FileUpload>,
    }
}

impl Validate for PoaFilesRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            validate::poa_files("files", &file_pairs(&self.files)),
        ])
    }
}

model! {
    /// Add user verification (`POST /v1/user/verification`): the textual document data, sent
    /// after the documents were accepted; this generates the balances.
    ///
    /// *Inferred*: the docs have no field table for this call. Only `externalUserId` is certain;
    /// the document fields are the SDK's best guess and are sent only when set.
    #[derive(Default)]
    pub struct UserVerificationRequest {
        /// The partner's id of the user.
        pub external_user_id: String,
        /// Type of the verified document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_type: Option<DocumentType>,
        /// Number of the verified document (secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_number: Option<SecretString>,
        /// Issuing country, alpha-2.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_country: Option<String>,
        /// Expiry date `YYYY-MM-DD`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_expiry_date: Option<String>,
        /// Issue date `YYYY-MM-DD`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub document_issue_date: Option<String>,
    }
}

impl Validate for UserVerificationRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            check_opt(self.document_type.as_ref(), |v| {
                known_value("documentType", v.is_unknown(), DocumentType::WIRE_VALUES)
            }),
            check_opt(self.document_number.as_ref(), |v| {
                validate::non_empty("documentNumber", v.expose())
            }),
            check_opt(self.document_country.as_deref(), |v| {
                validate::country("documentCountry", v)
            }),
            check_opt(self.document_expiry_date.as_deref(), |v| {
                validate::date("documentExpiryDate", v)
            }),
            check_opt(self.document_issue_date.as_deref(), |v| {
                validate::date("documentIssueDate", v)
            }),
        ])
    }
}

crate::string_enum! {
    /// Source of the user's income (KYC by P100).
    pub enum IncomeSource {
        /// Own business; needs `taxId`.
        BusinessActivity = "BUSINESS_ACTIVITY",
        /// Salary; needs `occupation` and `additionalInfo`.
        Salary = "SALARY",
        /// Other; needs `additionalInfo`.
        Other = "OTHER",
        /// Maintained by family; needs `additionalInfo`.
        MaintainedByFamily = "MAINTAINED_BY_FAMILY",
        /// Investments; needs `additionalInfo`.
        Investments = "INVESTMENTS",
        /// Social benefits; needs `additionalInfo`.
        SocialBenefits = "SOCIAL_BENEFITS",
        /// Tenancy; needs `additionalInfo`.
        Tenancy = "TENANCY",
    }
}

crate::string_enum! {
    /// Why the user opens the account (KYC by P100). The wire spelling
    /// `INVESTMENTS_OR_CRYPTOCURRENCIE` is the API's own.
    pub enum OpenAccountReason {
        /// Investments or cryptocurrencies.
        InvestmentsOrCryptocurrencies = "INVESTMENTS_OR_CRYPTOCURRENCIE"
            | "INVESTMENTS_OR_CRYPTOCURRENCIES" | "INVESTMENTS_OR_CRYPTOCURRENCY",
        /// Currency exchange.
        CurrencyExchange = "CURRENCY_EXCHANGE",
        /// Daily use.
        DailyUse = "DAILY_USE",
        /// Gaming or gambling.
        GamingOrGambling = "GAMING_OR_GAMBLING",
        /// Transfers of funds outside Europe.
        TransferOfFundsOutsideOfEurope = "TRANSFER_OF_FUNDS_OUTSIDE_OF_EUROPE",
    }
}

crate::string_enum! {
    /// The user's occupation (KYC by P100; needed when the income source is `SALARY`).
    pub enum Occupation {
        /// IT.
        It = "IT",
        /// Healthcare and medical services.
        HealthcareAndMedicalServices = "HEALTHCARE_AND_MEDICAL_SERVICES",
        /// Finance and accounting.
        FinanceAndAccounting = "FINANCE_AND_ACCOUNTING",
        /// Education and teaching.
        EducationAndTeaching = "EDUCATION_AND_TEACHING",
        /// Sales and marketing.
        SalesAndMarketing = "SALES_AND_MARKETING",
        /// Engineering.
        Engineering = "ENGINEERING",
        /// Customer service.
        CustomerService = "CUSTOMER_SERVICE",
        /// Administration and office management.
        AdministrationAndOfficeManagement = "ADMINISTRATION_AND_OFFICE_MANAGEMENT",
        /// Legal services.
        LegalServices = "LEGAL_SERVICES",
        /// Arts and design.
        ArtsAndDesign = "ARTS_AND_DESIGN",
        /// Retail and sales.
        RetailAndSales = "RETAIL_AND_SALES",
        /// Construction and trades.
        ConstructionAndTrades = "CONSTRUCTION_AND_TRADES",
        /// Human resources.
        HumanResources = "HUMAN_RESOURCES",
        /// Manufacturing and production.
        ManufacturingAndProduction = "MANUFACTURING_AND_PRODUCTION",
        /// Science and research.
        ScienceAndResearch = "SCIENCE_AND_RESEARCH",
    }
}

model! {
    /// Create a KYC verification run by P100 (`POST /v1/kyc`), fields as the old static docs'
    /// table.
    pub struct CreateKycVerificationRequest {
        /// The partner's id of the user.
        pub external_user_id: String,
        /// Document the user will photograph.
        pub document_type: DocumentType,
        /// Country of residence, alpha-2.
        pub country: String,
        /// Source of income.
        pub income_source: IncomeSource,
        /// Reason for opening the account.
        pub open_account_reason: OpenAccountReason,
        /// Tax identification number (secret: for a person it is often a national id such as
        /// a PESEL); required when `incomeSource` is `BUSINESS_ACTIVITY`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub tax_id: Option<SecretString>,
        /// Occupation; required when `incomeSource` is `SALARY`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub occupation: Option<Occupation>,
        /// More about the income source; required for every income source except
        /// `BUSINESS_ACTIVITY`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub additional_info: Option<String>,
    }
}

impl Default for CreateKycVerificationRequest {
    /// Empty, with the enum fields unset (validation rejects them).
    fn default() -> Self {
        CreateKycVerificationRequest {
            external_user_id: String::new(),
            document_type: unset(),
            country: String::new(),
            income_source: unset(),
            open_account_reason: unset(),
            tax_id: None,
            occupation: None,
            additional_info: None,
        }
    }
}

impl Validate for CreateKycVerificationRequest {
    fn validate(&self) -> crate::Result<()> {
        let needs_tax = self.income_source == IncomeSource::BusinessActivity;
        let needs_occupation = self.income_source == IncomeSource::Salary;
        let needs_info = !needs_tax && !self.income_source.is_unknown();
        validate::all([
            validate::external_user_id("externalUserId", &self.external_user_id),
            known_value(
                "documentType",
                self.document_type.is_unknown(),
                DocumentType::WIRE_VALUES,
            ),
            validate::country("country", &self.country),
            known_value(
                "incomeSource",
                self.income_source.is_unknown(),
                IncomeSource::WIRE_VALUES,
            ),
            known_value(
                "openAccountReason",
                self.open_account_reason.is_unknown(),
                OpenAccountReason::WIRE_VALUES,
            ),
            if needs_tax {
                super::required("taxId", self.tax_id.as_ref())
            } else {
                Ok(())
            },
            check_opt(self.tax_id.as_ref(), |v| {
                validate::non_empty("taxId", v.expose())
            }),
            if needs_occupation {
                super::required("occupation", self.occupation.as_ref())
            } else {
                Ok(())
            },
            check_opt(self.occupation.as_ref(), |v| {
                known_value("occupation", v.is_unknown(), Occupation::WIRE_VALUES)
            }),
            if needs_info {
                super::required("additionalInfo", self.additional_info.as_ref())
            } else {
                Ok(())
            },
            check_opt(self.additional_info.as_deref(), |v| {
                validate::non_empty("additionalInfo", v)
            }),
        ])
    }
}

model! {
    /// Reply of create KYC verification. *Inferred*: the docs do not show it; the id is read
    /// from `verificationId` or `id`, a URL from `url`/`redirectUrl`/`verificationUrl`.
    pub struct KycVerification {
        /// Id to use with the redirect and status calls.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub verification_id: String,
        /// URL of the verification session, when the reply has one.
        #[serde(default, alias = "redirectUrl", alias = "verificationUrl")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["redirectUrl", "verificationUrl"])))]
        pub url: Option<String>,
        /// Status text, when the reply has one.
        #[serde(default)]
        pub status: Option<String>,
    }
}

crate::string_enum! {
    /// Overall KYC state of a user.
    pub enum VerificationStatus {
        /// Not completed or not passed.
        NotVerified = "NOT_VERIFIED",
        /// Passed.
        Verified = "VERIFIED",
        /// A past verification lapsed; it must be redone.
        Expired = "EXPIRED",
    }
}

crate::string_enum! {
    /// State of the current KYC attempt.
    pub enum AttemptStatus {
        /// Started, waiting to be processed.
        Pending = "PENDING",
        /// Being processed by the provider.
        Verification = "VERIFICATION",
        /// Refused; see `rejectionReason`.
        RejectedByProvider = "REJECTED_BY_PROVIDER",
        /// Succeeded.
        Successful = "SUCCESSFUL",
    }
}

crate::string_enum! {
    /// Outcome of a KYC file upload (KYC-file webhook).
    pub enum KycFileStatus {
        /// Accepted and queued for verification.
        Added = "ADDED",
        /// Could not be processed.
        Error = "ERROR",
    }
}

crate::string_enum! {
    /// Proof-of-address verification state (POA webhook).
    pub enum PoaStatus {
        /// Submitted, waiting for review.
        Waiting = "WAITING",
        /// Accepted.
        Approved = "APPROVED",
        /// Refused for good; another document is needed.
        Rejected = "REJECTED",
        /// A fixable problem (blurry, cropped…); upload again.
        Questioned = "QUESTIONED",
    }
}

model! {
    /// Reply of Get KYC Status (`GET /v1/kyc/status/{verificationId}`). *Inferred*: the docs
    /// show no body; the fields are those of the KYC verification webhook, all optional.
    pub struct KycStatus {
        /// The partner's id of the user.
        #[serde(default)]
        pub external_user_id: Option<String>,
        /// Overall KYC state.
        #[serde(default)]
        pub verification_status: Option<VerificationStatus>,
        /// State of the current attempt.
        #[serde(default)]
        pub attempt_status: Option<AttemptStatus>,
        /// Why the provider refused (`NO_FACE_FOUND`…).
        #[serde(default, deserialize_with = "crate::models::masked_text")]
        pub rejection_reason: Option<String>,
    }
}

model! {
    /// Result of the redirect-to-verification call, which answers `200 text/html` instead of a
    /// redirect: a loading page whose script, and then the verification provider's redirects,
    /// lead to the iDenfy session (`https://ui.idenfy.com/?authToken=…`). The docs say that
    /// this final URL is in neither the body nor the headers, that the raw HTML shown elsewhere
    /// does not work, and give no server-side way to obtain the final URL. The call needs the
    /// partner's API key, so the user's browser cannot be sent to `url` either (it would get
    /// `401 Access Denied. xo1`). Until P100 documents a way, ask P100 how to hand the
    /// session to the user, or use the KYC-by-partner model.
    pub struct VerificationPage {
        /// The full URL of the call. It needs the API key: not a link for the user's browser.
        pub url: String,
        /// The HTML body as received (the loading page).
        pub html: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_upload_debug_hides_content() {
        let f = FileUpload::new("poa.pdf", b"%PDF-secret-bytes".to_vec());
        let text = format!("{f:?}");
        assert!(text.contains("poa.pdf") && text.contains("17"));
        assert!(!text.contains("secret"));
        let req = PoaFilesRequest {
            external_user_id: "u1".into(),
            files: vec![f],
        };
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"externalUserId":"u1"}"#
        );
    }

    #[test]
    fn kyc_enums_and_status() {
        assert_eq!(
            OpenAccountReason::parse("investments_or_cryptocurrencie"),
            OpenAccountReason::InvestmentsOrCryptocurrencies
        );
        assert_eq!(
            OpenAccountReason::InvestmentsOrCryptocurrencies.as_str(),
            "INVESTMENTS_OR_CRYPTOCURRENCIE"
        );
        let s: KycStatus = serde_json::from_str(
            r#"{"verificationStatus":"verified","attemptStatus":"SOMETHING_NEW"}"#,
        )
        .unwrap();
        assert_eq!(s.verification_status, Some(VerificationStatus::Verified));
        assert_eq!(
            s.attempt_status,
            Some(AttemptStatus::Unknown("SOMETHING_NEW".into()))
        );
        let v: KycVerification =
            serde_json::from_str(r#"{"id":"v1","redirectUrl":"https://x"}"#).unwrap();
        assert_eq!(v.verification_id, "v1");
        assert_eq!(v.url.as_deref(), Some("https://x"));
    }

    #[test]
    fn kyc_conditional_fields() {
        let mut req = CreateKycVerificationRequest {
            external_user_id: "u1".into(),
            document_type: DocumentType::IdCard,
            country: "PL".into(),
            income_source: IncomeSource::Salary,
            open_account_reason: OpenAccountReason::DailyUse,
            tax_id: None,
            occupation: None,
            additional_info: Some("x".into()),
        };
        assert_eq!(req.validate().unwrap_err().field(), Some("occupation"));
        req.occupation = Some(Occupation::It);
        assert!(req.validate().is_ok());
        req.income_source = IncomeSource::BusinessActivity;
        assert_eq!(req.validate().unwrap_err().field(), Some("taxId"));
    }
}
