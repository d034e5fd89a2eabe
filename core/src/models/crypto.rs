//! Crypto: network fees, withdrawals, deposits' travel-rule data.

use super::{check_opt, known_value, unset, ErrorInfo, ReceiverType, Validate};
use crate::money::as_number;
use crate::{validate, Amount, Currency, Network};

model! {
    /// Query of the network-fee call (`GET /v1/crypto-withdrawal/get-network-fee`). Without a
    /// network the fee is computed for the currency's default network (ethereum for usdc/usdt).
    pub struct NetworkFeeQuery {
        /// Crypto currency.
        pub currency: Currency,
        /// Network, when not the default: only `polygon`, for usdc and usdt (the docs' one
        /// value; leave it out for the currency's own network).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub network: Option<Network>,
    }
}

impl NetworkFeeQuery {
    /// The fee of `currency` on its default network.
    pub fn new(currency: Currency) -> Self {
        NetworkFeeQuery {
            currency,
            network: None,
        }
    }

    /// The query parameters that are set, in order.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("currency", self.currency.as_str().to_string())];
        if let Some(n) = &self.network {
            out.push(("network", n.as_str().to_string()));
        }
        out
    }
}

impl Default for NetworkFeeQuery {
    /// With the currency unset (validation rejects it).
    fn default() -> Self {
        NetworkFeeQuery {
            currency: unset(),
            network: None,
        }
    }
}

impl Validate for NetworkFeeQuery {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::crypto_currency("currency", &self.currency),
            check_opt(self.network.as_ref(), |n| {
                validate::network("network", &self.currency, n)?;
                // The docs' query enum is `[ polygon ]` ("omitted → fee computed for
                // ethereum"): another value would be sent as a word the API does not list.
                if *n == Network::Polygon {
                    Ok(())
                } else {
                    Err(crate::Error::validation(
                        "network",
                        "may only be polygon (for usdc or usdt); leave it out for the currency's \
                         own network",
                    ))
                }
            }),
        ])
    }
}

model! {
    /// The current network (gas) fee of a withdrawal, on top of P100's fixed service fee.
    pub struct NetworkFee {
        /// The fee, exact.
        pub network_fee: Amount,
    }
}

crate::string_enum! {
    /// Kind of the destination wallet (travel rule).
    pub enum WalletType {
        /// A wallet held by an exchange or other custodian.
        Custodial = "CUSTODIAL",
        /// A self-hosted wallet.
        NonCustodial = "NON_CUSTODIAL",
        /// Anything else.
        Other = "OTHER",
    }
}

/// Checks shared by both withdrawal requests.
#[allow(clippy::too_many_arguments)]
fn check_withdrawal(
    currency: &Currency,
    amount: &Amount,
    wallet_address: &str,
    network: Option<&Network>,
    memo: Option<&str>,
    name: &str,
    wallet_type: &WalletType,
    receiver_type: &ReceiverType,
) -> crate::Result<()> {
    validate::all([
        validate::crypto_currency("currency", currency),
        validate::amount("amount", amount, currency),
        validate::wallet_address("walletAddress", wallet_address),
        check_opt(network, |n| validate::network("network", currency, n)),
        check_opt(memo, |m| validate::non_empty("memo", m)),
        validate::non_empty("name", name),
        known_value(
            "walletType",
            wallet_type.is_unknown(),
            WalletType::WIRE_VALUES,
        ),
        known_value(
            "receiverType",
            receiver_type.is_unknown(),
            ReceiverType::WIRE_VALUES,
        ),
    ])
}

model! {
    /// Crypto withdrawal from the partner's balance (`POST /v1/partner/crypto-withdrawal`).
    /// *Inferred* path and body: the user variant's fields without the user id. `amount` is sent
    /// as a JSON number.
    pub struct PartnerCryptoWithdrawalRequest {
        /// Crypto currency.
        pub currency: Currency,
        /// Amount to send.
        #[serde(with = "as_number")]
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::AmountNumber"))]
        pub amount: Amount,
        /// Destination address.
        pub wallet_address: String,
        /// Network, when not the currency's default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub network: Option<Network>,
        /// Optional memo/tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub memo: Option<String>,
        /// Receiver's name (travel rule).
        pub name: String,
        /// Kind of destination wallet (travel rule).
        pub wallet_type: WalletType,
        /// Kind of receiver (travel rule).
        pub receiver_type: ReceiverType,
    }
}

impl Default for PartnerCryptoWithdrawalRequest {
    /// Empty, with currency, wallet type and receiver type unset (validation rejects them).
    fn default() -> Self {
        PartnerCryptoWithdrawalRequest {
            currency: unset(),
            amount: Amount::ZERO,
            wallet_address: String::new(),
            network: None,
            memo: None,
            name: String::new(),
            wallet_type: unset(),
            receiver_type: unset(),
        }
    }
}

impl Validate for PartnerCryptoWithdrawalRequest {
    fn validate(&self) -> crate::Result<()> {
        check_withdrawal(
            &self.currency,
            &self.amount,
            &self.wallet_address,
            self.network.as_ref(),
            self.memo.as_deref(),
            &self.name,
            &self.wallet_type,
            &self.receiver_type,
        )
    }
}

model! {
    /// Crypto withdrawal from a user's balance (`POST /v1/crypto-withdrawal`). `amount` is sent
    /// as a JSON number (the docs' table types it `number`); currency and network are sent in
    /// lower case.
    pub struct UserCryptoWithdrawalRequest {
        /// The partner's id of the paying user.
        pub source_external_user_id: String,
        /// Crypto currency.
        pub currency: Currency,
        /// Amount to send.
        #[serde(with = "as_number")]
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::AmountNumber"))]
        pub amount: Amount,
        /// Destination address.
        pub wallet_address: String,
        /// Network, when not the currency's default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub network: Option<Network>,
        /// Optional memo/tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub memo: Option<String>,
        /// Receiver's name (travel rule).
        pub name: String,
        /// Kind of destination wallet (travel rule).
        pub wallet_type: WalletType,
        /// Kind of receiver (travel rule).
        pub receiver_type: ReceiverType,
    }
}

impl Default for UserCryptoWithdrawalRequest {
    /// Empty, with currency, wallet type and receiver type unset (validation rejects them).
    fn default() -> Self {
        UserCryptoWithdrawalRequest {
            source_external_user_id: String::new(),
            currency: unset(),
            amount: Amount::ZERO,
            wallet_address: String::new(),
            network: None,
            memo: None,
            name: String::new(),
            wallet_type: unset(),
            receiver_type: unset(),
        }
    }
}

impl Validate for UserCryptoWithdrawalRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("sourceExternalUserId", &self.source_external_user_id),
            check_withdrawal(
                &self.currency,
                &self.amount,
                &self.wallet_address,
                self.network.as_ref(),
                self.memo.as_deref(),
                &self.name,
                &self.wallet_type,
                &self.receiver_type,
            ),
        ])
    }
}

model! {
    /// Reply of a withdrawal: accepted, not yet sent. *Inferred* from third-party code
    /// (`{withdrawalId}`); `id` accepted.
    pub struct WithdrawalCreated {
        /// Id to follow the withdrawal with.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub withdrawal_id: String,
    }
}

crate::string_enum! {
    /// State of a crypto withdrawal. *Inferred* values (no doc lists them).
    pub enum WithdrawalStatus {
        /// Accepted, waiting.
        Pending = "PENDING",
        /// Being processed / broadcast.
        Processing = "PROCESSING",
        /// Sent (final). The docs give no withdrawal status: both of P100's words for success.
        Successful = "SUCCESSFUL" | "COMPLETED",
        /// Failed (final); see `error`.
        Failed = "FAILED",
    }
}

impl WithdrawalStatus {
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
    /// Details of a crypto withdrawal (`GET /v1/crypto-withdrawal/details/{withdrawalId}`).
    /// *Inferred* shape, after the V0 webhook's fields (`id, amount, fee, destination, status`).
    pub struct CryptoWithdrawalDetails {
        /// Withdrawal id (wire `id`; `withdrawalId` accepted).
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(rename = "id", alias = "withdrawalId", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["withdrawalId"])))]
        pub withdrawal_id: String,
        /// Current state.
        pub status: WithdrawalStatus,
        /// Amount sent.
        #[serde(default)]
        pub amount: Option<Amount>,
        /// Fee charged.
        #[serde(default)]
        pub fee: Option<Amount>,
        /// Currency.
        #[serde(default)]
        pub currency: Option<Currency>,
        /// Network.
        #[serde(default)]
        pub network: Option<Network>,
        /// Destination address (`walletAddress` accepted).
        #[serde(default, alias = "walletAddress")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["walletAddress"])))]
        pub destination: Option<String>,
        /// On-chain transaction hash, once broadcast.
        #[serde(default)]
        pub transaction_hash: Option<String>,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// Why it failed.
        #[serde(default)]
        pub error: Option<ErrorInfo>,
    }
}

crate::string_enum! {
    /// State of an incoming crypto deposit.
    pub enum CryptoDepositStatus {
        /// Credited.
        Successful = "SUCCESSFUL",
        /// Rejected or failed.
        Unsuccessful = "UNSUCCESSFUL",
        /// Seen on chain, internal checks pending.
        WaitingForVerification = "WAITING_FOR_VERIFICATION",
        /// Travel-rule data needed: send it with [`TravelRuleUpdateRequest`].
        WaitingForTrData = "WAITING_FOR_TR_DATA",
    }
}

model! {
    /// Travel-rule data of an incoming deposit in `WAITING_FOR_TR_DATA`
    /// (`PATCH /v1/crypto-deposit/travel-rule/{cryptoDepositId}`). *Inferred* body: the
    /// withdrawal's travel-rule fields plus the sender's names. The deposit id goes in the path,
    /// never in the body.
    pub struct TravelRuleUpdateRequest {
        /// The deposit (path parameter; not serialized).
        #[serde(skip_serializing, default)]
        #[cfg_attr(feature = "openapi", schemars(skip))]
        pub crypto_deposit_id: String,
        /// Sender's name.
        pub name: String,
        /// Kind of the sending wallet.
        pub wallet_type: WalletType,
        /// Kind of sender.
        pub receiver_type: ReceiverType,
        /// Sending address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub wallet_address: Option<String>,
        /// Sender's first name (`NATURAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub first_name: Option<String>,
        /// Sender's last name (`NATURAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub last_name: Option<String>,
        /// Sender's company (`LEGAL`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub company_name: Option<String>,
    }
}

impl Default for TravelRuleUpdateRequest {
    /// Empty, with wallet type and receiver type unset (validation rejects them).
    fn default() -> Self {
        TravelRuleUpdateRequest {
            crypto_deposit_id: String::new(),
            name: String::new(),
            wallet_type: unset(),
            receiver_type: unset(),
            wallet_address: None,
            first_name: None,
            last_name: None,
            company_name: None,
        }
    }
}

impl Validate for TravelRuleUpdateRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("cryptoDepositId", &self.crypto_deposit_id),
            validate::non_empty("name", &self.name),
            known_value(
                "walletType",
                self.wallet_type.is_unknown(),
                WalletType::WIRE_VALUES,
            ),
            known_value(
                "receiverType",
                self.receiver_type.is_unknown(),
                ReceiverType::WIRE_VALUES,
            ),
            check_opt(self.wallet_address.as_deref(), |v| {
                validate::wallet_address("walletAddress", v)
            }),
            check_opt(self.first_name.as_deref(), |v| {
                validate::non_empty("firstName", v)
            }),
            check_opt(self.last_name.as_deref(), |v| {
                validate::non_empty("lastName", v)
            }),
            check_opt(self.company_name.as_deref(), |v| {
                validate::non_empty("companyName", v)
            }),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdrawal_request_wire_form() {
        let req = UserCryptoWithdrawalRequest {
            source_external_user_id: "u1".into(),
            currency: Currency::parse("BTC"),
            amount: Amount::parse("0.005").unwrap(),
            wallet_address: "bc1q".into(),
            network: None,
            memo: None,
            name: "John Doe".into(),
            wallet_type: WalletType::NonCustodial,
            receiver_type: ReceiverType::Natural,
        };
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"sourceExternalUserId":"u1","currency":"btc","amount":0.005,"walletAddress":"bc1q","name":"John Doe","walletType":"NON_CUSTODIAL","receiverType":"NATURAL"}"#
        );
    }

    #[test]
    fn details_and_statuses() {
        let d: CryptoWithdrawalDetails = serde_json::from_str(
            r#"{"withdrawalId":"w","status":"successful","walletAddress":"0xabc","fee":"0.0003","network":"POLYGON"}"#,
        )
        .unwrap();
        assert_eq!(d.withdrawal_id, "w");
        assert!(d.status.is_success());
        // The docs give no withdrawal status: P100's other word for success is one too.
        let c: CryptoWithdrawalDetails =
            serde_json::from_str(r#"{"withdrawalId":"w","status":"COMPLETED"}"#).unwrap();
        assert!(c.status.is_success());
        assert_eq!(d.destination.as_deref(), Some("0xabc"));
        assert_eq!(d.network, Some(Network::Polygon));
        assert_eq!(
            CryptoDepositStatus::parse("waiting_for_tr_data"),
            CryptoDepositStatus::WaitingForTrData
        );
        let f: NetworkFee = serde_json::from_str(r#"{"networkFee":0.000469}"#).unwrap();
        assert_eq!(f.network_fee.to_string(), "0.000469");
    }

    #[test]
    fn travel_rule_id_stays_out_of_the_body() {
        let req = TravelRuleUpdateRequest {
            crypto_deposit_id: "dep_1".into(),
            name: "Jan".into(),
            wallet_type: WalletType::Custodial,
            receiver_type: ReceiverType::Natural,
            wallet_address: None,
            first_name: None,
            last_name: None,
            company_name: None,
        };
        let text = serde_json::to_string(&req).unwrap();
        assert!(!text.contains("dep_1"));
        assert_eq!(
            NetworkFeeQuery {
                currency: Currency::Usdc,
                network: Some(Network::Polygon)
            }
            .query_pairs(),
            vec![
                ("currency", "usdc".to_string()),
                ("network", "polygon".to_string())
            ]
        );
    }
}
