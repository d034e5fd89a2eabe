//! The operations manifest (`tests/operations.json`) is exactly what the route table says.

use std::path::PathBuf;

#[test]
fn the_checked_in_manifest_is_the_generated_one() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/operations.json");
    let text = serde_json::to_string_pretty(&p100::routes::manifest()).unwrap() + "\n";
    if std::env::var_os("P100_REGENERATE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "tests/operations.json drifted from core/src/routes.rs: run \
         P100_REGENERATE=1 cargo test -p p100 --test operations"
    );
}

#[test]
fn every_money_moving_operation_with_a_details_endpoint_has_a_wait_helper() {
    for r in p100::routes::ALL {
        let group = r.name.split('.').next().unwrap();
        let has_details = p100::routes::by_name(&format!("{group}.details")).is_some();
        if r.moves_money && has_details && !matches!(group, "cards" | "payment_links") {
            assert!(r.wait_for.is_some(), "{} has no wait_for", r.name);
        }
        if let Some(w) = r.wait_for {
            assert!(
                r.moves_money,
                "{} has a wait helper but moves no money",
                r.name
            );
            assert_eq!(w, format!("{group}.wait_for"));
        }
    }
}
