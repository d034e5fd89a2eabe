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

use subtle::ConstantTimeEq;

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
}

/// Checks an `Authorization` header value against `token` in constant time.
pub fn verify_token(authorization: Option<&str>, token: &str) -> Result<()> {
    if token.trim().is_empty() {
        return Err(Error::config("the webhook token is empty").with_field("webhookToken"));
    }
    let Some(header) = authorization.map(str::trim).filter(|h| !h.is_empty()) else {
        return Err(Error::new(
            ErrorKind::WebhookUnauthorized,
            "webhook rejected: the Authorization header is missing",
        )
        .with_status(401));
    };
    let presented = strip_bearer(header);
    let ok_raw: bool = presented.as_bytes().ct_eq(token.as_bytes()).into();
    if ok_raw {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::WebhookUnauthorized,
            "webhook rejected: the Authorization token does not match",
        )
        .with_status(401))
    }
}

fn strip_bearer(h: &str) -> &str {
    match h.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => h[7..].trim_start(),
        _ => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
