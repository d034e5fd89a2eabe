//! The fault matrix: every money-moving operation × every fault, as a scenario of the shared
//! format (`tests/scenarios/fault_matrix.json`) that every language's runner executes.
//!
//! This file is the one definition of the matrix. It writes the scenario (with
//! `P100_REGENERATE=1`) or fails when the checked-in file drifted from it; the Rust runner
//! (`tests/scenarios.rs`) executes it like every other scenario. Each cell asserts: how many
//! times the operation executed on the server (at most once, exactly as the fault implies), the
//! error's `outcome`, `retryable` only for `not_sent` and 429, no seeded card secret in the
//! message, debug form or raw body, and what `reconcile` answers.

use std::path::PathBuf;

use serde_json::{json, Map, Value};

/// Card data the sandbox gives the cards created during the matrix: none of it may show.
const CARD_NUMBER: &str = "4111111111111111";
const CVV: &str = "987";
const PIN: &str = "5813";
const USER: &str = "fm-{{run}}";
const IBAN: &str = "DE89370400440532013000";
const BTC_ADDRESS: &str = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx";

/// A money-moving operation of the matrix.
struct Op {
    name: &'static str,
    /// Setup steps before each cell (a fresh lock), saving `lockId`.
    lock: Option<Value>,
    /// The request; `{amount}` is replaced by the cell's unique amount.
    input: fn(&str) -> Value,
    /// Amount of cell `i` (unique per cell, so that reconciling finds exactly one entry).
    amount: fn(usize) -> String,
    /// Whether the transaction history lists it (else reconcile cannot tell).
    in_history: bool,
    /// Its replies carry card data.
    card: bool,
}

fn eur(i: usize) -> String {
    format!("1.{:02}", i + 1)
}
fn btc(i: usize) -> String {
    format!("0.0010{:02}", i + 1)
}
fn none(_: usize) -> String {
    String::new()
}

fn ops() -> Vec<Op> {
    vec![
        Op {
            name: "exchange.partner_execute",
            lock: Some(json!({"op": "exchange.partner_lock",
                "input": {"currencyFrom": "eur", "currencyTo": "btc"}, "save": {"lockId": "id"}})),
            input: |a| json!({"amount": a, "currencyFrom": "eur", "currencyTo": "btc", "lockId": "{{lockId}}"}),
            amount: eur,
            in_history: true,
            card: false,
        },
        Op {
            name: "exchange.user_execute",
            lock: Some(json!({"op": "exchange.user_lock",
                "input": {"externalUserId": USER}, "save": {"lockId": "id"}})),
            input: |a| json!({"sourceExternalUserId": USER, "amount": a, "currencyFrom": "eur", "currencyTo": "btc", "lockId": "{{lockId}}"}),
            amount: eur,
            in_history: true,
            card: false,
        },
        Op {
            name: "sepa.partner_transfer",
            lock: None,
            input: |a| json!({"amount": a, "currency": "eur", "destinationIban": IBAN, "transferTitle": "Fault matrix"}),
            amount: eur,
            in_history: true,
            card: false,
        },
        Op {
            name: "sepa.user_transfer",
            lock: None,
            input: |a| json!({"sourceExternalUserId": USER, "amount": a, "currency": "eur", "destinationIban": IBAN, "transferTitle": "Fault matrix"}),
            amount: eur,
            in_history: true,
            card: false,
        },
        Op {
            name: "crypto.partner_withdrawal",
            lock: None,
            input: |a| json!({"currency": "btc", "amount": a, "walletAddress": BTC_ADDRESS, "name": "Fault Matrix", "walletType": "NON_CUSTODIAL", "receiverType": "NATURAL"}),
            amount: btc,
            in_history: true,
            card: false,
        },
        Op {
            name: "crypto.user_withdrawal",
            lock: None,
            input: |a| json!({"sourceExternalUserId": USER, "currency": "btc", "amount": a, "walletAddress": BTC_ADDRESS, "name": "Jan Kowalski", "walletType": "NON_CUSTODIAL", "receiverType": "NATURAL"}),
            amount: btc,
            in_history: true,
            card: false,
        },
        Op {
            name: "transfers.create",
            lock: None,
            input: |a| json!({"destinationExternalUserId": USER, "amount": a, "currency": "eur"}),
            amount: eur,
            in_history: true,
            card: false,
        },
        Op {
            name: "cards.create",
            lock: None,
            input: |_| json!({"externalUserId": USER, "label": "Matrix", "pin": PIN}),
            amount: none,
            in_history: false,
            card: true,
        },
        Op {
            name: "orders.create",
            lock: Some(json!({"op": "orders.lock",
                "input": {"currency": "usdc", "amount": "10.00", "network": "polygon"}, "save": {"lockId": "lockId"}})),
            input: |_| json!({"lockId": "{{lockId}}"}),
            amount: none,
            in_history: false,
            card: false,
        },
    ]
}

/// What happened on the server's side.
#[derive(Clone, Copy)]
enum Executed {
    Never,
    Once,
    /// A reply held back past the client's timeout: the server may run it after the client
    /// gave up, or not at all — never twice.
    AtMostOnce,
}

/// A fault of the matrix.
struct Fault {
    name: &'static str,
    /// The sandbox fault (`None`: the fault is on the client's side of the wire).
    spec: Option<Value>,
    client: Value,
    expect: Value,
    executed: Executed,
    /// A pause after the cell, so a late reply cannot reach the next cell.
    settle_ms: u64,
    /// What the npm package sees instead, and why (none differs today).
    wasm: Option<(Value, &'static str)>,
}

fn faults() -> Vec<Fault> {
    let e = |kind: Value, outcome: &str, retryable: bool, status: Value| {
        json!({"kind": kind, "outcome": outcome, "accepted": outcome == "accepted",
               "retryable": retryable, "status": status})
    };
    let two = json!({"oneOf": [200, 201]});
    let unknown_net = json!({"oneOf": ["network", "timeout"]});
    let mut out = vec![
        Fault {
            name: "refused connection",
            spec: None,
            client: json!({"baseUrl": "http://127.0.0.1:1", "maxRetries": 0}),
            expect: e(json!("network"), "not_sent", true, Value::Null),
            executed: Executed::Never,
            settle_ms: 0,
            // Node too: undici reports ECONNREFUSED, so the npm package proves it.
            wasm: None,
        },
        Fault {
            name: "timeout before sending (connect)",
            spec: None,
            client: json!({"baseUrl": "{{blackhole}}", "connectTimeoutMs": 200, "timeoutMs": 1500, "maxRetries": 0}),
            expect: e(json!("network"), "not_sent", true, Value::Null),
            executed: Executed::Never,
            settle_ms: 0,
            // Node too: the npm package's undici agent connects within `connectTimeoutMs`,
            // and its connect timeout (UND_ERR_CONNECT_TIMEOUT) proves nothing was sent.
            wasm: None,
        },
        Fault {
            name: "timeout after sending",
            spec: Some(json!({"kind": "delay", "delayMs": 900})),
            client: json!({"timeoutMs": 300, "maxRetries": 1}),
            expect: e(json!("timeout"), "unknown", false, Value::Null),
            executed: Executed::AtMostOnce,
            settle_ms: 1000,
            wasm: None,
        },
        Fault {
            name: "429 with Retry-After",
            spec: Some(json!({"kind": "429", "retryAfter": 1})),
            client: json!({"maxRetries": 0}),
            expect: e(json!("rate_limited"), "rejected", true, json!(429)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "429 without Retry-After",
            spec: Some(json!({"kind": "429-bare"})),
            client: json!({"maxRetries": 0}),
            expect: e(json!("rate_limited"), "rejected", true, json!(429)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "429 with Retry-After as an HTTP date",
            spec: Some(json!({"kind": "retry-after-date", "retryAfter": 1})),
            client: json!({"maxRetries": 0}),
            expect: e(json!("rate_limited"), "rejected", true, json!(429)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "500",
            spec: Some(json!({"kind": "500"})),
            client: json!({}),
            expect: e(json!("unavailable"), "unknown", false, json!(500)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "503",
            spec: Some(json!({"kind": "503"})),
            client: json!({}),
            expect: e(json!("unavailable"), "unknown", false, json!(503)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "P500 (HTTP 400, as documented)",
            spec: Some(json!({"kind": "p500"})),
            client: json!({}),
            expect: e(json!("unavailable"), "unknown", false, json!(400)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "P501 (HTTP 400, as documented)",
            spec: Some(json!({"kind": "p501"})),
            client: json!({}),
            expect: e(json!("unavailable"), "unknown", false, json!(400)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            // The lost body may have been a P500: not a refusal.
            name: "P500 with its body cut short (HTTP 400)",
            spec: Some(json!({"kind": "p500-cut-body"})),
            client: json!({}),
            expect: e(json!("network"), "unknown", false, json!(400)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            // A proxy's "client closed request": the request may have reached P100.
            name: "499 from a proxy",
            spec: Some(json!({"kind": "499"})),
            client: json!({}),
            expect: e(json!("api"), "unknown", false, json!(499)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "502 with a P-code and Retry-After",
            spec: Some(json!({"kind": "5xx-with-code", "status": 502, "retryAfter": 1})),
            client: json!({}),
            expect: e(json!("unavailable"), "unknown", false, json!(502)),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "connection dropped before processing",
            spec: Some(json!({"kind": "drop"})),
            client: json!({}),
            expect: e(unknown_net.clone(), "unknown", false, Value::Null),
            executed: Executed::Never,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "processed, then the connection dropped",
            spec: Some(json!({"kind": "process-then-drop"})),
            client: json!({}),
            expect: e(unknown_net, "unknown", false, Value::Null),
            executed: Executed::Once,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "2xx with the body cut short",
            spec: Some(json!({"kind": "cut-body"})),
            client: json!({}),
            expect: e(json!("network"), "accepted", false, two.clone()),
            executed: Executed::Once,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "2xx with a body of the wrong shape",
            spec: Some(json!({"kind": "wrong-shape"})),
            client: json!({}),
            expect: e(json!("decode"), "accepted", false, two.clone()),
            executed: Executed::Once,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "2xx with malformed JSON",
            spec: Some(json!({"kind": "malformed"})),
            client: json!({}),
            expect: e(json!("decode"), "accepted", false, two.clone()),
            executed: Executed::Once,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "2xx with duplicate keys",
            spec: Some(json!({"kind": "duplicate-keys"})),
            client: json!({}),
            expect: e(json!("decode"), "accepted", false, two.clone()),
            executed: Executed::Once,
            settle_ms: 0,
            wasm: None,
        },
        Fault {
            name: "2xx with a body too slow to arrive",
            spec: Some(json!({"kind": "slow-body", "delayMs": 1500})),
            client: json!({"timeoutMs": 500}),
            expect: e(json!("timeout"), "accepted", false, two.clone()),
            executed: Executed::Once,
            settle_ms: 1200,
            wasm: None,
        },
        Fault {
            name: "2xx with a body over the size limit",
            spec: Some(json!({"kind": "huge-body", "sizeBytes": 17 * 1024 * 1024})),
            client: json!({}),
            expect: e(json!("decode"), "accepted", false, two),
            executed: Executed::Once,
            settle_ms: 0,
            wasm: None,
        },
    ];
    out.sort_by_key(|f| f.spec.is_some()); // client-side faults first
    out
}

fn setup() -> Vec<Value> {
    vec![
        json!({"name": "start from the sandbox's starting world", "op": "_sandbox.reset", "input": {}}),
        json!({"name": "cards created from now on carry known secrets", "op": "_sandbox.card-secrets",
            "input": {"cardNumber": CARD_NUMBER, "cvv": CVV}}),
        json!({"name": "a loopback address that accepts no connection", "op": "_sandbox.blackhole",
            "input": {}, "save": {"blackhole": "url"}}),
        json!({"name": "create a KYC user", "op": "users.create", "input": {
            "externalUserId": USER, "email": "jan.kowalski@example.pl", "phone": "486012334567",
            "firstName": "Jan", "lastName": "Kowalski", "street": "ul. Marszalkowska", "number": "123/5",
            "city": "Warszawa", "postCode": "00-001", "country": "PL", "citizenship": "PL",
            "nationality": "PL", "birthCountry": "PL", "birthDate": "1990-05-15",
            "userIdentificationNumber": "90051512345", "hasAcceptedP100Tc": true}}),
        json!({"name": "KYC by P100", "op": "kyc.create_verification", "input": {
            "externalUserId": USER, "documentType": "ID_CARD", "country": "PL", "incomeSource": "SALARY",
            "openAccountReason": "CURRENCY_EXCHANGE", "occupation": "IT", "additionalInfo": "software developer"},
            "save": {"verificationId": "verificationId"}}),
        json!({"name": "the verification completes", "op": "kyc.status",
            "input": {"verificationId": "{{verificationId}}"},
            "poll": {"until": {"verificationStatus": "VERIFIED"}, "timeoutMs": 10000, "intervalMs": 25}}),
        json!({"name": "add user verification", "op": "kyc.add_verification", "input": {
            "externalUserId": USER, "documentType": "ID_CARD", "documentNumber": "CEV12630", "documentCountry": "PL"}}),
        json!({"name": "fund the user with EUR", "op": "transfers.create",
            "input": {"destinationExternalUserId": USER, "amount": "1000.00", "currency": "eur"}}),
        json!({"name": "fund the user with BTC", "op": "transfers.create",
            "input": {"destinationExternalUserId": USER, "amount": "0.05", "currency": "btc"}}),
    ]
}

/// The whole matrix as a scenario, and its number of cells.
fn scenario() -> (Value, usize) {
    let mut steps = setup();
    let ops = ops();
    let faults = faults();
    let mut cells = 0;
    for op in &ops {
        for (i, f) in faults.iter().enumerate() {
            let cell = format!("{} × {}", op.name, f.name);
            if let Some(lock) = &op.lock {
                let mut s = lock.clone();
                s["name"] = json!(format!("{cell}: a fresh lock"));
                steps.push(s);
            }
            if op.card {
                // At most 5 card creations in 24 hours (the sandbox enforces the docs' limits).
                steps.push(json!({"name": format!("{cell}: a day later"),
                    "op": "_sandbox.advance", "input": {"seconds": 86_401}}));
            }
            steps.push(
                json!({"name": format!("{cell}: reset the execution counter"),
                "op": "_sandbox.ops-reset", "input": {}}),
            );
            if let Some(spec) = &f.spec {
                let mut spec = spec.clone();
                spec["operation"] = json!(op.name);
                spec["count"] = json!(1);
                steps.push(json!({"name": format!("{cell}: inject the fault"),
                    "op": "_sandbox.faults", "input": spec}));
            }
            let mut expect = f.expect.clone();
            let proven_not_done =
                matches!(expect["outcome"].as_str(), Some("not_sent" | "rejected"));
            // What the client can learn: nothing to look for when the outcome proves it did
            // not happen; else the history answers, where it lists the operation.
            let reconcile = if proven_not_done {
                Some("not_found")
            } else if !op.in_history {
                Some("cannot_tell")
            } else {
                match f.executed {
                    Executed::Never => Some("not_found"),
                    Executed::Once => Some("found"),
                    Executed::AtMostOnce => None, // may or may not have run
                }
            };
            let error = expect.as_object_mut().expect("an object");
            if let Some(r) = reconcile {
                error.insert("reconcile".into(), json!(r));
            }
            if op.card {
                error.insert(
                    "noSecrets".into(),
                    json!([
                        CARD_NUMBER,
                        "4111 1111 1111 1111",
                        format!("\"{CVV}\""),
                        format!("\"{PIN}\"")
                    ]),
                );
            }
            let mut step = Map::new();
            step.insert("name".into(), json!(format!("{cell}: the call")));
            step.insert("cell".into(), json!(cell));
            step.insert("op".into(), json!(op.name));
            step.insert("input".into(), (op.input)(&(op.amount)(i)));
            step.insert("client".into(), f.client.clone());
            step.insert("expect".into(), json!({"error": expect}));
            if let Some((wasm, why)) = &f.wasm {
                step.insert("note".into(), json!(why));
                step.insert(
                    "platforms".into(),
                    json!({"wasm": {"expect": {"error": wasm}}}),
                );
            }
            steps.push(Value::Object(step));
            if f.settle_ms > 0 {
                steps.push(json!({"name": format!("{cell}: let the server finish"),
                    "op": "sleep", "input": {"ms": f.settle_ms}}));
            }
            let count = match f.executed {
                Executed::Never => json!(0),
                Executed::Once => json!(1),
                Executed::AtMostOnce => json!({"oneOf": [0, 1]}),
            };
            steps.push(json!({
                "name": format!("{cell}: executed as the fault implies, never twice"),
                "op": "_sandbox.ops-count",
                "input": {"operation": op.name},
                "expect": {"ok": true, "fields": {"executed": count}},
            }));
            cells += 1;
        }
    }
    let doc = json!({
        "format": "p100-scenario/1",
        "name": "fault_matrix",
        "description": format!(
            "GENERATED by sandbox/tests/fault_matrix.rs — do not edit. Every money-moving \
             operation ({}) × every fault ({}): {} cells. Each asserts how often the operation \
             executed on the server, the error's outcome, that only not_sent and 429 are \
             retryable, that no card secret shows, and what reconcile answers.",
            ops.len(), faults.len(), cells),
        "sandbox": {"settleMs": 100, "timeScale": 1},
        "cells": cells,
        "steps": steps,
    });
    (doc, cells)
}

#[test]
fn the_checked_in_matrix_is_the_generated_one() {
    let (doc, cells) = scenario();
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios/fault_matrix.json");
    let text = serde_json::to_string_pretty(&doc).expect("JSON") + "\n";
    if std::env::var_os("P100_REGENERATE").is_some() {
        std::fs::write(&path, &text).expect("written");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "tests/scenarios/fault_matrix.json drifted from sandbox/tests/fault_matrix.rs: run \
         P100_REGENERATE=1 cargo test -p p100-sandbox --test fault_matrix"
    );
    assert_eq!(cells, ops().len() * faults().len());
    println!(
        "fault matrix: {} money-moving operations × {} faults = {cells} cells ({} steps)",
        ops().len(),
        faults().len(),
        doc["steps"].as_array().map_or(0, Vec::len)
    );
}

#[test]
fn every_money_moving_operation_of_the_route_table_is_in_the_matrix() {
    let in_matrix: Vec<&str> = ops().iter().map(|o| o.name).collect();
    for r in p100::routes::ALL.iter().filter(|r| r.moves_money) {
        if r.name.starts_with("payment_links.") {
            continue; // creates a link; no money moves until someone pays it
        }
        assert!(
            in_matrix.contains(&r.name),
            "{} is missing from the matrix",
            r.name
        );
    }
}
