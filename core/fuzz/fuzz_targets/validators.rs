//! `p100::validate`: every check on any input: no panic, validation errors naming the field,
//! values never echoed, and the documented rules (PIN, phone, user id, dates, months).
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::check_validators;

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    text: String,
    bytes: Vec<u8>,
    n: i64,
}

fuzz_target!(|input: Input| {
    check_validators(&input.text, &input.bytes, input.n);
});
