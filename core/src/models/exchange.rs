//! Currency exchange: indicative rates, rate locks, execution and details.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};

use super::{check_opt, unset, ErrorInfo, Validate};
use crate::money::as_number;
use crate::{validate, Amount, Currency};

/// Looks a currency up in a rate map whose keys may be in any case.
pub(crate) fn rate_of<'a>(
    rates: &'a HashMap<String, Amount>,
    currency: &Currency,
) -> Option<&'a Amount> {
    rates.get(currency.as_str()).or_else(|| {
        rates
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(currency.as_str()))
            .map(|(_, v)| v)
    })
}

model! {
    @custom_decode
    /// Indicative EUR rates of every currency (`GET /v1/exchange/get-rate`): not binding.
    ///
    /// Decodes from the documented top-level map (`{"btc": 55647.81453411, "eur": 1, …}`) or from
    /// an object with a `rates` map; every rate is exact. Encodes as the top-level map.
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[serde(transparent)]
    pub struct ExchangeRates {
        /// Rate per currency code, as sent (lower case in the docs).
        pub rates: HashMap<String, Amount>,
    }
    python {
        /// The rate of `currency` (key matched in any case), or `None`.
        #[pyo3(name = "rate")]
        fn py_rate(&self, currency: &str) -> Option<Amount> {
            self.rate(&Currency::parse(currency)).copied()
        }
    }
}

impl ExchangeRates {
    /// The rate of `currency` (key matched in any case).
    pub fn rate(&self, currency: &Currency) -> Option<&Amount> {
        rate_of(&self.rates, currency)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RatesWire {
    Wrapped { rates: HashMap<String, Amount> },
    Flat(HashMap<String, Amount>),
}

impl<'de> Deserialize<'de> for ExchangeRates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let rates = match RatesWire::deserialize(d)? {
            RatesWire::Wrapped { rates } | RatesWire::Flat(rates) => rates,
        };
        Ok(ExchangeRates { rates })
    }
}

model! {
    /// A binding exchange rate lock (`GET /v1/exchange/get-lock/{externalUserId}` for a user,
    /// `GET /v1/partner/exchange/get-lock` for the partner). Its id is the `lockId` of the
    /// exchange. Valid 40 s per the old docs, 60 s per newer prose: read `valid_until`.
    pub struct ExchangeLock {
        /// Lock id (wire `id`; `lockId` accepted).
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(rename = "id", alias = "lockId", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["lockId"])))]
        pub lock_id: String,
        /// Locked rate per currency code.
        #[serde(default, deserialize_with = "super::de::null_default")]
        pub rates: HashMap<String, Amount>,
        /// Exchange fee in percent (`1.49`).
        #[serde(default)]
        pub fee_percentage: Option<Amount>,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// Expiry time (ISO-8601 text; `expiresAt` accepted).
        #[serde(default, alias = "expiresAt")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["expiresAt"])))]
        pub valid_until: Option<String>,
    }
}

impl ExchangeLock {
    /// The locked rate of `currency` (key matched in any case).
    pub fn rate(&self, currency: &Currency) -> Option<&Amount> {
        rate_of(&self.rates, currency)
    }
}

model! {
    /// Query of the partner lock call. *Inferred*: the docs name no parameters; every one is
    /// optional and only the ones set are sent.
    #[derive(Default)]
    pub struct ExchangeLockQuery {
        /// Currency to sell.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub currency_from: Option<Currency>,
        /// Currency to buy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub currency_to: Option<Currency>,
        /// Amount to sell.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub amount: Option<Amount>,
    }
}

impl ExchangeLockQuery {
    /// The query parameters that are set, in order.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(c) = &self.currency_from {
            out.push(("currencyFrom", c.as_str().to_string()));
        }
        if let Some(c) = &self.currency_to {
            out.push(("currencyTo", c.as_str().to_string()));
        }
        if let Some(a) = &self.amount {
            out.push(("amount", a.to_string()));
        }
        out
    }
}

impl Validate for ExchangeLockQuery {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            check_opt(self.currency_from.as_ref(), |c| {
                validate::currency("currencyFrom", c)
            }),
            check_opt(self.currency_to.as_ref(), |c| {
                validate::currency("currencyTo", c)
            }),
            different(self.currency_from.as_ref(), self.currency_to.as_ref()),
            check_opt(self.amount.as_ref(), |a| match &self.currency_from {
                Some(c) => validate::amount("amount", a, c),
                None => validate::positive_amount("amount", a),
            }),
        ])
    }
}

/// `currencyFrom` and `currencyTo` must differ.
fn different(from: Option<&Currency>, to: Option<&Currency>) -> crate::Result<()> {
    match (from, to) {
        (Some(a), Some(b)) if a == b => Err(crate::Error::validation(
            "currencyTo",
            "must differ from currencyFrom",
        )),
        _ => Ok(()),
    }
}

model! {
    /// Execute an exchange on the partner's own balance (`POST /v1/partner/exchange`).
    /// `amount` is sent as a JSON number, as the docs show.
    pub struct PartnerExchangeRequest {
        /// Amount of `currency_from` to sell.
        #[serde(with = "as_number")]
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::AmountNumber"))]
        pub amount: Amount,
        /// Currency to sell.
        pub currency_from: Currency,
        /// Currency to buy.
        pub currency_to: Currency,
        /// Id of a valid lock (`ExchangeLock::lock_id`, `id` on the wire).
        pub lock_id: String,
    }
}

impl PartnerExchangeRequest {
    /// Sell `amount` of `from` for `to` at the rate of lock `lock_id`.
    pub fn new(amount: Amount, from: Currency, to: Currency, lock_id: impl Into<String>) -> Self {
        PartnerExchangeRequest {
            amount,
            currency_from: from,
            currency_to: to,
            lock_id: lock_id.into(),
        }
    }
}

impl Default for PartnerExchangeRequest {
    /// Empty, with both currencies unset (validation rejects them).
    fn default() -> Self {
        PartnerExchangeRequest {
            amount: Amount::ZERO,
            currency_from: unset(),
            currency_to: unset(),
            lock_id: String::new(),
        }
    }
}

impl Validate for PartnerExchangeRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::amount("amount", &self.amount, &self.currency_from),
            validate::currency("currencyFrom", &self.currency_from),
            validate::currency("currencyTo", &self.currency_to),
            different(Some(&self.currency_from), Some(&self.currency_to)),
            validate::non_empty("lockId", &self.lock_id),
        ])
    }
}

model! {
    /// Execute an exchange on a user's balance (`POST /v1/exchange`). `amount` is sent as a JSON
    /// number (the old docs' table types it `number`).
    pub struct UserExchangeRequest {
        /// The partner's id of the user whose balance is exchanged.
        pub source_external_user_id: String,
        /// Amount of `currency_from` to sell.
        #[serde(with = "as_number")]
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::AmountNumber"))]
        pub amount: Amount,
        /// Currency to sell.
        pub currency_from: Currency,
        /// Currency to buy.
        pub currency_to: Currency,
        /// Id of a valid lock taken for this user.
        pub lock_id: String,
    }
}

impl UserExchangeRequest {
    /// Sell `amount` of `from` for `to` on `user`'s balance at the rate of lock `lock_id`.
    pub fn new(
        user: impl Into<String>,
        amount: Amount,
        from: Currency,
        to: Currency,
        lock_id: impl Into<String>,
    ) -> Self {
        UserExchangeRequest {
            source_external_user_id: user.into(),
            amount,
            currency_from: from,
            currency_to: to,
            lock_id: lock_id.into(),
        }
    }
}

impl Default for UserExchangeRequest {
    /// Empty, with both currencies unset (validation rejects them).
    fn default() -> Self {
        UserExchangeRequest {
            source_external_user_id: String::new(),
            amount: Amount::ZERO,
            currency_from: unset(),
            currency_to: unset(),
            lock_id: String::new(),
        }
    }
}

impl Validate for UserExchangeRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::external_user_id("sourceExternalUserId", &self.source_external_user_id),
            validate::amount("amount", &self.amount, &self.currency_from),
            validate::currency("currencyFrom", &self.currency_from),
            validate::currency("currencyTo", &self.currency_to),
            different(Some(&self.currency_from), Some(&self.currency_to)),
            validate::non_empty("lockId", &self.lock_id),
        ])
    }
}

model! {
    /// Reply of an exchange execution: accepted, not yet done.
    pub struct ExchangeCreated {
        /// Id to follow the exchange with.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub exchange_id: String,
    }
}

crate::string_enum! {
    /// State of an exchange. The docs name `COMPLETED`/`FAILED` (older pages in lower case).
    pub enum ExchangeStatus {
        /// Accepted, waiting.
        Pending = "PENDING",
        /// Being processed.
        Processing = "PROCESSING",
        /// Done (final).
        Completed = "COMPLETED",
        /// Failed (final); see `error`.
        Failed = "FAILED",
    }
}

impl ExchangeStatus {
    /// True for a status that ends the operation (`COMPLETED`, `FAILED`).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }

    /// True for `COMPLETED`.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Completed)
    }
}

model! {
    /// Details of one exchange (`GET /v1/exchange/details/{exchangeId}`). *Inferred* shape: the
    /// docs show no example; only the id and the status are required.
    pub struct ExchangeDetails {
        /// Exchange id (`exchangeId`; `id` accepted).
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub exchange_id: String,
        /// Current state.
        pub status: ExchangeStatus,
        /// Amount sold.
        #[serde(default)]
        pub amount: Option<Amount>,
        /// Currency sold.
        #[serde(default)]
        pub currency_from: Option<Currency>,
        /// Currency bought.
        #[serde(default)]
        pub currency_to: Option<Currency>,
        /// Rate applied.
        #[serde(default)]
        pub rate: Option<Amount>,
        /// Amount received in `currency_to`.
        #[serde(default)]
        pub received_amount: Option<Amount>,
        /// Fee charged.
        #[serde(default)]
        pub fee: Option<Amount>,
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
    use rust_decimal::Decimal;

    #[test]
    fn rates_stay_exact() {
        let r: ExchangeRates =
            serde_json::from_str(r#"{"btc": 55647.81453411, "eur": 1, "USDC": "0.914372"}"#)
                .unwrap();
        let btc = r.rate(&Currency::Btc).unwrap();
        assert_eq!(
            btc.value(),
            Decimal::from_str_exact("55647.81453411").unwrap()
        );
        assert_eq!(r.rate(&Currency::Usdc).unwrap().to_string(), "0.914372");
        let w: ExchangeRates = serde_json::from_str(r#"{"rates":{"eth":2188.45355799}}"#).unwrap();
        assert_eq!(w.rate(&Currency::Eth).unwrap().to_string(), "2188.45355799");
    }

    #[test]
    fn request_amount_is_a_number() {
        let req = PartnerExchangeRequest::new(
            Amount::parse("0.12345678").unwrap(),
            Currency::Btc,
            Currency::Eur,
            "l1",
        );
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"amount":0.12345678,"currencyFrom":"btc","currencyTo":"eur","lockId":"l1"}"#
        );
        // And reads back from a string too.
        let back: PartnerExchangeRequest = serde_json::from_str(
            r#"{"amount":"0.12345678","currencyFrom":"BTC","currencyTo":"eur","lockId":"l1"}"#,
        )
        .unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn statuses() {
        let d: ExchangeDetails =
            serde_json::from_str(r#"{"id":"e1","status":"completed"}"#).unwrap();
        assert_eq!(d.exchange_id, "e1");
        assert!(d.status.is_final() && d.status.is_success());
        let s = ExchangeStatus::parse("weird");
        assert_eq!(s, ExchangeStatus::Unknown("weird".into()));
        assert!(!s.is_final());
        assert!(ExchangeStatus::Failed.is_final() && !ExchangeStatus::Failed.is_success());
        let l: ExchangeLock =
            serde_json::from_str(r#"{"lockId":"l","expiresAt":"2025-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(l.lock_id, "l");
        assert!(l.valid_until.is_some());
    }
}
