//! Outside review of `p100` (stop 37): each test shows one defect of the code before it, found
//! by a reviewer who ran the binary against a sandbox with faults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;
use common::{stderr, stdout, transfer_args, Sandbox, BIN};

const TRANSFER: &str = "sepa.partner_transfer";

/// An explicit `--environment` is not overridden by a `P100_BASE_URL` in the environment (it
/// was: `--environment staging` went to whatever `P100_BASE_URL` named, production included).
#[test]
fn an_environment_flag_beats_p100_base_url_from_the_environment() {
    let sb = Sandbox::start();
    let o = sb.p100(&["call", "partner", "balances", "--environment", "bogus"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("environment") && stdout(&o).is_empty(),
        "{err}"
    );
    // Both given as flags: --base-url overrides --environment, as its help says.
    let o = sb.p100(&[
        "call",
        "partner",
        "balances",
        "--environment",
        "production",
        "--base-url",
        &sb.url,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A call that may have happened exits 4, apart from one that surely did not (1): a script can
/// tell "safe to send again" from "check first" without reading stderr.
#[test]
fn a_call_that_may_have_happened_exits_4() {
    let sb = Sandbox::start();
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"process-then-drop","count":1,"operation":"sepa.partner_transfer"}"#,
    );
    let o = sb.p100(&transfer_args("exit 4", &[]));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(
        err.contains("outcome unknown") && err.contains("fingerprint"),
        "{err}"
    );
    // Refused by the API: nothing happened, exit 1.
    let mut args = transfer_args("refused", &[]);
    args[8] = "DE00370400440532013000";
    let o = sb.p100(&args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a bad IBAN is refused before sending: {}",
        stderr(&o)
    );
}

/// A read with no usable reply changed nothing: exit 1 (send it again), not 4 (it exited 4,
/// "never send it again before `p100 reconcile`", with no fingerprint to reconcile).
#[test]
fn a_read_with_no_usable_reply_exits_1_not_4() {
    let sb = Sandbox::start();
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"503","count":20,"operation":"partner.balances"}"#,
    );
    let o = sb.p100(&["call", "partner", "balances"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("unavailable") && !err.contains("fingerprint"),
        "{err}"
    );
}

/// A transfer whose result cannot be written on stdout (a full disk) has its result on stderr
/// and exits 4 (it exited 1 with no id: the transfer was made and nothing said so).
#[test]
fn a_money_result_that_cannot_be_written_goes_to_stderr_and_exits_4() {
    let sb = Sandbox::start();
    let o = stdout_full(&sb, &transfer_args("dev full", &[]));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(
        err.contains("could not be written") && err.contains("transferId"),
        "{err}"
    );
    assert!(err.contains("do not send it again"), "{err}");
}

/// `p100 <args>` with its stdout on `/dev/full` (Linux), where every write fails: a full disk.
fn stdout_full(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full is needed by this test (Linux)");
    sb.cmd(args)
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .expect("p100 runs")
}

/// A read whose result cannot be written exits 1, as `reconcile` does (outside review, stop 49:
/// it exited 0, and `p100 call partner balances > bal.json && use bal.json` went on with an
/// empty file). The result is on stderr.
#[test]
fn a_read_whose_result_cannot_be_written_exits_1() {
    let sb = Sandbox::start();
    let o = stdout_full(&sb, &["call", "partner", "balances"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("could not be written") && err.contains("eur"),
        "{err}"
    );
    assert!(!err.contains("do not send it again"), "{err}");
}

/// A `--wait` that ends FAILED exits 3 even when the reader of stdout left (`| head -1`): the
/// broken pipe ended the program with 0.
#[test]
fn a_wait_that_ends_failed_exits_3_when_the_reader_left() {
    let sb = Sandbox::start();
    let mut args = transfer_args("failed, head", &["--wait"]);
    args[4] = "90000000.00";
    let mut child = sb
        .cmd(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("p100 runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("p100 ends");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

/// A field whose value the shell dropped (`--transfer-title "$EMPTY" --wait`) does not take the
/// next flag as its value: the transfer went out titled `--wait`, and without waiting.
#[test]
fn a_flag_is_never_taken_for_a_fields_value() {
    let sb = Sandbox::start();
    for args in [
        transfer_args("--wait", &[]),
        transfer_args("ok", &["--json", "--wait"]),
    ] {
        let o = sb.p100(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("is a flag") || err.contains("next argument is a flag"),
            "{err}"
        );
    }
    assert_eq!(sb.ops(TRANSFER), 0, "a transfer was sent");
    // A value that starts with `--` is written `--field=VALUE`.
    let o = sb.p100(&transfer_args("ok", &["--reference=--x"]));
    assert!(!stderr(&o).contains("is a flag"), "{}", stderr(&o));
}

/// A token or key put where clap expects no value is not printed back in clap's error.
#[test]
fn a_token_in_the_wrong_place_is_not_echoed() {
    for args in [
        vec!["webhooks", "verify", "whtok_MYSECRET_0123456789"],
        vec!["call", "sk_live_MYSECRET_0123456789"],
    ] {
        let o = Command::new(BIN)
            .args(&args)
            .env("P100_WEBHOOK_TOKEN", "t")
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("MYSECRET"), "{args:?}: {err}");
    }
    // A flag clap does not know is still named, with its suggestion.
    let o = Command::new(BIN)
        .args(["webhooks", "verify", "--tokn", "x"])
        .output()
        .expect("runs");
    assert!(stderr(&o).contains("--tokn"), "{}", stderr(&o));
}

/// SIGTERM (`timeout`, a CI job cancelled) and SIGHUP (the terminal closed) during a money
/// call report what Ctrl-C reports: outcome and fingerprint, exit 128 + n. They ended the
/// program with nothing said.
#[test]
fn sigterm_during_a_money_call_reports_its_outcome() {
    killed_during_a_money_call("TERM", 143);
}

#[test]
fn sighup_during_a_money_call_reports_its_outcome() {
    killed_during_a_money_call("HUP", 129);
}

fn killed_during_a_money_call(signal: &str, code: i32) {
    let sb = Sandbox::start();
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"delay","count":1,"delayMs":10000,"operation":"sepa.partner_transfer"}"#,
    );
    let mut child = sb
        .cmd(&transfer_args(&format!("sig{signal}"), &[]))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("p100 runs");
    // The request is out well within this (the sandbox holds its reply for 10 s).
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let mut err = String::new();
    for line in BufReader::new(child.stderr.take().expect("stderr")).lines() {
        err.push_str(&line.expect("a line"));
        err.push('\n');
    }
    let status = child.wait().expect("p100 ends");
    assert_eq!(status.code(), Some(code), "{err}");
    // The transfer was out: `aborted`, outcome unknown, with its fingerprint (on a machine so
    // slow that it was not out yet: said so, outcome not_sent).
    assert!(
        (err.contains("outcome unknown") && err.contains("fingerprint"))
            || err.contains(&format!("interrupted (SIG{signal}) before a request")),
        "{err}"
    );
}

/// `p100 reconcile` reads the fingerprint line an error printed and finds the transfer in the
/// history (the CLI said "reconcile", and had no way to).
#[test]
fn reconcile_finds_a_transfer_whose_reply_was_lost() {
    let sb = Sandbox::start();
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"process-then-drop","count":1,"operation":"sepa.partner_transfer"}"#,
    );
    let o = sb.p100(&transfer_args("reconcile me", &[]));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("fingerprint: "))
        .unwrap_or_else(|| panic!("no fingerprint: {err}"));
    let o = sb.p100_stdin(&["reconcile"], Some(line));
    let answer: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    assert_eq!(answer["result"], "found", "{answer}");
    assert!(
        answer["id"].as_str().is_some_and(|id| !id.is_empty()),
        "{answer}"
    );
    // Not a fingerprint: a usage error naming it, nothing sent.
    let o = sb.p100(&["reconcile", "--fingerprint", "{\"nope\": 1}"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("fingerprint"), "{}", stderr(&o));
}

/// The command's options given after the fields are named as such, and the key not echoed
/// (`--base-url` there was refused as "baseUrl: is not a known field here").
#[test]
fn options_after_the_fields_are_named_as_options() {
    let sb = Sandbox::start();
    for (option, args) in [
        ("api-key", ["--api-key", "sk_MYSECRET_0123456789"]),
        ("base-url", ["--base-url", "http://127.0.0.1:9"]),
        ("help", ["--help", "x"]),
    ] {
        let mut all = vec!["call", "partner", "transactions", "--month", "1"];
        all.extend(args);
        let o = sb.p100(&all);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("{option}: ")), "{err}");
        assert!(!err.contains("MYSECRET"), "{err}");
    }
}
