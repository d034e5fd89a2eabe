//! The SEPA transfer's receiver rules.

use crate::{Error, Result};

/// True when a field is present with some text in it.
fn filled(v: Option<&str>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty())
}

/// The characters `str::trim` takes for white space (Unicode `White_Space`), as ranges.
const WHITE_SPACE: &[(char, char)] = &[
    ('\u{9}', '\u{d}'),
    ('\u{20}', '\u{20}'),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

/// A JSON Schema `pattern` (ECMA-262) that text matches when it holds more than white space,
/// as a required receiver field must (for the OpenAPI description).
pub fn filled_pattern() -> String {
    let class: String = WHITE_SPACE
        .iter()
        .map(|&(a, b)| {
            let u = |c: char| format!("\\u{:04X}", u32::from(c));
            if a == b {
                u(a)
            } else {
                format!("{}-{}", u(a), u(b))
            }
        })
        .collect();
    format!("[^{class}]")
}

/// Checks the receiver fields of a SEPA transfer.
///
/// * `receiver_type` absent (Level 1, closed loop): no receiver field may be set; names without
///   a type are reported on `"receiverType"`.
/// * `"NATURAL"` (any case): `receiverFirstName` and `receiverLastName` are required and
///   `companyName` must be absent.
/// * `"LEGAL"` (any case): `companyName` is required and both names must be absent.
/// * anything else: an error on `"receiverType"`.
///
/// A field counts as set whenever it is `Some`, even if empty, since it would be sent; a
/// required field must contain more than whitespace.
pub fn sepa_receiver(
    receiver_type: Option<&str>,
    first_name: Option<&str>,
    last_name: Option<&str>,
    company_name: Option<&str>,
) -> Result<()> {
    let Some(kind) = receiver_type else {
        if first_name.is_some() || last_name.is_some() || company_name.is_some() {
            return Err(Error::validation(
                "receiverType",
                "must be set to NATURAL or LEGAL when receiverFirstName, receiverLastName or \
                 companyName is given",
            ));
        }
        return Ok(());
    };
    if kind.eq_ignore_ascii_case("NATURAL") {
        if !filled(first_name) {
            return Err(Error::validation(
                "receiverFirstName",
                "is required when receiverType is NATURAL",
            ));
        }
        if !filled(last_name) {
            return Err(Error::validation(
                "receiverLastName",
                "is required when receiverType is NATURAL",
            ));
        }
        if company_name.is_some() {
            return Err(Error::validation(
                "companyName",
                "must not be set when receiverType is NATURAL (use LEGAL for a company)",
            ));
        }
        Ok(())
    } else if kind.eq_ignore_ascii_case("LEGAL") {
        if !filled(company_name) {
            return Err(Error::validation(
                "companyName",
                "is required when receiverType is LEGAL",
            ));
        }
        if first_name.is_some() {
            return Err(Error::validation(
                "receiverFirstName",
                "must not be set when receiverType is LEGAL (use NATURAL for a person)",
            ));
        }
        if last_name.is_some() {
            return Err(Error::validation(
                "receiverLastName",
                "must not be set when receiverType is LEGAL (use NATURAL for a person)",
            ));
        }
        Ok(())
    } else {
        Err(Error::validation(
            "receiverType",
            "must be NATURAL or LEGAL, or be left out",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn field_of(r: Result<()>) -> String {
        let e = r.expect_err("expected a validation error");
        assert_eq!(e.kind(), ErrorKind::Validation);
        let f = e.field().unwrap().to_string();
        assert!(e.to_string().contains(&f));
        f
    }

    #[test]
    fn level_one_without_receiver() {
        assert!(sepa_receiver(None, None, None, None).is_ok());
    }

    #[test]
    fn level_one_rejects_receiver_fields() {
        assert_eq!(
            field_of(sepa_receiver(None, Some("Jan"), Some("Kowalski"), None)),
            "receiverType"
        );
        assert_eq!(
            field_of(sepa_receiver(None, None, None, Some("ACME"))),
            "receiverType"
        );
        assert_eq!(
            field_of(sepa_receiver(None, Some(""), None, None)),
            "receiverType"
        );
    }

    #[test]
    fn natural_needs_both_names() {
        assert!(sepa_receiver(Some("NATURAL"), Some("Jan"), Some("Kowalski"), None).is_ok());
        assert!(sepa_receiver(Some("natural"), Some("Jan"), Some("Kowalski"), None).is_ok());
        assert!(sepa_receiver(Some("Natural"), Some("Jan"), Some("Kowalski"), None).is_ok());
        assert_eq!(
            field_of(sepa_receiver(Some("NATURAL"), None, Some("Kowalski"), None)),
            "receiverFirstName"
        );
        assert_eq!(
            field_of(sepa_receiver(
                Some("NATURAL"),
                Some("  "),
                Some("Kowalski"),
                None
            )),
            "receiverFirstName"
        );
        assert_eq!(
            field_of(sepa_receiver(Some("NATURAL"), Some("Jan"), None, None)),
            "receiverLastName"
        );
        assert_eq!(
            field_of(sepa_receiver(
                Some("NATURAL"),
                Some("Jan"),
                Some("Kowalski"),
                Some("ACME")
            )),
            "companyName"
        );
    }

    #[test]
    fn legal_needs_company_only() {
        assert!(sepa_receiver(Some("LEGAL"), None, None, Some("ACME sp. z o.o.")).is_ok());
        assert!(sepa_receiver(Some("legal"), None, None, Some("ACME")).is_ok());
        assert_eq!(
            field_of(sepa_receiver(Some("LEGAL"), None, None, None)),
            "companyName"
        );
        assert_eq!(
            field_of(sepa_receiver(Some("LEGAL"), None, None, Some(""))),
            "companyName"
        );
        assert_eq!(
            field_of(sepa_receiver(
                Some("LEGAL"),
                Some("Jan"),
                None,
                Some("ACME")
            )),
            "receiverFirstName"
        );
        assert_eq!(
            field_of(sepa_receiver(
                Some("LEGAL"),
                None,
                Some("Kowalski"),
                Some("ACME")
            )),
            "receiverLastName"
        );
    }

    #[test]
    fn other_types_are_rejected() {
        for bad in ["", "PERSON", "COMPANY", "NATURALL", "legal entity"] {
            assert_eq!(
                field_of(sepa_receiver(
                    Some(bad),
                    Some("Jan"),
                    Some("Kowalski"),
                    None
                )),
                "receiverType",
                "{bad}"
            );
        }
    }
}

#[cfg(test)]
mod white_space {
    use super::*;

    #[test]
    fn the_list_is_what_trim_takes_for_white_space() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let listed = WHITE_SPACE.iter().any(|&(a, b)| (a..=b).contains(&c));
            assert_eq!(listed, c.is_whitespace(), "U+{:04X}", u32::from(c));
        }
        assert!(
            filled_pattern().starts_with("[^\\u0009-\\u000D\\u0020"),
            "{}",
            filled_pattern()
        );
    }
}
