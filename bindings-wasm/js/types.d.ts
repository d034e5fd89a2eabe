// Hand-written declarations of the npm package that the Rust code cannot derive: the core's
// own serde forms (amounts, balances, rate maps, webhook events), the request parts serde does
// not read from JSON, and the client's options and results. build.sh appends this file to the
// wasm-bindgen typings (native/p100_wasm.d.ts), next to the model interfaces derived by tsify
// and the resource groups written from the operation manifest (scripts/groups.mjs).
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
/** Options of `new Client(...)`. */
export interface ClientOptions {
    /** The API key (sent as `x-api-key`). Never shown in errors or logs. */
    apiKey: string;
    /** A base URL, e.g. a local sandbox `http://127.0.0.1:8080`; overrides `environment`.
     *  Plain `http://` is accepted for loopback hosts only. */
    baseUrl?: string | undefined;
    /** `"staging"` (default) or `"production"`, used when `baseUrl` is not given. */
    environment?: "staging" | "production" | undefined;
    /** Timeout of one attempt in milliseconds (default 60000, at most 2^31 − 1). */
    timeoutMs?: number | undefined;
    /** Longest wait for a connection in milliseconds (default 10000); a connect that times out
     *  sent nothing (outcome `"not_sent"`). `timeoutMs` bounds the whole attempt. */
    connectTimeoutMs?: number | undefined;
    /** Retries after the first attempt (default 2, at most 10). Money-moving calls are retried
     *  only when the request provably did not reach the server. */
    maxRetries?: number | undefined;
    /** Delay before the first retry in milliseconds (default 500); doubles each time, with
     *  jitter. A server's `Retry-After` is honoured instead when it sends one. */
    retryInitialDelayMs?: number | undefined;
    /** Longest delay between two retries in milliseconds (default 8000). */
    retryMaxDelayMs?: number | undefined;
    /** Longest reply body read, in bytes (default 16 MiB, at most 1 GiB); a longer one is a
     *  `decode` error. A busy month of history needs more for `transactions` and `reconcile`. */
    maxResponseBytes?: number | undefined;
    /** Text put before the SDK's own `User-Agent`. */
    userAgent?: string | undefined;
    /** Log one record per attempt (`"error"`, `"warn"`, `"info"`, `"debug"`) or nothing
     *  (`"off"`). Default: `process.env.P100_LOG`, else off. Records never hold the API key,
     *  bodies, card data or document numbers. */
    logLevel?: "error" | "warn" | "info" | "debug" | "off" | undefined;
    /** Where records go (default `console`): `logger[level](message, fields)`. */
    logger?: Logger | undefined;
}

/** What came back with a successful call (`client.recording()`, `lastResponse`). */
export interface ResponseInfo {
    /** The server's request id, for support tickets. */
    requestId: string | null;
    /** The HTTP status (200, 201, …). */
    status: number;
    /** The reply's headers, lower-case names; values that may carry credentials are redacted. */
    headers: Record<string, string>;
    /** From the first attempt to the reply, retries included. */
    elapsedMs: number;
    /** Attempts made (1 when the first one succeeded). */
    attempts: number;
}

/** A log sink such as `console` or a pino/winston logger: one method per level. */
export interface Logger {
    error(message: string, fields: LogFields): void;
    warn(message: string, fields: LogFields): void;
    info(message: string, fields: LogFields): void;
    debug(message: string, fields: LogFields): void;
}

/** The facts of one attempt of a call (no secret by construction). */
export interface LogFields {
    operation: string;
    method: string;
    /** The path, without the query string. */
    path: string;
    /** 1 for the first attempt. */
    attempt: number;
    outcome: "sending" | "succeeded" | "retrying" | "failed";
    status?: number;
    elapsedMs: number;
    requestId?: string;
    /** The error kind of a failed attempt (`"unavailable"`, …). */
    kind?: string;
    /** The delay before the next attempt. */
    retryInMs?: number;
}

/** Per-call overrides for `client.withOptions(...)`. */
export interface RequestOptions {
    /** Timeout of one attempt in milliseconds. */
    timeoutMs?: number | undefined;
    /** Retries after the first attempt (at most 10). */
    maxRetries?: number | undefined;
    /** Extra headers of each call (`{ "x-correlation-id": "..." }`). `x-api-key`,
     *  `authorization`, `user-agent` and the HTTP stack's own headers are refused with a
     *  `ValidationError` naming `headers.<name>`. */
    headers?: Record<string, string> | undefined;
    /** Aborts the calls made with these options: they reject with an `AbortError` whose
     *  `outcome` says whether the request may have reached P100 (`"unknown"`: check before
     *  sending it again; `error.fingerprint` for `client.reconcile`) or provably did not
     *  (`"not_sent"`). */
    signal?: AbortSignal | undefined;
}

/** How a `waitFor` helper polls. */
export interface WaitOptions {
    /** Give up after this many milliseconds (default 300000) with a `TimeoutError`. */
    timeoutMs?: number | undefined;
    /** First pause between two polls in milliseconds (default 1000); grows ×1.5. */
    intervalMs?: number | undefined;
    /** Longest pause between two polls in milliseconds (default 15000; at least `intervalMs`). */
    maxIntervalMs?: number | undefined;
}

/** Did the operation happen? The answer every `P100Error` gives in `outcome`:
 *  - `"not_sent"`: the request provably never left (bad input, connection refused, DNS):
 *    sending it again cannot duplicate anything;
 *  - `"rejected"`: a reply said no (4xx, P-codes, 401, 429): nothing happened;
 *  - `"unknown"`: sent, no usable reply (timeout after sending, reset, 5xx): it may or may not
 *    have happened — `client.reconcile(err)` (or the details endpoint) before sending again;
 *  - `"accepted"`: a 2xx arrived but its body could not be read: it happened, never send it
 *    again. */
export type Outcome = "not_sent" | "rejected" | "unknown" | "accepted";

/** What `client.reconcile` accepts besides a fingerprint: a `P100Error`. */
export interface Reconcilable {
    readonly outcome: Outcome;
    readonly fingerprint: Fingerprint | null;
}

/** Any JSON value (the escape hatch `client.request`). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The environment variables `Client.fromEnv` reads. */
export type Env = Record<string, string | undefined>;
