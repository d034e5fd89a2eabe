//! Webhook helpers: check the `Authorization` token (constant time, in the core) and parse the
//! body into a typed event.

use p100::webhooks::{self, Verifier};
use p100::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::convert::{hide, output};
use crate::panic::guarded;

/// The `Authorization` header value, when there is one.
fn header(value: &JsValue) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| Error::validation("authorization", "must be a string, null or undefined"))
}

/// The body's bytes: a string (as UTF-8), or bytes (a Node `Buffer`), read as text by the core.
fn body_bytes(body: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(s) = body.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(bytes) = crate::convert::uint8_bytes(body) {
        return Ok(bytes);
    }
    Err(Error::validation(
        "body",
        "must be the raw body as a string or a Uint8Array/Buffer",
    ))
}

fn token_text(token: &JsValue) -> Result<String, Error> {
    token
        .as_string()
        .ok_or_else(|| Error::config("the webhook token must be a string"))
}

/// Checks a delivery's `Authorization` header against your webhook token, in constant time.
/// Throws a `WebhookUnauthorizedError` (answer the delivery with 401) when it is missing or
/// wrong; the raw token and `Bearer <token>` are both accepted.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
) -> Result<(), JsValue> {
    guarded(move || {
        let token = token_text(&token)?;
        webhooks::verify_token(header(&authorization)?.as_deref(), &token)
    })
}

/// An event as a plain object. The `raw` body of an unrecognised delivery is not enumerable:
/// it may hold a card number or a one-time code that no typed field hides (Python's `repr`
/// and Kotlin/Swift's `Secret` hide it too).
fn event_output(event: &p100::webhooks::WebhookEvent) -> Result<JsValue, Error> {
    let js = output(event)?;
    if event.is_unknown() {
        let data = js_sys::Reflect::get(&js, &"data".into()).unwrap_or_default();
        let raw = js_sys::Reflect::get(&data, &"raw".into()).unwrap_or_default();
        if data.is_object() && raw.is_string() {
            hide(data.unchecked_ref(), &"raw".into(), &raw);
        }
    }
    Ok(js)
}

/// Parses a webhook body (flat payload or `{event_type, data}` envelope) into a typed event.
/// An unrecognised delivery is `{ event: "unknown", data: { event_type, raw } }`, never an
/// error; only a body that is not JSON throws a `DecodeError`.
#[wasm_bindgen(js_name = parseWebhook, unchecked_return_type = "WebhookEvent")]
pub fn parse_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
) -> Result<JsValue, JsValue> {
    guarded(move || {
        let text = webhooks::body_text(body_bytes(&body)?)?;
        event_output(&webhooks::parse_event(&text)?)
    })
}

/// `verifyWebhook`, then `parseWebhook`.
#[wasm_bindgen(js_name = verifyAndParseWebhook, unchecked_return_type = "WebhookEvent")]
pub fn verify_and_parse_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
) -> Result<JsValue, JsValue> {
    guarded(move || {
        let verifier = Verifier::new(token_text(&token)?)?;
        let authorization = header(&authorization)?;
        event_output(&verifier.verify_and_read(authorization.as_deref(), || body_bytes(&body))?)
    })
}

/// Checks deliveries against one webhook token (kept out of `toString` and logs).
#[wasm_bindgen]
pub struct WebhookVerifier {
    inner: Verifier,
}

#[wasm_bindgen]
impl WebhookVerifier {
    /// A verifier for your webhook security token. Throws a `ConfigError` for an empty token
    /// (it would accept every delivery).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    ) -> Result<WebhookVerifier, JsValue> {
        guarded(move || {
            Ok(WebhookVerifier {
                inner: Verifier::new(token_text(&token)?)?,
            })
        })
    }

    /// Throws a `WebhookUnauthorizedError` when the header is missing or wrong.
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
    ) -> Result<(), JsValue> {
        let inner = self.inner.clone();
        guarded(move || inner.verify(header(&authorization)?.as_deref()))
    }

    /// Verifies, then parses the body.
    #[wasm_bindgen(js_name = verifyAndParse, unchecked_return_type = "WebhookEvent")]
    pub fn verify_and_parse(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] authorization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
    ) -> Result<JsValue, JsValue> {
        let inner = self.inner.clone();
        guarded(move || {
            let authorization = header(&authorization)?;
            event_output(&inner.verify_and_read(authorization.as_deref(), || body_bytes(&body))?)
        })
    }
}
