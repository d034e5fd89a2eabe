//! The sandbox's fixed market data: supported currencies, EUR rates, per-network limits and
//! fees (values taken from the docs' staging examples), and the fee rules.

use p100::{Currency, Network};
use rust_decimal::Decimal;

use crate::util::dec;

/// One network of a crypto currency, as shown in a balance's `networkConfig`.
#[derive(Debug, Clone, Copy)]
pub struct NetInfo {
    /// Key in `networkConfig` (`ethereum`, `polygon`, `btc`, `ltc`, `doge`).
    pub key: &'static str,
    /// The network.
    pub network: fn() -> Network,
    /// Test-network name (`sepolia`, `amoy`, `test`).
    pub name: &'static str,
    /// P100 service fee per withdrawal (`withdrawal.feeWithdrawal`).
    pub fee_withdrawal: &'static str,
    /// Smallest withdrawal (`withdrawal.minWithdrawal`).
    pub min_withdrawal: &'static str,
    /// Smallest deposit (`deposit.minDeposit`).
    pub min_deposit: &'static str,
    /// Network (chain) fee returned by `get-network-fee`.
    pub network_fee: &'static str,
}

/// One supported currency.
#[derive(Debug, Clone, Copy)]
pub struct CurrencyInfo {
    /// The currency code.
    pub code: &'static str,
    /// Rate to EUR.
    pub rate: &'static str,
    /// Networks (empty for fiat); the first is the default.
    pub networks: &'static [NetInfo],
}

const ETHEREUM_USD: NetInfo = NetInfo {
    key: "ethereum",
    network: || Network::Ethereum,
    name: "sepolia",
    fee_withdrawal: "10",
    min_withdrawal: "15",
    min_deposit: "5",
    network_fee: "2.5",
};
const POLYGON_USDC: NetInfo = NetInfo {
    key: "polygon",
    network: || Network::Polygon,
    name: "amoy",
    fee_withdrawal: "0.5",
    min_withdrawal: "2",
    min_deposit: "0",
    network_fee: "0.05",
};
const POLYGON_USDT: NetInfo = NetInfo {
    key: "polygon",
    network: || Network::Polygon,
    name: "amoy",
    fee_withdrawal: "0.5",
    min_withdrawal: "2",
    min_deposit: "0",
    network_fee: "0.05",
};

/// Every currency the sandbox holds balances in, in the order balances are listed.
pub const CURRENCIES: &[CurrencyInfo] = &[
    CurrencyInfo {
        code: "eur",
        rate: "1",
        networks: &[],
    },
    CurrencyInfo {
        code: "btc",
        rate: "102178.03394219",
        networks: &[NetInfo {
            key: "btc",
            network: || Network::Bitcoin,
            name: "test",
            fee_withdrawal: "0.0003",
            min_withdrawal: "0.0005",
            min_deposit: "0",
            network_fee: "0.00002",
        }],
    },
    CurrencyInfo {
        code: "eth",
        rate: "3160.21051755",
        networks: &[NetInfo {
            key: "ethereum",
            network: || Network::Ethereum,
            name: "sepolia",
            fee_withdrawal: "0.003",
            min_withdrawal: "0.0006",
            min_deposit: "0",
            network_fee: "0.000469",
        }],
    },
    CurrencyInfo {
        code: "ltc",
        rate: "103.62980236",
        networks: &[NetInfo {
            key: "ltc",
            network: || Network::Litecoin,
            name: "test",
            fee_withdrawal: "0.002",
            min_withdrawal: "0.001",
            min_deposit: "0",
            network_fee: "0.0001",
        }],
    },
    CurrencyInfo {
        code: "doge",
        rate: "0.18211",
        networks: &[NetInfo {
            key: "doge",
            network: || Network::Dogecoin,
            name: "test",
            fee_withdrawal: "5",
            min_withdrawal: "10",
            min_deposit: "0",
            network_fee: "1",
        }],
    },
    CurrencyInfo {
        code: "pol",
        rate: "0.19598695",
        networks: &[NetInfo {
            key: "polygon",
            network: || Network::Polygon,
            name: "amoy",
            fee_withdrawal: "0.001",
            min_withdrawal: "0.00005",
            min_deposit: "0",
            network_fee: "0.01",
        }],
    },
    CurrencyInfo {
        code: "usdc",
        rate: "0.863331",
        networks: &[
            NetInfo {
                min_withdrawal: "1",
                ..ETHEREUM_USD
            },
            POLYGON_USDC,
        ],
    },
    CurrencyInfo {
        code: "usdt",
        rate: "0.963486",
        networks: &[ETHEREUM_USD, POLYGON_USDT],
    },
];

/// Exchange fee in percent, as the lock shows it (`feePercentage`).
pub const EXCHANGE_FEE_PERCENT: &str = "1.49";

/// Lifetime of an exchange lock before time scaling: 40 s, the one documented value (a 60 s
/// lifetime is said in newer prose but could not be confirmed). The shorter one, so that code
/// tested here works with either.
pub const LOCK_TTL_SECS: u64 = 40;

/// Lifetime of an order lock before time scaling.
pub const ORDER_LOCK_TTL_SECS: u64 = 15 * 60;

/// Order rate discount against the exchange rate (orders settle in EUR).
pub const ORDER_RATE_FACTOR: &str = "0.98";

/// Most cards (not deleted) one user may hold.
pub const MAX_CARDS: usize = 10;

/// Card creation limits per user, in rolling windows (the docs' 5 per 24 hours, 10 per 30 days,
/// 20 per year; deleted cards count): the window in seconds, the most creations in it, and its
/// name in the refusal.
pub const CARD_CREATION_LIMITS: [(i64, usize, &str); 3] = [
    (24 * 3600, 5, "24 hours"),
    (30 * 24 * 3600, 10, "30 days"),
    (365 * 24 * 3600, 20, "year"),
];

/// Countries of residence whose users may have a card (the GH card page's list: the EU).
pub const CARD_COUNTRIES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The partner's starting balances.
pub const PARTNER_START: &[(&str, &str)] = &[
    ("eur", "100000.00"),
    ("btc", "2.50000000"),
    ("eth", "40.00000000"),
    ("ltc", "250.00000000"),
    ("doge", "100000.00000000"),
    ("pol", "50000.00000000"),
    ("usdc", "25000.000000"),
    ("usdt", "25000.000000"),
];

/// Looks a supported currency up.
pub fn info(currency: &Currency) -> Option<&'static CurrencyInfo> {
    CURRENCIES.iter().find(|c| c.code == currency.as_str())
}

/// Rate to EUR of a supported currency.
pub fn rate(currency: &Currency) -> Option<Decimal> {
    info(currency).map(|i| dec(i.rate))
}

/// The network entry of `currency` on `network` (the default network when `None`).
pub fn net(currency: &Currency, network: Option<&Network>) -> Option<&'static NetInfo> {
    let i = info(currency)?;
    match network {
        None => i.networks.first(),
        Some(n) => i.networks.iter().find(|x| &(x.network)() == n),
    }
}

/// The largest amount the sandbox takes in a request or a control, 10^15 of any currency (the
/// sandbox's own bound, not a documented P100 limit): sums of amounts, fees and balances then
/// never overflow its decimal arithmetic. A larger one is refused, naming `amount`.
pub fn max_amount() -> Decimal {
    Decimal::from(1_000_000_000_000_000_i64)
}

/// Is `value` (an amount as JSON text or number) above [`max_amount`]? Read as the request
/// types read it ([`p100::Amount`]: exponents too), so that no spelling gets past the bound.
pub fn above_max_amount(value: &serde_json::Value) -> bool {
    serde_json::from_value::<p100::Amount>(value.clone()).is_ok_and(|a| a.value() > max_amount())
}

/// SEPA fee: 0.1 % of the amount, at least 1.00 EUR (fee table, version A).
pub fn sepa_fee(amount: Decimal) -> Decimal {
    let pct = crate::util::round_dp(amount * dec("0.001"), 2);
    pct.max(dec("1.00"))
}

/// Card currencies and supported-currency list for messages.
pub fn supported_codes() -> String {
    CURRENCIES
        .iter()
        .map(|c| c.code)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_and_fees() {
        for c in CURRENCIES {
            assert!(!rate(&Currency::parse(c.code)).unwrap().is_zero());
            let cur = Currency::parse(c.code);
            assert_eq!(cur.networks().len(), c.networks.len(), "{}", c.code);
            for n in c.networks {
                assert!(cur.supports_network(&(n.network)()));
            }
        }
        assert_eq!(sepa_fee(dec("500")), dec("1.00"));
        assert_eq!(sepa_fee(dec("2000")), dec("2.00"));
        assert_eq!(
            net(&Currency::Usdc, Some(&Network::Polygon))
                .unwrap()
                .fee_withdrawal,
            "0.5"
        );
        assert!(net(&Currency::Btc, Some(&Network::Polygon)).is_none());
    }
}
