//! Orders: a payer sends crypto, P100 converts it to fiat for the partner.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};

use super::exchange::rate_of;
use super::{unset, Validate};
use crate::{validate, Amount, Currency, Network};

model! {
    @custom_decode
    /// Current order rates without a lock (`GET /v1/order/rates`). *Inferred*: decodes from a
    /// currency → rate map, from a list of `{currency, rate}`, or from either under `rates`.
    /// Encodes as the map.
    #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
    #[serde(transparent)]
    pub struct OrderRates {
        /// Rate per currency code, as sent.
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

impl OrderRates {
    /// The rate of `currency` (key matched in any case).
    pub fn rate(&self, currency: &Currency) -> Option<&Amount> {
        rate_of(&self.rates, currency)
    }
}

#[derive(Deserialize)]
struct RateEntry {
    #[serde(alias = "cryptocurrency", alias = "name")]
    currency: String,
    rate: Amount,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RatesShape {
    Map(HashMap<String, Amount>),
    List(Vec<RateEntry>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OrderRatesWire {
    Wrapped { rates: RatesShape },
    Bare(RatesShape),
}

impl<'de> Deserialize<'de> for OrderRates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let shape = match OrderRatesWire::deserialize(d)? {
            OrderRatesWire::Wrapped { rates } | OrderRatesWire::Bare(rates) => rates,
        };
        let rates = match shape {
            RatesShape::Map(m) => m,
            RatesShape::List(l) => {
                // Two different rates for one currency (one per network: an order's lock is per
                // currency and network) cannot be keyed by currency: refused, never one dropped.
                let mut seen = HashMap::with_capacity(l.len());
                let mut rates = HashMap::with_capacity(l.len());
                for e in l {
                    let key = e.currency.to_ascii_lowercase();
                    match seen.insert(key.clone(), e.rate) {
                        Some(r) if r != e.rate => {
                            return Err(serde::de::Error::custom(format!(
                                "two different rates for `{key}` (per network?)"
                            )))
                        }
                        // The same rate again (`usdc` and `USDC`): kept once.
                        Some(_) => {}
                        None => {
                            rates.insert(e.currency, e.rate);
                        }
                    }
                }
                rates
            }
        };
        Ok(OrderRates { rates })
    }
}

model! {
    /// Lock an order rate (`POST /v1/order/lock-rate`). `amount` (the fiat settlement amount to
    /// cover) is sent as a string, as the docs show.
    pub struct OrderLockRequest {
        /// Crypto the payer will send.
        pub currency: Currency,
        /// Settlement amount to cover.
        pub amount: Amount,
        /// Network the payer will use.
        pub network: Network,
    }
}

impl OrderLockRequest {
    /// Lock the rate for `amount` paid in `currency` on `network`.
    pub fn new(currency: Currency, amount: Amount, network: Network) -> Self {
        OrderLockRequest {
            currency,
            amount,
            network,
        }
    }
}

impl Default for OrderLockRequest {
    /// Empty, with currency and network unset (validation rejects them).
    fn default() -> Self {
        OrderLockRequest {
            currency: unset(),
            amount: Amount::ZERO,
            network: unset(),
        }
    }
}

impl Validate for OrderLockRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::crypto_currency("currency", &self.currency),
            // The amount is the fiat (EUR) settlement to cover, so it has EUR's precision.
            validate::amount("amount", &self.amount, &Currency::Eur),
            validate::network("network", &self.currency, &self.network),
        ])
    }
}

model! {
    /// A locked order rate. Reads the V2 (`cryptocurrency`, numeric `rate`) and V3 (`currency`,
    /// string `rate`, `destinationCurrency`) replies alike.
    pub struct OrderLock {
        /// Lock id, for [`CreateOrderRequest`].
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(deserialize_with = "super::de::id_text")]
        pub lock_id: String,
        /// Crypto amount the payer must send (V3 wording).
        pub amount: Amount,
        /// Rate applied.
        pub rate: Amount,
        /// When the lock expires (ISO-8601 text).
        #[serde(default)]
        pub expires_at: Option<String>,
        /// Crypto currency (`cryptocurrency` in V2).
        #[serde(default, alias = "cryptocurrency")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["cryptocurrency"])))]
        pub currency: Option<Currency>,
        /// Fiat the order settles in (V3).
        #[serde(default)]
        pub destination_currency: Option<Currency>,
        /// Network.
        #[serde(default)]
        pub network: Option<Network>,
    }
}

model! {
    /// Place an order from a lock (`POST /v1/order`).
    #[derive(Default)]
    pub struct CreateOrderRequest {
        /// Id of a valid order lock.
        pub lock_id: String,
    }
}

impl Validate for CreateOrderRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::non_empty("lockId", &self.lock_id)
    }
}

model! {
    /// Reply of order creation.
    pub struct OrderCreated {
        /// Id to follow the order with.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub order_id: String,
    }
}

crate::string_enum! {
    /// State of an order. `WAITING_FOR_WALLET_ADDRESS` and `WAITING_FOR_CONFIRMATION` are
    /// documented; the others are inferred.
    pub enum OrderStatus {
        /// Just created; `walletAddress` is still `null`.
        WaitingForWalletAddress = "WAITING_FOR_WALLET_ADDRESS",
        /// Waiting for the payer's transaction.
        WaitingForPayment = "WAITING_FOR_PAYMENT",
        /// Payment seen, waiting for confirmations.
        WaitingForConfirmation = "WAITING_FOR_CONFIRMATION",
        /// Paid and converted (final).
        Completed = "COMPLETED" | "SUCCESSFUL",
        /// Failed (final).
        Failed = "FAILED",
        /// Not paid in time (final).
        Expired = "EXPIRED",
    }
}

impl OrderStatus {
    /// True for a status that ends the order (`COMPLETED`, `FAILED`, `EXPIRED`).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Expired)
    }

    /// True for `COMPLETED`.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Completed)
    }
}

model! {
    /// Details of an order (`GET /v1/order/details/{orderId}`).
    pub struct OrderDetails {
        /// Order id.
        #[cfg_attr(feature = "openapi", schemars(with = "crate::openapi::IdText"))]
        #[serde(alias = "id", deserialize_with = "super::de::id_text")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["id"])))]
        pub order_id: String,
        /// The lock it was created from.
        #[cfg_attr(feature = "openapi", schemars(with = "Option<crate::openapi::IdText>"))]
        #[serde(default, deserialize_with = "super::de::opt_id_text")]
        pub lock_id: Option<String>,
        /// Current state.
        pub status: OrderStatus,
        /// Creation time (ISO-8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// Payment deadline; `null` while waiting for the wallet address.
        #[serde(default)]
        pub expires_at: Option<String>,
        /// Confirmations seen.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schemars(range(min = 0)))]
        pub confirmations: Option<i32>,
        /// Confirmations needed.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schemars(range(min = 0)))]
        pub required_confirmations: Option<i32>,
        /// Crypto received so far.
        #[serde(default)]
        pub received_amount: Option<Amount>,
        /// Crypto required in total.
        #[serde(default)]
        pub total_amount_required: Option<Amount>,
        /// Crypto currency (`cryptocurrency` in V2).
        #[serde(default, alias = "cryptocurrency")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["cryptocurrency"])))]
        pub currency: Option<Currency>,
        /// Address the payer sends to; `null` at first.
        #[serde(default)]
        pub wallet_address: Option<String>,
        /// Payer's transaction hash.
        #[serde(default)]
        pub transaction_hash: Option<String>,
        /// Network (the docs show `POLYGON`).
        #[serde(default)]
        pub network: Option<Network>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_map_or_list() {
        let a: OrderRates = serde_json::from_str(r#"{"usdc":0.84,"btc":"90000.5"}"#).unwrap();
        let b: OrderRates = serde_json::from_str(
            r#"[{"currency":"usdc","rate":0.84},{"currency":"btc","rate":"90000.5"}]"#,
        )
        .unwrap();
        let c: OrderRates = serde_json::from_str(
            r#"{"rates":[{"currency":"usdc","rate":0.84},{"currency":"btc","rate":90000.5}]}"#,
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.rate(&Currency::Usdc).unwrap().to_string(), "0.84");
    }

    #[test]
    fn order_status_final() {
        let d: OrderDetails =
            serde_json::from_str(r#"{"orderId":"o","status":"waiting_for_confirmation"}"#).unwrap();
        assert_eq!(d.status, OrderStatus::WaitingForConfirmation);
        assert!(!d.status.is_final());
        assert!(OrderStatus::Expired.is_final() && !OrderStatus::Expired.is_success());
        assert!(!OrderStatus::parse("REFUNDED").is_final());
        let req = OrderLockRequest::new(
            Currency::Usdc,
            Amount::parse("346.59").unwrap(),
            Network::Polygon,
        );
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"currency":"usdc","amount":"346.59","network":"polygon"}"#
        );
    }
}
