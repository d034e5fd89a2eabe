// Every error class of the package: instanceof, kind, and the fields it carries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { createRequire } from "node:module";

import { p100, baseUrl, apiKey, client, control, uid, verify } from "./helpers.mjs";

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
  AbortError,
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
  assert.ok(["not_sent", "rejected", "unknown", "accepted"].includes(e.outcome), `outcome ${e.outcome}`);
  assert.equal(e.accepted, e.outcome === "accepted");
  assert.ok("fingerprint" in e);
  if (e.outcome === "not_sent" || e.outcome === "rejected") assert.equal(e.fingerprint, null);
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

// ---- the caller's AbortSignal (withOptions({ signal })) ---------------------------------------

test("AbortSignal in flight, after the 2xx status came: AbortError, outcome accepted, and the transfer reconciles", async () => {
  const c = client();
  const user = await newUser(c);
  const amount = uniqueAmount();
  // Processed at once, then the reply trickles out over 5 s: the abort comes mid-reply.
  await control("faults", { kind: "slow-body", delayMs: 5000, count: 1, operation: "transfers.create" });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const started = Date.now();
  const e = await rejects(
    c.withOptions({ signal: ac.signal }).transfers.create({ destinationExternalUserId: user, amount, currency: "eur" }),
  );
  assert.ok(Date.now() - started < 4000, "the abort did not stop the call");
  isSdkError(e, AbortError, "aborted");
  assert.equal(e.name, "AbortError");
  assert.equal(e.outcome, "accepted", "its 2xx status came: it happened");
  assert.equal(e.status, 201);
  assert.equal(e.retryable, false);
  assert.equal(e.operation, "transfers.create");
  assert.equal(e.fingerprint.amount, amount);
  // Nothing is lost: the transfer did happen, and reconcile finds it.
  const found = await c.reconcile(e);
  assert.equal(found.result, "found");
  // The client is not left with a stuck connection.
  assert.ok((await c.partner.balances()).fiatBalances);
});

test("AbortSignal in flight closes the connection of the exchange (the server sees it go)", async () => {
  const http = await import("node:http");
  // A peer that sends the head of a 200 and then nothing: only an abort can end the exchange.
  let closed;
  const socketClosed = new Promise((resolve) => (closed = resolve));
  const server = http.createServer((req, res) => {
    req.socket.on("close", () => closed(Date.now()));
    res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
    res.write('{"fiatBalances":[');
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const c = new Client({ apiKey: "k", baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const e = await rejects(c.withOptions({ signal: ac.signal, timeoutMs: 30000 }).partner.balances());
    const aborted = Date.now();
    isSdkError(e, AbortError, "aborted");
    // The socket closes because of the abort, well before the 30 s timeout would close it.
    const at = await Promise.race([socketClosed, new Promise((r) => setTimeout(() => r(null), 5000))]);
    assert.ok(at !== null, "the server's socket was still open 5 s after the abort");
    assert.ok(at - aborted < 5000);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("AbortSignal already aborted: nothing is sent; anything else than a signal is refused", async () => {
  const c = client();
  const before = (await control("requests")).requests.length;
  const e = await rejects(
    c.withOptions({ signal: AbortSignal.abort() }).transfers.create({
      destinationExternalUserId: "nobody", amount: "1.00", currency: "eur",
    }),
  );
  isSdkError(e, AbortError, "aborted");
  assert.equal(e.outcome, "not_sent");
  assert.equal((await control("requests")).requests.length, before, "a request was sent");
  // A signal that never fires changes nothing; the parent client is not affected.
  const ac = new AbortController();
  assert.ok((await c.withOptions({ signal: ac.signal, timeoutMs: 5000 }).partner.balances()).fiatBalances);
  for (const bad of [{}, "abort", 1]) {
    const v = throws(() => c.withOptions({ signal: bad }));
    isSdkError(v, ValidationError, "validation");
    assert.equal(v.field, "signal");
  }
});

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
  assert.equal(e.outcome, "not_sent");
  assert.equal(e.status, null, "nothing was sent");
  assert.equal(e.code, null);
  assert.equal(e.retryable, false);
});

test("ValidationError: a JS number with a fraction for money is refused, naming the field", async () => {
  const e = await rejects(client().transfers.create({
    destinationExternalUserId: "u-1",
    amount: 10.5,
    currency: "eur",
  }));
  isSdkError(e, ValidationError, "validation");
  assert.equal(e.field, "amount");
  assert.match(e.message, /string/);
  // Nested amounts too (card limits), and optional ones.
  const e2 = await rejects(client().cards.updateLimits({ externalUserId: "u-1", cardId: "c-1", dailyTrxAll: 500.25 }));
  isSdkError(e2, ValidationError, "validation");
  assert.equal(e2.field, "dailyTrxAll");
  // An integer is exact: accepted (this request fails later, on its IBAN).
  const e3 = await rejects(client().sepa.partnerTransfer({
    amount: 10,
    currency: "eur",
    destinationIban: "DE00370400440532013000",
    transferTitle: "x",
  }));
  assert.equal(e3.field, "destinationIban", e3.message);
});

test("ValidationError: an unknown field of a request is refused, naming it", async () => {
  const e = await rejects(client().transfers.create({
    destinationExternalUserId: "u-1",
    amount: "1.00",
    currency: "eur",
    ammount: "2.00",
  }));
  isSdkError(e, ValidationError, "validation");
  assert.equal(e.field, "ammount");
  assert.equal(e.outcome, "not_sent");
  const nested = await rejects(client().cards.create({ externalUserId: "u-1", label: "Shopping", pin: "4821", extra: { x: 1 } }));
  assert.equal(nested.field, "extra");
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

test("ValidationError: NaN, Infinity and self-referencing objects are refused before sending, naming the path", async () => {
  // NaN is not "not given": a Number("abc") typo must not leave a card limit unchanged in silence.
  for (const bad of [NaN, Infinity, -Infinity]) {
    const e = await rejects(client().cards.updateLimits({ externalUserId: "u-1", cardId: "c-1", dailyTrxAll: bad }));
    isSdkError(e, ValidationError, "validation");
    assert.equal(e.field, "dailyTrxAll");
    assert.equal(e.outcome, "not_sent");
  }
  const nested = await rejects(client().request("POST", "/v1/transfer", { meta: { amounts: [1, NaN] } }));
  isSdkError(nested, ValidationError, "validation");
  assert.equal(nested.field, "body.meta.amounts[1]");
  // A cycle (or absurd nesting) is a ValidationError with outcome not_sent, not a crash of the
  // module reported as "unknown" on a money call that never left.
  const cyclic = { externalUserId: "u-1", label: "Shopping", pin: "4821" };
  cyclic.self = cyclic;
  const e = await rejects(client().cards.create(cyclic));
  isSdkError(e, ValidationError, "validation");
  assert.equal(e.outcome, "not_sent");
  assert.match(e.field, /^self(\.self)*$/);
  assert.match(e.message, /nested too deeply/);
  let deep = "x";
  for (let i = 0; i < 10_000; i++) deep = [deep];
  const d = await rejects(client().request("POST", "/v1/transfer", { deep }));
  isSdkError(d, ValidationError, "validation");
  // Functions and BigInts are not JSON data; undefined members are absent.
  const f = await rejects(client().transfers.create({ destinationExternalUserId: "u-1", amount: 10n, currency: "eur" }));
  assert.equal(f.field, "amount");
  assert.match(f.message, /is a BigInt, which JSON cannot carry: give a decimal string/);
  const u = await rejects(client().cards.create({ externalUserId: "no-such-user", label: "Shopping", pin: "4821", bogus: undefined }));
  assert.notEqual(u.field, "bogus", "an undefined member is absent");
  assert.equal(u.outcome, "rejected", "it was sent: only the server refused it");
  // The module still works afterwards.
  assert.ok(Array.isArray((await client().partner.balances()).fiatBalances));
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
  // NaN and Infinity are refused, not read as "use the default".
  for (const [option, value] of [["timeoutMs", NaN], ["timeoutMs", Infinity], ["maxRetries", NaN]]) {
    const bad = isSdkError(throws(() => new Client({ apiKey, baseUrl, [option]: value })), ConfigError, "config");
    assert.equal(bad.field, option);
  }
  const cyclic = {};
  cyclic.self = cyclic;
  isSdkError(throws(() => new Client({ apiKey, baseUrl, userAgent: cyclic })), ConfigError, "config");
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
  assert.equal(e.outcome, "rejected");
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
  assert.equal(e.outcome, "rejected");
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
  assert.equal(e2.outcome, "unknown");
  assert.deepEqual({ ...e2.fingerprint, sentAtMs: 0 }, {
    operation: "sepa.partner_transfer",
    amount: "10.00",
    currency: "eur",
    destination: "DE89370400440532013000",
    externalUserId: null,
    sentAtMs: 0,
    title: "fault test",
    network: null,
  });
  assert.ok(Math.abs(e2.fingerprint.sentAtMs - Date.now()) < 60_000);
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
  assert.equal(e.outcome, "unknown");
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
  assert.equal(e.outcome, "accepted", "a 2xx arrived: the server did answer");
  assert.equal(e.fingerprint, null, "a GET moves no money: nothing to reconcile");
});

test("outcome and accepted always agree, also for errors users build", () => {
  assert.equal(new ApiError("x").outcome, "unknown");
  const a = new DecodeError("x", { accepted: true });
  assert.equal(a.outcome, "accepted");
  assert.equal(a.accepted, true);
  const b = new DecodeError("x", { outcome: "accepted" });
  assert.equal(b.accepted, true);
  const c = new NetworkError("x", { outcome: "not_sent", accepted: true });
  assert.equal(c.accepted, false, "outcome wins");
  assert.equal(new P100Error("x", { outcome: "bogus" }).outcome, "unknown");
});

// ---- reconcile ----------------------------------------------------------------------------

/** An amount no other test of this run uses (reconcile matches kind, amount and currency). */
function uniqueAmount() {
  const cents = 1000 + Math.floor(Math.random() * 8000);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

test("reconcile: a transfer processed before its reply was lost is found, also from a stored fingerprint", async () => {
  const c = client();
  const user = await newUser(c);
  const amount = uniqueAmount();
  await control("faults", { kind: "process-then-drop", count: 1, operation: "transfers.create" });
  const e = await rejects(c.transfers.create({ destinationExternalUserId: user, amount, currency: "eur" }));
  isSdkError(e, NetworkError, "network");
  assert.equal(e.outcome, "unknown");
  assert.equal(e.retryable, false);
  assert.equal(e.fingerprint.operation, "transfers.create");
  assert.equal(e.fingerprint.amount, amount);
  assert.equal(e.fingerprint.destination, user);

  const found = await c.reconcile(e);
  assert.equal(found.result, "found");
  assert.equal(typeof found.id, "string");
  const details = await c.transfers.details(found.id);
  assert.equal(details.id, found.id);
  // The same amount (the sandbox may drop trailing zeros: compare as decimals).
  const cents = (a) => Math.round(Number(a) * 100);
  assert.equal(cents(details.amount), cents(amount));

  // A fingerprint kept as JSON (e.g. across a restart) gives the same answer.
  const stored = JSON.parse(JSON.stringify(e.fingerprint));
  assert.deepEqual(await c.reconcile(stored), found);
  // JSON.stringify(err) keeps it too (it is enumerable; rawBody is not).
  assert.deepEqual(JSON.parse(JSON.stringify(e)).fingerprint, stored);
});

test("reconcile: an accepted call whose reply could not be read is found", async () => {
  const c = client();
  const user = await newUser(c);
  const amount = uniqueAmount();
  await control("faults", { kind: "malformed", count: 1, operation: "transfers.create" });
  const e = await rejects(c.transfers.create({ destinationExternalUserId: user, amount, currency: "eur" }));
  isSdkError(e, DecodeError, "decode");
  assert.equal(e.outcome, "accepted");
  assert.equal(e.accepted, true);
  assert.ok([200, 201].includes(e.status));
  const r = await c.reconcile(e);
  assert.equal(r.result, "found");
});

test("reconcile: not_found at once when nothing happened; a ValidationError when it cannot say", async () => {
  const c = client();
  const v = await rejects(c.transfers.create({ destinationExternalUserId: "u", amount: "1.001", currency: "eur" }));
  assert.equal(v.outcome, "not_sent");
  assert.deepEqual(await c.reconcile(v), { result: "not_found" });
  const api = await rejects(c.users.balances(`nobody-${uid()}`));
  assert.deepEqual(await c.reconcile(api), { result: "not_found" });

  // Unknown, but a GET moves no money: there is no fingerprint to look for.
  await control("faults", { kind: "500", count: 1 });
  const g = await rejects(client({ maxRetries: 0 }).partner.balances());
  assert.equal(g.outcome, "unknown");
  assert.equal(g.fingerprint, null);
  const r = await rejects(c.reconcile(g));
  isSdkError(r, ValidationError, "validation");
  assert.equal(r.field, "error");
  assert.match(r.message, /fingerprint/);

  for (const bad of [undefined, null, "err", 42, {}, { outcome: "unknown", fingerprint: { operation: 1 } }]) {
    isSdkError(await rejects(c.reconcile(bad)), ValidationError, "validation");
  }
  // Orders and cards are not in the history: the answer says what to check instead.
  const cards = await c.reconcile({ operation: "cards.create", amount: null, currency: null, destination: null, externalUserId: "u", sentAtMs: Date.now() });
  assert.equal(cards.result, "cannot_tell");
  assert.match(cards.reason, /cards/);
});

// ---- panics and jitter ----------------------------------------------------------------------

const native = createRequire(import.meta.url)("../pkg/native/p100_wasm.js");

test("a panic inside the SDK is a P100Error of kind internal, thrown or rejected, and the module keeps working", async () => {
  // __p100Panic is a test hook: it panics on purpose, synchronously or inside a promise.
  for (let round = 0; round < 2; round++) {
    const e = throws(() => native.__p100Panic(false));
    assert.ok(e instanceof P100Error, `got ${e}`);
    assert.equal(e.constructor, P100Error);
    assert.equal(e.kind, "internal");
    assert.equal(e.outcome, "unknown");
    assert.equal(e.retryable, false);
    assert.match(e.message, /deliberate test panic/);
    assert.ok(!e.message.includes("4111 1111 1111 1111"), "the panic message is masked");
    assert.ok(e.cause instanceof WebAssembly.RuntimeError, "the trap is kept as the cause");

    const a = await rejects(native.__p100Panic(true));
    assert.ok(a instanceof P100Error);
    assert.equal(a.kind, "internal");
    assert.match(a.message, /deliberate test panic/);
  }
  // Other calls still work.
  const b = await client().partner.balances();
  assert.equal(typeof b.fiatBalances[0].amount, "string");
  const [x, y] = await Promise.all([client().partner.balances(), rejects(native.__p100Panic(true))]);
  assert.ok(x.fiatBalances.length > 0);
  assert.equal(y.kind, "internal");
});

test("the retry jitter is seeded per process, not a constant", async () => {
  const { execFileSync } = await import("node:child_process");
  const pkg = new URL("../pkg/native/p100_wasm.js", import.meta.url).pathname;
  const draw = () => execFileSync(process.execPath, ["-e",
    `const m = require(${JSON.stringify(pkg)}); console.log(JSON.stringify([m.__p100JitterSample(), m.__p100JitterSample()]))`,
  ]).toString().trim();
  const first = JSON.parse(draw());
  const second = JSON.parse(draw());
  // The default policy's 4th delay: 2 s plus up to 2 s of jitter.
  for (const ms of [...first, ...second]) assert.ok(ms >= 2000 && ms <= 4000, `${ms}`);
  assert.notDeepEqual(first, second, "two processes drew the same jitter");
  assert.notEqual(first[0], first[1]);
});

test("WebhookUnauthorizedError: missing or wrong token", () => {
  for (const header of [undefined, null, "", "nope", "Bearer nope"]) {
    const e = throws(() => p100.verifyWebhook(header, "whsec-token"));
    isSdkError(e, WebhookUnauthorizedError, "webhook_unauthorized");
    assert.equal(e.status, 401);
    assert.ok(!e.message.includes("whsec-token"));
  }
});

/** A fresh KYC user id, verified (euros move only for a verified user). */
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
  await verify(c, id);
  return id;
}
