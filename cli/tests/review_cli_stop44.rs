//! Leftovers of the outside review of `p100` (stop 43, note 28): each test shows one defect of
//! the code before it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::process::Stdio;

mod common;
use common::{stderr, stdout, Sandbox, BIN};

/// `p100 listen | head -1`: once its reader has gone, `listen` stops the sandbox's deliveries
/// before it exits. It exited at once (status 0) and the sandbox went on delivering every event
/// to a closed port.
#[test]
fn listen_whose_reader_went_away_clears_the_webhook_target() {
    let sb = Sandbox::start();
    let mut child = sb.listen(&[], Stdio::piped());
    assert!(sb.webhook_target().contains("\"url\":\"http://127.0.0.1:"));
    // The reader goes away; the next event's line cannot be written.
    drop(child.stdout.take());
    let o = sb.p100(&["trigger", "user_status"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let target = sb.webhook_target();
    assert!(target.contains("\"url\":null"), "{target}");
}

/// An operation without a result prints nothing on stdout (it printed `null`, which `jq` and
/// scripts read as a value) and says it is done on stderr.
#[test]
fn an_operation_without_a_result_prints_no_null() {
    let sb = Sandbox::start();
    sb.create_user("cli-unit-user");
    let o = sb.p100(&[
        "call",
        "users",
        "suspend",
        "--external-user-id",
        "cli-unit-user",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("p100: users.suspend: done"),
        "{}",
        stderr(&o)
    );
    assert_eq!(sb.ops("users.suspend"), 1);
}

/// A sandbox setting refused by the sandbox (`--api-key ""`) is a usage error, status 2 as the
/// README says for a refused flag or setting; it was 1, the status of a failed call.
#[test]
fn a_refused_sandbox_setting_is_a_usage_error() {
    let o = std::process::Command::new(BIN)
        .args(["sandbox", "--api-key", "", "--port", "0"])
        .env_remove("P100_SANDBOX_API_KEY")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("API key must not be empty"), "{err}");
}

/// A delivery with two `Authorization` headers is judged by the first, as Node's and Python's
/// servers read it (outside review of webhooks, stop 44: the last one counted, so a wrong token
/// followed by the right one was accepted).
#[test]
fn webhooks_verify_reads_the_first_authorization_header() {
    let sb = Sandbox::start();
    let body = r#"{"externalUserId":"u-1","status":"ACTIVE"}"#;
    let twice =
        format!("POST /hook HTTP/1.1\nAuthorization: wrong\nAuthorization: tok-ok\n\n{body}");
    let o = sb.p100_stdin(&["webhooks", "verify", "--token", "tok-ok"], Some(&twice));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("webhook_unauthorized"),
        "{}",
        stderr(&o)
    );
    let right_first =
        format!("POST /hook HTTP/1.1\nAuthorization: tok-ok\nAuthorization: wrong\n\n{body}");
    let o = sb.p100_stdin(
        &["webhooks", "verify", "--token", "tok-ok"],
        Some(&right_first),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `listen` answers a delivery with the right token but a body that is not JSON with 400, not
/// 401 (which says the token was wrong); a wrong token is still 401 (outside review of
/// webhooks, stop 44).
#[test]
fn listen_answers_400_to_a_body_that_is_not_json() {
    let sb = Sandbox::start();
    let mut child = sb.listen(&["--token", "tok-listen"], Stdio::null());
    let target = sb.webhook_target();
    let host = target
        .split("\"url\":\"http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    let post = |auth: &str, body: &str| {
        let mut s = std::net::TcpStream::connect(&host).unwrap();
        let req = format!(
            "POST / HTTP/1.1\r\nhost: {host}\r\nauthorization: {auth}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply.lines().next().unwrap_or_default().to_string()
    };
    assert!(post("tok-listen", "not json").contains(" 400 "));
    assert!(post("wrong", r#"{"externalUserId":"u","status":"ACTIVE"}"#).contains(" 401 "));
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
