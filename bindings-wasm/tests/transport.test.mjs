// The HTTP exchange against misbehaving loopback peers: the package's own undici agent (an
// application's global dispatcher never redirects or retries its calls) and its connect timeout.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";

import { p100 } from "./helpers.mjs";
import { unresponsive } from "./peers.mjs";

const undici = createRequire(import.meta.url)("undici");

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` }),
    );
  });
}

function record(hits, answer) {
  return (req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      hits.push({ method: req.method, url: req.url, key: req.headers["x-api-key"], body });
      answer(res);
    });
  };
}

const transfer = (c) =>
  c.transfers.create({ destinationExternalUserId: "u1", amount: "1.00", currency: "eur" });

test("a global dispatcher that follows redirects or retries is not used", async (t) => {
  const before = undici.getGlobalDispatcher();
  t.after(() => undici.setGlobalDispatcher(before));
  const elsewhere = [];
  const other = await listen(record(elsewhere, (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"transferId":"t-other"}');
  }));
  const api = [];
  let status = 307;
  const server = await listen(record(api, (res) => {
    res.writeHead(status, status === 307 ? { location: `${other.url}/steal` } : {});
    res.end();
  }));
  t.after(() => {
    server.server.close();
    other.server.close();
  });

  // A redirect: not followed, so neither the key nor the transfer reach the other host.
  undici.setGlobalDispatcher(
    new undici.Agent().compose(undici.interceptors.redirect({ maxRedirections: 2 })),
  );
  const c = new p100.Client({ apiKey: "secret-key-123", baseUrl: server.url, maxRetries: 0 });
  const e = await transfer(c).then(() => assert.fail("a 307 is not a success"), (e) => e);
  assert.equal(e.status, 307);
  assert.equal(e.outcome, "unknown"); // a 3xx after a write may be the server's "done"
  assert.equal(elsewhere.length, 0, JSON.stringify(elsewhere));
  assert.equal(api.length, 1);

  // A retrying dispatcher: a money call with maxRetries 0 is sent once.
  status = 503;
  undici.setGlobalDispatcher(
    new undici.RetryAgent(new undici.Agent(), { minTimeout: 10, maxTimeout: 20, timeoutFactor: 1 }),
  );
  const d = await c.request("DELETE", "/v1/partner/something/1").then(
    () => assert.fail("a 503 is not a success"),
    (e) => e,
  );
  assert.equal(d.status, 503);
  assert.equal(api.length, 2, "the DELETE was sent exactly once");
});


test("connectTimeoutMs bounds connecting, and a connect that timed out sent nothing", async (t) => {
  const url = await unresponsive(t);
  const c = new p100.Client({ apiKey: "k-123456", baseUrl: url, maxRetries: 0, timeoutMs: 20_000, connectTimeoutMs: 300 });
  const started = Date.now();
  const e = await transfer(c).then(() => assert.fail("nothing answers"), (e) => e);
  const took = Date.now() - started;
  assert.equal(e.outcome, "not_sent", `${e.name}: ${e.message}`);
  assert.ok(took < 5_000, `took ${took} ms`);
});

test("timeoutMs bounds an attempt that is still connecting", async (t) => {
  const url = await unresponsive(t);
  // A connect timeout longer than the attempt's: the deadline ends the attempt while connecting.
  const c = new p100.Client({ apiKey: "k-123456", baseUrl: url, maxRetries: 0, timeoutMs: 400, connectTimeoutMs: 3_000 });
  const started = Date.now();
  const e = await transfer(c).then(() => assert.fail("nothing answers"), (e) => e);
  const took = Date.now() - started;
  assert.equal(e.kind, "timeout", `${e.name}: ${e.message}`);
  assert.ok(took < 2_000, `took ${took} ms (the connect timeout is 3 s)`);
});

test("the default connect timeout (3/4 of a short timeoutMs) fires first: not_sent", async (t) => {
  const url = await unresponsive(t);
  const c = new p100.Client({ apiKey: "k-123456", baseUrl: url, maxRetries: 0, timeoutMs: 400 });
  const e = await transfer(c).then(() => assert.fail("nothing answers"), (e) => e);
  assert.equal(e.outcome, "not_sent", `${e.name}: ${e.message}`);
});
