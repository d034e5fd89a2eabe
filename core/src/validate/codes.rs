//! Checks on standard codes: country, calendar date, IBAN, statement month.

use chrono::NaiveDate;
use iban::{Iban, ParseBaseIbanError, ParseIbanError};

use crate::{Error, Result};

/// Checks an ISO 3166-1 alpha-2 country code: exactly two upper-case ASCII letters (`PL`, `DE`)
/// that are an assigned code (`XX` is refused). `XK` (Kosovo) is accepted, as banks use it.
pub fn country(field: &str, value: &str) -> Result<()> {
    let b = value.as_bytes();
    if b.len() != 2 || !b.iter().all(u8::is_ascii_uppercase) {
        return Err(Error::validation(
            field,
            "must be an ISO 3166-1 alpha-2 country code: two upper-case letters such as PL or DE",
        ));
    }
    if celes::Country::from_alpha2(value).is_err() {
        return Err(Error::validation(
            field,
            "must be an assigned ISO 3166-1 alpha-2 country code such as PL or DE",
        ));
    }
    if let Some((_, parent)) = TERRITORIES.iter().find(|(code, _)| *code == value) {
        return Err(Error::validation(
            field,
            format!("is a territory the API takes under its parent country's code: use {parent}"),
        ));
    }
    Ok(())
}

/// Territories the API takes under their parent country's code (Supported Countries: "API Code
/// to Use"): Guadeloupe, French Guiana, Martinique, Reunion, Saint-Martin → FR; Svalbard and
/// Jan Mayen → NO.
const TERRITORIES: &[(&str, &str)] = &[
    ("GP", "FR"),
    ("GF", "FR"),
    ("MQ", "FR"),
    ("RE", "FR"),
    ("MF", "FR"),
    ("SJ", "NO"),
];

/// Checks a date written `YYYY-MM-DD` that exists in the calendar (`2024-02-29` passes,
/// `2023-02-29` and `2024-13-01` do not). The date never appears in the error: it is often a
/// date of birth.
pub fn date(field: &str, value: &str) -> Result<()> {
    let b = value.as_bytes();
    let shape_ok = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    // The shape check guarantees ASCII digits at these positions.
    let num = |r: std::ops::Range<usize>| value.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d), true) = (num(0..4), num(5..7), num(8..10), shape_ok) else {
        return Err(Error::validation(
            field,
            "must be a date written YYYY-MM-DD, e.g. 1990-01-31",
        ));
    };
    let year = i32::try_from(y).unwrap_or(0);
    if NaiveDate::from_ymd_opt(year, m, d).is_none() {
        return Err(Error::validation(
            field,
            "must be a real calendar date written YYYY-MM-DD (month 01-12, day within the month)",
        ));
    }
    Ok(())
}

/// Checks a date of birth: a date as [`date`] checks it, not in the future (UTC) and not before
/// 1900-01-01.
pub fn birth_date(field: &str, value: &str) -> Result<()> {
    date(field, value)?;
    let born = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| Error::validation(field, "must be a date written YYYY-MM-DD"))?;
    let today = chrono::DateTime::from_timestamp_millis(crate::client::now_unix_ms())
        .map(|now| now.date_naive());
    if today.is_some_and(|today| born > today) {
        return Err(Error::validation(field, "must not be in the future"));
    }
    if born < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err(Error::validation(field, "must be 1900-01-01 or later"));
    }
    Ok(())
}

/// The electronic form of an IBAN, the one [`iban()`] checks and the one sent: without spaces.
pub fn iban_compact(value: &str) -> String {
    value.chars().filter(|c| *c != ' ').collect()
}

/// Checks an IBAN: format, country-specific length and structure, and the mod-97 check digits,
/// using the `iban_validate` crate. Spaces are allowed anywhere (`PL61 1090 1014 …` or the
/// electronic form without spaces); the country code must be upper case. The IBAN never appears
/// in the error.
pub fn iban(field: &str, value: &str) -> Result<()> {
    let compact = iban_compact(value);
    if compact.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    match compact.parse::<Iban>() {
        Ok(_) => Ok(()),
        Err(e) => {
            let message = match e {
                ParseIbanError::InvalidBaseIban {
                    source: ParseBaseIbanError::InvalidChecksum,
                } => "is not a valid IBAN: the check digits do not match (mistyped number?)",
                ParseIbanError::InvalidBaseIban { .. } => {
                    "must be an IBAN: a two-letter upper-case country code, two check digits \
                     and up to 30 letters or digits, e.g. DE89 3704 0044 0532 0130 00"
                }
                ParseIbanError::InvalidBban(_) => {
                    "is not a valid IBAN: wrong length or format for its country"
                }
                ParseIbanError::UnknownCountry(_) => {
                    "is not a valid IBAN: the country code is not one that issues IBANs"
                }
            };
            Err(Error::validation(field, message))
        }
    }
}

/// The months of a history query.
pub const MONTHS: std::ops::RangeInclusive<i32> = 1..=12;
/// The years of a history query.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Checks a statement period: `month` 1..=12 (field `"month"`) and `year` 2000..=2100
/// (field `"year"`).
pub fn month_year(month: i32, year: i32) -> Result<()> {
    if !MONTHS.contains(&month) {
        return Err(Error::validation(
            "month",
            "must be a month number from 1 to 12",
        ));
    }
    if !YEARS.contains(&year) {
        return Err(Error::validation(
            "year",
            "must be a four-digit year from 2000 to 2100",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn assert_err(r: Result<()>, field: &str) -> crate::Error {
        let e = r.expect_err("expected a validation error");
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some(field));
        assert!(e.to_string().contains(field), "{e} does not name {field}");
        e
    }

    /// Builds an IBAN with correct check digits for any country code and BBAN, so that tests
    /// can exercise the length/structure rules separately from the checksum.
    fn with_check_digits(country: &str, bban: &str) -> String {
        let rearranged = format!("{bban}{country}00");
        let mut rem: u32 = 0;
        for c in rearranged.chars() {
            let v = c.to_digit(36).unwrap();
            for d in v.to_string().chars() {
                rem = (rem * 10 + d.to_digit(10).unwrap()) % 97;
            }
        }
        format!("{country}{:02}{bban}", 98 - rem)
    }

    #[test]
    fn country_accepts_assigned_codes() {
        for good in ["PL", "DE", "LT", "US", "GB", "CH", "XK"] {
            assert!(country("country", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn country_rejects_bad_codes() {
        for bad in [
            "pl", "Pl", "pL", "XX", "ZZ", "UK", "EU", "P", "POL", "", " PL", "P1", "ĄĘ",
        ] {
            assert_err(country("country", bad), "country");
        }
        let e = assert_err(country("nationality", "XX"), "nationality");
        assert!(e.message().contains("assigned"));
        let e = assert_err(country("nationality", "pl"), "nationality");
        assert!(e.message().contains("upper-case"));
    }

    #[test]
    fn date_accepts_calendar_dates() {
        for good in [
            "2024-02-29",
            "2000-02-29",
            "1990-01-31",
            "2023-12-31",
            "1900-01-01",
        ] {
            assert!(date("dateOfBirth", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn date_rejects_impossible_or_misshapen_dates_without_echo() {
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-01-00",
            "2024-01-32",
            "0000-00-00",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "01-01-2024",
            "2024-01-01T00:00:00Z",
            " 2024-01-01",
            "2024-01-0a",
            "+024-01-01",
            "",
        ] {
            let e = assert_err(date("dateOfBirth", bad), "dateOfBirth");
            if !bad.is_empty() {
                assert!(!e.to_string().contains(bad), "{e} echoes the date");
            }
        }
    }

    #[test]
    fn iban_accepts_valid_with_or_without_spaces() {
        for good in [
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            "PL61109010140000071219812874",
            "PL61 1090 1014 0000 0712 1981 2874",
            "GB82WEST12345698765432",
            "GB82 WEST 1234 5698 7654 32",
            "LT121000011101001000",
            "  DE89  370400440532013000 ",
        ] {
            assert!(iban("destinationIban", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn iban_rejects_bad_checksum() {
        let e = assert_err(
            iban("destinationIban", "DE88370400440532013000"),
            "destinationIban",
        );
        assert!(e.message().contains("check digits"));
        assert!(!e.to_string().contains("370400440532013000"));
        // One digit mistyped in the account number.
        assert_err(
            iban("destinationIban", "PL61 1090 1014 0000 0712 1981 2875"),
            "destinationIban",
        );
    }

    #[test]
    fn iban_rejects_wrong_length_for_country() {
        // Check digits are right, but a Polish IBAN has 28 characters, not 27 or 29.
        let short = with_check_digits("PL", "10901014000007121981287");
        let long = with_check_digits("PL", "1090101400000712198128745");
        assert_eq!(short.len(), 27);
        assert_eq!(long.len(), 29);
        // Sanity: the helper builds the real check digits.
        assert_eq!(
            with_check_digits("DE", "370400440532013000"),
            "DE89370400440532013000"
        );
        for bad in [short, long, with_check_digits("DE", "3704004405320130001")] {
            let e = assert_err(iban("destinationIban", &bad), "destinationIban");
            assert!(e.message().contains("length"), "{e}");
        }
    }

    #[test]
    fn iban_rejects_other_malformed_values() {
        for bad in [
            "",
            "   ",
            "de89370400440532013000",
            "DE8937040044053201300O!",
            "DE89-3704-0044-0532-0130-00",
            "89370400440532013000",
            "D",
            "DEXX370400440532013000",
            &format!("DE89{}", "0".repeat(40)),
        ] {
            assert_err(iban("destinationIban", bad), "destinationIban");
        }
        // Unknown country with correct check digits.
        let e = assert_err(
            iban("destinationIban", &with_check_digits("XX", "1234567890")),
            "destinationIban",
        );
        assert!(e.message().contains("country"));
    }

    #[test]
    fn month_year_ranges() {
        assert!(month_year(1, 2024).is_ok());
        assert!(month_year(12, 2000).is_ok());
        assert!(month_year(6, 2100).is_ok());
        assert_err(month_year(0, 2024), "month");
        assert_err(month_year(13, 2024), "month");
        assert_err(month_year(1, 1999), "year");
        assert_err(month_year(1, 2101), "year");
        assert_err(month_year(1, -2024), "year");
        // The month is reported first.
        assert_err(month_year(13, 1999), "month");
    }
}
