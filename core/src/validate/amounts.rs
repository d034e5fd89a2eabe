//! Checks on money: currencies, networks and amounts.

use crate::{Amount, Currency, Error, Network, Result};

/// The known currency codes, e.g. `eur, btc, eth, …`.
fn known_currencies() -> String {
    Currency::WIRE_VALUES.join(", ")
}

/// The known cryptocurrency codes (every known currency that is not fiat).
fn known_crypto_currencies() -> String {
    Currency::WIRE_VALUES
        .iter()
        .filter(|w| !Currency::parse(w).is_fiat())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses `Unknown("eur")`: a known currency given as unknown (Swift and Kotlin build `Unknown`
/// from text), saying which case to use instead of calling it unsupported.
pub fn currency_case(field: &str, value: &Currency) -> Result<()> {
    match value.known_as_unknown() {
        Some(wire) => Err(Error::validation(
            field,
            format!(
                "{value:?} is the supported currency {wire}: give it as its own case (Kotlin \
                 Currency.{}, Swift .{wire}), or build the request from JSON \
                 (…RequestFromJson), which reads any spelling",
                wire.get(..1).unwrap_or_default().to_uppercase()
                    + wire.get(1..).unwrap_or_default()
            ),
        )),
        None => Ok(()),
    }
}

/// Checks that `value` is a currency this SDK knows (not [`Currency::Unknown`]).
pub fn currency(field: &str, value: &Currency) -> Result<()> {
    currency_case(field, value)?;
    if value.is_unknown() {
        return Err(Error::validation(
            field,
            format!(
                "must be one of the supported currencies: {}",
                known_currencies()
            ),
        ));
    }
    Ok(())
}

/// Checks that `value` is a known cryptocurrency: known, and not fiat (`eur`).
pub fn crypto_currency(field: &str, value: &Currency) -> Result<()> {
    currency_case(field, value)?;
    if value.is_unknown() || value.is_fiat() {
        return Err(Error::validation(
            field,
            format!(
                "must be one of the supported cryptocurrencies: {}",
                known_crypto_currencies()
            ),
        ));
    }
    Ok(())
}

/// Checks that `network` is known and exists for `currency` ([`Currency::supports_network`]):
/// `usdc` on `polygon` passes, `btc` on `polygon` does not. The error is reported on `field`
/// (the network field).
pub fn network(field: &str, currency: &Currency, network: &Network) -> Result<()> {
    if currency.supports_network(network) {
        return Ok(());
    }
    let names: Vec<&str> = currency.networks().iter().map(Network::as_str).collect();
    let message = if names.is_empty() {
        if currency.is_unknown() {
            "cannot be checked because the currency is not supported".to_string()
        } else {
            format!("must not be set: {currency} does not move on a blockchain network")
        }
    } else if network.is_unknown() {
        format!(
            "must be a supported network for {currency}: {}",
            names.join(", ")
        )
    } else {
        format!(
            "{network} is not available for {currency}; use one of: {}",
            names.join(", ")
        )
    };
    Err(Error::validation(field, message))
}

/// Checks an amount to send in `currency`: greater than zero and with no more decimal places
/// than the currency has ([`Currency::precision`]: eur 2; usdc, usdt 6; btc, eth, ltc, doge,
/// pol 8). Trailing zeros do not count (`10.500` eur passes).
pub fn amount(field: &str, value: &Amount, currency: &Currency) -> Result<()> {
    positive_amount(field, value)?;
    let precision = currency.precision();
    if value.significant_scale() > precision {
        let places = if precision == 1 { "place" } else { "places" };
        return Err(Error::validation(
            field,
            format!("must have at most {precision} decimal {places} for {currency}"),
        ));
    }
    Ok(())
}

/// Checks that an amount is greater than zero (when the currency is not known here).
pub fn positive_amount(field: &str, value: &Amount) -> Result<()> {
    if !value.is_positive() {
        return Err(Error::validation(field, "must be greater than zero"));
    }
    Ok(())
}

/// Checks that an amount is zero or more (card limits, where zero means "blocked").
pub fn non_negative_amount(field: &str, value: &Amount) -> Result<()> {
    if value.value().is_sign_negative() && !value.is_zero() {
        return Err(Error::validation(field, "must be zero or greater"));
    }
    Ok(())
}

/// Checks a card limit: zero or more (zero blocks), in the card's currency, euro: at most 2
/// decimal places.
pub fn card_limit(field: &str, value: &Amount) -> Result<()> {
    non_negative_amount(field, value)?;
    if value.significant_scale() > 2 {
        return Err(Error::validation(
            field,
            "must have at most 2 decimal places (card limits are in euro)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn a(s: &str) -> Amount {
        Amount::parse(s).unwrap()
    }

    fn assert_err(r: Result<()>, field: &str) -> crate::Error {
        let e = r.expect_err("expected a validation error");
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some(field));
        assert!(e.to_string().contains(field), "{e} does not name {field}");
        e
    }

    #[test]
    fn currency_known_or_not() {
        for c in Currency::WIRE_VALUES {
            assert!(currency("currency", &Currency::parse(c)).is_ok(), "{c}");
        }
        assert!(currency("currencyFrom", &Currency::parse("BTC")).is_ok());
        let e = assert_err(
            currency("currencyFrom", &Currency::parse("xyz")),
            "currencyFrom",
        );
        assert!(e.message().contains("eur"));
        assert_err(currency("currencyTo", &Currency::parse("")), "currencyTo");
        assert_err(
            currency("currencyTo", &Currency::parse("usd")),
            "currencyTo",
        );
    }

    #[test]
    fn crypto_currency_excludes_fiat() {
        for c in ["btc", "eth", "ltc", "doge", "pol", "usdc", "usdt"] {
            assert!(
                crypto_currency("currency", &Currency::parse(c)).is_ok(),
                "{c}"
            );
        }
        let e = assert_err(crypto_currency("currency", &Currency::Eur), "currency");
        assert!(e.message().contains("btc"));
        assert!(!e.message().contains("eur,"), "{e}");
        assert_err(
            crypto_currency("currency", &Currency::parse("xyz")),
            "currency",
        );
    }

    #[test]
    fn network_must_exist_for_currency() {
        assert!(network("network", &Currency::Usdc, &Network::Polygon).is_ok());
        assert!(network("network", &Currency::Usdc, &Network::Ethereum).is_ok());
        assert!(network("network", &Currency::Usdt, &Network::parse("matic")).is_ok());
        assert!(network("network", &Currency::Btc, &Network::Bitcoin).is_ok());
        assert!(network("network", &Currency::Pol, &Network::Polygon).is_ok());

        let e = assert_err(
            network("network", &Currency::Btc, &Network::Polygon),
            "network",
        );
        assert!(e.message().contains("btc"), "{e}");
        assert!(e.message().contains("bitcoin") || e.message().contains("btc"));
        assert_err(
            network("network", &Currency::Eth, &Network::Bitcoin),
            "network",
        );
        assert_err(
            network("network", &Currency::Usdc, &Network::parse("solana")),
            "network",
        );
        assert_err(
            network("network", &Currency::Eur, &Network::Ethereum),
            "network",
        );
        assert_err(
            network("network", &Currency::parse("xyz"), &Network::Ethereum),
            "network",
        );
    }

    #[test]
    fn amount_positive_with_currency_precision() {
        assert!(amount("amount", &a("10"), &Currency::Eur).is_ok());
        assert!(amount("amount", &a("0.01"), &Currency::Eur).is_ok());
        assert!(amount("amount", &a("10.500"), &Currency::Eur).is_ok());
        assert!(amount("amount", &a("0.00000001"), &Currency::Btc).is_ok());
        assert!(amount("amount", &a("0.000001"), &Currency::Usdc).is_ok());
        assert!(amount("amount", &a("100686.13333333"), &Currency::Eth).is_ok());
        assert!(amount("amount", &a("1e-8"), &Currency::Doge).is_ok());
    }

    #[test]
    fn amount_rejects_zero_negative_and_extra_decimals() {
        let e = assert_err(amount("amount", &a("0"), &Currency::Eur), "amount");
        assert!(e.message().contains("greater than zero"));
        assert_err(amount("amount", &a("0.00"), &Currency::Eur), "amount");
        assert_err(amount("amount", &a("-1"), &Currency::Eur), "amount");
        assert_err(amount("amount", &a("-0.01"), &Currency::Btc), "amount");

        let e = assert_err(amount("amount", &a("0.001"), &Currency::Eur), "amount");
        assert_eq!(
            e.message(),
            "amount: must have at most 2 decimal places for eur"
        );
        let e = assert_err(
            amount("amount", &a("0.000000001"), &Currency::Btc),
            "amount",
        );
        assert!(e.message().contains("at most 8 decimal places for btc"));
        assert_err(amount("amount", &a("0.0000001"), &Currency::Usdt), "amount");
    }

    #[test]
    fn positive_amount_checks_sign() {
        assert!(positive_amount("amount", &a("0.000000000001")).is_ok());
        assert!(positive_amount("amount", &a("5")).is_ok());
        assert_err(positive_amount("amount", &a("0")), "amount");
        assert_err(positive_amount("amount", &a("-0.5")), "amount");
        assert_err(positive_amount("amount", &Amount::ZERO), "amount");
    }

    #[test]
    fn non_negative_amount_allows_zero() {
        assert!(non_negative_amount("dailyLimit", &a("0")).is_ok());
        assert!(non_negative_amount("dailyLimit", &a("0.00")).is_ok());
        assert!(non_negative_amount("dailyLimit", &a("-0")).is_ok());
        assert!(non_negative_amount("dailyLimit", &a("2500.50")).is_ok());
        let e = assert_err(non_negative_amount("dailyLimit", &a("-1")), "dailyLimit");
        assert!(e.message().contains("zero or greater"));
        assert_err(
            non_negative_amount("monthlyLimit", &a("-0.01")),
            "monthlyLimit",
        );
    }
}
