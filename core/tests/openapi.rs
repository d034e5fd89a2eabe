//! `openapi/p100.openapi.json` is exactly what the core generates (`p100::openapi::spec`).
//!
//! Regenerate: `P100_REGENERATE=1 cargo test -p p100 --features openapi --test openapi`.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vectors() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root().join("tests/vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn generated() -> serde_json::Value {
    p100::openapi::spec(&vectors()).unwrap()
}

#[test]
fn the_checked_in_spec_is_the_generated_one() {
    let path = root().join("openapi/p100.openapi.json");
    let text = serde_json::to_string_pretty(&generated()).unwrap() + "\n";
    if std::env::var_os("P100_REGENERATE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "openapi/p100.openapi.json drifted from the core: run \
         P100_REGENERATE=1 cargo test -p p100 --features openapi --test openapi"
    );
}

/// `p100::mask::SECRET_FIELDS` (what the npm package hides from printing) is exactly the set of
/// properties whose schema is `SecretString`, other names of a field (`pan` for `cardNumber`)
/// left out: the SDK writes each field under its own name.
#[test]
fn the_secret_field_list_is_every_secret_property_of_the_models() {
    fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    for (name, schema) in props {
                        // `SecretString` itself, or optional (`anyOf` with `null`).
                        let secret = schema
                            .to_string()
                            .contains("\"#/components/schemas/SecretString\"");
                        let other_name = schema
                            .get("description")
                            .and_then(|d| d.as_str())
                            .is_some_and(|d| d.starts_with("Another name of"));
                        if secret && !other_name {
                            out.insert(name.clone());
                        }
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut from_models = std::collections::BTreeSet::new();
    walk(&generated(), &mut from_models);
    let listed: std::collections::BTreeSet<String> = p100::mask::SECRET_FIELDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        listed, from_models,
        "p100::mask::SECRET_FIELDS must name every SecretString field of the models"
    );
}
