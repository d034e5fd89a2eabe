"use strict";
// The error classes of the `p100` package. Every failure of the SDK is a `P100Error`; its
// subclass says what kind of failure it is. The wasm module creates them (see src/errors.rs),
// so `instanceof` works for errors from any call.

const OUTCOMES = new Set(["not_sent", "rejected", "unknown", "accepted"]);

/** Every error thrown or rejected by the SDK. A bug inside the SDK itself (a Rust panic) is a
 *  `P100Error` of kind `"internal"` (no subclass), outcome `"unknown"`. */
class P100Error extends Error {
  /**
   * @param {string} message
   * @param {object} [details] kind, code, errorName, status, requestId, retryable,
   *   retryAfterMs, field, outcome, accepted, fingerprint, operation, rawBody
   */
  constructor(message, details) {
    super(message);
    const d = details && typeof details === "object" ? details : {};
    // The class's own name as written here (a minifier renames classes: `err.name` stayed
    // "AbortError" only unbundled); a subclass of yours keeps its name.
    const named = Object.hasOwn(new.target, "className") ? new.target.className : new.target.name;
    Object.defineProperty(this, "name", {
      value: named,
      enumerable: false,
      configurable: true,
      writable: true,
    });
    this.kind = typeof d.kind === "string" ? d.kind : new.target.kind;
    this.code = d.code ?? null;
    this.errorName = d.errorName ?? null;
    this.status = d.status ?? null;
    this.requestId = d.requestId ?? null;
    this.retryable = d.retryable === true;
    this.retryAfterMs = d.retryAfterMs ?? null;
    this.field = d.field ?? null;
    // Did the operation happen? "not_sent" | "rejected" | "unknown" | "accepted" (see the
    // README). `accepted` is the same answer as a boolean.
    this.outcome = OUTCOMES.has(d.outcome) ? d.outcome : d.accepted === true ? "accepted" : "unknown";
    this.accepted = this.outcome === "accepted";
    // What a money-moving call sent (for client.reconcile), on "unknown"/"accepted" errors.
    this.fingerprint = d.fingerprint ?? null;
    this.operation = d.operation ?? null;
    // The server's raw reply may hold personal data: readable, but not enumerable, so that
    // console.log(err) and JSON.stringify(err) leave it out.
    Object.defineProperty(this, "rawBody", {
      value: d.rawBody ?? null,
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
}
P100Error.kind = "api";
Object.defineProperty(P100Error, "className", { value: "P100Error", enumerable: false });

function kind(cls, name, className) {
  Object.defineProperty(cls, "kind", { value: name, enumerable: false });
  Object.defineProperty(cls, "className", { value: className, enumerable: false });
  return cls;
}

/** Bad input caught before anything was sent, or a P403 from the API. `field` names it. */
class ValidationError extends P100Error {}
kind(ValidationError, "validation", "ValidationError");
/** 401: API key missing (`xo1`), wrong (`xo2`) or IP not allowed (`xo3`). */
class AuthenticationError extends P100Error {}
kind(AuthenticationError, "authentication", "AuthenticationError");
/** A business error from the API with a P-code in `code` (`"P412"`, `"P433"`…). */
class ApiError extends P100Error {}
kind(ApiError, "api", "ApiError");
/** 429: too many requests; `retryAfterMs` says how long to wait when the server said. */
class RateLimitError extends P100Error {}
kind(RateLimitError, "rate_limited", "RateLimitError");
/** P501 or HTTP 5xx: the service is unavailable. */
class UnavailableError extends P100Error {}
kind(UnavailableError, "unavailable", "UnavailableError");
/** The request could not be completed on the network (refused, reset, DNS, TLS). */
class NetworkError extends P100Error {}
kind(NetworkError, "network", "NetworkError");
/** No reply within the timeout, or a `waitFor` that ran out of time. */
class TimeoutError extends P100Error {}
kind(TimeoutError, "timeout", "TimeoutError");
/** A reply that could not be read; `accepted` tells whether the operation was accepted. */
class DecodeError extends P100Error {}
kind(DecodeError, "decode", "DecodeError");
/** The client is misconfigured (no API key, bad base URL…). */
class ConfigError extends P100Error {}
kind(ConfigError, "config", "ConfigError");
/** A webhook delivery without the right Authorization token: answer it with 401. */
class WebhookUnauthorizedError extends P100Error {}
kind(WebhookUnauthorizedError, "webhook_unauthorized", "WebhookUnauthorizedError");
/** The caller aborted the call (`withOptions({ signal })`). Its `name` is `"AbortError"`, as
 *  for an aborted `fetch`; `outcome` says whether the request may have reached P100
 *  (`"unknown"`: check before sending it again) or provably did not (`"not_sent"`). */
class AbortError extends P100Error {}
kind(AbortError, "aborted", "AbortError");

module.exports = {
  P100Error,
  ValidationError,
  AuthenticationError,
  ApiError,
  RateLimitError,
  UnavailableError,
  NetworkError,
  TimeoutError,
  DecodeError,
  ConfigError,
  WebhookUnauthorizedError,
  AbortError,
};
