//! `p100::webhooks`: parsing any body never panics and keeps unknown bodies exactly; one-time
//! codes never show in Debug; the token check accepts the right token in every documented
//! presentation and refuses anything else.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::{check_webhook_body, check_webhook_code, check_webhook_token};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    body: String,
    token: String,
    presented: String,
    how: u8,
    code: Vec<u8>,
    code_key: u8,
    extra: Vec<(String, String)>,
}

fuzz_target!(|input: Input| {
    check_webhook_body(&input.body);
    check_webhook_token(&input.token, &input.presented, input.how);
    // A header that differs from the token by one character at either end.
    check_webhook_token(&input.token, &format!("{}x", input.token), input.how);
    check_webhook_code(&input.code, input.code_key, &input.extra);
});
