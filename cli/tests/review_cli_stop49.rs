//! Outside review of `p100` (stop 49): each test shows one defect of the code before it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{stderr, Sandbox};

/// A `P100_LOG` level the SDK does not know is said on stderr (it was silently ignored:
/// `P100_LOG=verbose` logged nothing and said nothing); a known one is not.
#[test]
fn an_unknown_log_level_is_said() {
    let sb = Sandbox::start();
    let run = |level: &str| {
        sb.cmd(&["call", "partner", "balances"])
            .env("P100_LOG", level)
            .output()
            .expect("p100 runs")
    };
    let o = run("verbose");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("P100_LOG is none of"), "{err}");
    assert!(!err.contains("verbose"), "the value is not repeated: {err}");
    let o = run("info");
    let err = stderr(&o);
    assert!(!err.contains("P100_LOG is none of"), "{err}");
    assert!(err.contains("partner.balances"), "info records: {err}");
}
