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
