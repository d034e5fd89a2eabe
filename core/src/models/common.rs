//! Types shared by several areas.

use serde::{Deserialize, Deserializer};

model! {
    /// An `error` object inside a payload (details responses, webhooks), and equally the body of
    /// an API error reply (`{"errorCode","errorName","errorMessage"}`). Every field is optional:
    /// the V0 transfer webhook shows `{"description","status"}`, error replies show the codes.
    /// Its texts are the sender's and are masked when read: a card number or a secret named in
    /// them does not show.
    #[derive(Default)]
    pub struct ErrorInfo {
        /// Free-text description (V0 webhooks).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "masked_text"
        )]
        pub description: Option<String>,
        /// Status text of the error (V0 webhooks); numbers are read as their text.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "string_or_number"
        )]
        pub status: Option<String>,
        /// P-code (`P433`…), when given.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "masked_text"
        )]
        pub error_code: Option<String>,
        /// Readable error name (`insufficient-funds`…), when given.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "masked_text"
        )]
        pub error_name: Option<String>,
        /// Detailed message for logs, when given.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "masked_text"
        )]
        pub error_message: Option<String>,
    }
}

impl ErrorInfo {
    /// The P-code parsed, when the object carries one.
    pub fn code(&self) -> Option<crate::ErrorCode> {
        self.error_code.as_deref().map(crate::ErrorCode::parse)
    }
}

/// Reads the sender's free text with the secrets in it masked: every language prints it in the
/// Debug/`repr`/`toString` of the reply or event that carries it (`"card 4111… declined"`).
pub(crate) fn masked_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(|text| crate::mask::mask_secrets(&text)))
}

/// Reads an optional text that some payloads send as a number or a boolean (the text masked,
/// as [`masked_text`] does).
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Text(String),
        Flag(bool),
        Number(serde_json::Number),
    }
    Ok(match Option::<Loose>::deserialize(d)? {
        None => None,
        Some(Loose::Text(s)) => Some(crate::mask::mask_secrets(&s)),
        Some(Loose::Flag(b)) => Some(b.to_string()),
        Some(Loose::Number(n)) => Some(n.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_info_reads_both_shapes() {
        let e: ErrorInfo =
            serde_json::from_str(r#"{"description":"Error","status":"Error"}"#).unwrap();
        assert_eq!(e.description.as_deref(), Some("Error"));
        assert_eq!(e.code(), None);
        let e: ErrorInfo = serde_json::from_str(
            r#"{"errorCode":"P433","errorName":"insufficient-funds","status":400}"#,
        )
        .unwrap();
        assert_eq!(e.code(), Some(crate::ErrorCode::P433));
        assert_eq!(e.status.as_deref(), Some("400"));
        assert_eq!(serde_json::to_string(&ErrorInfo::default()).unwrap(), "{}");
    }

    #[test]
    fn error_info_masks_the_senders_free_text() {
        // A transfer's details (a reply, not only a webhook) print their error in every
        // language's Debug/repr/toString.
        let e: ErrorInfo = serde_json::from_str(
            r#"{"description":"card 4111 1111 1111 1111 declined","status":"cvv=987 refused",
                "errorMessage":"pin: 5813 wrong","errorName":"card 5500 0000 0000 0004 declined",
                "errorCode":"pin=7391"}"#,
        )
        .unwrap();
        let shown = format!("{e:?}");
        for gone in ["4111 1111", "987", "5813", "5500 0000", "7391"] {
            assert!(!shown.contains(gone), "{shown}");
        }
        assert_eq!(
            e.description.as_deref(),
            Some("card **** **** **** 1111 declined")
        );
        let e: ErrorInfo =
            serde_json::from_str(r#"{"errorCode":"P433","errorName":"insufficient-funds"}"#)
                .unwrap();
        assert_eq!(e.code(), Some(crate::ErrorCode::P433));
        assert_eq!(e.error_name.as_deref(), Some("insufficient-funds"));
    }
}
