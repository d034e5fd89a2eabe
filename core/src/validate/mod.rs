//! Checks that run before anything is sent.
//!
//! A request the API would reject for its shape (a bad IBAN, an unknown country, too many
//! decimals for the currency, a 5-digit PIN, a 6 MB POA file, an empty user id) fails locally
//! with a validation error naming the field, and nothing is sent (design principle 5).
//!
//! Every check is a pure function returning [`crate::Result<()>`]; a failure is
//! [`Error::validation`](crate::Error::validation) with the wire name of the field the caller
//! passed (`"destinationIban"`, `"externalUserId"`, …) and an English sentence saying what is
//! expected. Messages never contain the checked value: PINs, document numbers and dates of birth
//! are secrets, and IBANs or e-mail addresses are personal data.
//!
//! ```
//! use p100::validate;
//! use p100::{Amount, Currency};
//!
//! let eur = Currency::Eur;
//! let amount = Amount::parse("10.50").unwrap();
//! validate::all([
//!     validate::iban("destinationIban", "DE89 3704 0044 0532 0130 00"),
//!     validate::amount("amount", &amount, &eur),
//! ])
//! .unwrap();
//!
//! let err = validate::pin("pin", &"12345".into()).unwrap_err();
//! assert_eq!(err.field(), Some("pin"));
//! ```

mod amounts;
mod codes;
mod files;
mod sepa;
mod text;

pub use amounts::{
    amount, card_limit, crypto_currency, currency, currency_case, network, non_negative_amount,
    positive_amount,
};
pub use codes::{birth_date, country, date, iban, iban_compact, month_year, MONTHS, YEARS};
pub use files::{
    kyc_files, poa_files, sniff, FileKind, MAX_KYC_FILES, MAX_POA_FILES, MAX_UPLOAD_BYTES,
};
pub use sepa::{filled_pattern, sepa_receiver};
pub use text::{
    card_label, email, external_user_id, length, non_empty, phone, pin, wallet_address,
    CARD_LABEL_CHARS, PIN_PATTERN, WALLET_ADDRESS_PATTERN,
};

use crate::Result;

/// Runs several checks and returns the first error, or `Ok(())` when all of them pass.
///
/// The checks are already evaluated when they are passed in; `all` only picks the first failure
/// in the order given, so list them in the order of the request's fields.
pub fn all(checks: impl IntoIterator<Item = Result<()>>) -> Result<()> {
    checks.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn all_passes_when_every_check_passes() {
        assert!(all([]).is_ok());
        assert!(all([non_empty("a", "x"), non_empty("b", "y")]).is_ok());
    }

    #[test]
    fn all_returns_the_first_error() {
        let err = all([
            non_empty("first", "ok"),
            non_empty("second", ""),
            non_empty("third", " "),
        ])
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert_eq!(err.field(), Some("second"));
    }

    #[test]
    fn all_accepts_a_vec() {
        let checks = vec![phone("phone", "48123123123"), country("country", "pl")];
        assert_eq!(all(checks).unwrap_err().field(), Some("country"));
    }
}
