//! Every reply type refuses a JSON object that is none of its shapes (`{"unexpected":true}`:
//! an error's body, a proxy's page, a changed API). Read as an empty reply it would say
//! something false: `Balances` read such an object as "no balances at all" (an outside review
//! found it), where every other reply was a `Decode` error.

use p100::models::*;
use serde::de::DeserializeOwned;

/// Whether `T` refuses `body`.
fn refuses<T: DeserializeOwned>(body: &str) -> bool {
    serde_json::from_str::<T>(body).is_err()
}

/// Every output type of the operation table, by the manifest's name.
fn refuses_by_name(name: &str, body: &str) -> Option<bool> {
    macro_rules! by_name {
        ($($t:ident)+) => {
            match name {
                $(stringify!($t) => Some(refuses::<$t>(body)),)+
                _ => None,
            }
        };
    }
    by_name!(
        Balances CardCreated CardDetails CardLimits CardList CardTransactions CreateUserResponse
        CryptoWithdrawalDetails ExchangeCreated ExchangeDetails ExchangeLock ExchangeRates
        KycStatus KycVerification NetworkFee OrderCreated OrderDetails OrderLock OrderRates
        PaymentLink PaymentLinkDetails SepaContacts SepaDepositInfo SepaTransferCreated
        SepaTransferDetails TransactionHistory TransferCreated TransferDetails VerificationPage
        Wallet WithdrawalCreated
    )
}

#[test]
fn no_reply_type_reads_an_unrelated_object_as_empty() {
    let manifest: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/operations.json")).unwrap();
    let mut outputs: Vec<&str> = manifest["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|op| op["output"].as_str())
        .collect();
    outputs.sort_unstable();
    outputs.dedup();
    assert!(outputs.len() > 20, "{outputs:?}");
    // Replies every member of which is optional in the docs, so that no object can be told
    // from one that sends none (and whose emptiness claims nothing about money): a card's
    // limits (all unset) and a KYC status (the docs show no body). A map of rates may be empty.
    let optional = ["CardLimits", "KycStatus"];
    let maps = ["ExchangeRates", "OrderRates"];
    let mut accepted = Vec::new();
    for name in outputs {
        for body in [r#"{"unexpected":true}"#, "{}"] {
            let may = optional.contains(&name) || (maps.contains(&name) && body == "{}");
            match refuses_by_name(name, body) {
                None => panic!("{name}: an output of the table missing from this test"),
                Some(false) if !may => accepted.push(format!("{name} {body}")),
                Some(true) if may => panic!("{name} refuses {body}: take it off the list"),
                Some(_) => {}
            }
        }
    }
    assert!(accepted.is_empty(), "read as a reply: {accepted:#?}");
}

#[test]
fn lists_still_read_each_documented_form() {
    for body in [
        r#"{"fiatBalances":[],"cryptoBalances":[]}"#,
        r#"{"fiatBalances":null,"cryptoBalances":[]}"#,
        r#"[]"#,
    ] {
        assert!(!refuses::<Balances>(body), "{body}");
    }
    assert!(!refuses::<CardList>(r#"{"cards":null}"#));
    assert!(!refuses::<CardTransactions>(r#"{"transactions":[]}"#));
}
