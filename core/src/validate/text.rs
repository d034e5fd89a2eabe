//! Checks on free text: required fields, lengths, user ids, e-mail, phone, card label, PIN.

use email_address::{EmailAddress, Options};

use crate::{Error, Result, SecretString};

/// Longest `externalUserId` accepted.
const MAX_EXTERNAL_USER_ID_CHARS: usize = 128;
/// Longest e-mail address accepted (RFC 5321 path limit less the angle brackets).
const MAX_EMAIL_CHARS: usize = 254;
/// Fewest and most digits in a phone number (E.164 allows at most 15).
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;
/// Fewest and most characters in a card label.
pub const CARD_LABEL_CHARS: std::ops::RangeInclusive<usize> = 3..=30;
/// Digits in a card PIN.
const PIN_DIGITS: usize = 4;
/// A card PIN as a pattern (the OpenAPI description's; a test keeps it equal to [`pin`]'s rule).
pub const PIN_PATTERN: &str = "^[0-9]{4}$";

/// Checks that `value` is not empty and not only whitespace.
pub fn non_empty(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    Ok(())
}

/// Checks that `value` has between `min` and `max` characters (inclusive), counting characters
/// rather than bytes.
pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n < min || n > max {
        let message = if min == max {
            format!("must be exactly {min} characters long")
        } else if n < min {
            format!("must be at least {min} characters long (at most {max})")
        } else {
            format!("must be at most {max} characters long (at least {min})")
        };
        return Err(Error::validation(field, message));
    }
    Ok(())
}

/// Checks a partner's user id (`externalUserId`), which is sent inside a URL path.
///
/// It must be non-empty, at most 128 characters, and made only of ASCII letters, digits and
/// `-` `_` `.` `@` `:`, so that it stays one path segment without escaping; `.` and `..` are
/// refused. Any format is accepted otherwise: the ids need not be UUIDs.
pub fn external_user_id(field: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    if value.len() > MAX_EXTERNAL_USER_ID_CHARS {
        return Err(Error::validation(
            field,
            format!("must be at most {MAX_EXTERNAL_USER_ID_CHARS} characters long"),
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | ':');
    if !value.chars().all(allowed) {
        return Err(Error::validation(
            field,
            "may contain only ASCII letters, digits and the characters - _ . @ : \
             (no spaces, slashes, '?', '#' or '%')",
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::validation(field, "must not be \".\" or \"..\""));
    }
    Ok(())
}

/// Longest wallet address accepted (the longest in use, bech32, are under 100).
const MAX_WALLET_ADDRESS_CHARS: usize = 128;
/// A wallet address as a pattern (the OpenAPI description's; a test keeps it equal to
/// [`wallet_address`]'s rule): 1 to 128 visible ASCII characters.
pub const WALLET_ADDRESS_PATTERN: &str = "^[!-~]{1,128}$";

/// Checks a wallet address, where money goes: not empty, at most 128 characters, and only
/// visible ASCII (no spaces, line breaks, control or right-to-left characters, no full-width
/// digits): every chain's addresses are written so, and a stray character sends the money
/// elsewhere or nowhere. The address itself is the chain's to check.
pub fn wallet_address(field: &str, value: &str) -> Result<()> {
    non_empty(field, value)?;
    if value.chars().count() > MAX_WALLET_ADDRESS_CHARS {
        return Err(Error::validation(
            field,
            format!("must be at most {MAX_WALLET_ADDRESS_CHARS} characters long"),
        ));
    }
    if !value.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::validation(
            field,
            "must be a wallet address of visible ASCII characters only (no spaces, line \
             breaks, control characters or non-ASCII letters and digits)",
        ));
    }
    Ok(())
}

/// Checks an e-mail address (`name@example.com`).
///
/// Uses the RFC 5322 parser of the `email_address` crate, restricted to what a person's address
/// looks like: no display name (`Name <a@b.c>`), no IP-literal domain, a domain with at least
/// two labels, no whitespace, at most 254 characters.
pub fn email(field: &str, value: &str) -> Result<()> {
    const EXPECTED: &str = "must be an e-mail address such as name@example.com";
    if value.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    if value.chars().count() > MAX_EMAIL_CHARS
        || value.chars().any(|c| c.is_whitespace() || c.is_control())
        || value.starts_with('"')
        || value
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
    {
        return Err(Error::validation(field, EXPECTED));
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    EmailAddress::parse_with_options(value, options)
        .map(|_| ())
        .map_err(|_| Error::validation(field, EXPECTED))
}

/// Checks a phone number: an optional leading `+`, then 7 to 15 digits (E.164) and nothing
/// else — no spaces, dashes or brackets. The docs send digits only (`48123123123`).
pub fn phone(field: &str, value: &str) -> Result<()> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !PHONE_DIGITS.contains(&digits.len()) {
        return Err(Error::validation(
            field,
            format!(
                "must be a phone number in international form: an optional '+' then {} to {} \
                 digits with the country code, without spaces or other characters \
                 (e.g. 48123123123)",
                PHONE_DIGITS.start(),
                PHONE_DIGITS.end()
            ),
        ));
    }
    Ok(())
}

/// Checks a virtual card's label: 3 to 30 characters (counted as characters, not bytes), not
/// only whitespace.
pub fn card_label(field: &str, value: &str) -> Result<()> {
    non_empty(field, value)?;
    length(
        field,
        value,
        *CARD_LABEL_CHARS.start(),
        *CARD_LABEL_CHARS.end(),
    )
}

/// Checks a card PIN: exactly 4 ASCII digits. The PIN never appears in the error.
pub fn pin(field: &str, value: &SecretString) -> Result<()> {
    let pin = value.expose();
    if pin.len() != PIN_DIGITS || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(
            field,
            format!("must be exactly {PIN_DIGITS} digits (0-9)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_wallet_address_pattern_is_the_rule() {
        assert_eq!(
            super::WALLET_ADDRESS_PATTERN,
            format!("^[!-~]{{1,{}}}$", super::MAX_WALLET_ADDRESS_CHARS)
        );
        // `!`..`~` is what `is_ascii_graphic` takes.
        let graphic: Vec<char> = (0u8..=127)
            .map(char::from)
            .filter(char::is_ascii_graphic)
            .collect();
        assert_eq!((graphic.first(), graphic.last()), (Some(&'!'), Some(&'~')));
        assert_eq!(graphic.len(), usize::from(b'~' - b'!') + 1);
    }

    #[test]
    fn the_pin_pattern_is_the_pin_rule() {
        assert_eq!(
            super::PIN_PATTERN,
            format!("^[0-9]{{{}}}$", super::PIN_DIGITS)
        );
    }
    use super::*;
    use crate::ErrorKind;

    fn assert_err(r: Result<()>, field: &str) -> crate::Error {
        let e = r.expect_err("expected a validation error");
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some(field));
        assert!(e.to_string().contains(field), "{e} does not name {field}");
        e
    }

    #[test]
    fn non_empty_accepts_text() {
        assert!(non_empty("name", "x").is_ok());
        assert!(non_empty("name", " Jan ").is_ok());
    }

    #[test]
    fn non_empty_rejects_blank() {
        for bad in ["", " ", "\t\n", "\u{3000}"] {
            let e = assert_err(non_empty("firstName", bad), "firstName");
            assert!(e.message().contains("must not be empty"));
        }
    }

    #[test]
    fn length_counts_characters() {
        assert!(length("f", "abc", 3, 3).is_ok());
        assert!(length("f", "ąęś", 1, 3).is_ok()); // 6 bytes, 3 characters
        assert!(length("f", "", 0, 3).is_ok());
        let e = assert_err(length("f", "ab", 3, 5), "f");
        assert!(e.message().contains("at least 3"));
        let e = assert_err(length("f", "abcdef", 3, 5), "f");
        assert!(e.message().contains("at most 5"));
        let e = assert_err(length("f", "ab", 3, 3), "f");
        assert!(e.message().contains("exactly 3"));
    }

    #[test]
    fn external_user_id_accepts_documented_shapes() {
        for good in [
            "f4e0c2f5-1b2a-4f0e-9a55-2d6c2b8c1d7e",
            // The docs show malformed UUIDs: they must still pass.
            "f4e0c2f5-1b2a-4f0e-9a55-2d6c2b8c1d7",
            "3fa85f64-5717-4562-b3fc-2c963f66afa6x",
            "user_42",
            "john.doe@example.com",
            "tenant:1234",
            "a",
            "...",
            &"x".repeat(128),
        ] {
            assert!(external_user_id("externalUserId", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn external_user_id_rejects_unsafe_path_segments() {
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "../admin",
            "a?b=c",
            "a#b",
            "a%2Fb",
            "a b",
            " a",
            "a\n",
            "a\u{0}",
            "żółw",
            "a+b",
            &"x".repeat(129),
        ] {
            assert_err(external_user_id("externalUserId", bad), "externalUserId");
        }
    }

    #[test]
    fn email_accepts_addresses() {
        for good in [
            "name@example.com",
            "first.last+tag@sub.example.co.uk",
            "a_b-c@example.pl",
        ] {
            assert!(email("email", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn email_rejects_malformed_and_does_not_echo() {
        let long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "plainaddress",
            "@example.com",
            "name@",
            "name@localhost",
            "name@@example.com",
            "name@exa mple.com",
            " name@example.com",
            "name@example.com ",
            "Name <name@example.com>",
            "name@[127.0.0.1]",
            "mailto:name@example.com",
            "\"quoted name\"@example.com",
            long.as_str(),
        ] {
            let e = assert_err(email("email", bad), "email");
            // A fixed sentence: the address is never echoed.
            assert!(
                e.to_string() == "email: must not be empty"
                    || e.to_string() == "email: must be an e-mail address such as name@example.com",
                "{e}"
            );
        }
    }

    #[test]
    fn phone_accepts_e164_digits() {
        for good in ["48123123123", "+48123123123", "1234567", "123456789012345"] {
            assert!(phone("phone", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn phone_rejects_other_shapes() {
        for bad in [
            "",
            "+",
            "123456",
            "1234567890123456",
            "+48 123 123 123",
            "48-123-123-123",
            "(48)123123123",
            "++48123123123",
            "48123123123+",
            "4812312312a",
            "٤٨١٢٣١٢٣١٢٣", // non-ASCII digits
        ] {
            assert_err(phone("phone", bad), "phone");
        }
    }

    #[test]
    fn card_label_bounds() {
        assert!(card_label("label", "abc").is_ok());
        assert!(card_label("label", &"x".repeat(30)).is_ok());
        // 30 two-byte characters (60 bytes) are still 30 characters.
        assert!(card_label("label", &"ż".repeat(30)).is_ok());
        assert!(card_label("label", &"🎉".repeat(30)).is_ok());
        assert_err(card_label("label", "ab"), "label");
        assert_err(card_label("label", &"x".repeat(31)), "label");
        assert_err(card_label("label", &"ż".repeat(31)), "label");
        assert_err(card_label("label", ""), "label");
        assert_err(card_label("label", "   "), "label");
    }

    #[test]
    fn pin_accepts_four_digits() {
        assert!(pin("pin", &SecretString::new("1234")).is_ok());
        assert!(pin("pin", &SecretString::new("0000")).is_ok());
    }

    #[test]
    fn pin_rejects_and_never_echoes() {
        for bad in [
            "12a4",
            "12345",
            "123",
            "",
            " 1234",
            "1234 ",
            "１２３４",
            "-123",
        ] {
            let e = assert_err(pin("pin", &SecretString::new(bad)), "pin");
            let shown = format!("{e} {e:?} {}", e.message());
            if !bad.trim().is_empty() {
                assert!(!shown.contains(bad.trim()), "{shown} leaks the PIN");
            }
            assert!(shown.contains("4 digits"));
        }
    }
}
