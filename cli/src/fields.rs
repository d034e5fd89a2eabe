//! The input fields of an operation, for `p100 call <group> <name> --help`: read from the
//! OpenAPI description the core generates (`openapi/p100.openapi.json`, checked for drift by
//! `scripts/openapi.sh`), so the CLI keeps no list of fields of its own.

use serde_json::Value;
use std::sync::OnceLock;

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        serde_json::from_str(include_str!("../../openapi/p100.openapi.json")).unwrap_or_default()
    })
}

/// `#/components/schemas/Name` → `Name` and its schema.
fn resolve(schema: &'static Value) -> Option<(&'static str, &'static Value)> {
    let name = schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")?;
    Some((name, spec().get("components")?.get("schemas")?.get(name)?))
}

/// A short type: `string`, `integer`, `Amount` (decimal text), or an enum's values.
fn kind(schema: &'static Value) -> String {
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let parts: Vec<String> = any
            .iter()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .map(kind)
            .collect();
        return parts.join(" | ");
    }
    if let Some((name, target)) = resolve(schema) {
        if enum_values(target).is_some() {
            return name.into();
        }
        return match name {
            "Amount" | "AmountNumber" => "decimal".into(),
            "SecretString" => "string, secret".into(),
            "IdText" => "id".into(),
            other => other.into(),
        };
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let item = schema.get("items").map(kind).unwrap_or_default();
            format!("list of {item}")
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "JSON".into(),
    }
}

/// The documented values of a string enum field (`eur, btc, …`), through `anyOf`/`$ref`.
fn values(schema: &'static Value) -> Option<String> {
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        return any.iter().find_map(values);
    }
    enum_values(resolve(schema).map_or(schema, |(_, target)| target)).map(|v| v.join(", "))
}

/// The values of a string enum's schema: `{"anyOf": [{"enum": [...]}, {"type": "string"}]}`
/// (values not documented yet are kept) or a plain `enum`; `None` for any other schema.
fn enum_values(target: &'static Value) -> Option<Vec<&'static str>> {
    let list = target.get("enum").or_else(|| {
        target
            .get("anyOf")?
            .as_array()?
            .iter()
            .find_map(|s| s.get("enum"))
    })?;
    let list: Vec<&str> = list.as_array()?.iter().filter_map(Value::as_str).collect();
    (!list.is_empty()).then_some(list)
}

/// `externalUserId` → `external-user-id`.
pub fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The first sentence of a field's doc, and its values if it is an enum.
fn doc(schema: &'static Value, description: Option<&str>) -> String {
    let mut text = description.map(first_sentence).unwrap_or_default();
    if let Some(values) = values(schema) {
        text.push_str(&format!(" One of: {values}."));
    }
    text.trim().to_string()
}

fn first_sentence(doc: &str) -> String {
    let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    match doc.find(". ") {
        Some(end) => doc[..=end].to_string(),
        None => doc,
    }
}

/// One line per field: `--external-user-id  string, required  The partner's id …`; `None`
/// for an operation that takes no field (or one the description does not list).
pub fn help(method: &str, path: &str) -> Option<String> {
    let op = spec()
        .get("paths")?
        .get(path)?
        .get(method.to_ascii_lowercase())?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(schema)) = (p.get("name").and_then(Value::as_str), p.get("schema"))
        else {
            continue;
        };
        let required = p.get("required").and_then(Value::as_bool) == Some(true);
        let doc = if p.get("in").and_then(Value::as_str) == Some("path") {
            "Path id.".to_string()
        } else {
            doc(schema, p.get("description").and_then(Value::as_str))
        };
        rows.push((name.to_string(), row_kind(schema, required), doc));
    }
    // A JSON body, or a multipart form (its `files` are `--file`).
    let body = op
        .pointer("/requestBody/content/application~1json/schema")
        .or_else(|| op.pointer("/requestBody/content/multipart~1form-data/schema"))
        .map(|s| resolve(s).map_or(s, |(_, target)| target));
    if let Some(body) = body {
        let required: Vec<&str> = body
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, schema) in body
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if name == "files" || rows.iter().any(|(n, _, _)| n == name) {
                continue; // the upload's files, or a path id that is also a body field
            }
            let doc = doc(schema, schema.get("description").and_then(Value::as_str));
            let row = row_kind(schema, required.contains(&name.as_str()));
            rows.push((name.clone(), row, doc));
        }
    }
    if rows.is_empty() {
        return None;
    }
    let flags: Vec<String> = rows.iter().map(|(n, _, _)| kebab(n)).collect();
    let width = flags.iter().map(String::len).max().unwrap_or(0);
    let kinds = rows.iter().map(|(_, k, _)| k.len()).max().unwrap_or(0);
    let mut text = String::from("Fields (flags, or the camelCase keys of --json):");
    for ((_, k, doc), flag) in rows.iter().zip(&flags) {
        text.push_str(&format!("\n  --{flag:width$}  {k:kinds$}  {doc}"));
    }
    Some(text.trim_end().to_string())
}

fn row_kind(schema: &'static Value, required: bool) -> String {
    let k = kind(schema);
    if required {
        format!("{k}, required")
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_a_bodys_fields_with_types_and_required_ones() {
        let text = help("POST", "/v1/user/balances/crypto-and-fiat").unwrap_or_default();
        let line = |flag: &str| {
            text.lines()
                .find(|l| l.trim_start().starts_with(&format!("--{flag} ")))
                .unwrap_or_default()
                .to_string()
        };
        assert!(line("external-user-id").contains("required"), "{text}");
        assert!(line("birth-date").contains("secret"), "{text}");
        assert!(!line("birth-date").contains("required"), "{text}");
        assert!(
            line("document-type").contains("One of: ID_CARD, PASSPORT"),
            "{text}"
        );
    }

    #[test]
    fn lists_path_ids_and_query_fields() {
        let text = help("GET", "/v1/user/{externalUserId}/transactions").unwrap_or_default();
        assert!(text.contains("--external-user-id"), "{text}");
        assert!(text.contains("--month"), "{text}");
        assert!(text.contains("integer, required"), "{text}");
    }

    #[test]
    fn lists_an_uploads_form_fields_but_not_its_files() {
        let text = help("POST", "/v1/user/kyc-files/{externalUserId}").unwrap_or_default();
        assert!(text.contains("--document-type"), "{text}");
        assert!(!text.contains("--files"), "{text}");
    }

    #[test]
    fn an_operation_without_input_has_no_list() {
        assert_eq!(help("GET", "/v1/partner/balances"), None);
        assert_eq!(help("GET", "/v1/no/such/path"), None);
    }
}
