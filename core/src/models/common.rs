//! Types shared by several areas.

use serde::{Deserialize, Deserializer};

model! {
    /// An `error` object inside a payload (details responses, webhooks), and equally the body of
    /// an API error reply (`{"errorCode","errorName","errorMessage"}`). Every field is optional:
    /// the V0 transfer webhook shows `{"description","status"}`, error replies show the codes.
    #[derive(Default)]
    pub struct ErrorInfo {
        /// Free-text description (V0 webhooks).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        /// Status text of the error (V0 webhooks); numbers are read as their text.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "string_or_number"
        )]
        pub status: Option<String>,
        /// P-code (`P433`…), when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error_code: Option<String>,
        /// Readable error name (`insufficient-funds`…), when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error_name: Option<String>,
        /// Detailed message for logs, when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error_message: Option<String>,
    }
}

impl ErrorInfo {
    /// The P-code parsed, when the object carries one.
    pub fn code(&self) -> Option<crate::ErrorCode> {
        self.error_code.as_deref().map(crate::ErrorCode::parse)
    }
}

/// Reads an optional text that some payloads send as a number or a boolean.
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
        Some(Loose::Text(s)) => Some(s),
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
}
