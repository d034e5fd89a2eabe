// Outside review (stop 50): each test shows one defect of the code before it.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Client } from "p100";
import { sandboxStarter } from "./fixtures.mjs";

const newSandbox = sandboxStarter();

// A month of history over 16 MiB could not be read, so neither could `reconcile` for it, and
// only Rust could raise the limit. `maxResponseBytes` is a client option now, with the bounds
// of every language.
test("maxResponseBytes is the longest reply read, and is checked", async () => {
  const sb = await newSandbox();
  const small = sb.client({ maxResponseBytes: 64, maxRetries: 0 });
  const e = await small.partner.balances().then(
    () => assert.fail("a reply over 64 bytes should fail"),
    (err) => err,
  );
  assert.equal(e.kind, "decode", `${e}`);
  assert.match(e.message, /larger than the limit of 64 bytes/);
  const roomy = sb.client({ maxResponseBytes: 64 << 20 });
  assert.ok((await roomy.partner.balances()).fiatBalances.length > 0);
  for (const bad of [0, -1, 2 ** 30 + 1, 1.5, "1"]) {
    assert.throws(
      () => new Client({ apiKey: sb.apiKey, baseUrl: sb.url, maxResponseBytes: bad }),
      (err) => err.kind === "config" && err.field === "maxResponseBytes",
      String(bad),
    );
  }
});
