//! Exact money: amounts and rates are decimals, never floats; currency and network codes.
//!
//! JSON numbers are read through `serde_json`'s `arbitrary_precision` feature, so the text of the
//! number (`100686.13333333`) reaches [`Amount`] unchanged and is parsed as a decimal.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The key `serde_json` (with `arbitrary_precision`) uses to hand a number's text to a visitor.
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// An exact decimal amount, rate or fee.
///
/// Decodes from a JSON string (`"0.00000000"`) or a JSON number (`100686.13333333`) without ever
/// going through a float, and keeps the scale it was given (`"0.00"` stays `0.00`). Encodes as a
/// string, except on the request fields where the documentation shows a number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseAmountError {
    /// The rejected text (amounts are not secret).
    pub input: String,
}

impl fmt::Display for ParseAmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a decimal amount", self.input)
    }
}

impl std::error::Error for ParseAmountError {}

/// Most decimals an [`Amount`] holds (the exact decimal's limit).
const MAX_SCALE: u32 = 28;

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Wraps a decimal.
    pub const fn new(value: Decimal) -> Self {
        Amount(value)
    }

    /// The decimal value.
    pub const fn value(&self) -> Decimal {
        self.0
    }

    /// Parses decimal text exactly (`"12.50"`, `"-3"`, `"1e-8"`); text that would need rounding
    /// (more than 28 decimal places, or more digits than a 96-bit mantissa holds) is refused
    /// rather than rounded.
    pub fn parse(text: &str) -> Result<Self, ParseAmountError> {
        let t = text.trim();
        let err = || ParseAmountError {
            input: text.to_string(),
        };
        let (mantissa, exponent) = match t.split_once(['e', 'E']) {
            Some((m, e)) => (m, Some(e)),
            None => (t, None),
        };
        // The mantissa must be plain decimal text: digits, one dot, an optional leading sign.
        let body = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
        if body.is_empty()
            || body.starts_with('.')
            || body.ends_with('.')
            || !body.chars().all(|c| c.is_ascii_digit() || c == '.')
            || body.matches('.').count() > 1
        {
            return Err(err());
        }
        let d = Decimal::from_str_exact(mantissa).map_err(|_| err())?;
        let Some(exponent) = exponent else {
            return Ok(Amount(d));
        };
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let e: i64 = exponent.parse().map_err(|_| err())?;
        // value = mantissa × 10^(−scale) × 10^e, computed on the integer mantissa: exact or refused.
        let new_scale = i64::from(d.scale()) - e;
        let m = d.mantissa();
        let value = if new_scale >= 0 {
            let scale = u32::try_from(new_scale).map_err(|_| err())?;
            Decimal::try_from_i128_with_scale(m, scale).map_err(|_| err())?
        } else {
            let factor = 10i128
                .checked_pow(u32::try_from(-new_scale).map_err(|_| err())?)
                .ok_or_else(err)?;
            let m = m.checked_mul(factor).ok_or_else(err)?;
            Decimal::try_from_i128_with_scale(m, 0).map_err(|_| err())?
        };
        Ok(Amount(value))
    }

    /// Number of digits after the decimal point, as written.
    pub fn scale(&self) -> u32 {
        self.0.scale()
    }

    /// Number of decimal places actually needed (trailing zeros ignored): `1.50` needs 1.
    pub fn significant_scale(&self) -> u32 {
        self.0.normalize().scale()
    }

    /// True when strictly greater than zero.
    pub fn is_positive(&self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// The amount without its sign (`-25.00` → `25.00`).
    pub fn abs(&self) -> Amount {
        Amount(self.0.abs())
    }

    /// True when zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// The same value written with exactly `scale` decimals, when that loses nothing
    /// (`10` → `10.00` for `eur`). Returns `None` if digits would be cut off, or if `scale` is
    /// beyond the 28 decimals an amount holds (it could not be written so).
    pub fn with_scale(&self, scale: u32) -> Option<Amount> {
        if self.significant_scale() > scale || scale > MAX_SCALE {
            return None;
        }
        let mut d = self.0.normalize();
        d.rescale(scale);
        Some(Amount(d))
    }

    /// The value written with the precision of `currency` (see [`Currency::precision`]); the
    /// value is returned unchanged if it has more decimals than the currency allows (validation
    /// rejects such values before anything is sent).
    pub fn for_currency(&self, currency: &Currency) -> Amount {
        self.with_scale(currency.precision()).unwrap_or(*self)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({})", self.0)
    }
}

impl FromStr for Amount {
    type Err = ParseAmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

impl From<Decimal> for Amount {
    fn from(d: Decimal) -> Self {
        Amount(d)
    }
}

impl From<Amount> for Decimal {
    fn from(a: Amount) -> Self {
        a.0
    }
}

impl From<i64> for Amount {
    fn from(v: i64) -> Self {
        Amount(Decimal::from(v))
    }
}

impl From<i32> for Amount {
    fn from(v: i32) -> Self {
        Amount(Decimal::from(v))
    }
}

impl From<u32> for Amount {
    fn from(v: u32) -> Self {
        Amount(Decimal::from(v))
    }
}

impl TryFrom<&str> for Amount {
    type Error = ParseAmountError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Amount::parse(s)
    }
}

impl TryFrom<String> for Amount {
    type Error = ParseAmountError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Amount::parse(&s)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Why a value read for an amount is refused. Without the value: the decoder never repeats
/// what it was given (a value typed into the wrong field may be an IBAN or a PIN). The limits
/// are the exact decimal's: 28 digits in all (29 below 7.9 × 10^28), 28 after the point.
pub(crate) const NOT_AN_AMOUNT: &str = "is not a decimal amount (digits with an optional sign, \
    `.` and exponent; at most 28 digits, at most 28 after the point)";

struct AmountVisitor;

impl<'de> Visitor<'de> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        Amount::parse(v).map_err(|_| E::custom(NOT_AN_AMOUNT))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(v)))
    }

    // serde_json hands integers above `u64::MAX` over as `u128`.
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Amount, E> {
        i128::try_from(v)
            .map_err(|_| E::custom("amount out of range"))
            .and_then(|v| self.visit_i128(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Amount, E> {
        // `try_`: `from_i128_with_scale` panics past 96 bits.
        Decimal::try_from_i128_with_scale(v, 0)
            .map(Amount)
            .map_err(|_| E::custom("amount out of range"))
    }

    // Reached from a `serde_json::Value` (under `arbitrary_precision`) only when the number's
    // JSON text is exactly the float's shortest form as `zmij` writes it, or as Rust's
    // `Display` writes it (other numbers arrive as text through `visit_map`). Both are rebuilt:
    // when they are the same amount, value and scale, that is the text. When they differ (a tie
    // between two shortest forms, `-562950382917294.2` / `…294.3`), the text cannot be known
    // and the number is refused, never guessed. The core itself never decodes amounts from a
    // `Value` (webhooks go through text); a JS number or a Python float is refused by the
    // bindings before it gets here.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
        if !v.is_finite() {
            return Err(E::custom("amount must be a finite number"));
        }
        let mut buffer = zmij::Buffer::new();
        let shortest = Amount::parse(buffer.format_finite(v)).map_err(E::custom)?;
        let display = v.to_string();
        if !display.contains('.') {
            // Integer text would have arrived as an integer: the JSON text was the shortest.
            return Ok(shortest);
        }
        match Amount::parse(&display) {
            Ok(d) if d == shortest && d.scale() == shortest.scale() => Ok(shortest),
            _ => Err(E::custom(
                "this number cannot be read exactly through a float: send the amount as a string",
            )),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Amount, A::Error> {
        // serde_json with `arbitrary_precision` hands numbers over as {TOKEN: "text"}.
        let key: Option<String> = map.next_key()?;
        match key.as_deref() {
            Some(JSON_NUMBER_TOKEN) => {
                let text: String = map.next_value()?;
                Amount::parse(&text).map_err(|_| de::Error::custom(NOT_AN_AMOUNT))
            }
            _ => Err(de::Error::custom(
                "expected a decimal amount, found an object",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AmountVisitor)
    }
}

/// Serde helpers for request fields that the documentation shows as JSON numbers
/// (`"amount": 10`). The number is written from the decimal's text, exactly.
pub mod as_number {
    use super::Amount;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::str::FromStr;

    /// Writes the amount as a JSON number.
    pub fn serialize<S: Serializer>(a: &Amount, s: S) -> Result<S::Ok, S::Error> {
        let n = serde_json::Number::from_str(&a.to_string()).map_err(serde::ser::Error::custom)?;
        n.serialize(s)
    }

    /// Reads a string or a number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        Amount::deserialize(d)
    }

    /// The same for optional fields.
    pub mod option {
        use super::super::Amount;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes the amount as a JSON number, or `null`.
        pub fn serialize<S: Serializer>(a: &Option<Amount>, s: S) -> Result<S::Ok, S::Error> {
            match a {
                Some(a) => super::serialize(a, s),
                None => s.serialize_none(),
            }
        }

        /// Reads a string, a number or `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
            Option::<Amount>::deserialize(d)
        }
    }
}

crate::string_enum! {
    /// A currency code. Sent in the documented lower case (`eur`, `btc`); read in any case.
    pub enum Currency {
        /// Euro (fiat, SEPA).
        Eur = "eur",
        /// Bitcoin.
        Btc = "btc",
        /// Ether.
        Eth = "eth",
        /// Litecoin.
        Ltc = "ltc",
        /// Dogecoin.
        Doge = "doge",
        /// Polygon's POL.
        Pol = "pol",
        /// USD Coin.
        Usdc = "usdc",
        /// Tether USD.
        Usdt = "usdt",
        /// Tether EUR (listed by the oldest docs only).
        Eurt = "eurt",
    }
}

impl Currency {
    /// Decimal places the API uses for this currency: eur 2; usdc, usdt, eurt 6; the other
    /// cryptocurrencies 8. An unknown currency gets 8 (the API's documented maximum).
    pub fn precision(&self) -> u32 {
        match self {
            Currency::Eur => 2,
            Currency::Usdc | Currency::Usdt | Currency::Eurt => 6,
            _ => 8,
        }
    }

    /// True for fiat currencies (only `eur`).
    pub fn is_fiat(&self) -> bool {
        matches!(self, Currency::Eur)
    }

    /// The networks a crypto currency can move on; the first is the default. Empty for fiat and
    /// for unknown currencies.
    pub fn networks(&self) -> &'static [Network] {
        match self {
            Currency::Btc => &[Network::Bitcoin],
            Currency::Eth => &[Network::Ethereum],
            Currency::Ltc => &[Network::Litecoin],
            Currency::Doge => &[Network::Dogecoin],
            Currency::Pol => &[Network::Polygon],
            Currency::Usdc | Currency::Usdt => &[Network::Ethereum, Network::Polygon],
            Currency::Eurt => &[Network::Ethereum],
            Currency::Eur | Currency::Unknown(_) => &[],
        }
    }

    /// True when `network` exists for this currency.
    pub fn supports_network(&self, network: &Network) -> bool {
        self.networks().contains(network)
    }
}

crate::string_enum! {
    /// A blockchain network. Sent in lower case (`polygon`) as the newest docs show; read in any
    /// case and under the names used as `networkConfig` keys.
    pub enum Network {
        /// Ethereum (staging: sepolia).
        Ethereum = "ethereum" | "eth" | "sepolia",
        /// Polygon (staging: amoy).
        Polygon = "polygon" | "matic" | "amoy",
        /// Bitcoin.
        Bitcoin = "btc" | "bitcoin",
        /// Litecoin.
        Litecoin = "ltc" | "litecoin",
        /// Dogecoin.
        Dogecoin = "doge" | "dogecoin",
    }
}

/// A secret text (PAN, CVV, PIN, document number, date of birth, API key…).
///
/// `Debug` never shows it; there is no `Display`. Read it with [`SecretString::expose`].
///
/// **`Serialize` writes it in clear**: it is how a request carries a PIN to P100, and how the
/// language packages hand a card's number to their callers. So never serialize a model that
/// holds one (a `CardDetails`, a `CreateCardRequest`) into a log, a cache or an error report;
/// `Debug` is the form for those.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[cfg(feature = "wasm")]
        SECRETS_WRITTEN.with(|n| n.set(n.get().wrapping_add(1)));
        s.serialize_str(&self.0)
    }
}

#[cfg(feature = "wasm")]
thread_local! {
    static SECRETS_WRITTEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many [`SecretString`]s this thread has serialized so far (feature `wasm`): the npm
/// package compares it before and after writing a reply, and hides the secret fields of the JS
/// object only when the reply held one.
#[cfg(feature = "wasm")]
#[doc(hidden)]
pub fn secrets_written() -> u64 {
    SECRETS_WRITTEN.with(std::cell::Cell::get)
}

impl SecretString {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The secret text. Take care where it goes.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[REDACTED]\"")
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString(s.to_string())
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Serialize)]
    struct Wrap {
        a: Amount,
    }

    #[test]
    fn number_decodes_exactly() {
        let w: Wrap = serde_json::from_str(r#"{"a": 100686.13333333}"#).unwrap();
        assert_eq!(w.a.to_string(), "100686.13333333");
        assert_eq!(
            w.a.value(),
            Decimal::from_str_exact("100686.13333333").unwrap()
        );
        // More digits than an f64 can hold still come through exactly.
        let w: Wrap = serde_json::from_str(r#"{"a": 0.123456789012345678}"#).unwrap();
        assert_eq!(w.a.to_string(), "0.123456789012345678");
    }

    #[test]
    fn string_keeps_its_scale() {
        let w: Wrap = serde_json::from_str(r#"{"a": "0.00000000"}"#).unwrap();
        assert_eq!(w.a.to_string(), "0.00000000");
        assert_eq!(w.a.scale(), 8);
        assert!(w.a.is_zero());
        assert_eq!(serde_json::to_string(&w).unwrap(), r#"{"a":"0.00000000"}"#);
    }

    #[test]
    fn integers_and_scientific() {
        let w: Wrap = serde_json::from_str(r#"{"a": 10}"#).unwrap();
        assert_eq!(w.a, Amount::from(10));
        let w: Wrap = serde_json::from_str(r#"{"a": 1e-8}"#).unwrap();
        assert_eq!(w.a.to_string(), "0.00000001");
    }

    #[test]
    fn numbers_inside_a_json_value_stay_exact() {
        let v: serde_json::Value = serde_json::from_str(r#"{"a": 0.1}"#).unwrap();
        let w: Wrap = serde_json::from_value(v).unwrap();
        assert_eq!(w.a.to_string(), "0.1");
        // A number an f64 cannot hold comes through a Value as its text.
        let v: serde_json::Value =
            serde_json::from_str(r#"{"a": 100686.1333333312345678}"#).unwrap();
        let w: Wrap = serde_json::from_value(v).unwrap();
        assert_eq!(w.a.to_string(), "100686.1333333312345678");
    }

    #[test]
    fn scientific_notation_is_exact_or_refused() {
        assert_eq!(Amount::parse("1.5e2").unwrap().to_string(), "150");
        assert_eq!(Amount::parse("-25E-3").unwrap().to_string(), "-0.025");
        assert_eq!(Amount::parse("1e+0").unwrap().to_string(), "1");
        // Would need rounding: refused, never rounded.
        assert!(Amount::parse("1.00000000000000000000000000001e0").is_err());
        assert!(Amount::parse("1e-29").is_err());
        assert!(Amount::parse("1e40").is_err());
        for bad in [
            "1_000e0", ".5e0", "5.e0", "1e", "1e-", "e5", "1e5.5", "1e99999",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "abc", "1.2.3", ".5", "5.", "1,5", "--1", "0x10", "NaN"] {
            assert!(Amount::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(serde_json::from_str::<Wrap>(r#"{"a": true}"#).is_err());
        assert!(serde_json::from_str::<Wrap>(r#"{"a": {"x": 1}}"#).is_err());
    }

    #[test]
    fn currency_precision_on_encode() {
        let a = Amount::parse("10").unwrap();
        assert_eq!(a.for_currency(&Currency::Eur).to_string(), "10.00");
        assert_eq!(a.for_currency(&Currency::Btc).to_string(), "10.00000000");
        assert_eq!(
            Amount::parse("1.500")
                .unwrap()
                .with_scale(2)
                .unwrap()
                .to_string(),
            "1.50"
        );
        assert_eq!(Amount::parse("1.505").unwrap().with_scale(2), None);
        // Beyond 28 decimals it cannot be written so: None, not a value of scale 28.
        let one = Amount::parse("1").unwrap();
        assert_eq!(one.with_scale(28).map(|a| a.scale()), Some(28));
        assert_eq!(one.with_scale(29), None);
        assert_eq!(one.with_scale(40), None);
    }

    #[test]
    fn as_number_writes_exact_json_number() {
        #[derive(Serialize)]
        struct Req {
            #[serde(with = "as_number")]
            amount: Amount,
        }
        let r = Req {
            amount: Amount::parse("0.12345678").unwrap(),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"amount":0.12345678}"#
        );
    }

    #[test]
    fn enums_are_case_insensitive_and_keep_unknowns() {
        assert_eq!(Currency::parse("BTC"), Currency::Btc);
        assert_eq!(Network::parse("POLYGON"), Network::Polygon);
        let c: Currency = serde_json::from_str(r#""xyz""#).unwrap();
        assert_eq!(c, Currency::Unknown("xyz".into()));
        assert_eq!(serde_json::to_string(&Currency::Usdc).unwrap(), r#""usdc""#);
        assert!(Currency::Usdc.supports_network(&Network::Polygon));
        assert!(!Currency::Btc.supports_network(&Network::Polygon));
    }

    #[test]
    fn secrets_do_not_debug() {
        let s = SecretString::new("4111111111111111");
        assert!(!format!("{s:?}").contains("4111"));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""4111111111111111""#);
    }
}
