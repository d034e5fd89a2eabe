// The client against the sandbox: shapes of the results, exact money, waitFor, the escape
// hatch, configuration, and 200 concurrent calls through one Client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";

import { p100, baseUrl, apiKey, client, uid, pollUntil } from "./helpers.mjs";

const { Client } = p100;

async function newUser(c, prefix = "cl") {
  const id = `${prefix}-${uid()}`;
  const created = await c.users.create({
    externalUserId: id,
    email: "jan.kowalski@example.pl",
    phone: "486012334567",
    firstName: "Jan",
    lastName: "Kowalski",
    city: "Warszawa",
    postCode: "00-001",
    country: "PL",
    citizenship: "PL",
    birthDate: "1990-05-15",
    hasAcceptedP100Tc: true,
  });
  assert.equal(typeof created.userId, "string");
  return id;
}

test("package basics: version, Client options, getters, no key in inspect", () => {
  assert.equal(p100.version(), "0.1.0");
  const c = new Client({ apiKey, baseUrl: `${baseUrl}/` });
  assert.equal(c.baseUrl, baseUrl, "trailing slash removed");
  assert.ok(!inspect(c).includes(apiKey));
  assert.ok(!String(c).includes(apiKey));
  const staging = new Client({ apiKey: "k", environment: "staging" });
  assert.equal(staging.baseUrl, "https://partner-api-stage.p100.io");
  const prod = new Client({ apiKey: "k", environment: "production" });
  assert.equal(prod.baseUrl, "https://partner-api.p100.io");
  const fromEnv = Client.fromEnv({ P100_API_KEY: apiKey, P100_BASE_URL: baseUrl });
  assert.equal(fromEnv.baseUrl, baseUrl);
  const faster = c.withOptions({ timeoutMs: 5000, maxRetries: 0 });
  assert.ok(faster instanceof Client);
  for (const g of ["partner", "users", "kyc", "exchange", "sepa", "crypto", "transfers", "cards", "orders", "paymentLinks"]) {
    assert.equal(typeof c[g], "object", g);
  }
});

test("partner balances: plain objects, wire names, amounts as strings, null for absent", async () => {
  const b = await client().partner.balances();
  assert.ok(Array.isArray(b.fiatBalances));
  assert.ok(Array.isArray(b.cryptoBalances));
  const eur = b.fiatBalances.find((x) => x.name === "eur");
  assert.equal(eur.amount, "100000.00");
  assert.equal(typeof eur.amount, "string");
  assert.equal(Object.getPrototypeOf(b), Object.prototype);
  const btc = b.cryptoBalances.find((x) => x.name === "btc");
  assert.equal(typeof btc.amount, "string");
  assert.equal(typeof btc.networkConfig, "object");
  assert.ok(!(btc.networkConfig instanceof Map));

  const id = await newUser(client());
  const u = await client().users.balances(id);
  const ueur = u.fiatBalances.find((x) => x.name === "eur");
  assert.equal(ueur.iban, null);
  assert.equal(ueur.status, "WAITING_TO_BE_ACTIVATED");
});

test("money stays exact: 0.00000001 BTC and a rate with 8 decimals", async () => {
  const c = client();
  const rates = await c.exchange.rates();
  assert.equal(rates.btc, "102178.03394219");
  // A user of the non-KYC model: a KYC user holds no balance before its verification (P459).
  const id = `exact-${uid()}`;
  await c.users.createWithoutKyc({
    externalUserId: id,
    email: `${id}@example.com`,
    firstName: "Anna",
    lastName: "Nowak",
    address: "ul. Prosta 1",
    city: "Warszawa",
    country: "PL",
  });
  const { transferId } = await c.transfers.create({ destinationExternalUserId: id, amount: "0.00000001", currency: "btc" });
  const done = await c.transfers.waitFor(transferId, { timeoutMs: 10_000, intervalMs: 20 });
  assert.equal(done.status, "SUCCESSFUL");
  const b = await c.users.balances(id);
  assert.equal(b.cryptoBalances.find((x) => x.name === "btc").amount, "0.00000001");
  // More decimals than the currency has are refused locally.
  await assert.rejects(
    c.transfers.create({ destinationExternalUserId: id, amount: "0.000000001", currency: "btc" }),
    (e) => e instanceof p100.ValidationError && e.field === "amount" && e.status === null,
  );
});

test("waitFor helpers resolve with the final status", async () => {
  const c = client();
  const { transferId } = await c.sepa.partnerTransfer({
    amount: "12.50",
    currency: "eur",
    destinationIban: "DE89370400440532013000",
    transferTitle: `waitFor ${uid()}`,
  });
  const sepa = await c.sepa.waitFor(transferId, { timeoutMs: 10_000, intervalMs: 20 });
  assert.equal(sepa.status, "SUCCESSFUL");
  assert.equal(sepa.amount, "12.50");

  const lock = await c.exchange.partnerLock({ currencyFrom: "eur", currencyTo: "btc" });
  const { exchangeId } = await c.exchange.partnerExecute({
    amount: "10.00",
    currencyFrom: "eur",
    currencyTo: "btc",
    lockId: lock.id,
  });
  const ex = await c.exchange.waitFor(exchangeId, { timeoutMs: 10_000, intervalMs: 20 });
  assert.equal(ex.status, "COMPLETED");
  assert.equal(typeof ex.receivedAmount, "string");

  await assert.rejects(c.sepa.waitFor(transferId, { timeoutMs: -1 }), (e) => e instanceof p100.ValidationError && e.field === "timeoutMs");
});

test("the escape hatch sends any call and maps errors", async () => {
  const c = client();
  const b = await c.request("GET", "/v1/partner/balances");
  assert.ok(Array.isArray(b.fiatBalances));
  // Money stays exact: numbers with a fraction come back as their exact text, and are refused
  // in a body (before anything is sent).
  const btc = b.cryptoBalances.find((x) => x.name === "btc");
  assert.equal(typeof btc.rate, "string");
  assert.match(btc.rate, /^\d+\.\d+$/);
  await assert.rejects(
    c.request("POST", "/v1/transfer", { amount: 0.1 + 0.2, currency: "eur" }),
    (e) => e instanceof p100.ValidationError && e.field === "body.amount",
  );
  await assert.rejects(c.request("GET", "https://elsewhere.example/v1/x"), (e) => e instanceof p100.ValidationError && e.field === "path");
  await assert.rejects(c.request("PUT", "/v1/partner/balances"), (e) => e instanceof p100.ValidationError && e.field === "method");
  await assert.rejects(
    c.request("POST", "/v1/transfer", { amount: "10.00", currency: "eur" }),
    (e) => e instanceof p100.ApiError && e.code === "P424" && e.status === 400,
  );
});

test("200 concurrent calls through one Client", async () => {
  const c = client();
  const id = await newUser(c, "conc");
  const calls = [];
  for (let i = 0; i < 200; i++) {
    if (i % 4 === 0) calls.push(c.users.balances(id));
    else if (i % 4 === 1) calls.push(c.exchange.rates());
    else if (i % 4 === 2) calls.push(c.partner.balances());
    else calls.push(c.users.balances(`nobody-${i}`).then(() => "unexpected", (e) => e));
  }
  const results = await Promise.all(calls);
  assert.equal(results.length, 200);
  results.forEach((r, i) => {
    if (i % 4 === 0) assert.equal(r.fiatBalances[0].name, "eur");
    else if (i % 4 === 1) assert.equal(r.btc, "102178.03394219");
    else if (i % 4 === 2) assert.ok(r.fiatBalances.length > 0);
    else assert.ok(r instanceof p100.ApiError && r.code === "P412", String(r));
  });
});

test("cards: PAN and CVV come back as strings; updates resolve with undefined", async () => {
  const c = client();
  const id = await newUser(c, "card");
  // Activate the user (KYC by P100), as cards need a verified user.
  const v = await c.kyc.createVerification({
    externalUserId: id,
    documentType: "ID_CARD",
    country: "PL",
    incomeSource: "SALARY",
    openAccountReason: "CURRENCY_EXCHANGE",
    occupation: "IT",
    additionalInfo: "software developer",
  });
  await pollUntil(() => c.kyc.status(v.verificationId), (s) => s.verificationStatus === "VERIFIED");
  assert.equal(await c.kyc.addVerification({ externalUserId: id, documentType: "ID_CARD", documentNumber: "CEV12630", documentCountry: "PL" }), undefined);
  const card = await c.cards.create({ externalUserId: id, label: "Shopping", pin: "1234" });
  assert.equal(card.cardNumber.length, 16);
  assert.equal(card.cvv.length, 3);
  // Secrets are readable, but console.log / util.inspect / JSON.stringify skip them, hidden
  // properties included (console.log("%o", card), showHidden).
  const { format } = await import("node:util");
  for (const shown of [
    inspect(card, { depth: 5 }),
    inspect(card, { depth: 5, showHidden: true }),
    format("%o", card),
    JSON.stringify(card),
    JSON.stringify({ ...card }),
  ]) {
    assert.ok(!shown.includes(card.cardNumber), "the PAN must not be printed");
    assert.ok(!shown.includes(`'${card.cvv}'`) && !shown.includes(`"${card.cvv}"`), "the CVV must not be printed");
    assert.ok(shown.includes(card.cardId), "non-secret fields are still shown");
  }
  assert.equal(await c.cards.block({ externalUserId: id, cardId: card.cardId }), undefined);
  const details = await c.cards.details(id, card.cardId);
  assert.equal(details.status, "LOCKED_BY_USER");
  assert.equal(await c.cards.updateLimits({ externalUserId: id, cardId: card.cardId, dailyTrxAll: "250.50" }), undefined);
  const limits = await c.cards.limits(id, card.cardId);
  assert.equal(limits.dailyTrxAll, "250.5");
});

// ---- the fetch transport against raw peers (js/transport.cjs) -------------------------------

test("only a failure to connect is not_sent: an unreachable host on a connection that carried the request is not", async () => {
  const { createRequire } = await import("node:module");
  const { readdirSync } = await import("node:fs");
  // wasm-bindgen copies js/transport.cjs into the package as a snippet of the module.
  const snippets = new URL("../pkg/native/snippets/", import.meta.url);
  const [dir] = readdirSync(snippets);
  const { neverSent } = createRequire(import.meta.url)(new URL(`${dir}/js/transport.cjs`, snippets).pathname);
  const err = (code, syscall) => Object.assign(new Error(code), { code, syscall });
  assert.equal(neverSent(err("ECONNREFUSED", "connect")), true);
  assert.equal(neverSent(err("ENOTFOUND", "getaddrinfo")), true);
  assert.equal(neverSent(err("EHOSTUNREACH", "connect")), true);
  assert.equal(neverSent(new Error("fetch failed", { cause: err("ENETUNREACH", "connect") })), true);
  // A kept-alive connection that already carried the request: it may have arrived.
  assert.equal(neverSent(err("EHOSTUNREACH", "write")), false);
  assert.equal(neverSent(err("ENETUNREACH", "read")), false);
  assert.equal(neverSent(err("ECONNRESET", "read")), false);
  assert.equal(neverSent(new Error("no code")), false);
});

// One connection pool per distinct connect timeout, never closed: a client per request with its
// own time budget opened thousands of connections (stop 41).
test("clients with many different timeouts share a few connection pools", async () => {
  const { createRequire } = await import("node:module");
  const { readdirSync } = await import("node:fs");
  const snippets = new URL("../pkg/native/snippets/", import.meta.url);
  const [dir] = readdirSync(snippets);
  const transport = createRequire(import.meta.url)(new URL(`${dir}/js/transport.cjs`, snippets).pathname);
  assert.deepEqual([1, 7, 10, 14, 15, 1999, 2000, 7499, 7500, 30_000].map(transport.connectStep),
    [1, 5, 10, 10, 15, 1500, 2000, 5000, 7500, 30_000]);
  // 22 timeouts from 2 s to 6 min: more steps than pools kept; the oldest are closed.
  for (let i = 0; i < 22; i++) {
    const c = new p100.Client({ apiKey, baseUrl, timeoutMs: Math.round(2000 * 1.28 ** i) });
    await c.partner.balances();
    c.free();
  }
  assert.ok(transport.agentCount() <= 8, `${transport.agentCount()} pools`);
});

/** A loopback HTTP server answering every request with `handler`; returns its URL and hits. */
async function rawPeer(handler) {
  const http = await import("node:http");
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method, url: req.url, apiKey: req.headers["x-api-key"] });
    handler(req, res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, hits, close: () => new Promise((r) => server.close(r)) };
}

test("a redirect is not followed: the API key and the body stay with the checked host", async () => {
  const target = await rawPeer((req, res) => res.end("{}"));
  const peer = await rawPeer((req, res) => {
    res.writeHead(307, { location: `${target.url}/v1/partner/transfer` });
    res.end();
  });
  try {
    const c = new p100.Client({ apiKey, baseUrl: peer.url, maxRetries: 0 });
    await assert.rejects(
      c.transfers.create({ destinationExternalUserId: "u1", amount: "1.00", currency: "eur" }),
      (e) => e instanceof p100.P100Error && e.status === 307,
    );
    assert.equal(peer.hits.length, 1);
    assert.equal(target.hits.length, 0, "the redirect was followed");
  } finally {
    await peer.close();
    await target.close();
  }
});

test("a 2xx cut short is accepted (it happened), a late head is unknown, a refused connection not sent", async () => {
  const cut = await rawPeer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
    res.write('{"transactionId": "t-');
    setTimeout(() => res.socket.destroy(), 20);
  });
  const slow = await rawPeer(() => {});
  try {
    const send = (url, opts = {}) =>
      new p100.Client({ apiKey, baseUrl: url, maxRetries: 0, ...opts }).transfers.create({
        destinationExternalUserId: "u1",
        amount: "1.00",
        currency: "eur",
      });
    await assert.rejects(send(cut.url), (e) => e.outcome === "accepted" && e.status === 200);
    await assert.rejects(send(slow.url, { timeoutMs: 200 }), (e) => e.kind === "timeout" && e.outcome === "unknown");
    await slow.close();
    await assert.rejects(send(slow.url), (e) => e.kind === "network" && e.outcome === "not_sent");
  } finally {
    await cut.close();
  }
});

// A server that closed its kept-alive connections (a restart) while the event loop was busy: a
// money call was written on a dead connection and failed "other side closed", outcome unknown,
// though nothing arrived (stop 41). It now lets the loop see the close first.
test("a money call after the server closed its kept-alive connections is sent on a new one", async () => {
  const http = await import("node:http");
  let transfers = 0;
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST") transfers++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ transferId: `t${transfers}`, status: "PENDING" }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const c = new p100.Client({ apiKey, baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 });
    const send = () => c.request("POST", "/v1/partner/transfer", { destinationExternalUserId: "u1", amount: "1.00", currency: "eur" });
    for (let round = 0; round < 20; round++) {
      await send(); // leaves a kept-alive connection in the pool
      server.closeAllConnections(); // the server drops it; the client has not seen that yet
      const busy = Date.now() + 20;
      while (Date.now() < busy); // the event loop is busy meanwhile
      await send();
    }
    assert.equal(transfers, 40);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

// Pools closed by newer ones while a money call waited for its turn of the event loop: the call
// failed "destroyed", outcome unknown, with nothing sent (outside review of stop 41).
test("a money call is sent when newer timeouts close the pool it would have used", async () => {
  const peer = await rawPeer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end('{"transferId":"t1","status":"PENDING"}');
    });
  });
  try {
    // Connect timeouts (3/4 of timeoutMs) on ten different steps, 150 ms to 5 s.
    const others = [200, 267, 400, 667, 1000, 1334, 2000, 2667, 4000, 6667];
    const body = { destinationExternalUserId: "u1", amount: "1.00", currency: "eur" };
    for (let round = 0; round < 5; round++) {
      const money = new p100.Client({ apiKey, baseUrl: peer.url, maxRetries: 0, timeoutMs: 40_000 });
      const post = money.request("POST", "/v1/partner/transfer", body);
      const gets = others.map((timeoutMs) =>
        new p100.Client({ apiKey, baseUrl: peer.url, maxRetries: 0, timeoutMs }).request("GET", "/v1/partner/balances"));
      await post;
      await Promise.allSettled(gets); // (their own timeouts are short: not what is tested)
    }
    assert.equal(peer.hits.filter((h) => h.method === "POST").length, 5);
  } finally {
    await peer.close();
  }
});
