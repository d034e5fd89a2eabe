//! Balances (partner and user) and transaction history.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};

use super::Validate;
use crate::{validate, Amount, Currency};

crate::string_enum! {
    /// Status of a fiat balance. The prose of the older create-user page says
    /// `WAITING_FOR_ACTIVATION`; every JSON example says `WAITING_TO_BE_ACTIVATED`.
    pub enum BalanceStatus {
        /// Active: the IBAN can receive and send.
        Active = "ACTIVE",
        /// Created, waiting for the user's verification.
        WaitingToBeActivated = "WAITING_TO_BE_ACTIVATED" | "WAITING_FOR_ACTIVATION",
        /// Active with extended features (named in the brief; not seen in stored docs).
        ActiveExtended = "ACTIVE_EXTENDED",
    }
}

model! {
    /// A fiat (EUR) balance.
    pub struct FiatBalance {
        /// P100 balance id.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(deserialize_with = "super::de::id_text")]
        pub id: String,
        /// Current amount, exact (`"0.00"`).
        pub amount: Amount,
        /// Currency of the balance (`eur`).
        pub name: Currency,
        /// Rate to EUR (`1`).
        #[serde(default)]
        pub rate: Option<Amount>,
        /// The balance's IBAN; `null` until the user is verified.
        #[serde(default)]
        pub iban: Option<String>,
        /// Activation status; absent in the non-KYC create response.
        #[serde(default)]
        pub status: Option<BalanceStatus>,
    }
}

model! {
    /// A crypto balance.
    pub struct CryptoBalance {
        /// P100 balance id.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(deserialize_with = "super::de::id_text")]
        pub id: String,
        /// Current amount, exact (`"0.00000000"`).
        pub amount: Amount,
        /// Currency of the balance (`btc`, `usdc`…).
        pub name: Currency,
        /// Deposit wallet address; `null` until one exists.
        #[serde(default)]
        pub wallet: Option<String>,
        /// Rate to EUR (`102178.03394219`).
        #[serde(default)]
        pub rate: Option<Amount>,
        /// Limits and fees per network, keyed by network name (`ethereum`, `polygon`, `btc`…).
        #[serde(default, deserialize_with = "super::de::null_default")]
        pub network_config: HashMap<String, NetworkConfig>,
    }
}

model! {
    /// Configuration of one network of a crypto balance.
    pub struct NetworkConfig {
        /// True on mainnet, false on test networks.
        #[serde(default)]
        pub mainnet: Option<bool>,
        /// Network name as P100 calls it (`sepolia`, `amoy`, `test`…).
        #[serde(default)]
        pub name: Option<String>,
        /// Withdrawal fee and minimum.
        #[serde(default)]
        pub withdrawal: Option<WithdrawalLimits>,
        /// Deposit minimum.
        #[serde(default)]
        pub deposit: Option<DepositLimits>,
    }
}

model! {
    /// Withdrawal fee and minimum of one network.
    pub struct WithdrawalLimits {
        /// Fixed P100 service fee per withdrawal.
        #[serde(default)]
        pub fee_withdrawal: Option<Amount>,
        /// Smallest amount that can be withdrawn.
        #[serde(default)]
        pub min_withdrawal: Option<Amount>,
    }
}

model! {
    /// Deposit minimum of one network.
    pub struct DepositLimits {
        /// Smallest amount credited on deposit.
        #[serde(default)]
        pub min_deposit: Option<Amount>,
    }
}

model! {
    @custom_decode
    /// All balances of the partner or of a user.
    ///
    /// Decodes both documented shapes: the `{"fiatBalances": [...], "cryptoBalances": [...]}`
    /// object and the flat array of the non-KYC create-user response (its `eur` entries become
    /// fiat balances, every other entry a crypto balance). Encodes as the object form.
    // Its JSON Schema (feature `openapi`) is written by hand in `crate::openapi`: both wire forms.
    #[serde(rename_all = "camelCase")]
    pub struct Balances {
        /// Fiat balances.
        pub fiat_balances: Vec<FiatBalance>,
        /// Crypto balances.
        pub crypto_balances: Vec<CryptoBalance>,
    }
    python {
        /// The fiat balance in `currency` (any case), or `None`.
        #[pyo3(name = "fiat")]
        fn py_fiat(&self, currency: &str) -> Option<FiatBalance> {
            self.fiat(&Currency::parse(currency)).cloned()
        }
        /// The crypto balance in `currency` (any case), or `None`.
        #[pyo3(name = "crypto")]
        fn py_crypto(&self, currency: &str) -> Option<CryptoBalance> {
            self.crypto(&Currency::parse(currency)).cloned()
        }
    }
}

impl Balances {
    /// The fiat balance in `currency`, if any.
    pub fn fiat(&self, currency: &Currency) -> Option<&FiatBalance> {
        self.fiat_balances.iter().find(|b| &b.name == currency)
    }

    /// The crypto balance in `currency`, if any.
    pub fn crypto(&self, currency: &Currency) -> Option<&CryptoBalance> {
        self.crypto_balances.iter().find(|b| &b.name == currency)
    }
}

/// One entry of the flat balances array (non-KYC create response).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FlatBalance {
    #[serde(deserialize_with = "super::de::id_text")]
    id: String,
    amount: Amount,
    name: Currency,
    #[serde(default)]
    rate: Option<Amount>,
    #[serde(default)]
    wallet: Option<String>,
    #[serde(default)]
    iban: Option<String>,
    #[serde(default)]
    status: Option<BalanceStatus>,
    #[serde(default, deserialize_with = "super::de::null_default")]
    network_config: HashMap<String, NetworkConfig>,
}

/// The object form of [`Balances`] on the wire.
#[derive(Deserialize)]
struct BalancesObject {
    // Both required (the docs always show both; `null` reads as none): a reply without one
    // would otherwise say "no balance of that kind".
    #[serde(rename = "fiatBalances", deserialize_with = "super::de::null_default")]
    fiat: Vec<FiatBalance>,
    #[serde(
        rename = "cryptoBalances",
        deserialize_with = "super::de::null_default"
    )]
    crypto: Vec<CryptoBalance>,
}

impl From<Vec<FlatBalance>> for Balances {
    fn from(entries: Vec<FlatBalance>) -> Self {
        let mut out = Balances::default();
        for e in entries {
            if e.name.is_fiat() {
                out.fiat_balances.push(FiatBalance {
                    id: e.id,
                    amount: e.amount,
                    name: e.name,
                    rate: e.rate,
                    iban: e.iban,
                    status: e.status,
                });
            } else {
                out.crypto_balances.push(CryptoBalance {
                    id: e.id,
                    amount: e.amount,
                    name: e.name,
                    wallet: e.wallet,
                    rate: e.rate,
                    network_config: e.network_config,
                });
            }
        }
        out
    }
}

/// Picks the form from the first token (an object or an array), without buffering the reply
/// as an untagged enum would.
struct BalancesVisitor;

impl<'de> serde::de::Visitor<'de> for BalancesVisitor {
    type Value = Balances;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with fiatBalances and cryptoBalances, or an array of balances")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Balances, A::Error> {
        let o = BalancesObject::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(Balances {
            fiat_balances: o.fiat,
            crypto_balances: o.crypto,
        })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Balances, A::Error> {
        let entries =
            Vec::<FlatBalance>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        Ok(entries.into())
    }
}

impl<'de> Deserialize<'de> for Balances {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BalancesVisitor)
    }
}

model! {
    /// Query of the transaction history calls (`?month=M&year=Y`). *Inferred*: the parameter
    /// names come from the API's catalog, not from a doc page.
    #[derive(Default)]
    pub struct TransactionHistoryQuery {
        /// Month, 1–12.
        #[cfg_attr(feature = "openapi", schemars(range(min = *crate::validate::MONTHS.start(), max = *crate::validate::MONTHS.end())))]
        pub month: i32,
        /// Four-digit year.
        #[cfg_attr(feature = "openapi", schemars(range(min = *crate::validate::YEARS.start(), max = *crate::validate::YEARS.end())))]
        pub year: i32,
    }
}

impl TransactionHistoryQuery {
    /// A query for `month` (1–12) of `year`. The month is taken as chrono's `Datelike::month`
    /// gives it; one out of range is refused by validation, before anything is sent.
    pub fn new(month: u32, year: i32) -> Self {
        TransactionHistoryQuery {
            month: i32::try_from(month).unwrap_or(0),
            year,
        }
    }

    /// The query parameters, in order.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("month", self.month.to_string()),
            ("year", self.year.to_string()),
        ]
    }
}

impl Validate for TransactionHistoryQuery {
    fn validate(&self) -> crate::Result<()> {
        validate::month_year(self.month, self.year)
    }
}

model! {
    /// One entry of a transaction history. *Inferred*: the docs show no example, so every field
    /// is optional and unknown fields are ignored.
    pub struct Transaction {
        /// Transaction id.
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::IdText>"))]
        #[serde(default, deserialize_with = "super::de::opt_id_text")]
        pub id: Option<String>,
        /// Kind of transaction (`external`, `exchange`, …), as sent.
        #[serde(default, rename = "type")]
        pub r#type: Option<String>,
        /// Amount, exact.
        #[serde(default)]
        pub amount: Option<Amount>,
        /// Currency.
        #[serde(default)]
        pub currency: Option<Currency>,
        /// Status text, as sent.
        #[serde(default)]
        pub status: Option<String>,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// Fee charged, exact.
        #[serde(default)]
        pub fee: Option<Amount>,
        /// Direction (`IN`/`OUT`…), as sent.
        #[serde(default)]
        pub direction: Option<String>,
        /// Description or title.
        #[serde(default)]
        pub description: Option<String>,
    }
}

model! {
    @custom_decode
    /// A transaction history. *Inferred*: decodes from a top-level array or from an object holding
    /// the array under `transactions`, `items` or `data`. Encodes as `{"transactions": [...]}`.
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    pub struct TransactionHistory {
        /// The transactions, as sent.
        pub transactions: Vec<Transaction>,
    }
}

/// The object form of [`TransactionHistory`] on the wire.
#[derive(Deserialize)]
struct HistoryObject {
    #[serde(alias = "items", alias = "data")]
    transactions: Vec<Transaction>,
}

/// Picks the form from the first token, without buffering a long history as an untagged enum
/// would.
struct HistoryVisitor;

impl<'de> serde::de::Visitor<'de> for HistoryVisitor {
    type Value = TransactionHistory;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of transactions, or an object holding one under `transactions`")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let o = HistoryObject::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(TransactionHistory {
            transactions: o.transactions,
        })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let transactions =
            Vec::<Transaction>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        Ok(TransactionHistory { transactions })
    }
}

impl<'de> Deserialize<'de> for TransactionHistory {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(HistoryVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_array_splits_fiat_and_crypto() {
        let b: Balances = serde_json::from_str(
            r#"[
              {"id":"1","amount":"0.00000000","name":"eth","wallet":null,"rate":3160.21051755,
               "networkConfig":{"ethereum":{"mainnet":false,"name":"sepolia",
               "withdrawal":{"feeWithdrawal":0.003,"minWithdrawal":0.0006},"deposit":{"minDeposit":0}}}},
              {"id":"2","amount":"0.00","name":"EUR","wallet":null,"rate":1}
            ]"#,
        )
        .unwrap();
        assert_eq!(b.fiat_balances.len(), 1);
        assert_eq!(b.crypto_balances.len(), 1);
        let eur = b.fiat(&Currency::Eur).unwrap();
        assert_eq!(eur.amount.to_string(), "0.00");
        assert_eq!(eur.status, None);
        let eth = b.crypto(&Currency::Eth).unwrap();
        assert_eq!(eth.rate.unwrap().to_string(), "3160.21051755");
        let cfg = &eth.network_config["ethereum"];
        assert_eq!(
            cfg.withdrawal
                .as_ref()
                .unwrap()
                .min_withdrawal
                .unwrap()
                .to_string(),
            "0.0006"
        );
        // Encodes as the object form.
        let v = serde_json::to_value(&b).unwrap();
        assert!(v.get("fiatBalances").is_some() && v.get("cryptoBalances").is_some());
    }

    #[test]
    fn object_form_and_statuses() {
        let b: Balances = serde_json::from_str(
            r#"{"fiatBalances":[{"id":"f","amount":"12.50","name":"eur","rate":1,"iban":null,
                 "status":"waiting_for_activation"}],
                "cryptoBalances":[{"id":"c","amount":0.5,"name":"BTC","networkConfig":null}],
                "somethingNew":true}"#,
        )
        .unwrap();
        let eur = &b.fiat_balances[0];
        assert_eq!(eur.status, Some(BalanceStatus::WaitingToBeActivated));
        assert_eq!(eur.amount.scale(), 2);
        assert_eq!(b.crypto_balances[0].name, Currency::Btc);
        assert_eq!(b.crypto_balances[0].amount.to_string(), "0.5");
        assert!(b.crypto_balances[0].network_config.is_empty());

        let s: BalanceStatus = serde_json::from_str(r#""Active""#).unwrap();
        assert_eq!(s, BalanceStatus::Active);
        let s: BalanceStatus = serde_json::from_str(r#""FROZEN""#).unwrap();
        assert_eq!(s, BalanceStatus::Unknown("FROZEN".into()));
        assert_eq!(
            serde_json::to_string(&BalanceStatus::WaitingToBeActivated).unwrap(),
            r#""WAITING_TO_BE_ACTIVATED""#
        );
    }

    #[test]
    fn history_accepts_array_and_object() {
        let a: TransactionHistory =
            serde_json::from_str(r#"[{"id":"t1","type":"external","amount":"1.5"}]"#).unwrap();
        assert_eq!(a.transactions[0].r#type.as_deref(), Some("external"));
        for key in ["transactions", "items", "data"] {
            let text = format!(r#"{{"{key}":[{{"id":"t1","amount":2}}],"total":1}}"#);
            let h: TransactionHistory = serde_json::from_str(&text).unwrap();
            assert_eq!(h.transactions.len(), 1, "{key}");
            assert_eq!(h.transactions[0].amount, Some(Amount::from(2i64)));
        }
        let q = TransactionHistoryQuery::new(3, 2025);
        assert_eq!(
            q.query_pairs(),
            vec![("month", "3".to_string()), ("year", "2025".to_string())]
        );
    }
}
