//! Macros that keep every model and enum defined once, with the derives every binding needs.
//!
//! Bindings add their derives here (behind the `wasm`, `python` and `uniffi` features), so that
//! the default build of the crate stays pure Rust and there is exactly one definition of each type.

/// An enum whose wire form is a string.
///
/// * decoding is case-insensitive and accepts the listed aliases (older doc generations);
/// * a value the SDK does not know decodes to `Unknown(text)` instead of failing;
/// * encoding writes the canonical (newest documented) spelling.
#[macro_export]
#[doc(hidden)]
macro_rules! string_enum {
    (
        $(#[$($meta:tt)*])*
        pub enum $name:ident {
            $( $(#[$($vmeta:tt)*])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$($meta)*])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "uniffi", derive(::uniffi::Enum), ::uniffi::export(Display))]
        pub enum $name {
            $( $(#[$($vmeta)*])* $variant, )+
            /// A value this version of the SDK does not know, kept exactly as received.
            Unknown(String),
        }

        // Binding extras (no-ops unless the binding's feature is on): see `crate::bindings`.
        $crate::__wasm_enum_extras!($name, [$($wire),+]);
        $crate::__python_enum_extras!($name);
        $crate::__uniffi_enum_extras!($name);
        // Its JSON Schema for the OpenAPI description (feature `openapi`): see `crate::openapi`.
        $crate::__openapi_enum_extras!($name [$(#[$($meta)*])*] [$($wire [$(#[$($vmeta)*])*]),+]);

        impl $name {
            /// The canonical wire spellings of every known value.
            pub const WIRE_VALUES: &'static [&'static str] = &[$($wire),+];

            /// The wire text of this value (the text as received for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(text) => text.as_str(),
                }
            }

            /// Parses wire text, case-insensitively; never fails.
            pub fn parse(text: &str) -> Self {
                let t = text.trim();
                $(
                    if t.eq_ignore_ascii_case($wire) $(|| t.eq_ignore_ascii_case($alias))* {
                        return Self::$variant;
                    }
                )+
                Self::Unknown(text.to_string())
            }

            /// True when the value was not recognised.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }

            /// For `Unknown(text)` whose text is a known value in another spelling (`"EUR"`,
            /// what Swift and Kotlin build from text): that value's wire text. The checks refuse
            /// it saying so, rather than as an unsupported value.
            pub fn known_as_unknown(&self) -> Option<&'static str> {
                match self {
                    Self::Unknown(text) => match Self::parse(text) {
                        $( Self::$variant => Some($wire), )+
                        Self::Unknown(_) => None,
                    },
                    _ => None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    Self::Unknown(text) => write!(f, "Unknown({:?})", text),
                    other => f.write_str(other.as_str()),
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(d)?;
                Ok(Self::parse(&text))
            }
        }
    };
}

/// A model (request, response or event payload) with the derives every binding needs.
///
/// Wire names are camelCase unless a field says otherwise; unknown fields are ignored.
#[macro_export]
#[doc(hidden)]
macro_rules! model {
    // A response model that decodes itself (a hand-written `Deserialize` for several wire
    // shapes): the same derives and binding extras, without `Deserialize` and without the
    // TypeScript and JSON Schema derives (its serde attributes come with `$meta`).
    // `python { … }` adds methods to its Python class.
    (
        @custom_decode
        $(#[$meta:meta])*
        pub struct $name:ident { $($body:tt)* }
        $( python { $($py:tt)* } )?
    ) => {
        // The derive comes first: `$meta` holds its `#[serde]` helper attributes.
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize)]
        $(#[$meta])*
        #[cfg_attr(feature = "uniffi", derive(::uniffi::Record))]
        #[cfg_attr(feature = "python", ::pyo3::pyclass(get_all, eq, frozen, module = "p100"))]
        pub struct $name { $($body)* }

        $crate::__python_model_extras!($name { $($body)* } $( ; $($py)* )?);
        $crate::__uniffi_model_extras!($name);
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[cfg_attr(feature = "wasm", derive(::tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
        #[cfg_attr(feature = "uniffi", derive(::uniffi::Record))]
        #[cfg_attr(feature = "python", ::pyo3::pyclass(get_all, eq, frozen, module = "p100"))]
        #[cfg_attr(feature = "openapi", derive(::schemars::JsonSchema))]
        // The model's own attributes after the derives, so that a derive's helper attribute
        // (`schemars(extend(…))`) is known where it stands.
        $(#[$meta])*
        pub struct $name { $($body)* }

        // Binding extras (no-ops unless the binding's feature is on): see `crate::bindings`.
        $crate::__python_model_extras!($name { $($body)* });
        $crate::__uniffi_model_extras!($name);
    };
}
