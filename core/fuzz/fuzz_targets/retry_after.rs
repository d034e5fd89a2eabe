//! `p100::client::parse_retry_after`: no panic on any value at any time; the delay the client
//! waits never exceeds `MAX_RETRY_AFTER`; HTTP dates give the time left, zero when past.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::{check_retry_after_date, check_retry_after_text};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    value: String,
    now_ms: i64,
    date_secs: u64,
}

fuzz_target!(|input: Input| {
    check_retry_after_text(&input.value, input.now_ms);
    check_retry_after_date(input.date_secs, input.now_ms);
});
