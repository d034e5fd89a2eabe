//! Webhook helpers: the typed event, token checks and parsing (all in the core).

use std::sync::Arc;

use p100::webhooks::{self as hooks, *};
use p100::SecretString;

use crate::{ok, Result};

/// Declares [`WebhookEvent`] (one case per event of the core's `WebhookEvent`, each with its
/// typed payload in `event`) and the conversions both ways; the callback of the core's
/// `for_each_webhook_event!`, so the event list is the core's.
macro_rules! webhook_events {
    ($( $(#[doc = $doc:literal])* $case:ident($payload:ident) = $name:literal; )+) => {
        /// A parsed webhook delivery: one case per event, each carrying its typed payload
        /// (`event`).
        ///
        /// A delivery the SDK does not recognise is `Unknown`: its raw body is a `Secret` (it may
        /// hold anything, card data included), so printing the event never shows it.
        #[derive(Clone, PartialEq, uniffi::Enum)]
        pub enum WebhookEvent {
            $($(#[doc = $doc])* $case { event: $payload },)+
            /// A delivery the SDK does not recognise: the envelope's `event_type` when present,
            /// and the raw body (secret).
            Unknown {
                event_type: Option<String>,
                raw: SecretString,
            },
        }

        impl From<hooks::WebhookEvent> for WebhookEvent {
            fn from(e: hooks::WebhookEvent) -> Self {
                match e {
                    $(hooks::WebhookEvent::$case(event) => WebhookEvent::$case { event },)+
                    hooks::WebhookEvent::Unknown { event_type, raw } => WebhookEvent::Unknown {
                        event_type,
                        raw: SecretString::new(raw),
                    },
                }
            }
        }

        impl From<WebhookEvent> for hooks::WebhookEvent {
            fn from(e: WebhookEvent) -> Self {
                match e {
                    $(WebhookEvent::$case { event } => hooks::WebhookEvent::$case(event),)+
                    WebhookEvent::Unknown { event_type, raw } => hooks::WebhookEvent::Unknown {
                        event_type,
                        raw: raw.expose().to_string(),
                    },
                }
            }
        }
    };
}

p100::for_each_webhook_event!(webhook_events);

#[uniffi::export]
impl WebhookEvent {
    /// The stable snake_case name of the event (`"sepa_transfer"`, `"unknown"`…), the same in
    /// every language of the SDK.
    pub fn name(&self) -> String {
        hooks::WebhookEvent::from(self.clone()).name().to_string()
    }

    /// The event as JSON, `{"event": "<name>", "data": {...}}` with the API's wire names (the
    /// same text in every language of the SDK). An `Unknown` event's raw body is in clear there.
    pub fn to_json(&self) -> Result<String> {
        p100::bindings::uniffi::to_json(&hooks::WebhookEvent::from(self.clone()))
    }
}

/// Checks a webhook delivery's `Authorization` header value (raw token or `Bearer <token>`)
/// against the partner's webhook token, in constant time. A missing or wrong value fails with
/// `WebhookUnauthorized` (answer the delivery with 401).
#[uniffi::export]
pub fn verify_webhook(authorization: Option<String>, token: String) -> Result<()> {
    ok(hooks::verify_token(authorization.as_deref(), &token))
}

/// Parses a webhook body (flat payload or `{"event_type", "data"}` envelope) into a typed event.
/// Never fails on valid JSON (unrecognised deliveries are `Unknown`); a body that is not JSON is
/// a `Decode` error.
#[uniffi::export]
pub fn parse_webhook(body: String) -> Result<WebhookEvent> {
    ok(hooks::parse_event(&body)).map(WebhookEvent::from)
}

/// [`parse_webhook`] of the body's raw bytes (Kotlin `ByteArray`, Swift `Data`: what a server
/// framework hands over before decoding), read as UTF-8; bytes that are not UTF-8 are refused
/// like a body that is not JSON.
#[uniffi::export]
pub fn parse_webhook_bytes(body: Vec<u8>) -> Result<WebhookEvent> {
    ok(hooks::body_text(body).and_then(|text| hooks::parse_event(&text))).map(WebhookEvent::from)
}

/// Checks deliveries against the partner's webhook token, then parses them.
#[derive(uniffi::Object)]
pub struct WebhookVerifier {
    inner: Verifier,
}

// No async method here: uniffi refuses `async_runtime` on such an impl.
#[uniffi::export]
impl WebhookVerifier {
    /// A verifier for `token` (the "Webhook Security Token" P100 issued); empty is refused.
    #[uniffi::constructor]
    pub fn new(token: String) -> Result<Arc<Self>> {
        Ok(Arc::new(WebhookVerifier {
            inner: ok(Verifier::new(token))?,
        }))
    }

    /// Checks the `Authorization` header value; see [`verify_webhook`].
    pub fn verify(&self, authorization: Option<String>) -> Result<()> {
        ok(self.inner.verify(authorization.as_deref()))
    }

    /// Verifies, then parses the body.
    pub fn verify_and_parse(
        &self,
        authorization: Option<String>,
        body: String,
    ) -> Result<WebhookEvent> {
        ok(self.inner.verify_and_parse(authorization.as_deref(), &body)).map(WebhookEvent::from)
    }

    /// [`WebhookVerifier::verify_and_parse`] of the body's raw bytes (see
    /// [`parse_webhook_bytes`]); the sender is checked first, whatever the bytes.
    pub fn verify_and_parse_bytes(
        &self,
        authorization: Option<String>,
        body: Vec<u8>,
    ) -> Result<WebhookEvent> {
        let event = self
            .inner
            .verify_and_read(authorization.as_deref(), || Ok(body));
        ok(event).map(WebhookEvent::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_webhooks_keep_the_body_secret() {
        let e = parse_webhook(r#"{"foo":"4111111111111111"}"#.to_string()).unwrap();
        assert_eq!(e.name(), "unknown");
        assert!(e.to_json().unwrap().contains(r#""event":"unknown""#));
        match e {
            WebhookEvent::Unknown { raw, .. } => assert!(raw.expose().contains("4111")),
            _ => panic!("expected Unknown"),
        }
        assert!(parse_webhook("not json".into()).is_err());
    }

    #[test]
    fn webhook_tokens() {
        assert!(verify_webhook(Some("Bearer t0k".into()), "t0k".into()).is_ok());
        let e = verify_webhook(None, "t0k".into()).unwrap_err();
        assert_eq!(e.kind(), p100::ErrorKind::WebhookUnauthorized);
        assert!(WebhookVerifier::new(String::new()).is_err());
    }
}
