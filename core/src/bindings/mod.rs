//! Hooks for the language bindings, compiled only with their feature.
//!
//! Every model and string enum is defined once (see `macros.rs`); the derives a binding needs
//! are added there with `cfg_attr`, and anything more (trait impls for [`crate::Amount`],
//! extra methods generated per model or enum) lives in this module, one file per binding:
//!
//! * `wasm.rs` — feature `wasm` (wasm-bindgen / tsify): TypeScript declarations.
//! * `python.rs` — feature `python` (pyo3): conversions to `decimal.Decimal`, `__repr__`, `to_dict`.
//! * `uniffi.rs` — feature `uniffi`: custom types and enum support for Swift/Kotlin.
//!
//! Each file defines the macros `__<binding>_model_extras!` / `__<binding>_enum_extras!`,
//! with an empty fallback when its feature is off.

#[cfg(feature = "python")]
pub mod python;
#[cfg(feature = "uniffi")]
pub mod uniffi;
#[cfg(feature = "wasm")]
pub mod wasm;

/// No-op fallbacks when a binding feature is off.
#[cfg(not(feature = "wasm"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __wasm_enum_extras {
    ($name:ident, [$($wire:literal),+]) => {};
}

/// No-op fallbacks when a binding feature is off.
#[cfg(not(feature = "python"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __python_enum_extras {
    ($name:ident) => {};
}

/// No-op fallbacks when a binding feature is off.
#[cfg(not(feature = "python"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __python_model_extras {
    ($($model:tt)*) => {};
}

/// No-op fallbacks when a binding feature is off.
#[cfg(not(feature = "uniffi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __uniffi_enum_extras {
    ($name:ident) => {};
}

/// No-op fallbacks when a binding feature is off.
#[cfg(not(feature = "uniffi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __uniffi_model_extras {
    ($name:ident) => {};
}

/// No-op fallback when the `openapi` feature is off (see `crate::openapi`).
#[cfg(not(feature = "openapi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __openapi_enum_extras {
    ($($any:tt)*) => {};
}
