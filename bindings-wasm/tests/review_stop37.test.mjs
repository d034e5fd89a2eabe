// Outside review (stop 37) of the npm package: each test shows a defect of the code before it.
// Starts its own sandbox with p100/testing on 127.0.0.1 (see review_cancel.test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";

import * as p100 from "../pkg/index.mjs";
import { rejection, sandboxStarter } from "./fixtures.mjs";

const { ConfigError, ValidationError, P100Error } = p100;

const sandbox = sandboxStarter();

// A `{ signal }` given to a call (as to fetch) was ignored, and the transfer went out although
// the signal had fired. More arguments than the operation takes are refused before sending.
test("a call refuses arguments it does not take, before anything is sent", async () => {
  const sb = await sandbox();
  await sb.fund({ currency: "eur", amount: "1000.00" });
  const c = sb.client({ maxRetries: 0 });
  const before = (await sb.ops())["sepa.partner_transfer"] ?? 0;
  const transfer = {
    amount: "10.00",
    currency: "eur",
    destinationIban: "DE89370400440532013000",
    transferTitle: "extra argument",
  };
  const e = await rejection(c.sepa.partnerTransfer(transfer, { signal: AbortSignal.abort() }));
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(e.field, "arguments");
  assert.equal(e.outcome, "not_sent");
  assert.match(e.message, /withOptions/);
  const ids = await rejection(c.sepa.details("some-id", "extra"));
  assert.ok(ids instanceof ValidationError && ids.field === "arguments", String(ids));
  const wait = await rejection(c.sepa.waitFor("some-id", {}, "extra"));
  assert.ok(wait instanceof ValidationError && wait.field === "arguments", String(wait));
  assert.equal(wait.outcome, "accepted", "a wait names an operation that was accepted");
  assert.equal((await sb.ops())["sepa.partner_transfer"] ?? 0, before, "a transfer was sent");
  // Trailing undefined is no argument: optional queries stay optional.
  assert.ok((await c.partner.balances(undefined)).fiatBalances);
});

// withOptions({ signal }) put a listener on the signal that nothing removed: one long-lived
// signal (a server's shutdown signal) given per request kept a listener per client for ever;
// then (stop 41) one per client until garbage collection freed it: Node warned
// MaxListenersExceededWarning after 11 requests. Now only a call in flight listens.
test("withOptions({ signal }): only calls in flight listen to the signal", async () => {
  const sb = await sandbox();
  const c = sb.client();
  const shutdown = new AbortController();
  for (let i = 0; i < 20; i++) {
    const per = c.withOptions({ signal: shutdown.signal }); // left to the garbage collector
    const rec = per.recording();
    await rec.partner.balances();
    await per.partner.balances();
    assert.equal(getEventListeners(shutdown.signal, "abort").length, 0, "no call is out");
  }
  // Calls out at once, each through its own withOptions, share one listener (Node warns at 11
  // listeners on one signal).
  await sb.injectFault({ kind: "delay", count: 15, delayMs: 400 });
  const many = Array.from({ length: 15 }, () => c.withOptions({ signal: shutdown.signal }).partner.balances());
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(getEventListeners(shutdown.signal, "abort").length, 1, "one for all the calls out");
  await Promise.all(many);
  assert.equal(getEventListeners(shutdown.signal, "abort").length, 0, "none once they ended");
  // A call still out holds one until it ends: the abort still reaches it.
  await sb.injectFault({ kind: "delay", count: 1, delayMs: 5000 });
  const temp = c.withOptions({ signal: shutdown.signal, timeoutMs: 30_000 });
  const call = temp.partner.balances();
  temp.free();
  assert.equal(getEventListeners(shutdown.signal, "abort").length, 1, "held by the call");
  shutdown.abort();
  const e = await rejection(call);
  assert.ok(e instanceof p100.AbortError, String(e));
  assert.equal(getEventListeners(shutdown.signal, "abort").length, 0);
  // Once the signal fired, a call of a client that follows it stops before anything is sent.
  const late = await rejection(c.withOptions({ signal: shutdown.signal }).partner.balances());
  assert.ok(late instanceof p100.AbortError, String(late));
  assert.equal(late.outcome, "not_sent");
});

// A freed client threw wasm-bindgen's plain Error ("null pointer passed to rust"), not a
// P100Error with an outcome.
test("a freed client is a ConfigError with outcome not_sent", async () => {
  const sb = await sandbox();
  const c = sb.client();
  c.free();
  for (const call of [
    () => c.partner.balances(),
    () => c.request("GET", "/v1/partner/balances"),
    () => c.reconcile({ outcome: "not_sent" }),
  ]) {
    const e = await rejection(call());
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.outcome, "not_sent");
  }
  assert.throws(() => c.withOptions({}), (e) => e instanceof P100Error && e.kind === "config");
  assert.throws(() => c.recording(), ConfigError);
});

// The escape hatch reached paths outside /v1/ with the API key (`/v1/../_sandbox/ops`).
test("request() stays under /v1/", async () => {
  const sb = await sandbox();
  const c = sb.client();
  for (const path of ["/v1/../_sandbox/ops", "/v1/%2e%2e/_sandbox/ops", "/_sandbox/ops"]) {
    const e = await rejection(c.request("GET", path));
    assert.ok(e instanceof ValidationError, `${path}: ${e}`);
    assert.equal(e.field, "path");
  }
});
