// Outside review (stop 44) of the npm package as a product: each test shows a defect of the
// code before it. Starts its own servers on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";

import * as p100 from "../pkg/index.mjs";
import { sandboxStarter } from "./fixtures.mjs";

const sandbox = sandboxStarter();

/** A server that records each request's body and answers a SEPA transfer's reply. */
async function recorder() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c)).on("end", () => {
      bodies.push({ path: req.url, body: JSON.parse(Buffer.concat(chunks).toString() || "null") });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ transferId: `t${bodies.length}`, status: "PROCESSING" }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { bodies, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

// The arguments were read on the call's first poll, a microtask after it returned: a template
// object filled in a loop sent its last values three times (carol got 90 EUR, alice and bob
// nothing), and `req.amount = "999.00"` right after the call sent 999.00.
test("a request object changed after the call returned is not what is sent", async () => {
  const r = await recorder();
  try {
    const c = new p100.Client({ apiKey: "test-key-123", baseUrl: r.url, maxRetries: 0 });
    const req = { amount: "10.00", currency: "eur", destinationIban: "DE89370400440532013000", transferTitle: "first" };
    const calls = [];
    for (const [amount, title] of [["10.00", "alice"], ["20.00", "bob"], ["30.00", "carol"]]) {
      req.amount = amount;
      req.transferTitle = title;
      calls.push(c.sepa.partnerTransfer(req));
    }
    req.amount = "999.00";
    await Promise.all(calls);
    const sent = r.bodies.map((b) => [b.body.amount, b.body.transferTitle]).sort();
    assert.deepEqual(sent, [["10.00", "alice"], ["20.00", "bob"], ["30.00", "carol"]]);
    // The escape hatch too.
    const body = { amount: "1.00", currency: "eur", destinationIban: "DE89370400440532013000", transferTitle: "raw" };
    const call = c.request("POST", "/v1/partner/sepa-transfer", body);
    body.amount = "5000.00";
    await call;
    assert.equal(r.bodies.at(-1).body.amount, "1.00");
  } finally {
    await r.close();
  }
});

// `logger.info = async () => { throw ... }`: the call succeeded, then the rejected promise ended
// Node with an unhandled rejection.
test("a logger whose async method rejects does not end the process", async () => {
  const sb = await sandbox();
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on("unhandledRejection", onUnhandled);
  try {
    const fail = async () => {
      throw new Error("the log sink is down");
    };
    const c = sb.client({ logLevel: "debug", logger: { error: fail, warn: fail, info: fail, debug: fail } });
    const balances = await c.partner.balances();
    assert.ok(Array.isArray(balances.fiatBalances));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(unhandled, 0);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

// `ac.abort(new Error("shutting down"))`: the AbortError had no `cause`, and the reason (or
// AbortSignal.timeout's TimeoutError) was lost; fetch rejects with the reason itself.
test("an AbortError carries the signal's reason as its cause", async () => {
  const sb = await sandbox();
  const reason = new Error("shutting down");
  const before = new AbortController();
  before.abort(reason);
  const early = await sb.client({ maxRetries: 0 }).withOptions({ signal: before.signal }).partner.balances().then(
    () => assert.fail("not aborted"),
    (e) => e,
  );
  assert.ok(early instanceof p100.AbortError, String(early));
  assert.equal(early.cause, reason);
  // While the request is out (the sandbox holds the reply for 2 s).
  await sb.injectFault({ kind: "delay", delayMs: 2000, operation: "partner.balances" });
  const during = new AbortController();
  const call = sb.client({ maxRetries: 0 }).withOptions({ signal: during.signal }).partner.balances();
  setTimeout(() => during.abort(reason), 100);
  const late = await call.then(() => assert.fail("not aborted"), (e) => e);
  assert.ok(late instanceof p100.AbortError, String(late));
  assert.equal(late.cause, reason);
});
