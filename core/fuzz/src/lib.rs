//! Shared by the fuzz targets: the invariants (also run by `core/tests/properties.rs`).

pub mod invariants;
