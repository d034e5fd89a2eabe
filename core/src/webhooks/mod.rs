//! Webhooks: check the `Authorization` token (constant time) and parse the event.
//!
//! ```
//! use p100::webhooks::Verifier;
//! let verifier = Verifier::new("whsec-token").unwrap();
//! let body = r#"{"externalUserId":"u1","status":"ACTIVE"}"#;
//! let event = verifier.verify_and_parse(Some("whsec-token"), body).unwrap();
//! assert_eq!(event.name(), "user_status");
//! // A missing or wrong token is an error of kind WebhookUnauthorized: answer 401.
//! let err = verifier.verify(Some("nope")).unwrap_err();
//! assert_eq!(err.kind(), p100::ErrorKind::WebhookUnauthorized);
//! ```

mod events;

pub use events::*;

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use crate::error::{Error, ErrorKind, Result};
use crate::money::SecretString;

/// Checks webhook deliveries against the partner's webhook security token.
#[derive(Clone)]
pub struct Verifier {
    token: SecretString,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("token", &"[REDACTED]")
            .finish()
    }
}

impl Verifier {
    /// A verifier for `token` (the "Webhook Security Token" P100 issued). An empty token is
    /// refused: it would accept every delivery.
    pub fn new(token: impl Into<SecretString>) -> Result<Verifier> {
        let token = token.into();
        if token.expose().trim().is_empty() {
            return Err(Error::config("the webhook token is empty").with_field("webhookToken"));
        }
        Ok(Verifier { token })
    }

    /// Checks the `Authorization` header value in constant time. The raw token and
    /// `Bearer <token>` are both accepted. Missing or wrong → [`ErrorKind::WebhookUnauthorized`].
    pub fn verify(&self, authorization: Option<&str>) -> Result<()> {
        verify_token(authorization, self.token.expose())
    }

    /// Verifies, then parses the body into a [`WebhookEvent`].
    pub fn verify_and_parse(
        &self,
        authorization: Option<&str>,
        body: &str,
    ) -> Result<WebhookEvent> {
        self.verify(authorization)?;
        parse_event(body)
    }

    /// [`Verifier::verify_and_parse`] for a body a binding reads from its host's value (a
    /// string, or the bytes web frameworks give): the sender is checked first, so an
    /// unauthenticated request is refused as such whatever its body (even one `read` cannot
    /// take); then `read` runs, its bytes are read as UTF-8 text ([`body_text`]) and parsed.
    pub fn verify_and_read(
        &self,
        authorization: Option<&str>,
        read: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<WebhookEvent> {
        self.verify(authorization)?;
        parse_event(&body_text(read()?)?)
    }
}

/// A webhook body handed over as bytes (what web frameworks give), as text: bytes that are not
/// UTF-8 are refused like a body that is not JSON ([`parse_event`]: kind `Decode`, outcome
/// `Rejected`, the body never repeated). Every binding reads bytes here.
pub fn body_text(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| {
        Error::new(ErrorKind::Decode, "webhook body is not UTF-8 text")
            .with_outcome(crate::Outcome::Rejected)
    })
}

/// Checks an `Authorization` header value against `token` in constant time. Whitespace around
/// either is ignored (a token read from a file or an environment variable often ends with a
/// newline); the header may carry the token raw or after `Bearer ` (any case).
pub fn verify_token(authorization: Option<&str>, token: &str) -> Result<()> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::config("the webhook token is empty").with_field("webhookToken"));
    }
    let Some(header) = authorization.map(str::trim).filter(|h| !h.is_empty()) else {
        return Err(Error::new(
            ErrorKind::WebhookUnauthorized,
            "webhook rejected: the Authorization header is missing",
        )
        .with_status(401));
    };
    // Both readings of the header are always compared (no early exit), so a token that itself
    // starts with "Bearer " passes too.
    let expected = Sha256::digest(token.as_bytes());
    let as_sent = digest_matches(header, &expected);
    let stripped = digest_matches(strip_bearer(header), &expected);
    if bool::from(as_sent | stripped) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::WebhookUnauthorized,
            "webhook rejected: the Authorization token does not match",
        )
        .with_status(401))
    }
}

/// Whether `presented` hashes to `expected` (the token's SHA-256), in time that depends on
/// neither value nor on their lengths: SHA-256 runs in time that depends only on the length of
/// its input (which the sender knows already), and the two 32-byte digests are compared with
/// [`subtle`]. Comparing the texts themselves would return early when the lengths differ and
/// so tell an attacker the token's length.
fn digest_matches(presented: &str, expected: &[u8]) -> Choice {
    Sha256::digest(presented.as_bytes())
        .as_slice()
        .ct_eq(expected)
}

/// True when `presented` equals `token` (see [`digest_matches`]).
#[cfg(test)]
fn tokens_match(presented: &str, token: &str) -> bool {
    digest_matches(presented, &Sha256::digest(token.as_bytes())).into()
}

fn strip_bearer(h: &str) -> &str {
    match (h.get(..7), h.get(7..)) {
        (Some(p), Some(rest)) if p.eq_ignore_ascii_case("bearer ") => rest.trim_start(),
        _ => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_that_is_not_utf8_is_refused_without_repeating_it() {
        assert_eq!(body_text(b"{}".to_vec()).unwrap(), "{}");
        let e = body_text(vec![b'{', 0xff, b'}']).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert_eq!(e.outcome(), crate::Outcome::Rejected);
    }

    #[test]
    fn token_checks() {
        let v = Verifier::new("s3cret-token").unwrap();
        assert!(v.verify(Some("s3cret-token")).is_ok());
        assert!(v.verify(Some("Bearer s3cret-token")).is_ok());
        assert!(v.verify(Some("  s3cret-token ")).is_ok());
        for bad in [
            None,
            Some(""),
            Some("s3cret-tokem"),
            Some("s3cret-token2"),
            Some("s3cret"),
        ] {
            let e = v.verify(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::WebhookUnauthorized, "{bad:?}");
            assert_eq!(e.status(), Some(401));
            assert!(!e.to_string().contains("s3cret"));
        }
        assert!(Verifier::new("").is_err());
        assert!(!format!("{v:?}").contains("s3cret"));
    }

    #[test]
    fn tokens_of_other_lengths_fail_and_equal_ones_pass() {
        let token = "whsec-0123456789abcdef";
        assert!(tokens_match(token, token));
        for other in [
            "",
            "w",
            "whsec-0123456789abcde",
            "whsec-0123456789abcdef0",
            "whsec-0123456789abcdefwhsec-0123456789abcdef",
            "WHSEC-0123456789ABCDEF",
            "whsec-0123456789abcdeg",
        ] {
            assert!(!tokens_match(other, token), "{other:?}");
            assert!(!tokens_match(token, other), "{other:?}");
            assert!(verify_token(Some(other), token).is_err(), "{other:?}");
        }
        // A token longer than the SHA-256 block size still compares exactly.
        let long = "x".repeat(200);
        assert!(verify_token(Some(&long), &long).is_ok());
        assert!(verify_token(Some(&long[..199]), &long).is_err());
        assert!(verify_token(Some(&format!("{long}x")), &long).is_err());
        // Whitespace around the configured token (a file's last newline) does not matter.
        assert!(verify_token(Some("s3cret-token"), "s3cret-token\n").is_ok());
        assert!(Verifier::new(" s3cret-token\n")
            .unwrap()
            .verify(Some("Bearer s3cret-token"))
            .is_ok());
        // A token that starts with "Bearer " passes raw and prefixed.
        assert!(verify_token(Some("Bearer abc"), "Bearer abc").is_ok());
        assert!(verify_token(Some("Bearer Bearer abc"), "Bearer abc").is_ok());
        assert!(verify_token(Some("abc"), "Bearer abc").is_err());
        // Multi-byte text: no slicing inside a character anywhere.
        assert!(verify_token(Some("Bearer ключ-токен"), "ключ-токен").is_ok());
        assert!(verify_token(Some("Béarer ключ"), "ключ").is_err());
    }
}
