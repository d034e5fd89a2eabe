// Per-call options: `withOptions({ headers })` adds headers to each call of the derived client
// (the parent is unchanged); the headers the client owns are refused with the field named; the
// User-Agent names the SDK, Node and the platform.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Client, ValidationError, version } from "p100";
import { Sandbox } from "p100/testing";

test("extra headers per call; owned headers refused; the User-Agent", async () => {
  const sb = await Sandbox.start();
  try {
    const c = new Client({ apiKey: sb.apiKey, baseUrl: sb.url });
    await c.withOptions({ headers: { "X-Correlation-Id": "job-42" } }).partner.balances();
    await c.partner.balances();
    for (const name of ["x-api-key", "Authorization", "user-agent"]) {
      assert.throws(
        () => c.withOptions({ headers: { [name]: "override-x9" } }),
        (e) => e instanceof ValidationError && e.field === `headers.${name.toLowerCase()}` && !e.message.includes("override-x9"),
      );
    }
    const { requests } = await sb.control("GET", "requests");
    const [first, second] = requests.slice(-2).map((r) => r.headers);
    assert.equal(first["x-correlation-id"], "job-42");
    assert.equal(second["x-correlation-id"], undefined);
    assert.equal(
      first["user-agent"],
      `p100-sdk/${version()} (node ${process.versions.node}; ${process.platform} ${process.arch})`,
    );
  } finally {
    await sb.stop();
  }
});

test("recording(): the metadata of the last successful call", async () => {
  const sb = await Sandbox.start();
  try {
    const c = new Client({ apiKey: sb.apiKey, baseUrl: sb.url, retryInitialDelayMs: 10 });
    assert.equal(c.lastResponse, undefined);
    await sb.injectFault({ kind: "429", retryAfter: 0 });
    const rec = c.recording();
    assert.equal(rec.lastResponse, undefined);
    await rec.partner.balances();
    const info = rec.lastResponse;
    assert.deepEqual([info.status, info.attempts], [200, 2]);
    assert.equal(typeof info.requestId, "string");
    assert.equal(info.headers["x-request-id"], info.requestId);
    assert.ok(info.elapsedMs > 0);
    assert.equal(c.lastResponse, undefined, "the parent does not record");
    const { requests } = await sb.control("GET", "requests");
    assert.equal(requests.at(-1).requestId, info.requestId);
  } finally {
    await sb.stop();
  }
});
