//! `p100::input` (the one decoder of host values, for every binding and the CLI): any JSON text
//! with a card-number-like value planted in it, decoded into every request type of the operation
//! table: no panic, refusals are validation errors naming a field, the value never echoed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::check_input;

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    text: String,
    digits: Vec<u8>,
    place: u8,
    as_number: bool,
}

fuzz_target!(|input: Input| {
    check_input(&input.text, &input.digits, input.place, input.as_number);
});
