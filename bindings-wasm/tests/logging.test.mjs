// Logging: `logLevel` / P100_LOG turn on one record per attempt, handed to the `logger` option
// (console by default) as `logger[level](message, fields)`; the records hold the facts of a
// support ticket (operation, status, attempt, request id) and never a secret.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Client, ConfigError } from "p100";
import { Sandbox } from "p100/testing";
import { holds } from "./fixtures.mjs";

const API_KEY = "sk-live-NODELOG-5e4d3c2b1a09";
const CARD_NUMBER = "4111555566667777";
const CVV = "640";
const PIN = "7316";
const DOCUMENT = "CEV12630";
const BIRTH_DATE = "1990-05-15";


function collector() {
  const lines = [];
  const at = (level) => (message, fields) => lines.push({ level, message, fields });
  return { lines, logger: { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") } };
}

async function until(fn, ok) {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out");
}

test("records reach the logger with the facts and without secrets", async () => {
  const sb = await Sandbox.start({ apiKey: API_KEY, settleMs: 50 });
  try {
    await sb.control("POST", "card-secrets", { cardNumber: CARD_NUMBER, cvv: CVV });
    const { lines, logger } = collector();
    const c = new Client({ apiKey: API_KEY, baseUrl: sb.url, retryInitialDelayMs: 10, logLevel: "debug", logger });
    const id = `log-${Date.now()}`;
    await c.users.create({
      externalUserId: id, email: "jan.kowalski@example.pl", phone: "486012334567", firstName: "Jan",
      lastName: "Kowalski", city: "Warszawa", postCode: "00-001", country: "PL", citizenship: "PL",
      birthDate: BIRTH_DATE, hasAcceptedP100Tc: true,
    });
    const v = await c.kyc.createVerification({
      externalUserId: id, documentType: "ID_CARD", country: "PL", incomeSource: "SALARY",
      openAccountReason: "CURRENCY_EXCHANGE", occupation: "IT", additionalInfo: "software developer",
    });
    await until(() => c.kyc.status(v.verificationId), (s) => s.verificationStatus === "VERIFIED");
    await c.kyc.addVerification({ externalUserId: id, documentType: "ID_CARD", documentNumber: DOCUMENT, documentCountry: "PL" });
    await sb.injectFault({ kind: "429", retryAfter: 0, operation: "cards.create" });
    const card = await c.cards.create({ externalUserId: id, label: "Logged", pin: PIN });
    assert.equal(card.cardNumber, CARD_NUMBER);
    assert.equal((await c.cards.details(id, card.cardId)).cvv, CVV);
    await sb.injectFault({ kind: "500", count: 5 });
    const failed = await c.withOptions({ maxRetries: 0 }).partner.balances().then(() => null, (e) => e);
    assert.equal(failed?.status, 500);

    const create = lines.filter((l) => l.fields.operation === "cards.create" && l.fields.outcome !== "sending");
    assert.deepEqual(
      create.map((l) => [l.level, l.fields.outcome, l.fields.status, l.fields.attempt]),
      [["warn", "retrying", 429, 1], ["info", "succeeded", 200, 2]],
    );
    assert.ok(create.every((l) => typeof l.fields.requestId === "string" && l.message.includes(l.fields.requestId)));
    const last = lines.at(-1);
    assert.deepEqual([last.level, last.fields.status, last.fields.kind], ["error", 500, failed.kind]);
    assert.equal(last.fields.requestId, failed.requestId);
    assert.ok(lines.some((l) => l.level === "debug"));

    const text = lines.map((l) => `${l.message} ${JSON.stringify(l.fields)}`).join("\n");
    for (const secret of [API_KEY, CARD_NUMBER, CVV, PIN, DOCUMENT, BIRTH_DATE]) {
      assert.ok(!holds(text, secret), `a record holds ${secret}`);
    }
    assert.ok(holds(`${text} cvv=${CVV}`, CVV), "the scan finds a secret where one is");
  } finally {
    await sb.stop();
  }
});

test("a P100_LOG that is no level is a process warning, once, without its value (review, stop 49)", async () => {
  const saved = process.env.P100_LOG;
  const seen = [];
  const onWarning = (w) => seen.push(String(w.message));
  process.on("warning", onWarning);
  try {
    process.env.P100_LOG = "verbose";
    new Client({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
    new Client({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
    await new Promise((resolve) => setImmediate(resolve));
    const ours = seen.filter((m) => m.includes("P100_LOG"));
    assert.equal(ours.length, 1, seen.join("\n"));
    assert.ok(ours[0].includes("is none of") && !ours[0].includes("verbose"), ours[0]);
  } finally {
    process.off("warning", onWarning);
    if (saved === undefined) delete process.env.P100_LOG;
    else process.env.P100_LOG = saved;
  }
});

test("off by default; P100_LOG turns it on; logLevel overrides; bad values are ConfigErrors", async () => {
  const sb = await Sandbox.start();
  const saved = process.env.P100_LOG;
  try {
    delete process.env.P100_LOG;
    const quiet = collector();
    await new Client({ apiKey: sb.apiKey, baseUrl: sb.url, logger: quiet.logger }).partner.balances();
    assert.deepEqual(quiet.lines, []);

    process.env.P100_LOG = "info";
    const fromEnv = collector();
    await new Client({ apiKey: sb.apiKey, baseUrl: sb.url, logger: fromEnv.logger }).partner.balances();
    assert.deepEqual(fromEnv.lines.map((l) => [l.level, l.fields.operation]), [["info", "partner.balances"]]);
    const off = collector();
    await new Client({ apiKey: sb.apiKey, baseUrl: sb.url, logger: off.logger, logLevel: "off" }).partner.balances();
    assert.deepEqual(off.lines, []);

    assert.throws(() => new Client({ apiKey: "k", logLevel: "loud" }), (e) => e instanceof ConfigError && e.field === "logLevel");
    assert.throws(() => new Client({ apiKey: "k", logger: "console" }), (e) => e instanceof ConfigError && e.field === "logger");
  } finally {
    if (saved === undefined) delete process.env.P100_LOG;
    else process.env.P100_LOG = saved;
    await sb.stop();
  }
});
