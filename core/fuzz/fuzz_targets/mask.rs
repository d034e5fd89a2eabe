//! `p100::mask::mask_secrets`: idempotent, never panics, a seeded secret under a secret key
//! (spliced into any text, cut short, duplicated) never survives, and text that can hold no
//! secret comes back byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::{check_mask_seeded, check_mask_text, Seed};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    text: String,
    before: String,
    seed: Seed,
    after: String,
    cut: Option<u16>,
}

fuzz_target!(|input: Input| {
    check_mask_text(&input.text);
    check_mask_seeded(&input.before, &input.seed, &input.after, input.cut);
    // The free text as the filler too, so the fuzzer's discoveries reach the seeded check.
    check_mask_seeded(&input.text, &input.seed, &input.before, None);
});
