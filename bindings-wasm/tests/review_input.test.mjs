// Outside review (stop 40) of bad input in the npm package: each test shows a defect of the code
// before it. Starts its own sandbox with p100/testing on 127.0.0.1 (see review_cancel.test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";

import * as p100 from "../pkg/index.mjs";
import { rejection, sandboxStarter } from "./fixtures.mjs";

const { ValidationError } = p100;

const sandbox = sandboxStarter();

const withdrawal = (walletAddress) => ({
  currency: "eth",
  amount: "0.01",
  walletAddress,
  name: "Jan",
  walletType: "CUSTODIAL",
  receiverType: "NATURAL",
});

// A lone UTF-16 surrogate was replaced by U+FFFD and the changed text sent: a withdrawal went to
// another address than the caller's. It is refused naming the field, before anything is sent.
test("a text with a lone surrogate is refused naming its field, nothing is sent", async () => {
  const sb = await sandbox();
  await sb.fund({ currency: "eth", amount: "1" });
  const c = sb.client({ maxRetries: 0 });
  const before = (await sb.ops())["crypto.partner_withdrawal"] ?? 0;
  const address = "0x52908400098527886E0F7030069857D2E4169EE";
  for (const bad of [`${address}\uD800`, `\uDC00${address}`]) {
    const e = await rejection(c.crypto.partnerWithdrawal(withdrawal(bad)));
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.field, "walletAddress");
    assert.equal(e.outcome, "not_sent");
    assert.match(e.message, /lone UTF-16 surrogate/);
  }
  // The same in an id argument.
  const e = await rejection(c.sepa.details("tr-\uD800"));
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(e.outcome, "not_sent");
  assert.equal(((await sb.ops())["crypto.partner_withdrawal"] ?? 0) - before, 0);
});

// A getter of the caller's that throws ran its exception through the module, which then said
// the call was perhaps sent (outcome unknown), with the caller's error text in the message.
test("an input whose getter or Proxy trap throws is bad input, outcome not_sent", async () => {
  const sb = await sandbox();
  const c = sb.client({ maxRetries: 0 });
  const before = (await sb.ops())["sepa.partner_transfer"] ?? 0;
  const base = {
    currency: "eur",
    destinationIban: "DE89370400440532013000",
    transferTitle: "getter",
  };
  const getter = { ...base };
  Object.defineProperty(getter, "amount", {
    get() {
      throw new Error("boom-4821");
    },
    enumerable: true,
  });
  const trap = new Proxy(
    { ...base, amount: "1.00" },
    {
      ownKeys() {
        throw new Error("boom-4821");
      },
    },
  );
  const list = new Proxy([], {
    get() {
      throw new Error("boom-4821");
    },
  });
  for (const input of [getter, trap]) {
    const e = await rejection(c.sepa.partnerTransfer(input));
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.outcome, "not_sent");
    assert.equal(typeof e.field, "string");
    assert.match(e.message, /getters/);
    assert.doesNotMatch(e.message, /boom-4821/);
  }
  const e = await rejection(c.request("POST", "/v1/partner/balances", { items: list }));
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(e.outcome, "not_sent");
  assert.equal(((await sb.ops())["sepa.partner_transfer"] ?? 0) - before, 0);
  // The client still works.
  assert.ok(await c.partner.balances());
});
