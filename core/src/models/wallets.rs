//! Partner wallets.
//!
//! *Inferred*: the docs list "Create Wallet" (POST) but show no path, body or reply.

use super::{check_opt, unset, Validate};
use crate::{validate, Currency, Network};

model! {
    /// Create a deposit wallet on the partner's balance (`POST /v1/partner/wallet`). *Inferred*.
    pub struct CreateWalletRequest {
        /// Crypto currency.
        pub currency: Currency,
        /// Network, when not the currency's default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        pub network: Option<Network>,
    }
}

impl CreateWalletRequest {
    /// A wallet for `currency` on its default network.
    pub fn new(currency: Currency) -> Self {
        CreateWalletRequest {
            currency,
            network: None,
        }
    }
}

impl Default for CreateWalletRequest {
    /// With the currency unset (validation rejects it).
    fn default() -> Self {
        CreateWalletRequest {
            currency: unset(),
            network: None,
        }
    }
}

impl Validate for CreateWalletRequest {
    fn validate(&self) -> crate::Result<()> {
        validate::all([
            validate::crypto_currency("currency", &self.currency),
            check_opt(self.network.as_ref(), |n| {
                validate::network("network", &self.currency, n)
            }),
        ])
    }
}

model! {
    /// A deposit wallet. *Inferred*: the address is read from `address`, `wallet` or
    /// `walletAddress`.
    pub struct Wallet {
        /// The address.
        #[serde(alias = "wallet", alias = "walletAddress")]
        #[cfg_attr(feature = "openapi", schemars(extend("x-p100-aliases" = ["wallet", "walletAddress"])))]
        pub address: String,
        /// Crypto currency.
        #[serde(default)]
        pub currency: Option<Currency>,
        /// Network.
        #[serde(default)]
        pub network: Option<Network>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallet_aliases() {
        let w: Wallet =
            serde_json::from_str(r#"{"walletAddress":"0xabc","currency":"USDC","network":"amoy"}"#)
                .unwrap();
        assert_eq!(w.address, "0xabc");
        assert_eq!(w.currency, Some(Currency::Usdc));
        assert_eq!(w.network, Some(Network::Polygon));
        assert_eq!(
            serde_json::to_string(&CreateWalletRequest::new(Currency::Btc)).unwrap(),
            r#"{"currency":"btc"}"#
        );
    }
}
