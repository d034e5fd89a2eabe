//! `p100::Amount`: parsing any text never panics; parse(display(a)) == a with the same scale,
//! through text, JSON strings and JSON numbers; plain decimal text parses exactly (no float).
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::{check_amount_parts, check_amount_text};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    text: String,
    mantissa: i128,
    scale: u8,
}

fuzz_target!(|input: Input| {
    check_amount_text(&input.text);
    check_amount_parts(input.mantissa, input.scale);
});
