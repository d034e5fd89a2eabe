//! `p100::routes`: every route filled with any parameters resolves back to itself with the same
//! values; any method and path resolve without panic, consistently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100_fuzz::invariants::check_route;

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    route: u8,
    params: Vec<String>,
    method: u8,
    path: String,
}

fuzz_target!(|input: Input| {
    check_route(input.route, &input.params, input.method, &input.path);
    // Paths that look like the catalog's, so matching gets past the first segment.
    check_route(
        input.route,
        &input.params,
        input.method,
        &format!("/v1/{}", input.path),
    );
});
