// Typings of `p100/testing` (build.sh ships them as testing.d.cts and testing.d.mts).
import type { Client, ClientOptions, Currency, Amount, JsonValue } from "./index.cjs";

/** Options of `Sandbox.start()`. */
export interface SandboxOptions {
  /** The key clients must send (default: a random one, in `sb.apiKey`). */
  apiKey?: string;
  /** Milliseconds before asynchronous operations reach their final status, before the time
   *  scale (the server's default: 2000). */
  settleMs?: number;
  /** Multiplier of every delay: settle, the 40 s lock lifetime, webhook retries (default 1;
   *  0.01 = 100 times faster). */
  timeScale?: number;
  /** Deliver webhooks to this URL (with `webhookToken`). */
  webhookUrl?: string;
  /** The token sent in the `Authorization` header of webhook deliveries (with `webhookUrl`). */
  webhookToken?: string;
  /** Give up starting after this many milliseconds (default 30000). */
  startTimeoutMs?: number;
  /** The server binary to run (default: `P100_SANDBOX_BINARY`, then the platform package
   *  `@p100/sandbox-<platform>-<arch>`). */
  binary?: string;
}

/** `sb.fund(...)`: credits a balance at once. */
export interface FundRequest {
  currency: Currency;
  amount: Amount;
  /** The user whose balance is credited; the partner's without it. */
  externalUserId?: string;
}

/** What `sb.fund(...)` resolves with: the balance after the credit. */
export interface FundResult {
  externalUserId: string | null;
  currency: Currency;
  balance: Amount;
}

/** The kinds of injectable faults. */
export type FaultKind =
  | 429
  | 500
  | 503
  | "429"
  | "500"
  | "503"
  | "delay"
  | "drop"
  | "malformed"
  | "process-then-drop"
  | "cut-body"
  | "slow-body"
  | "huge-body"
  | "wrong-shape"
  | "duplicate-keys"
  | "retry-after-date"
  | "5xx-with-code"
  | "429-bare"
  | "p500"
  | "p500-cut-body"
  | "p501"
  | "499";

/** `sb.injectFault(...)`: the next `count` `/v1/` requests fail this way. */
export interface Fault {
  kind: FaultKind;
  /** How many requests take it (default 1). */
  count?: number;
  /** Seconds: the `Retry-After` of 429/503/5xx-with-code; how far ahead `retry-after-date` is. */
  retryAfter?: number;
  /** How long `delay` holds the reply back, how long `slow-body` trickles. */
  delayMs?: number;
  /** The HTTP status of `5xx-with-code` (500–599, default 502). */
  status?: number;
  /** The body size of `huge-body`. */
  sizeBytes?: number;
  /** Only requests of this operation (e.g. `"sepa.partner_transfer"`) take it. */
  operation?: string;
}

/** What `sb.injectFault(...)` resolves with. */
export interface FaultsResult {
  /** How many requests faults are now pending for. */
  pending: number;
  faults: JsonValue[];
}

/** One webhook delivery attempt (`sb.deliveries()`). */
export interface Delivery {
  /** The event's sequence number (every attempt of one event shares it). */
  eventId: number;
  /** `"user_status"`, `"sepa_transfer"`, `"crypto_deposit"`, … */
  event: string;
  url: string;
  /** 1 to 5. */
  attempt: number;
  /** The receiver's HTTP status, when it answered. */
  statusCode: number | null;
  /** True for a 2xx answer. */
  ok: boolean;
  /** Why the attempt failed without an answer. */
  error: string | null;
  /** When it was sent (ISO 8601). */
  at: string;
  /** The body sent. */
  payload: JsonValue;
}

/** What `sb.advance(...)` resolves with. */
export interface AdvanceResult {
  advancedSeconds: number;
  /** The sandbox's time now (RFC 3339). */
  now: string;
  timeScale: number;
}

/** What `sb.trigger(...)` resolves with: the event sent and its payload. */
export interface TriggerResult {
  event: string;
  /** The payload's main id. */
  id: string | null;
  externalUserId: string | null;
  payload: JsonValue;
}

/** An error of the sandbox itself: it would not start, or a control call failed. */
export class SandboxError extends Error {
  /** The HTTP status of a failed control call (null otherwise). */
  readonly status: number | null;
  /** The body of a failed control call (null otherwise). */
  readonly body: string | null;
  /** The argument a control refused, as its JSON body names it (`"externalUserId"`), or null. */
  readonly field: string | null;
}

/** A P100 sandbox server running as a child process on a free loopback port. */
export class Sandbox {
  private constructor();
  /** Starts one and resolves once it listens. */
  static start(options?: SandboxOptions): Promise<Sandbox>;
  /** The path of the server binary `start()` runs (throws `SandboxError` when none is installed). */
  static binaryPath(): string;
  /** Its base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The API key it accepts (not enumerable). */
  readonly apiKey: string;
  /** The server's process id. */
  readonly pid: number | undefined;
  /** True until the server has exited. */
  readonly running: boolean;
  /** A `Client` for it (`options`: the other `Client` options). */
  client(options?: Omit<ClientOptions, "apiKey" | "baseUrl" | "environment">): Client;
  /** Credits a balance at once. */
  fund(request: FundRequest): Promise<FundResult>;
  /** Makes the next requests fail (see `Fault`). */
  injectFault(fault: Fault): Promise<FaultsResult>;
  /** Removes every queued fault. */
  clearFaults(): Promise<void>;
  /** Multiplies every later delay by `scale`. */
  setTimeScale(scale: number): Promise<void>;
  /** Moves the sandbox's clock ahead without waiting (lock expiry, settle delays, webhook
   *  retries). A `SandboxError` when the server binary has no such control. */
  advance(seconds: number): Promise<AdvanceResult>;
  /** Makes the sandbox emit a webhook event with realistic data. A `SandboxError` when the
   *  server binary has no such control. */
  trigger(event: string, options?: { externalUserId?: string }): Promise<TriggerResult>;
  /** The sandbox's time: real time plus what `advance()` added. */
  now(): Promise<Date>;
  /** How many times each operation's handler ran, by operation name (`"sepa.partner_transfer"`). */
  ops(): Promise<Record<string, number>>;
  /** Every webhook delivery attempt so far, oldest first. */
  deliveries(): Promise<Delivery[]>;
  /** Sends webhooks to `url` with `Authorization: token` from now on (`null`: no more). */
  setWebhook(url: string | null, token?: string): Promise<void>;
  /** Any control under `/_sandbox/` (e.g. `control("POST", "sepa-deposit", {...})`): the reply's JSON. */
  control(method: "GET" | "POST" | "DELETE", path: string, body?: JsonValue | object): Promise<JsonValue>;
  /** Back to the starting world: state, faults, webhook target and log, time scale. */
  reset(): Promise<void>;
  /** Stops the server; resolves once it has exited. */
  stop(): Promise<void>;
  /** `await using sb = await Sandbox.start()` stops it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The platform package holding the server for a platform (default: this one). */
export function platformPackage(platform?: string, arch?: string): string;
