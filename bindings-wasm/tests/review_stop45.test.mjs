// Outside review (stop 45) of the client's outcomes: a money call aborted after P100's 2xx
// status arrived, while its body was still coming, happened. Starts its own server on
// 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";

import * as p100 from "../pkg/index.mjs";

/** A raw server that answers every request with `head` and never finishes the body. */
async function stalling(head) {
  const sockets = new Set();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => {
      requests += 1;
      socket.write(head);
    });
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: () => requests,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const transfer = { amount: "25.00", currency: "eur", destinationIban: "DE89370400440532013000", transferTitle: "Invoice" };

async function abortedAfterHead(head) {
  const server = await stalling(head);
  try {
    const ac = new AbortController();
    const c = new p100.Client({ apiKey: "test-key-123", baseUrl: server.url, timeoutMs: 10000 });
    setTimeout(() => ac.abort(), 600);
    const e = await c.withOptions({ signal: ac.signal }).sepa.partnerTransfer(transfer).then(
      () => assert.fail("the call finished"),
      (e) => e,
    );
    assert.equal(server.requests(), 1);
    return e;
  } finally {
    await server.close();
  }
}

// It was "unknown", and reconcile could answer "not found" (send it again) for a transfer P100
// answered 201 to.
test("a write aborted after its 2xx head arrived is accepted, with its status", async () => {
  const e = await abortedAfterHead(
    "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 40\r\nx-request-id: rq-9\r\n\r\n{\"transferId\":\"t-",
  );
  assert.equal(e.name, "AbortError");
  assert.equal(e.outcome, "accepted", e.message);
  assert.equal(e.status, 201);
  assert.equal(e.requestId, "rq-9");
  assert.equal(e.fingerprint?.accepted, true);
});

test("a write aborted after a 400 head (its body may be a P500) stays unknown", async () => {
  const e = await abortedAfterHead("HTTP/1.1 400 Bad Request\r\ncontent-length: 40\r\n\r\n{\"err");
  assert.equal(e.outcome, "unknown", e.message);
  assert.equal(e.status, 400);
});

// A second free() threw a plain Error (outside review, stop 44): an explicit free() inside a
// `using` block failed at the block's end.
test("free() twice, or free() then dispose, does nothing the second time", async () => {
  const c = new p100.Client({ apiKey: "test-key-123", baseUrl: "http://127.0.0.1:9" });
  c.free();
  c.free();
  if (Symbol.dispose) c[Symbol.dispose]();
  await assert.rejects(c.partner.balances(), (e) => e instanceof p100.ConfigError && e.outcome === "not_sent");
  const v = new p100.WebhookVerifier("a-webhook-token-123");
  v.free();
  v.free();
});
