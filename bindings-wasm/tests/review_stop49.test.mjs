// Outside review of the npm package (stop 49): each test shows one defect of the code before it.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Client } from "p100";
import { sandboxStarter } from "./fixtures.mjs";

const newSandbox = sandboxStarter();

/** Blocks the event loop for `ms` (an app's synchronous work). */
function busy(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

// A money call waits two event-loop turns before it is dispatched. A deadline that passed
// during them rejected a promise nothing listened to yet: Node ended the process (unhandled
// rejection), and every call in flight lost its outcome. The call now fails `not_sent` (it
// never left), the process lives on, and the sandbox ran nothing.
test("a deadline that passes before a money call is dispatched is not_sent, not a crash", async () => {
  const sb = await newSandbox();
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const c = sb.client({ maxRetries: 0, timeoutMs: 50 });
    const before = (await sb.ops())["sepa.partner_transfer"] ?? 0;
    const call = c.sepa.partnerTransfer({
      amount: "1.00",
      currency: "eur",
      destinationIban: "DE89370400440532013000",
      transferTitle: "deadline first",
    });
    setImmediate(() => busy(200));
    const e = await call.then(
      () => assert.fail("the call should fail"),
      (err) => err,
    );
    assert.equal(e.outcome, "not_sent", `${e}`);
    assert.match(e.message, /deadline passed before the request was sent/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(unhandled, []);
    assert.equal((await sb.ops())["sepa.partner_transfer"] ?? 0, before, "the sandbox ran it");
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

// `Client.fromEnv(env)` read P100_LOG from `process.env` whatever `env` said.
test("Client.fromEnv(env) takes P100_LOG from env", async () => {
  const sb = await newSandbox();
  const saved = process.env.P100_LOG;
  const info = console.info;
  const lines = [];
  delete process.env.P100_LOG;
  console.info = (message, fields) => lines.push([message, fields?.operation]);
  try {
    const env = { P100_API_KEY: sb.apiKey, P100_BASE_URL: sb.url, P100_LOG: "info" };
    await Client.fromEnv(env).partner.balances();
    assert.deepEqual(lines.map((l) => l[1]), ["partner.balances"], JSON.stringify(lines));
    lines.length = 0;
    await Client.fromEnv({ P100_API_KEY: sb.apiKey, P100_BASE_URL: sb.url }).partner.balances();
    assert.deepEqual(lines, []);
  } finally {
    console.info = info;
    if (saved === undefined) delete process.env.P100_LOG;
    else process.env.P100_LOG = saved;
  }
});
