//! `uniffi-bindgen`, built from the workspace so that it always matches the `uniffi` crate
//! version the libraries are compiled with.

fn main() {
    uniffi::uniffi_bindgen_main()
}
