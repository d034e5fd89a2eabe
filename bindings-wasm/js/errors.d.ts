import type { ErrorCode, Fingerprint, Outcome } from "./native/p100_wasm";

/** What kind of failure a `P100Error` is (one subclass per kind; `"internal"`, a bug inside the
 *  SDK, is a plain `P100Error`). */
export type ErrorKind =
  | "validation"
  | "authentication"
  | "api"
  | "rate_limited"
  | "unavailable"
  | "network"
  | "timeout"
  | "decode"
  | "config"
  | "webhook_unauthorized"
  | "aborted"
  | "internal";

/** The properties every SDK error carries. */
export interface P100ErrorDetails {
  kind?: ErrorKind;
  code?: ErrorCode | null;
  errorName?: string | null;
  status?: number | null;
  requestId?: string | null;
  retryable?: boolean;
  retryAfterMs?: number | null;
  field?: string | null;
  outcome?: Outcome;
  accepted?: boolean;
  fingerprint?: Fingerprint | null;
  operation?: string | null;
  rawBody?: string | null;
}

/** Every error thrown or rejected by the SDK. */
export declare class P100Error extends Error {
  constructor(message: string, details?: P100ErrorDetails);
  /** The kind of failure (matches the subclass). */
  readonly kind: ErrorKind;
  /** The P-code (`"P412"`…) when the server sent one. */
  readonly code: ErrorCode | null;
  /** The server's `errorName` (`"invalid-user"`…) when it sent one. */
  readonly errorName: string | null;
  /** The HTTP status, when a reply was received. */
  readonly status: number | null;
  /** The server's request id, when it sent one. */
  readonly requestId: string | null;
  /** True when sending the same call again cannot cause a duplicate operation. */
  readonly retryable: boolean;
  /** How long the server asked to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | null;
  /** The request field at fault (wire name, e.g. `"destinationIban"`), for validation errors. */
  readonly field: string | null;
  /** Did the operation happen? `"not_sent"` (provably never left: safe to send again),
   *  `"rejected"` (a reply said no: nothing happened), `"unknown"` (sent, no usable reply:
   *  `client.reconcile(err)` before sending again) or `"accepted"` (a 2xx arrived but could not
   *  be read: it happened, never send it again). */
  readonly outcome: Outcome;
  /** `outcome === "accepted"`: the server accepted the operation although this error is
   *  returned: do not send the call again, check the details endpoint instead. */
  readonly accepted: boolean;
  /** What a money-moving call sent, on `"unknown"` and `"accepted"` errors: the input of
   *  `client.reconcile`; `null` otherwise. */
  readonly fingerprint: Fingerprint | null;
  /** The operation that failed (`"sepa.partner_transfer"`…), when known. */
  readonly operation: string | null;
  /** The raw reply body, when there was one (not enumerable: kept out of logs). */
  readonly rawBody: string | null;
}
/** Bad input caught before anything was sent, or a P403 from the API. `field` names it. */
export declare class ValidationError extends P100Error {}
/** 401: API key missing (`xo1`), wrong (`xo2`) or IP not allowed (`xo3`). */
export declare class AuthenticationError extends P100Error {}
/** A business error from the API with a P-code in `code`. */
export declare class ApiError extends P100Error {}
/** 429: too many requests; `retryAfterMs` says how long to wait when the server said. */
export declare class RateLimitError extends P100Error {}
/** P501 or HTTP 5xx: the service is unavailable. */
export declare class UnavailableError extends P100Error {}
/** The request could not be completed on the network. */
export declare class NetworkError extends P100Error {}
/** No reply within the timeout, or a `waitFor` that ran out of time. */
export declare class TimeoutError extends P100Error {}
/** A reply that could not be read; `accepted` tells whether the operation was accepted. */
export declare class DecodeError extends P100Error {}
/** The client is misconfigured (no API key, bad base URL…). */
export declare class ConfigError extends P100Error {}
/** A webhook delivery without the right Authorization token: answer it with 401. */
export declare class WebhookUnauthorizedError extends P100Error {}
/** The caller aborted the call (`withOptions({ signal })`); `name` is `"AbortError"`, and
 *  `outcome` says whether the request may have reached P100 (`"unknown"`) or not (`"not_sent"`). */
export declare class AbortError extends P100Error {}
