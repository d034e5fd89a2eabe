// Outside review: what bindings-wasm/README.md, docs/content/ and examples/node promise, checked
// against what the package does. Each test names the sentence it checks (file:line) or the user
// expectation it stands for. It starts its own sandboxes with p100/testing on 127.0.0.1 (binary:
// P100_SANDBOX_BINARY, else P100_SANDBOX_BIN, else $CARGO_TARGET_DIR/release/p100-sandbox) and
// stops them at the end; it needs no sandbox from test.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect, format } from "node:util";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import http from "node:http";
import { once } from "node:events";

import * as p100 from "../pkg/index.mjs";
import { Sandbox } from "../pkg/testing.mjs";
import { holds, plainUser, sandboxBinary, verifiedCardUser } from "./fixtures.mjs";

const {
  Client,
  P100Error,
  ValidationError,
  AuthenticationError,
  ApiError,
  RateLimitError,
  UnavailableError,
  NetworkError,
  TimeoutError,
  DecodeError,
  ConfigError,
  WebhookUnauthorizedError,
  AbortError,
  verifyWebhook,
  parseWebhook,
  verifyAndParseWebhook,
  WebhookVerifier,
} = p100;

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = sandboxBinary;

let sb;
const extra = [];
before(async () => {
  sb = await Sandbox.start({ binary, settleMs: 100 });
});
after(async () => {
  for (const s of extra) await s.stop();
  await sb.stop();
});

async function newSandbox(options = {}) {
  const s = await Sandbox.start({ binary, ...options });
  extra.push(s);
  return s;
}

const FAST = { maxRetries: 0, timeoutMs: 5000 };
const rnd = () => Math.random().toString(16).slice(2, 10);
const uniqueAmount = () => `1.${100000 + Math.floor(Math.random() * 900000)}`; // usdc: 6 decimals

async function rejection(promiseOrFn) {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

// A verified, funded user for the card tests, who creates at most one card per call: a fresh
// one every 5 calls, as the sandbox enforces the API's limit of 5 card creations a day per user.
let cardUserPromise;
let cardUserCalls = 0;
function cardUser() {
  if (cardUserCalls++ % 5 !== 0) return cardUserPromise;
  cardUserPromise = verifiedCardUser(sb.client(), sb, "rvc");
  return cardUserPromise;
}

async function newCard(pin = "4821") {
  const externalUserId = await cardUser();
  const card = await sb.client(FAST).cards.create({ externalUserId, label: "Review", pin });
  return { externalUserId, card };
}

function assertHidden(text, card, what = "") {
  assert.ok(!text.includes(card.cardNumber), `${what}: card number in ${text}`);
  assert.ok(!text.includes(card.cardNumber.slice(-8)), `${what}: card number tail in ${text}`);
  assert.ok(!text.includes(`"${card.cvv}"`) && !text.includes(`'${card.cvv}'`), `${what}: cvv in ${text}`);
}

// ---- secrets in results (README.md:114-120) ------------------------------------------------------

test("card secrets readable but hidden from console.log, inspect, %o, JSON.stringify, spread, entries, structuredClone", async () => {
  const { card } = await newCard();
  assert.equal(typeof card.cardNumber, "string");
  assert.ok(card.cardNumber.length >= 12 && /^\d+$/.test(card.cardNumber));
  assert.equal(typeof card.cvv, "string");
  const shown = {
    inspect: inspect(card),
    showHidden: inspect(card, { showHidden: true, depth: null }),
    o: format("%o", card),
    O: format("%O", card),
    s: format("%s", card),
    j: format("%j", card),
    json: JSON.stringify(card),
    jsonArray: JSON.stringify([card]),
    spread: JSON.stringify({ ...card }),
    assign: JSON.stringify(Object.assign({}, card)),
    entries: JSON.stringify(Object.entries(card)),
    keys: JSON.stringify(Object.keys(card)),
    clone: inspect(structuredClone(card), { showHidden: true, depth: null }),
    template: `${JSON.stringify(card)} ${card}`,
  };
  for (const [what, text] of Object.entries(shown)) assertHidden(text, card, what);
});

test("README: only util.inspect(card, { showHidden: true, getters: true }) shows the secrets", async () => {
  // "only `util.inspect(card, { showHidden: true, getters: true })` asks for them"
  const { card } = await newCard();
  const asked = inspect(card, { showHidden: true, getters: true });
  assert.ok(asked.includes(card.cardNumber), asked);
  assertHidden(inspect(card, { getters: true }), card, "getters without showHidden");
});

test("secrets in nested results (card details, user data) stay hidden too", async () => {
  const { externalUserId, card } = await newCard();
  const details = await sb.client(FAST).cards.details(externalUserId, card.cardId);
  assert.equal(details.cardNumber, card.cardNumber);
  for (const text of [inspect(details, { showHidden: true, depth: null }), JSON.stringify(details), JSON.stringify({ wrap: [details] })]) {
    assertHidden(text, card, "details");
  }
});

// ---- errors: printing, inspecting, serializing (README.md:188-194) -----------------------------

test("a malformed card reply: DecodeError accepted, and no printing of the error shows card data", async () => {
  const externalUserId = await cardUser();
  const c = sb.client(FAST);
  const beforeIds = new Set((await c.cards.list(externalUserId)).cards.map((x) => x.cardId));
  await sb.injectFault({ kind: "malformed", operation: "cards.create" });
  const e = await rejection(c.cards.create({ externalUserId, label: "Broken", pin: "4821" }));
  await sb.clearFaults();
  assert.ok(e instanceof DecodeError, inspect(e));
  assert.equal(e.outcome, "accepted");
  assert.equal(e.accepted, true);
  const created = (await c.cards.list(externalUserId)).cards.filter((x) => !beforeIds.has(x.cardId));
  assert.equal(created.length, 1);
  const full = await c.cards.details(externalUserId, created[0].cardId);
  for (const text of [
    e.message,
    String(e),
    e.stack,
    e.rawBody ?? "",
    inspect(e, { showHidden: true, depth: null }),
    JSON.stringify(e),
    inspect(structuredClone(e), { showHidden: true, depth: null }),
  ]) {
    assertHidden(text, full, "error");
    assert.ok(!holds(text, "4821"), text);
  }
});

test("the API key never appears in errors, inspect of clients, lastResponse or causes", async () => {
  const key = `sk_live_${rnd()}${rnd()}`;
  const c = new Client({ apiKey: key, baseUrl: sb.url, maxRetries: 0 });
  for (const obj of [c, c.recording(), c.withOptions({ timeoutMs: 1000 }), c.partner, c.sepa]) {
    assert.ok(!inspect(obj, { showHidden: true, depth: null }).includes(key));
    assert.ok(!JSON.stringify(obj ?? null).includes(key));
  }
  const auth = await rejection(c.partner.balances());
  assert.ok(auth instanceof AuthenticationError);
  const refused = await rejection(new Client({ apiKey: key, baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).partner.balances());
  assert.ok(refused instanceof NetworkError);
  await sb.injectFault({ kind: "delay", delayMs: 3000, operation: "partner.balances" });
  const slow = await rejection(new Client({ apiKey: sb.apiKey, baseUrl: sb.url, maxRetries: 0, timeoutMs: 200 }).partner.balances());
  await sb.clearFaults();
  assert.ok(slow instanceof TimeoutError);
  for (const e of [auth, refused]) {
    for (const text of [String(e), e.stack, inspect(e, { showHidden: true, depth: null }), JSON.stringify(e), e.rawBody ?? ""]) {
      assert.ok(!text.includes(key), text);
    }
  }
  const text = inspect(slow, { showHidden: true, depth: null }) + JSON.stringify(slow);
  assert.ok(!text.includes(sb.apiKey), text);
  const rec = new Client({ apiKey: sb.apiKey, baseUrl: sb.url }).recording();
  await rec.partner.balances();
  assert.ok(!JSON.stringify(rec.lastResponse).includes(sb.apiKey));
  assert.ok(!inspect(sb, { showHidden: false }).includes(sb.apiKey), "console.log(sb) shows no key");
});

test("an unhandled rejection printed by Node shows no API key, PIN or card data", async () => {
  const { externalUserId, card } = await newCard();
  const key = `sk_live_${rnd()}${rnd()}`;
  const script = `
    import { Client } from ${JSON.stringify(path.join(here, "../pkg/index.mjs"))};
    const which = process.argv.at(-1);
    const c = new Client({ apiKey: which === "auth" ? ${JSON.stringify(key)} : ${JSON.stringify(sb.apiKey)}, baseUrl: ${JSON.stringify(sb.url)}, maxRetries: 0 });
    if (which === "auth") await c.partner.balances();
    if (which === "pin") await c.cards.updatePin({ externalUserId: ${JSON.stringify(externalUserId)}, cardId: ${JSON.stringify(card.cardId)}, pin: "98" + "765" });
    if (which === "decode") await c.cards.details(${JSON.stringify(externalUserId)}, ${JSON.stringify(card.cardId)});
  `;
  for (const which of ["auth", "pin", "decode"]) {
    if (which === "decode") await sb.injectFault({ kind: "malformed", operation: "cards.details" });
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script, which], { encoding: "utf8", timeout: 30_000 });
    await sb.clearFaults();
    assert.notEqual(r.status, 0, `${which}: expected the process to fail`);
    const out = r.stdout + r.stderr;
    assert.match(out, /Error/);
    assert.ok(!out.includes(key), `${which}: ${out}`);
    assert.ok(!out.includes("98765"), `${which}: ${out}`);
    assertHidden(out, card, which);
  }
});

// ---- money (README.md:126-135, docs money.md) ----------------------------------------------------

test("fractional, NaN and Infinity amounts are refused naming the field, before sending", async () => {
  const c = sb.client(FAST);
  const before = (await sb.ops())["transfers.create"] ?? 0;
  for (const amount of [0.1 + 0.2, 0.5, NaN, Infinity, -Infinity]) {
    const e = await rejection(c.transfers.create({ destinationExternalUserId: "u1", amount, currency: "eur" }));
    assert.ok(e instanceof ValidationError, `${amount}: ${e}`);
    assert.equal(e.field, "amount");
    assert.equal(e.outcome, "not_sent");
    assert.equal(e.status, null);
  }
  assert.equal((await sb.ops())["transfers.create"] ?? 0, before);
});

test("integer number amounts are accepted; too many decimals refused", async () => {
  const c = sb.client(FAST);
  const user = await plainUser(c);
  const { transferId } = await c.transfers.create({ destinationExternalUserId: user, amount: 3, currency: "eur" });
  assert.equal(Number((await c.transfers.details(transferId)).amount), 3);
  for (const [amount, currency] of [["1.001", "eur"], ["0.0000001", "usdc"], ["0.000000001", "btc"]]) {
    const e = await rejection(c.transfers.create({ destinationExternalUserId: user, amount, currency }));
    assert.ok(e instanceof ValidationError);
    assert.equal(e.field, "amount");
  }
});

test("an amount in exponent notation is its exact value: \"1e2\" is sent as 100", async () => {
  // The refusal message names exponents as allowed; the value is exact (no float involved).
  const c = sb.client(FAST);
  const user = await plainUser(c);
  const { transferId } = await c.transfers.create({ destinationExternalUserId: user, amount: "1e2", currency: "eur" });
  assert.equal(Number((await c.transfers.details(transferId)).amount), 100);
  const e = await rejection(c.transfers.create({ destinationExternalUserId: user, amount: "1,00", currency: "eur" }));
  assert.ok(e instanceof ValidationError);
  assert.match(e.message, /exponent/);
});

for (const amount of [true, { value: "1.00" }, ["1.00"], "1,00"]) {
  test(`amount ${JSON.stringify(amount)} is refused as not a decimal amount (user expectation / the SDK's own message)`, async () => {
    // The SDK's own refusal text: "is not a decimal amount (digits with an optional sign, `.`
    // and exponent; …)".
    const e = await rejection(sb.client(FAST).transfers.create({ destinationExternalUserId: "u1", amount, currency: "eur" }));
    assert.ok(e instanceof ValidationError, `${JSON.stringify(amount)}: ${e}`);
    assert.equal(e.field, "amount");
  });
}

test("escape hatch: a fractional number in the body is refused naming its path; reply numbers come back exact", async () => {
  // README.md:109-113
  const c = sb.client(FAST);
  const e = await rejection(c.request("POST", "/v1/partner/transfers", { destinationExternalUserId: "u1", amount: 1.5, currency: "eur" }));
  assert.ok(e instanceof ValidationError);
  assert.equal(e.field, "body.amount");
  const reply = await c.request("GET", "/v1/partner/balances");
  const walk = (v) => {
    if (typeof v === "number") assert.ok(Number.isSafeInteger(v), `inexact number ${v}`);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(reply);
});

test("an argument that refers to itself is a ValidationError, not_sent", async () => {
  const req = { destinationExternalUserId: "u1", amount: "1.00", currency: "eur" };
  req.self = req;
  const e = await rejection(sb.client(FAST).transfers.create(req));
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(e.outcome, "not_sent");
});

// ---- bad input: unknown fields, undefined/null -------------------------------------------------

test("an unknown request field (ammount) is refused naming it, status null, not_sent", async () => {
  // docs getting-started/node.md:185-201
  const e = await rejection(
    sb.client(FAST).sepa.partnerTransfer({ ammount: "10.00", currency: "eur", destinationIban: "DE89370400440532013000", transferTitle: "typo" }),
  );
  assert.ok(e instanceof ValidationError);
  assert.equal(e.field, "ammount");
  assert.equal(e.status, null);
  assert.equal(e.outcome, "not_sent");
});

test("undefined or null where a value is required is a ValidationError naming it", async () => {
  const c = sb.client(FAST);
  const cases = [
    [() => c.users.balances(undefined), "externalUserId"],
    [() => c.users.balances(null), "externalUserId"],
    [() => c.transfers.create({ destinationExternalUserId: "u1", amount: undefined, currency: "eur" }), "amount"],
    [() => c.transfers.create({ destinationExternalUserId: "u1", amount: null, currency: "eur" }), "amount"],
    [() => c.transfers.create(undefined), null],
    [() => c.transfers.details(""), null],
  ];
  for (const [call, field] of cases) {
    const e = await rejection(call);
    assert.ok(e instanceof ValidationError, `${call}: ${e && e.constructor && e.constructor.name} ${e}`);
    assert.equal(e.outcome, "not_sent");
    if (field) assert.equal(e.field, field, String(call));
  }
});

// ---- options (README.md:86-95, docs getting-started/node.md:105-111) -----------------------------

test("unknown option names are ConfigErrors (constructor) and refused (withOptions)", async () => {
  for (const opts of [{ baseURL: sb.url }, { timeout: 5000 }, { retries: 1 }, { apikey: "k" }]) {
    assert.throws(() => new Client({ apiKey: "k", baseUrl: sb.url, ...opts }), ConfigError, JSON.stringify(opts));
  }
  const c = sb.client(FAST);
  for (const opts of [{ timeout: 5 }, { connectTimeoutMs: 10 }, { maxretries: 0 }]) {
    const e = await rejection(() => c.withOptions(opts).partner.balances());
    assert.ok(e instanceof P100Error, `${JSON.stringify(opts)}: ${e}`);
  }
});

test("waitFor refuses an unknown option name instead of waiting with the defaults", async () => {
  const c = sb.client(FAST);
  const user = await plainUser(c);
  const { transferId } = await c.transfers.create({ destinationExternalUserId: user, amount: "1.00", currency: "eur" });
  const e = await rejection(c.transfers.waitFor(transferId, { timeout: 50, interval: 10 }));
  assert.ok(e instanceof P100Error, String(e));
});

test("option bounds: maxRetries 0-10, durations > 0, names in the error", () => {
  const bad = [
    [{ maxRetries: 11 }, "maxRetries"],
    [{ maxRetries: -1 }, "maxRetries"],
    [{ maxRetries: 1.5 }, "maxRetries"],
    [{ timeoutMs: 0 }, "timeoutMs"],
    [{ timeoutMs: -5 }, "timeoutMs"],
    [{ timeoutMs: "5000" }, "timeoutMs"],
    [{ connectTimeoutMs: 0 }, "connectTimeoutMs"],
    [{ retryInitialDelayMs: -1 }, "retryInitialDelayMs"],
    [{ retryMaxDelayMs: NaN }, "retryMaxDelayMs"],
    [{ environment: "prod-eu", baseUrl: undefined }, "environment"],
  ];
  for (const [opts, field] of bad) {
    let err;
    try {
      new Client({ apiKey: "k", baseUrl: sb.url, ...opts });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError, `${JSON.stringify(opts)}: ${err}`);
    assert.equal(err.field, field, JSON.stringify(opts));
    assert.equal(err.outcome, "not_sent");
  }
  new Client({ apiKey: "k", baseUrl: sb.url, maxRetries: 10 });
  new Client({ apiKey: "k", baseUrl: sb.url, maxRetries: 0, userAgent: "review/1.0" });
});

test("timeoutMs is in milliseconds, per client and per call (withOptions)", async () => {
  await sb.injectFault({ kind: "delay", delayMs: 3000, count: 2, operation: "partner.balances" });
  try {
    let t0 = Date.now();
    const e = await rejection(sb.client({ maxRetries: 0, timeoutMs: 300 }).partner.balances());
    assert.ok(e instanceof TimeoutError, String(e));
    assert.ok(Date.now() - t0 < 2000);
    t0 = Date.now();
    const e2 = await rejection(sb.client({ maxRetries: 0, timeoutMs: 10_000 }).withOptions({ timeoutMs: 300 }).partner.balances());
    assert.ok(e2 instanceof TimeoutError, String(e2));
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    await sb.clearFaults();
  }
});

test("withOptions refuses the client's own headers with a ValidationError naming headers.<name>", async () => {
  // README.md:146-148
  const c = sb.client(FAST);
  for (const name of ["x-api-key", "authorization", "user-agent"]) {
    const e = await rejection(() => c.withOptions({ headers: { [name]: "secret-header-value" } }).partner.balances());
    assert.ok(e instanceof ValidationError, `${name}: ${e && e.constructor.name}`);
    assert.equal(e.field, `headers.${name}`);
    assert.ok(!String(e).includes("secret-header-value"));
  }
});

test("recording(): lastResponse { requestId, status, headers, elapsedMs, attempts }", async () => {
  const c = sb.client(FAST);
  const rec = c.recording();
  assert.equal(rec.lastResponse, undefined);
  await rec.withOptions({ headers: { "x-correlation-id": "job-42" } }).partner.balances();
  await rec.partner.balances();
  const meta = rec.lastResponse;
  assert.deepEqual(Object.keys(meta).sort(), ["attempts", "elapsedMs", "headers", "requestId", "status"]);
  assert.equal(meta.status, 200);
  assert.equal(meta.attempts, 1);
  assert.equal(typeof meta.elapsedMs, "number");
  assert.equal(c.lastResponse, undefined);
});

test("production environment and plain http refused (docs production.md:337-348)", () => {
  const client = new Client({ apiKey: "sk_live_from_your_secret_store", environment: "production" });
  assert.equal(client.baseUrl, "https://partner-api.p100.io");
  assert.throws(() => new Client({ apiKey: "sk_live_from_your_secret_store", baseUrl: "http://partner-api.p100.io" }), ConfigError);
  assert.throws(() => new Client({ apiKey: "sk_live_from_your_secret_store", baseURL: "https://partner-api.p100.io" }), ConfigError);
});

test("Client.fromEnv reads P100_API_KEY then P100_BASE_URL / P100_ENVIRONMENT", async () => {
  const c = Client.fromEnv({ P100_API_KEY: sb.apiKey, P100_BASE_URL: sb.url });
  assert.ok((await c.partner.balances()).fiatBalances.length > 0);
  assert.equal(Client.fromEnv({ P100_API_KEY: "k", P100_ENVIRONMENT: "production" }).baseUrl, "https://partner-api.p100.io");
  assert.throws(() => Client.fromEnv({}), ConfigError);
});

// ---- outcomes per fault, money never sent twice (README.md:196-213) -------------------------

const FAULTS = [
  ["500", {}, UnavailableError, "unknown", 500],
  ["503", {}, UnavailableError, "unknown", 503],
  ["drop", {}, NetworkError, "unknown", null],
  ["process-then-drop", {}, NetworkError, "unknown", null],
  ["malformed", {}, DecodeError, "accepted", null],
  ["cut-body", {}, P100Error, "accepted", null],
  ["429", { retryAfter: 1 }, RateLimitError, "rejected", 429],
  ["delay", { delayMs: 3000 }, TimeoutError, "unknown", null],
];

for (const [kind, faultExtra, cls, outcome, status] of FAULTS) {
  test(`transfers.create under fault ${kind}: ${cls.name}, outcome ${outcome}, executed at most once`, async () => {
    const c = sb.client({ maxRetries: 3, timeoutMs: 1000, retryInitialDelayMs: 10, retryMaxDelayMs: 50 });
    const user = await plainUser(c);
    const amount = uniqueAmount();
    const before = (await sb.ops())["transfers.create"] ?? 0;
    await sb.injectFault({ kind, count: 4, operation: "transfers.create", ...faultExtra });
    let e;
    try {
      e = await rejection(c.transfers.create({ destinationExternalUserId: user, amount, currency: "usdc" }));
    } finally {
      await sb.clearFaults();
    }
    assert.ok(e instanceof cls && e instanceof P100Error, `${kind}: ${inspect(e)}`);
    assert.equal(e.outcome, outcome, `${kind}: ${inspect(e)}`);
    assert.equal(e.accepted, outcome === "accepted");
    if (status !== null) assert.equal(e.status, status);
    // README.md:190 retryable: "only not_sent and 429"
    assert.equal(e.retryable, e.outcome === "not_sent" || e.status === 429, `${kind}: retryable ${e.retryable}`);
    assert.equal(e.operation, "transfers.create");
    if (outcome === "unknown" || outcome === "accepted") {
      assert.equal(e.fingerprint.amount, amount);
      assert.equal(e.fingerprint.currency, "usdc");
      assert.ok(JSON.stringify(e).includes(amount), "fingerprint enumerable: JSON.stringify(err) keeps it");
      for (const k of ["operation", "amount", "currency", "destination", "externalUserId", "sentAtMs", "title", "network"]) {
        assert.ok(k in e.fingerprint, k);
      }
      // A stored fingerprint keeps whether the call happened (reconcile never says not_found then).
      assert.equal(e.fingerprint.accepted === true, outcome === "accepted", `${kind}: ${JSON.stringify(e.fingerprint)}`);
    } else {
      assert.equal(e.fingerprint, null);
    }
    if (kind === "429") assert.equal(e.retryAfterMs, 1000);
    assert.ok(((await sb.ops())["transfers.create"] ?? 0) - before <= 1, "a money call ran twice");
  });
}

test("connection refused: NetworkError, not_sent, retryable", async () => {
  const e = await rejection(new Client({ apiKey: "k", baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).transfers.create({ destinationExternalUserId: "u", amount: "1.00", currency: "eur" }));
  assert.ok(e instanceof NetworkError);
  assert.equal(e.outcome, "not_sent");
  assert.equal(e.retryable, true);
  assert.equal(e.fingerprint, null);
});

test("ApiError P412 with errorName, status, rejected", async () => {
  const e = await rejection(sb.client(FAST).users.balances(`nobody-${rnd()}`));
  assert.ok(e instanceof ApiError);
  assert.equal(e.code, "P412");
  assert.equal(e.errorName, "invalid-user");
  assert.equal(e.outcome, "rejected");
  assert.equal(e.retryable, false);
  assert.equal(e.kind, "api");
});

// ---- reconcile (README.md:215-253) -------------------------------------------------------------

test("reconcile: found after process-then-drop; a stored fingerprint (JSON) too", async () => {
  const c = sb.client(FAST);
  const user = await plainUser(c);
  await sb.injectFault({ kind: "process-then-drop", operation: "transfers.create" });
  const e = await rejection(c.transfers.create({ destinationExternalUserId: user, amount: uniqueAmount(), currency: "usdc" }));
  assert.equal(e.outcome, "unknown");
  const r = await c.reconcile(e);
  assert.equal(r.result, "found");
  assert.ok(r.id && r.status);
  const stored = JSON.parse(JSON.stringify(e.fingerprint));
  assert.equal((await c.reconcile(stored)).result, "found");
  assert.equal((await c.reconcile(JSON.parse(JSON.stringify(e)).fingerprint)).result, "found");
  // As a Python service dumps its dict (snake_case names): read too (outside review, stop 47:
  // "must be a P100Error or the fingerprint of one").
  const { externalUserId, sentAtMs, ...rest } = stored;
  const snake = { ...rest, external_user_id: externalUserId, sent_at_ms: sentAtMs };
  assert.equal((await c.reconcile(snake)).result, "found");
});

test("reconcile: rejected -> not_found without asking; unknown non-money -> ValidationError field error", async () => {
  const c = sb.client(FAST);
  const rejected = await rejection(c.transfers.create({ destinationExternalUserId: `nobody-${rnd()}`, amount: "1.00", currency: "eur" }));
  assert.equal(rejected.outcome, "rejected");
  const before = JSON.stringify(await sb.ops());
  assert.equal((await c.reconcile(rejected)).result, "not_found");
  assert.equal(JSON.stringify(await sb.ops()), before);
  await sb.injectFault({ kind: "500", operation: "partner.balances" });
  const unknown = await rejection(c.partner.balances());
  const v = await rejection(c.reconcile(unknown));
  assert.ok(v instanceof ValidationError);
  assert.equal(v.field, "error");
});

test("card issuing: reconcile is cannot_tell with a reason; the fingerprint holds no PIN", async () => {
  const externalUserId = await cardUser();
  const c = sb.client(FAST);
  await sb.injectFault({ kind: "process-then-drop", operation: "cards.create" });
  const e = await rejection(c.cards.create({ externalUserId, label: "Lost", pin: "5555" }));
  assert.equal(e.outcome, "unknown");
  assert.ok(!holds(JSON.stringify(e.fingerprint), "5555"));
  const r = await c.reconcile(e);
  assert.equal(r.result, "cannot_tell");
  assert.ok(r.reason);
});

// ---- abort and waitFor (README.md:104-106, 152-168, docs errors.md:35-39) ----------------------

test("AbortSignal fired before sending: AbortError not_sent; during the call: unknown", async () => {
  const c = sb.client(FAST);
  const user = await plainUser(c);
  const ac = new AbortController();
  ac.abort();
  const e = await rejection(c.withOptions({ signal: ac.signal }).transfers.create({ destinationExternalUserId: user, amount: "1.00", currency: "eur" }));
  assert.ok(e instanceof AbortError);
  assert.equal(e.name, "AbortError");
  assert.equal(e.outcome, "not_sent");
  await sb.injectFault({ kind: "delay", delayMs: 2000, operation: "transfers.create" });
  const ac2 = new AbortController();
  setTimeout(() => ac2.abort(), 200);
  const e2 = await rejection(c.withOptions({ signal: ac2.signal }).transfers.create({ destinationExternalUserId: user, amount: uniqueAmount(), currency: "usdc" }));
  await sb.clearFaults();
  assert.ok(e2 instanceof AbortError);
  assert.equal(e2.outcome, "unknown");
  assert.ok(e2.fingerprint);
});

test("waitFor that runs out: TimeoutError with outcome accepted; empty id: ValidationError not_sent", async () => {
  const slow = await newSandbox({ settleMs: 3_600_000 });
  const c = slow.client(FAST);
  const { transferId } = await c.sepa.partnerTransfer({ amount: "1.00", currency: "eur", destinationIban: "DE89370400440532013000", transferTitle: "wait" });
  const t0 = Date.now();
  const e = await rejection(c.sepa.waitFor(transferId, { timeoutMs: 400, intervalMs: 50, maxIntervalMs: 100 }));
  assert.ok(Date.now() - t0 < 3000);
  assert.ok(e instanceof TimeoutError, String(e));
  assert.equal(e.outcome, "accepted");
  await slow.advance(3601);
  assert.equal((await c.sepa.waitFor(transferId, { timeoutMs: 5000, intervalMs: 50 })).status, "SUCCESSFUL");
  const v = await rejection(c.sepa.waitFor("", { timeoutMs: 100 }));
  assert.ok(v instanceof ValidationError);
  assert.equal(v.outcome, "not_sent");
  for (const id of [`nope-${rnd()}`, "a/b"]) {
    const a = await rejection(c.transfers.waitFor(id, { timeoutMs: 300, intervalMs: 50 }));
    assert.equal(a.outcome, "accepted", `${id}: ${inspect(a)}`);
  }
});

// ---- logging (README.md:137-144) ---------------------------------------------------------------

test("logger records: documented fields, never the key, bodies, PIN or card data", async () => {
  const records = [];
  const logger = Object.fromEntries(["error", "warn", "info", "debug"].map((l) => [l, (message, fields) => records.push({ l, message, fields })]));
  const c = new Client({ apiKey: sb.apiKey, baseUrl: sb.url, maxRetries: 0, logLevel: "debug", logger });
  const externalUserId = await cardUser();
  const card = await c.cards.create({ externalUserId, label: "Logged", pin: "7319" });
  await c.cards.details(externalUserId, card.cardId);
  await rejection(c.cards.updatePin({ externalUserId, cardId: card.cardId, pin: "73190" }));
  assert.ok(records.length > 0);
  for (const r of records) {
    for (const k of ["operation", "method", "path", "attempt", "outcome", "elapsedMs"]) assert.ok(k in r.fields, k);
    const text = r.message + JSON.stringify(r.fields);
    assert.ok(!text.includes(sb.apiKey), text);
    assert.ok(!holds(text, "7319"), text);
    assertHidden(text, card, "log");
  }
});

// ---- webhooks (README.md:274-297, docs webhooks.md) -----------------------------------------------

test("verifyWebhook: raw token and Bearer accepted; wrong, missing, other scheme refused with 401; no token in errors", () => {
  const token = `whsec-${rnd()}${rnd()}`;
  verifyWebhook(token, token);
  verifyWebhook(`Bearer ${token}`, token);
  for (const bad of [undefined, null, "", `${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`]) {
    let e;
    try {
      verifyWebhook(bad, token);
    } catch (err) {
      e = err;
    }
    assert.ok(e instanceof WebhookUnauthorizedError, `${bad}: ${e}`);
    assert.equal(e.status, 401);
    const text = String(e) + inspect(e, { showHidden: true, depth: null }) + JSON.stringify(e);
    assert.ok(!text.includes(token.slice(6, -1)), text);
  }
  assert.throws(() => new WebhookVerifier(""), ConfigError);
  const v = new WebhookVerifier(token);
  assert.ok(!inspect(v, { showHidden: true, depth: null }).includes(token));
  assert.ok(!JSON.stringify(v ?? null).includes(token));
});

test("parseWebhook: {event, data} with the documented names; secrets and unknown raw bodies hidden", () => {
  assert.equal(parseWebhook('{"externalUserId": "u1", "status": "ACTIVE"}').event, "user_status");
  const coded = parseWebhook('{"cardId": "c1", "code": "493021", "amount": "12.00"}');
  assert.equal(coded.event, "card_3ds_code");
  assert.equal(coded.data.code, "493021");
  for (const text of [JSON.stringify(coded), inspect(coded, { showHidden: true, depth: null }), JSON.stringify({ ...coded.data }), format("%o", coded)]) {
    assert.ok(!text.includes("493021"), text);
  }
  const unknown = parseWebhook(Buffer.from('{"pan": "4111111111111111"}'));
  assert.equal(unknown.event, "unknown");
  assert.equal(unknown.data.raw, '{"pan": "4111111111111111"}');
  for (const text of [JSON.stringify(unknown), inspect(unknown, { showHidden: true, depth: null }), JSON.stringify(structuredClone(unknown))]) {
    assert.ok(!text.includes("4111111111111111"), text);
  }
  assert.throws(() => parseWebhook("not json"), DecodeError);
});

test("docs webhooks.md Node sample: a real delivery of user_status verified and parsed", async () => {
  const TOKEN = "whsec-docs-example";
  const events = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c)).on("end", () => {
      try {
        events.push(verifyAndParseWebhook(req.headers.authorization, TOKEN, Buffer.concat(chunks)));
        res.writeHead(200).end();
      } catch (e) {
        res.writeHead(e instanceof WebhookUnauthorizedError ? 401 : 400).end();
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const s = await newSandbox({ webhookUrl: `http://127.0.0.1:${server.address().port}/webhooks`, webhookToken: TOKEN });
    await s.trigger("user_status", { externalUserId: "user-42" });
    await s.trigger("sepa_transfer");
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(events[0].event, "user_status");
    assert.equal(events[0].data.externalUserId, "user-42");
    assert.equal(events[1].event, "sepa_transfer");
    assert.ok(events[1].data.id && events[1].data.status);
    for (const d of await s.deliveries()) assert.ok(!JSON.stringify(d).includes(TOKEN));
  } finally {
    server.close();
  }
});

// ---- the sandbox (README.md:299-350) ----------------------------------------------------------

test("README testing snippet: fund, then a 503", async () => {
  const s = await newSandbox();
  const client = s.client({ maxRetries: 0 });
  const { balance } = await s.fund({ currency: "eur", amount: "250.00" });
  const eur = (await client.partner.balances()).fiatBalances.find((b) => b.name === "eur");
  assert.equal(eur.amount, balance);
  await s.injectFault({ kind: 503 });
  await assert.rejects(client.partner.balances(), UnavailableError);
  assert.ok(!inspect(s).includes(s.apiKey));
  assert.ok(!JSON.stringify(s).includes(s.apiKey));
});

test("sandbox fund refuses a fractional number amount (like the client does)", async () => {
  // README.md:128-133 "A JS number with a fraction where an amount is expected is refused";
  // Python's sb.fund refuses a float (bindings-python/README.md:382).
  const e = await rejection(sb.fund({ currency: "eur", amount: 0.1 + 0.2 }));
  assert.ok(e instanceof Error);
  assert.equal(e.field, "amount");
});

test("sandbox stop(): port closed, process gone, stop again is fine", async () => {
  const s = await Sandbox.start({ binary });
  const pid = s.pid;
  const url = s.url;
  await s.stop();
  await s.stop();
  assert.equal(s.running, false);
  assert.throws(() => process.kill(pid, 0));
  await assert.rejects(fetch(`${url}/_sandbox/health`));
});
