//! `p100::client::{error_from_response, decode, error_from_transport}` on any status, headers
//! and body: no panic; raw body == mask_secrets(body text); outcome consistent with the status;
//! seeded secrets never in Display, Debug or the raw body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::{check_reply, Reply};

fuzz_target!(|reply: Reply| {
    check_reply(&reply);
});
