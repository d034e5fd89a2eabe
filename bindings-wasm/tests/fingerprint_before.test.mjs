// `fingerprintOf(operation, request)`: a money call's fingerprint taken before the call is sent,
// stored first, so that a process that dies while the call is out can still reconcile it. Starts
// its own sandbox (p100/testing, 127.0.0.1).
import { test } from "node:test";
import assert from "node:assert/strict";

import { fingerprintOf, ValidationError } from "../pkg/index.mjs";
import { plainUser, rejection, sandboxStarter } from "./fixtures.mjs";

const startSandbox = sandboxStarter();
const FAST = { maxRetries: 0, timeoutMs: 5000 };

test("stored before sending: equal to the unknown error's fingerprint, and it finds the call", async () => {
  const sb = await startSandbox();
  const c = sb.client(FAST);
  const user = await plainUser(c, "fb");
  const request = { destinationExternalUserId: user, amount: "1.5", currency: "USDC" };
  const stored = JSON.stringify(fingerprintOf("transfers.create", request));
  const before = JSON.parse(stored);
  assert.equal(before.amount, "1.500000"); // rescaled to USDC's 6 decimals, as sent
  assert.equal(before.currency, "usdc");
  assert.equal(before.destination, user);
  // The call is processed, and its reply lost (as by a process that died).
  await sb.injectFault({ kind: "process-then-drop", operation: "transfers.create" });
  const e = await rejection(c.transfers.create(request));
  assert.equal(e.outcome, "unknown");
  const after = e.fingerprint;
  assert.ok(after.sentAtMs >= before.sentAtMs && after.sentAtMs - before.sentAtMs < 60_000);
  assert.deepEqual({ ...before, sentAtMs: 0 }, { ...after, sentAtMs: 0 });
  // After a restart, the stored JSON alone finds it.
  const found = await c.reconcile(JSON.parse(stored));
  assert.equal(found.result, "found");
  assert.ok(found.id);
});

test("bad input is refused naming the field, as the call would refuse it", () => {
  const sepa = { amount: "1", currency: "eur", destinationIban: "DE89370400440532013000", transferTitle: "x" };
  assert.equal(fingerprintOf("sepa.partner_transfer", sepa).destination, sepa.destinationIban);
  const field = (fn) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof ValidationError, String(e));
      return e.field;
    }
    assert.fail("expected a ValidationError");
  };
  assert.equal(field(() => fingerprintOf("sepa.partner_transfer", { ...sepa, amount: 1.5 })), "amount");
  assert.equal(field(() => fingerprintOf("sepa.partner_transfer", { ...sepa, destinationIban: undefined })), "destinationIban");
  assert.equal(field(() => fingerprintOf("users.create", { externalUserId: "u" })), "operation");
  assert.equal(field(() => fingerprintOf("sepa.partnerTransfer", sepa)), "operation");
  assert.equal(field(() => fingerprintOf(7, sepa)), "operation");
  assert.equal(field(() => fingerprintOf("sepa.partner_transfer", "x")), "request");
});
