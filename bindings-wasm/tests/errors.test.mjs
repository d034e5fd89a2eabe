// Every error class of the package: instanceof, kind, and the fields it carries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { createRequire } from "node:module";

import { p100, baseUrl, apiKey, client, control, uid } from "./helpers.mjs";

const {
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
  Client,
} = p100;

/** Asserts `e` is an SDK error of `cls` with the base-class shape. */
function isSdkError(e, cls, kind) {
  assert.ok(e instanceof cls, `expected ${cls.name}, got ${e && e.constructor && e.constructor.name}: ${e}`);
  assert.ok(e instanceof P100Error);
  assert.ok(e instanceof Error);
  assert.equal(e.name, cls.name);
  assert.equal(e.kind, kind);
  assert.equal(typeof e.message, "string");
  assert.ok(e.message.length > 0);
  assert.equal(typeof e.stack, "string");
  for (const k of ["code", "errorName", "status", "requestId", "retryAfterMs", "field", "operation", "rawBody"]) {
    assert.ok(k in e, `${k} missing`);
  }
  assert.equal(typeof e.retryable, "boolean");
  assert.equal(typeof e.accepted, "boolean");
  return e;
}

async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

function throws(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an exception");
}

test("the classes form one hierarchy, shared by require and import", () => {
  const cjs = createRequire(import.meta.url)("../pkg/index.cjs");
  for (const cls of [ValidationError, AuthenticationError, ApiError, RateLimitError, UnavailableError,
    NetworkError, TimeoutError, DecodeError, ConfigError, WebhookUnauthorizedError]) {
    assert.ok(cls.prototype instanceof P100Error, cls.name);
    assert.equal(cjs[cls.name], cls, `${cls.name} differs between require and import`);
  }
  assert.equal(cjs.Client, Client);
  assert.ok(P100Error.prototype instanceof Error);
  // Users can build them too (mocks in their own tests).
  const e = new ApiError("boom", { code: "P433", status: 400 });
  assert.equal(e.kind, "api");
  assert.equal(e.code, "P433");
  assert.equal(e.field, null);
});

test("ValidationError: bad IBAN, before anything is sent", async () => {
  const e = await rejects(client().sepa.partnerTransfer({
    amount: "10.00",
    currency: "eur",
    destinationIban: "DE00370400440532013000",
    transferTitle: "x",
  }));
  isSdkError(e, ValidationError, "validation");
  assert.equal(e.field, "destinationIban");
  assert.equal(e.status, null, "nothing was sent");
  assert.equal(e.code, null);
  assert.equal(e.retryable, false);
});

test("ValidationError: a JS number for money is refused, naming the field", async () => {
  const e = await rejects(client().transfers.create({
    destinationExternalUserId: "u-1",
    amount: 10.5,
    currency: "eur",
  }));
  isSdkError(e, ValidationError, "validation");
  assert.equal(e.field, "amount");
  assert.match(e.message, /string/);
  // Nested amounts too (card limits), and optional ones.
  const e2 = await rejects(client().cards.updateLimits({ externalUserId: "u-1", cardId: "c-1", dailyTrxAll: 500 }));
  isSdkError(e2, ValidationError, "validation");
  assert.equal(e2.field, "dailyTrxAll");
});

test("ValidationError: wrong types and missing fields name the field, never echo the value", async () => {
  const e = await rejects(client().cards.create({ externalUserId: "u-1", label: "Shopping", pin: 4821 }));
  isSdkError(e, ValidationError, "validation");
  assert.equal(e.field, "pin");
  assert.ok(!e.message.includes("4821"), e.message);

  const e2 = await rejects(client().users.create({ externalUserId: "u-1" }));
  isSdkError(e2, ValidationError, "validation");
  assert.equal(typeof e2.field, "string");
  assert.match(e2.message, /required/);

  const e3 = await rejects(client().cards.create({ externalUserId: "u-1", label: "Shopping", pin: "12345" }));
  isSdkError(e3, ValidationError, "validation");
  assert.equal(e3.field, "pin");
  assert.ok(!e3.message.includes("12345"), e3.message);

  const e4 = await rejects(client().users.balances(42));
  isSdkError(e4, ValidationError, "validation");
  assert.equal(e4.field, "externalUserId");

  const e5 = await rejects(client().kyc.uploadPoa({ externalUserId: "u-1", files: [{ fileName: "a.pdf", data: "text" }] }));
  isSdkError(e5, ValidationError, "validation");
  assert.equal(e5.field, "files[0].data");

  const e6 = await rejects(client().users.create("not an object"));
  isSdkError(e6, ValidationError, "validation");
});

test("ConfigError: missing key, bad URL, bad numbers; the key is never echoed", () => {
  isSdkError(throws(() => new Client({ baseUrl })), ConfigError, "config");
  isSdkError(throws(() => new Client()), ConfigError, "config");
  const e = isSdkError(throws(() => new Client({ apiKey: "sk live secret", baseUrl })), ConfigError, "config");
  assert.ok(!e.message.includes("secret"), e.message);
  assert.equal(e.field, "apiKey");
  const u = isSdkError(throws(() => new Client({ apiKey, baseUrl: "http://example.com" })), ConfigError, "config");
  assert.equal(u.field, "baseUrl");
  isSdkError(throws(() => new Client({ apiKey, baseUrl, timeoutMs: -5 })), ConfigError, "config");
  isSdkError(throws(() => new Client({ apiKey, baseUrl, timeoutMs: 3e9 })), ConfigError, "config");
  isSdkError(throws(() => new Client({ apiKey, baseUrl, maxRetries: 11 })), ConfigError, "config");
  isSdkError(throws(() => new Client({ apiKey, baseUrl, maxRetries: "2" })), ConfigError, "config");
  isSdkError(throws(() => new Client({ apiKey, environment: "moon" })), ConfigError, "config");
  const typo = isSdkError(throws(() => new Client({ apiKey, baseURL: baseUrl })), ConfigError, "config");
  assert.match(typo.message, /baseURL/);
  isSdkError(throws(() => Client.fromEnv({})), ConfigError, "config");
  isSdkError(throws(() => new p100.WebhookVerifier("")), ConfigError, "config");
});

test("AuthenticationError: wrong key (401 xo2)", async () => {
  const wrong = `wrong-${uid()}`;
  const e = await rejects(client({ apiKey: wrong }).partner.balances());
  isSdkError(e, AuthenticationError, "authentication");
  assert.equal(e.status, 401);
  assert.match(e.message, /xo2/);
  assert.ok(!e.message.includes(wrong));
  assert.ok(!inspect(e).includes(wrong));
});

test("ApiError: P412 invalid user, with errorName, status and the raw body kept out of logs", async () => {
  const e = await rejects(client().users.balances(`nobody-${uid()}`));
  isSdkError(e, ApiError, "api");
  assert.equal(e.code, "P412");
  assert.equal(e.status, 400);
  assert.equal(e.errorName, "invalid-user");
  assert.equal(e.retryable, false);
  assert.equal(typeof e.rawBody, "string");
  assert.match(e.rawBody, /P412/);
  assert.ok(!Object.keys(e).includes("rawBody"), "rawBody is not enumerable");
  assert.ok(!JSON.stringify(e).includes("errorMessage"));
});

test("RateLimitError: 429 with Retry-After, when retries are exhausted", async () => {
  await control("faults", { kind: "429", count: 1, retryAfter: 1 });
  const e = await rejects(client({ maxRetries: 0 }).partner.balances());
  isSdkError(e, RateLimitError, "rate_limited");
  assert.equal(e.status, 429);
  assert.equal(e.retryAfterMs, 1000);
  assert.equal(e.retryable, true);
});

test("UnavailableError: 5xx; a money-moving call is not retried and not retryable", async () => {
  await control("faults", { kind: "503", count: 1 });
  const e = await rejects(client({ maxRetries: 0 }).partner.balances());
  isSdkError(e, UnavailableError, "unavailable");
  assert.equal(e.status, 503);

  await control("faults", { kind: "500", count: 1 });
  const e2 = await rejects(client().sepa.partnerTransfer({
    amount: "10.00",
    currency: "eur",
    destinationIban: "DE89370400440532013000",
    transferTitle: "fault test",
  }));
  isSdkError(e2, UnavailableError, "unavailable");
  assert.equal(e2.status, 500);
  assert.equal(e2.retryable, false);
  const left = await control("faults");
  assert.equal(left.faults.length, 0, "the 500 was consumed by exactly one attempt");
});

test("NetworkError: nothing listens at the address", async () => {
  const c = new Client({ apiKey, baseUrl: "http://127.0.0.1:9", maxRetries: 0, timeoutMs: 5000 });
  const e = await rejects(c.partner.balances());
  isSdkError(e, NetworkError, "network");
  assert.equal(e.status, null);
});

test("TimeoutError: a reply slower than timeoutMs, and a waitFor that runs out", async () => {
  await control("faults", { kind: "delay", count: 1, delayMs: 1500 });
  const e = await rejects(client({ timeoutMs: 200, maxRetries: 0 }).partner.balances());
  isSdkError(e, TimeoutError, "timeout");
  await new Promise((r) => setTimeout(r, 1500));

  // A transfer that stays PENDING longer than the wait: slow the sandbox down.
  const c = client();
  const user = await newUser(c);
  await control("time-scale", { scale: 100 });
  try {
    const { transferId } = await c.transfers.create({ destinationExternalUserId: user, amount: "1.00", currency: "eur" });
    const w = await rejects(c.transfers.waitFor(transferId, { timeoutMs: 150, intervalMs: 20 }));
    isSdkError(w, TimeoutError, "timeout");
    assert.match(w.message, /transfer/);
  } finally {
    await control("time-scale", { scale: 1 });
  }
});

test("DecodeError: a malformed 200 reply", async () => {
  await control("faults", { kind: "malformed", count: 1 });
  const e = await rejects(client({ maxRetries: 0 }).partner.balances());
  isSdkError(e, DecodeError, "decode");
  assert.equal(e.status, 200);
});

test("WebhookUnauthorizedError: missing or wrong token", () => {
  for (const header of [undefined, null, "", "nope", "Bearer nope"]) {
    const e = throws(() => p100.verifyWebhook(header, "whsec-token"));
    isSdkError(e, WebhookUnauthorizedError, "webhook_unauthorized");
    assert.equal(e.status, 401);
    assert.ok(!e.message.includes("whsec-token"));
  }
});

/** A fresh KYC user id (balances exist at once for funding). */
async function newUser(c) {
  const id = `err-${uid()}`;
  await c.users.create({
    externalUserId: id,
    email: "a@example.com",
    phone: "486012334567",
    firstName: "A",
    lastName: "B",
    city: "Warszawa",
    postCode: "00-001",
    country: "PL",
    citizenship: "PL",
    hasAcceptedP100Tc: true,
  });
  return id;
}
