// Outside review: aborting a money-moving call (withOptions({ signal })) never loses track of
// the money (bindings-wasm/README.md:154-170 and the AbortError row of the error table, :188).
// Each test compares what the sandbox ran (`sb.ops()`) with what the call reports: a call the
// sandbox ran must never be reported `not_sent`, never be sent twice, and its AbortError must
// carry the fingerprint that `reconcile` needs.
//
// Starts its own sandboxes with p100/testing on 127.0.0.1 (binary: P100_SANDBOX_BINARY, else
// P100_SANDBOX_BIN, else $CARGO_TARGET_DIR/release/p100-sandbox); needs no sandbox from test.sh.
// Moments of abort come from the sandbox's faults (delay, slow-body) and from waiting until the
// sandbox has taken the queued fault (the request arrived), or from the client's own log records
// (called synchronously by the core at "sending" and "succeeded"), not from fixed timers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";

import * as p100 from "../pkg/index.mjs";
import { Sandbox } from "../pkg/testing.mjs";
import { holds, rejection, sandboxBinary, verifiedCardUser } from "./fixtures.mjs";

const { Client, AbortError, P100Error } = p100;

const binary = sandboxBinary;

const OP = "transfers.create";
const started = [];
after(async () => {
  for (const s of started) await s.stop();
});

const rnd = () => Math.random().toString(16).slice(2, 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A sandbox of its own (so `ops()` counts this test only), a funded partner and a user. */
async function world({ settleMs = 100 } = {}) {
  const sb = await Sandbox.start({ binary, settleMs });
  started.push(sb);
  const c = sb.client({ maxRetries: 0, timeoutMs: 10_000 });
  const uid = `rc-${rnd()}`;
  await c.users.createWithoutKyc({
    externalUserId: uid,
    email: `${uid}@example.com`,
    firstName: "Anna",
    lastName: "Nowak",
    address: "ul. Prosta 1",
    city: "Warszawa",
    country: "PL",
  });
  await sb.fund({ currency: "usdc", amount: "100000.000000" });
  const base = await sb.ops();
  const ran = async (op = OP) => ((await sb.ops())[op] ?? 0) - (base[op] ?? 0);
  const faultsLeft = async () =>
    (await sb.control("GET", "faults")).faults.reduce((n, f) => n + f.remaining, 0);
  const arrived = async () => {
    for (let i = 0; i < 1000 && (await faultsLeft()) > 0; i++) await sleep(10);
    assert.equal(await faultsLeft(), 0, "the requests never reached the sandbox");
  };
  // Until the sandbox has run `n` calls (under `slow-body` it then sends each reply's head at
  // once: the outcome of an abort after that is "accepted", not "unknown").
  const processed = async (n, op = OP) => {
    for (let i = 0; i < 1000 && (await ran(op)) < n; i++) await sleep(10);
    assert.equal(await ran(op), n, "the sandbox did not run every call");
  };
  const transfer = (amount) => ({ destinationExternalUserId: uid, amount, currency: "usdc" });
  return { sb, c, uid, ran, arrived, processed, transfer };
}

function isKeptUnknown(e, amount) {
  isKept(e, amount, "unknown");
}

function isKept(e, amount, outcome) {
  assert.ok(e instanceof AbortError, inspect(e));
  assert.equal(e.name, "AbortError");
  assert.equal(e.outcome, outcome, inspect(e));
  assert.equal(e.operation, OP);
  assert.ok(e.fingerprint, "no fingerprint to reconcile with");
  assert.equal(Number(e.fingerprint.amount), Number(amount));
}

// ---- 5. a signal already aborted; each moment of a call ---------------------------------------

test("an already-aborted signal: not_sent, and the sandbox ran nothing", async () => {
  const w = await world();
  const e = await rejection(w.c.withOptions({ signal: AbortSignal.abort() }).transfers.create(w.transfer("1.01")));
  assert.ok(e instanceof AbortError);
  assert.equal(e.outcome, "not_sent");
  await sleep(200);
  assert.equal(await w.ran(), 0);
});

test("aborted while the reply is delayed: unknown with a fingerprint; reconcile agrees with the sandbox", async () => {
  const w = await world();
  await w.sb.injectFault({ kind: "delay", delayMs: 1500, operation: OP });
  const ac = new AbortController();
  const call = w.c.withOptions({ signal: ac.signal }).transfers.create(w.transfer("2.02"));
  await w.arrived();
  ac.abort();
  const e = await rejection(call);
  isKeptUnknown(e, "2.02");
  await sleep(1600); // whatever the sandbox does with it, it has done now
  const ran = await w.ran();
  const found = await w.c.reconcile(e);
  assert.equal(found.result, ran ? "found" : "not_found", `ran ${ran}, ${JSON.stringify(found)}`);
});

test("aborted while the body trickles (the handler ran, its 2xx status came): accepted, reconcile finds it", async () => {
  const w = await world();
  await w.sb.injectFault({ kind: "slow-body", delayMs: 3000, operation: OP });
  const ac = new AbortController();
  const call = w.c.withOptions({ signal: ac.signal }).transfers.create(w.transfer("3.03"));
  await w.arrived();
  await sleep(200);
  ac.abort();
  const e = await rejection(call);
  isKept(e, "3.03", "accepted");
  assert.equal(e.status, 201);
  assert.equal(e.fingerprint.accepted, true);
  assert.equal(await w.ran(), 1);
  assert.equal((await w.c.reconcile(e)).result, "found");
});

test("aborted at the instant the request is being sent (from the 'sending' log record): nothing ran, never reported as happened", async () => {
  const w = await world();
  const ac = new AbortController();
  const logger = {
    debug: (_m, f) => {
      if (f.outcome === "sending") ac.abort();
    },
    info() {},
    warn() {},
    error() {},
  };
  const c = new Client({ apiKey: w.sb.apiKey, baseUrl: w.sb.url, maxRetries: 0, logLevel: "debug", logger });
  const e = await rejection(c.withOptions({ signal: ac.signal }).transfers.create(w.transfer("4.04")));
  assert.ok(e instanceof AbortError, inspect(e));
  await sleep(300);
  const ran = await w.ran();
  assert.equal(ran, 0);
  // Nothing of the attempt had left: proven not sent (it was "unknown" before the core checked
  // the signal again after the "sending" record).
  assert.equal(e.outcome, "not_sent", inspect(e));
});

test("aborted at the instant the reply arrived (from the 'succeeded' log record): the call resolves with its result", async () => {
  const w = await world();
  const ac = new AbortController();
  const logger = {
    info: (_m, f) => {
      if (f.outcome === "succeeded") ac.abort();
    },
    debug() {},
    warn() {},
    error() {},
  };
  const c = new Client({ apiKey: w.sb.apiKey, baseUrl: w.sb.url, maxRetries: 0, logLevel: "info", logger });
  let result, error;
  try {
    result = await c.withOptions({ signal: ac.signal }).transfers.create(w.transfer("5.05"));
  } catch (e) {
    error = e;
  }
  assert.equal(await w.ran(), 1);
  if (error) {
    assert.ok(["unknown", "accepted"].includes(error.outcome), `ran, reported ${inspect(error)}`);
    assert.ok(error.fingerprint);
  } else {
    assert.ok(result.transferId);
  }
});

test("a signal aborted after success changes nothing; the same options then send nothing", async () => {
  const w = await world();
  const ac = new AbortController();
  const scoped = w.c.withOptions({ signal: ac.signal });
  const r = await scoped.transfers.create(w.transfer("6.06"));
  assert.ok(r.transferId);
  ac.abort();
  await sleep(50);
  assert.equal((await w.c.transfers.details(r.transferId)).id ?? r.transferId, r.transferId);
  const e = await rejection(scoped.transfers.create(w.transfer("6.07")));
  assert.ok(e instanceof AbortError);
  assert.equal(e.outcome, "not_sent");
  await sleep(200);
  assert.equal(await w.ran(), 1);
});

test("aborted while waiting to retry a 429: not_sent, nothing ran, no retry leaves later", async () => {
  const w = await world();
  await w.sb.injectFault({ kind: 429, retryAfter: 2, operation: OP });
  const ac = new AbortController();
  const c = new Client({ apiKey: w.sb.apiKey, baseUrl: w.sb.url, maxRetries: 2 });
  const call = c.withOptions({ signal: ac.signal }).transfers.create(w.transfer("7.07"));
  await w.arrived();
  await sleep(300);
  ac.abort();
  const e = await rejection(call);
  assert.ok(e instanceof AbortError);
  assert.equal(e.outcome, "not_sent");
  await sleep(2500);
  assert.equal(await w.ran(), 0);
});

for (const kind of ["process-then-drop", "cut-body", "malformed", "drop", 500, 503, "p500", "499", "delay"]) {
  test(`a money call with retries allowed is never sent twice (${kind}); if it ran, it is not reported as not_sent/rejected`, async () => {
    const w = await world();
    await w.sb.injectFault({ kind, operation: OP, ...(kind === "delay" ? { delayMs: 1500 } : {}) });
    const c = new Client({ apiKey: w.sb.apiKey, baseUrl: w.sb.url, maxRetries: 3, timeoutMs: 500, retryInitialDelayMs: 10 });
    let outcome = "ok";
    try {
      await c.transfers.create(w.transfer("8.08"));
    } catch (e) {
      outcome = e.outcome;
    }
    await sleep(kind === "delay" ? 1600 : 100);
    const ran = await w.ran();
    assert.ok(ran <= 1, `sent ${ran} times`);
    if (ran) assert.ok(["ok", "unknown", "accepted"].includes(outcome), `ran, reported ${outcome}`);
  });
}

test("aborting a waitFor (during a poll and between polls) stops it and does not say the operation never happened", async () => {
  const w = await world({ settleMs: 3_600_000 });
  const { transferId } = await w.c.transfers.create(w.transfer("9.09"));
  // Between polls.
  const ac = new AbortController();
  const waiting = w.c.withOptions({ signal: ac.signal }).transfers.waitFor(transferId, { timeoutMs: 60_000, intervalMs: 500 });
  await sleep(200);
  const t0 = Date.now();
  ac.abort();
  const e = await rejection(waiting);
  assert.ok(Date.now() - t0 < 1000, "the abort did not stop the wait");
  assert.ok(e instanceof AbortError, inspect(e));
  assert.ok(!["not_sent", "rejected"].includes(e.outcome), `the accepted transfer reported ${e.outcome}`);
  assert.equal(e.outcome, "accepted", "README: an aborted waitFor is accepted (the transfer exists)");
  // During a poll (its details reply delayed).
  await w.sb.injectFault({ kind: "delay", delayMs: 3000, operation: "transfers.details" });
  const ac2 = new AbortController();
  const waiting2 = w.c.withOptions({ signal: ac2.signal }).transfers.waitFor(transferId, { timeoutMs: 60_000, intervalMs: 50 });
  await w.arrived();
  const t1 = Date.now();
  ac2.abort();
  const e2 = await rejection(waiting2);
  assert.ok(Date.now() - t1 < 1000, "the abort did not stop the wait");
  assert.ok(e2 instanceof AbortError, inspect(e2));
  assert.ok(!["not_sent", "rejected"].includes(e2.outcome), `the accepted transfer reported ${e2.outcome}`);
  assert.equal(e2.outcome, "accepted");
  assert.equal(await w.ran(), 1);
});

// ---- 2. many calls, one controller -------------------------------------------------------------

const N = 20;
const amounts = Array.from({ length: N }, (_, i) => `10.${String(i + 1).padStart(2, "0")}`);

for (const kind of ["delay", "slow-body"]) {
  // Aborted before any reply (`delay`): unknown; after the 2xx status came (`slow-body`):
  // accepted.
  const outcome = kind === "delay" ? "unknown" : "accepted";
  test(`${N} money calls on one AbortController (${kind}): every one rejects ${outcome} with its fingerprint; reconcile matches what ran`, async () => {
    const w = await world();
    await w.sb.injectFault({ kind, count: N, delayMs: 1500, operation: OP });
    const ac = new AbortController();
    const scoped = w.c.withOptions({ signal: ac.signal });
    const calls = amounts.map((a) => scoped.transfers.create(w.transfer(a)));
    await w.arrived();
    if (kind === "slow-body") await w.processed(N);
    await sleep(200);
    ac.abort();
    const settled = await Promise.allSettled(calls);
    await sleep(1600);
    const ran = await w.ran();
    if (kind === "slow-body") assert.equal(ran, N);
    const errors = settled.map((s) => s.reason);
    for (const e of errors) assert.ok(e instanceof AbortError && e.outcome === outcome, inspect(e));
    assert.deepEqual(errors.map((e) => Number(e.fingerprint.amount)).sort((a, b) => a - b), amounts.map(Number));
    const found = [];
    for (const e of errors) found.push((await w.c.reconcile(e)).result);
    assert.equal(found.filter((r) => r === "found").length, ran, JSON.stringify(found));
  });
}

test("Promise.all on one AbortController: the rejection the caller sees carries the outcome, and no call was reported not_sent after it ran", async () => {
  const w = await world();
  await w.sb.injectFault({ kind: "slow-body", count: 5, delayMs: 3000, operation: OP });
  const ac = new AbortController();
  const scoped = w.c.withOptions({ signal: ac.signal });
  const calls = amounts.slice(0, 5).map((a) => scoped.transfers.create(w.transfer(a)));
  const seenLater = Promise.allSettled(calls);
  await w.arrived();
  await w.processed(5);
  await sleep(200);
  ac.abort();
  const e = await rejection(Promise.all(calls));
  // Aborted after their 2xx status came: accepted (it happened).
  assert.ok(e instanceof AbortError && e.outcome === "accepted" && e.fingerprint, inspect(e));
  const all = await seenLater;
  assert.equal(await w.ran(), 5);
  assert.ok(all.every((s) => s.status === "rejected" && s.reason.outcome === "accepted"));
});

// ---- 4. secrets in what an aborted card call leaves ------------------------------------------

test("a card call aborted mid-reply: no PIN, PAN, CVV or API key in the AbortError, its rawBody, inspect, JSON or the log", async () => {
  const w = await world();
  const externalUserId = await verifiedCardUser(w.c, w.sb, "rcc");
  const PIN = "7391";
  const lines = [];
  const rec = (level) => (m, f) => lines.push(`${level} ${m} ${JSON.stringify(f)}`);
  const logger = { debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error") };
  const c = new Client({ apiKey: w.sb.apiKey, baseUrl: w.sb.url, maxRetries: 0, logLevel: "debug", logger });
  await w.sb.injectFault({ kind: "slow-body", delayMs: 3000, operation: "cards.create" });
  const ac = new AbortController();
  const call = c.withOptions({ signal: ac.signal }).cards.create({ externalUserId, label: "Review", pin: PIN });
  await w.arrived();
  await sleep(300); // part of the body (with the card number) has arrived
  ac.abort();
  const e = await rejection(call);
  assert.ok(e instanceof AbortError && e.outcome === "accepted", inspect(e));
  assert.equal(await w.ran("cards.create"), 1);
  const { cards } = await w.c.cards.list(externalUserId);
  const card = await w.c.cards.details(externalUserId, cards[cards.length - 1].cardId);
  const text = [
    e.message,
    String(e),
    e.stack,
    inspect(e, { showHidden: true, depth: 10 }),
    JSON.stringify(e),
    String(e.rawBody ?? ""),
    JSON.stringify(e.fingerprint),
    lines.join("\n"),
  ].join("\n");
  for (const secret of [card.cardNumber, card.cardNumber.slice(-8), PIN, w.sb.apiKey]) {
    assert.ok(!holds(text, secret), `${secret} in ${text}`);
  }
  assert.ok(!text.includes(`"${card.cvv}"`), `cvv in ${text}`);
});
