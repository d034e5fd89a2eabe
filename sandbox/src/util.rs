//! Small helpers: ids, timestamps, exact JSON numbers, IBANs, card numbers, wallet addresses.

use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use p100::Currency;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

/// A random UUID (version 4 layout), lower case.
pub fn uuid() -> String {
    let mut b = fastrand::u128(..).to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// ISO-8601 with milliseconds and `Z`, as the docs show (`2025-08-05T10:33:54.730Z`).
pub fn iso(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a decimal constant of the sandbox's own tables.
pub fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap_or(Decimal::ZERO)
}

/// A JSON number with exactly the decimal's (normalized) text — never through a float.
pub fn num(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    match serde_json::Number::from_str(&text) {
        Ok(n) => Value::Number(n),
        Err(_) => Value::String(text),
    }
}

/// An amount as the docs write balances: a string with the currency's precision (`"0.00"`).
pub fn amount_str(d: Decimal, currency: &Currency) -> Value {
    Value::String(fixed(d, currency.precision()))
}

/// The decimal written with exactly `scale` places.
pub fn fixed(d: Decimal, scale: u32) -> String {
    let mut x = d.round_dp_with_strategy(scale, RoundingStrategy::ToZero);
    x.rescale(scale);
    x.to_string()
}

/// Rounds down to `scale` places (amounts credited after a conversion).
pub fn floor_dp(d: Decimal, scale: u32) -> Decimal {
    d.round_dp_with_strategy(scale, RoundingStrategy::ToZero)
}

/// Rounds half up to `scale` places (fees).
pub fn round_dp(d: Decimal, scale: u32) -> Decimal {
    d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

fn digits(n: usize) -> String {
    (0..n).map(|_| fastrand::digit(10)).collect()
}

/// A valid Lithuanian IBAN (mod-97 check digits), bank code `31300` as in the docs' examples.
pub fn iban_lt() -> String {
    let bban = format!("31300{}", digits(11));
    let check = 98 - mod97(&format!("{bban}LT00"));
    format!("LT{check:02}{bban}")
}

/// ISO 13616 mod-97 of an alphanumeric string (letters count as 10..35).
fn mod97(s: &str) -> u32 {
    let mut r: u32 = 0;
    for c in s.chars() {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => continue,
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r
}

/// A 16-digit Visa-style PAN that passes the Luhn check.
pub fn pan() -> String {
    let body = format!("4{}", digits(14));
    let mut sum = 0u32;
    // Luhn over body + check digit: double every second digit from the right of the full
    // number, i.e. the last digit of `body` is doubled.
    for (i, c) in body.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    let check = (10 - sum % 10) % 10;
    format!("{body}{check}")
}

/// A three-digit CVV.
pub fn cvv() -> String {
    digits(3)
}

/// Card expiry `MM/YY`, three years from now.
pub fn expiry() -> String {
    let t = Utc::now();
    let y = (t.format("%y").to_string().parse::<u32>().unwrap_or(26) + 3) % 100;
    format!("{}/{y:02}", t.format("%m"))
}

/// A wallet address in the style of the currency's chain (test networks).
pub fn wallet(currency: &Currency) -> String {
    const B32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let pick = |set: &[u8], n: usize| -> String {
        (0..n)
            .map(|_| set[fastrand::usize(..set.len())] as char)
            .collect()
    };
    match currency {
        Currency::Btc => format!("tb1q{}", pick(B32, 38)),
        Currency::Ltc => format!("tltc1q{}", pick(B32, 38)),
        Currency::Doge => format!("n{}", pick(B58, 33)),
        _ => format!("0x{}", pick(b"0123456789abcdef", 40)),
    }
}

/// A transaction hash in the style of the currency's chain.
pub fn tx_hash(currency: &Currency) -> String {
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[fastrand::usize(..16)]))
            .collect()
    };
    match currency {
        Currency::Btc | Currency::Ltc | Currency::Doge => hex(64),
        _ => format!("0x{}", hex(64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_valid() {
        for _ in 0..50 {
            let i = iban_lt();
            assert_eq!(i.len(), 20);
            assert!(p100::validate::iban("iban", &i).is_ok(), "{i}");
        }
    }

    #[test]
    fn pans_pass_luhn() {
        for _ in 0..50 {
            let p = pan();
            assert_eq!(p.len(), 16);
            let sum: u32 = p
                .chars()
                .rev()
                .enumerate()
                .map(|(i, c)| {
                    let d = c.to_digit(10).unwrap();
                    if i % 2 == 1 {
                        let x = d * 2;
                        if x > 9 {
                            x - 9
                        } else {
                            x
                        }
                    } else {
                        d
                    }
                })
                .sum();
            assert_eq!(sum % 10, 0, "{p}");
        }
    }

    #[test]
    fn numbers_keep_their_text() {
        assert_eq!(num(dec("0.000469")).to_string(), "0.000469");
        assert_eq!(num(dec("102178.03394219")).to_string(), "102178.03394219");
        assert_eq!(num(dec("1.00")).to_string(), "1");
        assert_eq!(
            amount_str(dec("12.5"), &Currency::Eur),
            Value::String("12.50".into())
        );
        assert_eq!(fixed(dec("0"), 8), "0.00000000");
        let u = uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
