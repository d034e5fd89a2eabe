//! Outside review of `p100` (stop 43): each test shows one defect of the code before it, found
//! by a reviewer who ran the binary against a sandbox with faults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Stdio;

mod common;
use common::{stderr, transfer_args, Sandbox, BIN};

/// stderr that cannot be written (a full disk) must not change the exit code: a transfer that
/// may have happened still exits 4. It panicked (`failed printing to stderr`) and exited 101.
#[test]
fn a_full_stderr_keeps_the_exit_code_of_a_call_that_may_have_happened() {
    let sb = Sandbox::start();
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"process-then-drop","count":1,"operation":"sepa.partner_transfer"}"#,
    );
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = sb
        .cmd(&transfer_args("stderr full", &[]))
        .stdout(Stdio::null())
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(4));
}

/// A file over the API's 5 MB is refused before it is read (it was read whole first: 1.5 GB of
/// memory for a 1.5 GB file), naming `files[0]`; so is `--json` input past 16 MiB.
#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let sb = Sandbox::start();
    let dir = tempfile_dir("huge");
    let path = dir.join("huge.pdf");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(1_500_000_000).unwrap(); // sparse: no disk used
    drop(f);
    let p = path.to_str().unwrap();
    let o = upload_poa(&sb, "--file", p);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("files[0]") && err.contains("1500000000 bytes"),
        "{err}"
    );
    // /dev/zero has no size to look at: reading stops just past the limit.
    let o = sb.p100(&["call", "users", "create", "--json", "/dev/zero"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("larger than 16777216 bytes"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// `p100 call kyc upload-poa --external-user-id u1 <flag> <path>`.
fn upload_poa(sb: &Sandbox, flag: &str, path: &str) -> std::process::Output {
    sb.p100(&[
        "call",
        "kyc",
        "upload-poa",
        "--external-user-id",
        "u1",
        flag,
        path,
    ])
}

fn tempfile_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("p100-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A sandbox that refuses the connection got nothing: exit 1 (outcome `not_sent`), not 4
/// ("may have happened").
#[test]
fn trigger_without_a_sandbox_listening_sent_nothing() {
    let o = std::process::Command::new(BIN)
        .args([
            "trigger",
            "user_status",
            "--sandbox-url",
            "http://127.0.0.1:1",
        ])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("outcome not_sent"), "{err}");
}

/// `---amount` and `--amount_` were taken for `--amount`; `--files` was dropped without a word.
#[test]
fn malformed_field_flags_are_refused() {
    let sb = Sandbox::start();
    for (bad, shown) in [("---amount", "---amount"), ("--amount_", "--amount_")] {
        let mut args = transfer_args("typo", &[]);
        args[3] = bad;
        let o = sb.p100(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(shown), "{err}");
    }
    let o = upload_poa(&sb, "--files", "bill.pdf");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--file PATH"), "{err}");
    assert_eq!(sb.ops("sepa.partner_transfer"), 0);
}

/// An accepted transfer whose reply was too large to keep says so, instead of an empty
/// "the reply as received" line.
#[test]
fn an_accepted_call_without_a_kept_reply_says_so() {
    let sb = Sandbox::start();
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"huge-body","count":1,"operation":"sepa.partner_transfer"}"#,
    );
    let o = sb.p100(&transfer_args("huge", &[]));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(
        !err.contains("reply as received (secrets masked): \n"),
        "{err}"
    );
    assert!(err.contains("the reply was not kept"), "{err}");
}

/// Each retry is said on stderr as it happens (a `Retry-After` wait was silent), and the call
/// still succeeds.
#[test]
fn retries_are_said_on_stderr() {
    let sb = Sandbox::start();
    sb.post(
        "/_sandbox/faults",
        r#"{"kind":"503","count":1,"operation":"partner.balances"}"#,
    );
    let o = sb.p100(&["call", "partner", "balances"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("partner.balances") && err.contains("outcome=retrying status=503"),
        "{err}"
    );
}

/// `listen` stopped by SIGTERM (not only Ctrl-C) stops the sandbox's deliveries to it: the
/// sandbox kept delivering to a dead port.
#[test]
fn listen_stopped_by_sigterm_clears_the_webhook_target() {
    let sb = Sandbox::start();
    let mut child = sb.listen(&[], Stdio::null());
    let target = sb.webhook_target();
    assert!(target.contains("\"url\":\"http://127.0.0.1:"), "{target}");
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(killed.unwrap().success());
    // 128 + 15, as the README's exit codes say (after its clean-up).
    assert_eq!(child.wait().unwrap().code(), Some(143));
    let target = sb.webhook_target();
    assert!(target.contains("\"url\":null"), "{target}");
}

/// A misspelled operation gets clap's suggestion (a name of the command line), still without
/// the refused word (which may be a key put in the wrong place).
#[test]
fn a_misspelled_operation_gets_a_suggestion_without_echo() {
    let o = std::process::Command::new(BIN)
        .args(["call", "sepa", "partner-transfr", "--amount", "1"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("did you mean 'partner-transfer'?"), "{err}");
    assert!(!err.contains("transfr"), "{err}");
}

/// `--time-scale -1` reaches the sandbox's own check, which says what is allowed (clap took
/// `-1` for an unknown flag).
#[test]
fn a_negative_time_scale_gets_the_sandboxs_own_message() {
    let o = std::process::Command::new(BIN)
        .args([
            "sandbox",
            "--api-key",
            "k",
            "--port",
            "0",
            "--time-scale",
            "-1",
        ])
        .output()
        .unwrap();
    let err = stderr(&o);
    // A refused setting is a usage error (stop 44; it was 1).
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("scale must be a number from 0 to 1000"),
        "{err}"
    );
}

/// A `--wait` that stops (here its time limit) is accepted with no raw body: its result was
/// printed, so no "reply was not kept" line (review of the line above).
#[test]
fn a_wait_that_stops_does_not_say_the_reply_was_not_kept() {
    let sb = Sandbox::with_settle_ms(60_000);
    let o = sb.p100(&transfer_args("slow", &["--wait", "--wait-timeout", "1"]));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(common::stdout(&o).contains("transferId"), "{err}");
    assert!(!err.contains("not kept"), "{err}");
}

/// `P100_LOG=info` puts every record of that level on stderr (it printed nothing).
#[test]
fn p100_log_shows_the_records() {
    let sb = Sandbox::start();
    let o = sb
        .cmd(&["call", "partner", "balances"])
        .env("P100_LOG", "info")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("partner.balances") && err.contains("outcome=succeeded"),
        "{err}"
    );
    // Without it, a call that went well says nothing on stderr.
    let o = sb
        .cmd(&["call", "partner", "balances"])
        .env_remove("P100_LOG")
        .output()
        .unwrap();
    assert_eq!(stderr(&o), "");
}
