//! Feature `wasm`: TypeScript declarations for the npm package (`bindings-wasm/`).
//!
//! Every `model!` type derives `tsify::Tsify` (see `macros.rs`), which emits an `interface` for
//! it into the wasm-bindgen output; every `string_enum!` type becomes a union of its wire values
//! that stays open to unknown values (`export type Currency = "eur" | "btc" | … | (string & {});`)
//! through [`__wasm_enum_extras!`](crate::__wasm_enum_extras). What no derive can see (amounts,
//! the hand-written serde forms, the upload parts, the client's options) is declared in
//! `bindings-wasm/js/types.d.ts`, which the package build appends to these declarations.

#[doc(hidden)]
pub use wasm_bindgen as __wasm_bindgen;

/// Emits `export type $name = "wire" | … | (string & {});` for a string enum.
#[macro_export]
#[doc(hidden)]
macro_rules! __wasm_enum_extras {
    ($name:ident, [$($wire:literal),+]) => {
        const _: () = {
            use $crate::bindings::wasm::__wasm_bindgen::prelude::wasm_bindgen;

            #[wasm_bindgen(typescript_custom_section)]
            const TS: &'static str = concat!(
                "/** Wire values of `", stringify!($name), "` (read in any case); a value this ",
                "version does not know arrives as its own text. */\nexport type ",
                stringify!($name),
                " = ",
                $(stringify!($wire), " | ",)+
                "(string & {});"
            );
        };
    };
}
