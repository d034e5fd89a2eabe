//! Feature `wasm`: TypeScript declarations for the npm package (`bindings-wasm/`).
//!
//! Every `model!` type derives `tsify::Tsify` (see `macros.rs`), which emits an `interface` for
//! it into the wasm-bindgen output. This file adds what tsify cannot see:
//!
//! * every `string_enum!` type as a union of its wire values that stays open to unknown values
//!   (`export type Currency = "eur" | "btc" | … | (string & {});`), through
//!   [`__wasm_enum_extras!`](crate::__wasm_enum_extras);
//! * [`Amount`](crate::Amount) and [`SecretString`](crate::SecretString) as `string`;
//! * the few public types with a hand-written serde form (`Balances`, the rate maps, the lists,
//!   [`WebhookEvent`](crate::webhooks::WebhookEvent));
//! * the request fields serde does not read from JSON (the file parts of the KYC uploads, the
//!   deposit id of the travel rule), merged into the tsify interfaces of their requests.
//!
//! Nothing here runs: these are declarations placed in the wasm's custom section, which the
//! wasm-bindgen CLI copies into the package's `.d.ts`.

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

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_CORE_TYPES: &'static str = r#"
/**
 * An exact decimal amount, rate or fee, as text: `"10.50"`, `"0.00000001"`.
 * Money is never a fractional JS number (a float cannot hold every decimal exactly): request
 * fields that take an amount refuse a number with a fraction with a `ValidationError` naming
 * the field (an integer number is exact, and accepted).
 */
export type Amount = string;

/** A secret (PAN, CVV, PIN, document number, date of birth…) as plain text: do not log it. */
export type SecretString = string;

/** All balances of the partner or of a user. */
export interface Balances {
    /** Fiat (EUR) balances. */
    fiatBalances: FiatBalance[];
    /** Crypto balances. */
    cryptoBalances: CryptoBalance[];
}

/** A transaction history (one month). */
export interface TransactionHistory {
    /** The transactions, as sent. */
    transactions: Transaction[];
}

/** Indicative EUR rates, keyed by currency code (`btc`, `eur`…). */
export type ExchangeRates = Record<string, Amount>;

/** Order rates, keyed by currency code. */
export type OrderRates = Record<string, Amount>;

/** The partner's whitelisted SEPA deposit contacts. */
export interface SepaContacts {
    /** The contacts. */
    contacts: SepaContact[];
}

/** One file of a multipart upload (KYC documents, proof of address). */
export interface FileUpload {
    /** File name sent with the part (`passport.jpg`). */
    fileName: string;
    /** The file's bytes (a Node `Buffer` is a `Uint8Array`). */
    data: Uint8Array;
}

/** The files of a KYC document upload (sent as multipart parts, not JSON). */
export interface KycFilesRequest {
    /** Front, back, selfie… as the document type needs. */
    files: FileUpload[];
}

/** The files of a proof-of-address upload: 1–3 files, ≤ 5 MB each (JPEG, PNG or PDF). */
export interface PoaFilesRequest {
    /** The files. */
    files: FileUpload[];
}

/** The deposit whose travel-rule data is sent (a path parameter, carried in the request). */
export interface TravelRuleUpdateRequest {
    /** The deposit's id. */
    cryptoDepositId: string;
}

/** A webhook delivery the SDK does not recognise: the envelope's type, if any, and the raw body. */
export interface UnknownWebhookEvent {
    /** `event_type` of the envelope, when present. */
    event_type: string | null;
    /** The body exactly as received. */
    raw: string;
}

/** A parsed webhook delivery: `event` names the kind, `data` is the typed payload. */
export type WebhookEvent =
    | { event: "user_status"; data: UserStatusEvent }
    | { event: "kyc_file"; data: KycFileEvent }
    | { event: "poa_verification"; data: PoaVerificationEvent }
    | { event: "kyc_verification"; data: KycVerificationEvent }
    | { event: "transfer"; data: TransferEvent }
    | { event: "sepa_transfer"; data: SepaTransferEvent }
    | { event: "crypto_withdrawal"; data: CryptoWithdrawalEvent }
    | { event: "crypto_deposit"; data: CryptoDepositEvent }
    | { event: "exchange"; data: ExchangeEvent }
    | { event: "sepa_deposit"; data: SepaDepositEvent }
    | { event: "iban_status"; data: IbanStatusEvent }
    | { event: "order_status"; data: OrderStatusEvent }
    | { event: "payment_link"; data: PaymentLinkEvent }
    | { event: "card_transaction"; data: CardTransactionEvent }
    | { event: "card_3ds_code"; data: Card3dsCodeEvent }
    | { event: "card_activation_code"; data: CardActivationCodeEvent }
    | { event: "wallet_created"; data: WalletCreatedEvent }
    | { event: "unknown"; data: UnknownWebhookEvent };
"#;
