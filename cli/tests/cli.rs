//! `p100` end to end: the binary as a user runs it, against a sandbox it starts itself
//! (`p100 sandbox --port 0`), with webhooks forwarded to a local HTTP server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, ChildStderr, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod common;
use common::{stderr, stdout, Sandbox, BIN, KEY};

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "p100 failed: {}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn call_prints_typed_results_and_waits_for_money_to_settle() {
    let sb = Sandbox::start();
    let balances = json(&sb.p100(&["call", "partner", "balances"]));
    assert!(balances["fiatBalances"].is_array(), "{balances}");
    // Amounts are exact text, never floats.
    assert!(
        balances["fiatBalances"][0]["amount"].is_string(),
        "{balances}"
    );

    // Numbers given as text become numbers where the request needs one (month, year).
    let history = json(&sb.p100(&[
        "call",
        "partner",
        "transactions",
        "--month",
        "1",
        "--year",
        "2026",
    ]));
    assert!(history["transactions"].is_array(), "{history}");

    let o = sb.p100(&[
        "call",
        "sepa",
        "partner-transfer",
        "--amount",
        "10.50",
        "--currency",
        "eur",
        "--destination-iban",
        "DE89370400440532013000",
        "--transfer-title",
        "cli test",
        "--wait",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // Two documents: the accepted transfer, then its final state.
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&out)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("JSON documents");
    assert_eq!(docs.len(), 2, "{out}");
    let id = docs[0]["transferId"].as_str().expect("transferId");
    assert_eq!(docs[1]["id"], id);
    assert_eq!(docs[1]["amount"], "10.50");
    assert!(
        matches!(docs[1]["status"].as_str(), Some("SUCCESSFUL" | "FAILED")),
        "{out}"
    );
    // Not a terminal: plain progress lines, with the elapsed time.
    assert!(
        stderr(&o).contains(&format!("sepa {id}: ")) && stderr(&o).contains(" s"),
        "{}",
        stderr(&o)
    );

    // The same input from a JSON file (stdin), flags over it.
    let o = sb.p100_stdin(
        &[
            "call",
            "transfers",
            "details",
            "--json",
            "-",
            "--transfer-id",
            "nope",
        ],
        Some(r#"{"transferId": "overridden"}"#),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("P4"), "{}", stderr(&o));
}

#[test]
fn errors_are_one_line_with_kind_code_field_and_outcome() {
    let sb = Sandbox::start();
    // Refused before sending: a typo'd field, and a float-like amount is fine as text.
    let o = sb.p100(&[
        "call",
        "transfers",
        "create",
        "--ammount",
        "1",
        "--currency",
        "eur",
    ]);
    assert_eq!(o.status.code(), Some(2), "a usage error exits 2");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("p100: error: validation")
            && err.contains("ammount")
            && err.contains("not_sent"),
        "{err}"
    );

    // A field given twice (under either spelling), or twice in a --json file: refused, naming
    // it, nothing sent; which amount was meant cannot be known.
    for args in [
        &["--amount", "1", "--amount", "1000"][..],
        &[
            "--destination-external-user-id",
            "a",
            "--destinationExternalUserId",
            "b",
        ][..],
    ] {
        let mut call = vec!["call", "transfers", "create", "--currency", "eur"];
        call.extend_from_slice(args);
        let err = stderr(&sb.p100(&call));
        assert!(
            err.starts_with("p100: error: validation")
                && err.contains("twice")
                && err.contains("not_sent"),
            "{err}"
        );
    }
    let o = sb.p100_stdin(
        &["call", "transfers", "create", "--json", "-"],
        Some(r#"{"destinationExternalUserId":"u","amount":"1","amount":"1000","currency":"eur"}"#),
    );
    let err = stderr(&o);
    assert!(
        err.contains("amount") && err.contains("twice") && !err.contains("1000"),
        "{err}"
    );

    // Refused by the API: the P-code and the outcome.
    let o = sb.p100(&[
        "call",
        "transfers",
        "create",
        "--amount",
        "1",
        "--currency",
        "eur",
        "--destination-external-user-id",
        "nobody",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("p100: error: api (P412") && err.contains("outcome rejected"),
        "{err}"
    );

    // A wrong key: authentication, and the key is never printed.
    let o = Command::new(BIN)
        .args([
            "call",
            "partner",
            "balances",
            "--api-key",
            "wrong-key-123456",
            "--base-url",
            &sb.url,
        ])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("authentication") && !stderr(&o).contains("wrong-key-123456"),
        "{}",
        stderr(&o)
    );

    // Usage errors exit with 2.
    let o = sb.p100(&["call", "sepa", "no-such-operation"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_lists_every_operation_of_the_table() {
    let o = Command::new(BIN)
        .args(["call", "--help"])
        .output()
        .expect("runs");
    let help = stdout(&o);
    for group in [
        "partner",
        "users",
        "kyc",
        "exchange",
        "sepa",
        "crypto",
        "transfers",
        "cards",
        "orders",
    ] {
        assert!(help.contains(group), "call --help lacks {group}: {help}");
    }
    let o = Command::new(BIN)
        .args(["call", "cards", "transactions", "--help"])
        .output()
        .expect("runs");
    assert!(
        stdout(&o).contains("/v1/card/transactions/"),
        "{}",
        stdout(&o)
    );
    // Every operation of the manifest answers --help.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/operations.json"
        ))
        .expect("manifest"),
    )
    .expect("JSON");
    for op in manifest["operations"].as_array().expect("operations") {
        let name = op["operation"].as_str().expect("name");
        let (group, op) = name.split_once('.').expect("group.op");
        let o = Command::new(BIN)
            .args(["call", group, op, "--help"])
            .output()
            .expect("runs");
        assert!(
            o.status.success(),
            "p100 call {group} {op} --help: {}",
            stderr(&o)
        );
        // Every operation that takes input lists its fields, each a flag of its own (from the
        // OpenAPI description: a route the description lacks would list none).
        let help = stdout(&o);
        if op_input_shape(op_entry(&manifest, name)) != "none" {
            assert!(
                help.contains("Fields (") && help.contains("\n  --"),
                "p100 call {group} {op} --help lists no fields: {help}"
            );
        }
    }
    // A group whose name has an underscore answers in kebab-case too.
    let o = Command::new(BIN)
        .args(["call", "payment-links", "--help"])
        .output()
        .expect("runs");
    assert!(stdout(&o).contains("create_checkout"), "{}", stderr(&o));
}

fn op_entry<'a>(manifest: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    manifest["operations"]
        .as_array()
        .and_then(|ops| ops.iter().find(|o| o["operation"] == name))
        .expect("in the manifest")
}

fn op_input_shape(op: &serde_json::Value) -> &str {
    op["input"]["shape"].as_str().expect("shape")
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let o = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(o.status.success() && stdout(&o).contains("p100"), "{shell}");
        assert!(
            stdout(&o).contains("partner_transfer"),
            "{shell} completions lack operations"
        );
    }
}

#[test]
fn webhooks_verify_checks_the_token_and_types_the_event() {
    let sb = Sandbox::start();
    let delivery = "POST /hook HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: s3cret-token\r\n\r\n\
                    {\"externalUserId\": \"u1\", \"status\": \"ACTIVE\"}";
    let o = sb.p100_stdin(
        &["webhooks", "verify", "--token", "s3cret-token"],
        Some(delivery),
    );
    let v = json(&o);
    assert_eq!(v["event"], "user_status");
    assert_eq!(v["payload"]["status"], "ACTIVE");

    let o = sb.p100_stdin(
        &["webhooks", "verify", "--token", "other-token"],
        Some(delivery),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("webhook_unauthorized") && !stderr(&o).contains("s3cret"),
        "{}",
        stderr(&o)
    );
}

/// A local HTTP server standing for the partner's app: answers 200 and reports each request's
/// `Authorization` header and body.
fn app_server() -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/webhooks", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().expect("clone"));
            let (mut auth, mut len) = (String::new(), 0usize);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("authorization:") {
                    auth = line[line.len() - v.len()..].trim().to_string();
                }
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = tx.send((auth, String::from_utf8_lossy(&body).into_owned()));
        }
    });
    (url, rx)
}

/// `p100 listen ARGS` against the sandbox, once it says it is ready (registered with the
/// sandbox): the process, its stderr (kept open: listen may still write there) and the stderr
/// lines printed until then.
#[allow(clippy::zombie_processes)] // returned to the caller, who waits for it
fn listen(sb: &Sandbox, args: &[&str]) -> (Child, BufReader<ChildStderr>, Vec<String>) {
    let mut child = Command::new(BIN)
        .arg("listen")
        .args(args)
        .env("P100_BASE_URL", &sb.url)
        .env_remove("P100_WEBHOOK_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("p100 listen");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if err.read_line(&mut line).expect("read") == 0 {
            let status = child.wait();
            panic!("p100 listen ended early ({status:?}): {lines:?}");
        }
        let ready = line.contains("ready");
        lines.push(line.trim().to_string());
        if ready {
            return (child, err, lines);
        }
    }
}

#[test]
fn listen_forwards_deliveries_with_the_token() {
    let sb = Sandbox::start();
    let (app, received) = app_server();
    let (listen, _err, _) = listen(
        &sb,
        &[
            "--forward-to",
            &app,
            "--token",
            "fwd-token-1",
            "--count",
            "1",
        ],
    );
    // A transfer that settles emits a sepa_transfer webhook.
    let o = sb.p100(&[
        "call",
        "sepa",
        "partner-transfer",
        "--amount",
        "1.00",
        "--currency",
        "eur",
        "--destination-iban",
        "DE89370400440532013000",
        "--transfer-title",
        "listen test",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (auth, body) = received
        .recv_timeout(Duration::from_secs(20))
        .expect("the app received the delivery");
    assert_eq!(auth, "fwd-token-1");
    let delivered: serde_json::Value = serde_json::from_str(&body).expect("JSON body");
    assert_eq!(delivered["transferTitle"], "listen test", "{body}");
    let out = listen
        .wait_with_output()
        .expect("listen ends after --count 1");
    assert!(out.status.success());
    let printed = stdout(&out);
    assert!(
        printed.contains("sepa_transfer") && printed.contains("-> ") && printed.contains(" 200"),
        "{printed}"
    );
}

#[test]
fn trigger_emits_an_event_that_listen_forwards() {
    let sb = Sandbox::start();
    let (app, received) = app_server();
    let (listen, _err, lines) = listen(&sb, &["--forward-to", &app, "--count", "2"]);
    // Without --token, listen makes one for the session and prints it once.
    let token = lines
        .iter()
        .find_map(|l| l.strip_prefix("p100 listen: webhook token for your app (this session): "))
        .unwrap_or_default()
        .to_string();
    assert!(token.starts_with("whtok_"), "no session token printed");
    let o = sb.p100(&["trigger", "card_3ds_code"]);
    let reply = json(&o);
    assert_eq!(reply["event"], "card_3ds_code", "{reply}");
    let (auth, body) = received
        .recv_timeout(Duration::from_secs(20))
        .expect("the app received the triggered event");
    assert_eq!(auth, token);
    // The forwarded body is the event the core reads as a typed card_3ds_code event.
    let event = p100::webhooks::parse_event(&body).expect("a webhook payload");
    assert_eq!(event.name(), "card_3ds_code");
    // The one-time code the app received is masked in trigger's own output; --reveal shows it.
    let delivered: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
    let code = delivered
        .pointer("/data/code")
        .or_else(|| delivered.get("code"))
        .and_then(|c| c.as_str())
        .expect("a 3-D Secure code")
        .to_string();
    assert!(!stdout(&o).contains(&code), "{}", stdout(&o));
    assert_eq!(
        reply.pointer("/payload/code"),
        Some(&serde_json::json!("[REDACTED]")),
        "{reply}"
    );
    let shown = json(&sb.p100(&["trigger", "card_3ds_code", "--reveal"]));
    let revealed = shown.pointer("/payload/code").and_then(|c| c.as_str());
    assert!(
        revealed.is_some_and(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit())),
        "{shown}"
    );
    let out = listen
        .wait_with_output()
        .expect("listen ends after --count 2 (the second: --reveal)");
    assert!(stdout(&out).contains("card_3ds_code"), "{}", stdout(&out));

    // The controls carry a webhook token: never to a P100 host, and from P100_BASE_URL only
    // to a loopback address (the app's staging settings must not reach listen or trigger).
    for (env, args) in [
        (
            "https://partner-api-stage.p100.io",
            vec!["trigger", "user_status"],
        ),
        (
            "http://10.1.2.3:8080",
            vec!["listen", "--forward-to", "http://127.0.0.1:9/"],
        ),
        (
            sb.url.as_str(),
            vec![
                "trigger",
                "user_status",
                "--sandbox-url",
                "https://partner-api.p100.io",
            ],
        ),
        (
            sb.url.as_str(),
            vec![
                "trigger",
                "user_status",
                "--sandbox-url",
                "https://PARTNER-API.p100.io.",
            ],
        ),
    ] {
        let o = Command::new(BIN)
            .args(&args)
            .env("P100_BASE_URL", env)
            .env("P100_WEBHOOK_TOKEN", "whtok_real_app_token")
            .output()
            .expect("runs");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("is not a local sandbox"), "{args:?}: {err}");
    }

    // Unknown events are refused before asking the sandbox; --list names them all.
    let o = sb.p100(&["trigger", "no_such_event"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("user_status"), "{}", stderr(&o));
    let o = sb.p100(&["trigger", "--list"]);
    assert_eq!(
        stdout(&o).lines().count(),
        p100::webhooks::EVENT_NAMES.len()
    );
}

#[test]
fn call_uploads_files_given_with_file() {
    let sb = Sandbox::start();
    let user = "cli-files-user";
    sb.create_user(user);
    let dir = std::env::temp_dir().join(format!("p100-cli-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.resize(1024, 0);
    let paths: Vec<String> = ["front.png", "back.png", "selfie.png"]
        .iter()
        .map(|n| {
            let p = dir.join(n);
            std::fs::write(&p, &png).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect();
    let mut args = vec![
        "call",
        "kyc",
        "upload-files",
        "--external-user-id",
        user,
        "--document-type",
        "ID_CARD",
    ];
    for p in &paths {
        args.extend(["--file", p.as_str()]);
    }
    let o = sb.p100(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    // A file for an operation that takes none is refused before anything is sent, naming --file.
    let o = sb.p100(&["call", "partner", "balances", "--file", &paths[0]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("file"), "{}", stderr(&o));
    // A file that does not exist: the same, with its path.
    let o = sb.p100(&[
        "call",
        "kyc",
        "upload-files",
        "--external-user-id",
        user,
        "--document-type",
        "ID_CARD",
        "--file",
        "/nonexistent/front.png",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent/front.png"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn listen_reports_an_app_that_is_down_and_goes_on() {
    let sb = Sandbox::start();
    // A loopback port nothing listens on.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("http://127.0.0.1:{port}/hooks")
    };
    let (listen, _err, _) = listen(
        &sb,
        &["--forward-to", &closed, "--token", "t-down", "--count", "2"],
    );
    // Two events: listen prints a line for each and does not stop at the first failure.
    for event in ["user_status", "card_3ds_code"] {
        let o = sb.p100(&["trigger", event]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let out = listen
        .wait_with_output()
        .expect("listen ends after --count 2");
    let printed = stdout(&out);
    let failed: Vec<&str> = printed
        .lines()
        .filter(|l| l.contains("failed (connection refused)"))
        .collect();
    assert!(failed.len() >= 2, "{printed}");
    assert!(
        printed.contains("user_status") && printed.contains("card_3ds_code"),
        "{printed}"
    );
}

/// On a terminal, `--wait` shows a spinner and then the final status with the elapsed time
/// (under `script`, util-linux's pseudo-terminal runner; Debian's `bsdutils` is essential, so
/// it is on every machine CI runs on); the plain lines are for pipes only.
#[test]
fn wait_on_a_terminal_shows_a_spinner_then_the_outcome() {
    let sb = Sandbox::start();
    let call = format!(
        "{BIN} call sepa partner-transfer --amount 2.00 --currency eur \
         --destination-iban DE89370400440532013000 --transfer-title tty --wait"
    );
    let o = Command::new("script")
        .args(["-qec", &call, "/dev/null"])
        .env("P100_API_KEY", KEY)
        .env("P100_BASE_URL", &sb.url)
        .env("TERM", "xterm")
        .env_remove("P100_ENVIRONMENT")
        .stdin(Stdio::null())
        .output()
        .expect("`script` (util-linux) runs the CLI on a pseudo-terminal");
    let shown = stdout(&o);
    assert!(o.status.success(), "{shown}");
    assert!(
        shown.contains("to be final…"),
        "no spinner message: {shown:?}"
    );
    assert!(
        shown.contains(": SUCCESSFUL after ") || shown.contains(": FAILED after "),
        "{shown:?}"
    );
    assert!(
        !shown.contains("p100: waiting for"),
        "plain lines on a terminal: {shown:?}"
    );
}

#[test]
fn ctrl_c_during_a_money_call_reports_its_outcome_and_fingerprint() {
    let sb = Sandbox::start();
    // The transfer is processed at once; its reply's body then trickles out for 10 s.
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"slow-body","count":1,"delayMs":10000,"operation":"sepa.partner_transfer"}"#,
    );
    let child = Command::new(BIN)
        .args([
            "call",
            "sepa",
            "partner-transfer",
            "--amount",
            "3.33",
            "--currency",
            "eur",
            "--destination-iban",
            "DE89370400440532013000",
            "--transfer-title",
            "ctrl-c test",
        ])
        .env("P100_API_KEY", KEY)
        .env("P100_BASE_URL", &sb.url)
        .env_remove("P100_ENVIRONMENT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("p100 runs");
    // Until the sandbox has processed the transfer (its reply then trickles for 10 s): a fixed
    // sleep could fire before the request left on a busy machine (outcome not_sent).
    let start = std::time::Instant::now();
    while sb.ops("sepa.partner_transfer") == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(8),
            "the transfer never arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let o = child.wait_with_output().expect("p100 ends");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        // Its 2xx status had come (the body still trickling): it happened.
        err.contains("p100: error: aborted") && err.contains("outcome accepted"),
        "{err}"
    );
    assert!(
        err.contains("fingerprint: {") && err.contains(r#""amount":"3.33""#),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}
