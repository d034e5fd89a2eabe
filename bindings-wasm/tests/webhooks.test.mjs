// Webhook helpers: token check and typed parsing, including a real delivery from the sandbox
// to an HTTP server of this test.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { format, inspect } from "node:util";

import { p100, client, control, uid, pollUntil, verify } from "./helpers.mjs";

const { verifyWebhook, parseWebhook, verifyAndParseWebhook, WebhookVerifier, DecodeError, WebhookUnauthorizedError } = p100;

test("verifyWebhook accepts the raw token and Bearer <token>", () => {
  assert.equal(verifyWebhook("whsec-1", "whsec-1"), undefined);
  assert.equal(verifyWebhook("Bearer whsec-1", "whsec-1"), undefined);
  assert.equal(verifyWebhook("  whsec-1 ", "whsec-1"), undefined);
  assert.throws(() => verifyWebhook("whsec-2", "whsec-1"), WebhookUnauthorizedError);
});

test("parseWebhook: flat payloads and the envelope, amounts exact", () => {
  const flat = parseWebhook(
    '{"externalUserId":"u","cryptoDepositId":"d1","amount":0.123456789012345678,"currency":"ETH","status":"WAITING_FOR_TR_DATA"}',
  );
  assert.equal(flat.event, "crypto_deposit");
  assert.equal(flat.data.cryptoDepositId, "d1");
  assert.equal(flat.data.amount, "0.123456789012345678", "a JSON number beyond float precision stays exact");
  assert.equal(flat.data.currency, "eth");
  assert.equal(flat.data.status, "WAITING_FOR_TR_DATA");

  const env = parseWebhook(
    '{"event_type":"crypto_deposit.status_changed","data":{"cryptoDepositId":"dep_1","status":"waiting_for_tr_data","amount":"0.05","currency":"btc"}}',
  );
  assert.equal(env.event, "crypto_deposit");
  assert.equal(env.data.amount, "0.05");
  assert.equal(env.data.externalUserId, null);

  const user = parseWebhook(Buffer.from('{"externalUserId":"u1","status":"ACTIVE"}'));
  assert.deepEqual(user, { event: "user_status", data: { externalUserId: "u1", status: "ACTIVE" } });

  const sepa = parseWebhook('{"id":"s","type":"external","amount":"3.8","destinationIban":"PL1","status":"FAILED","error":{"errorCode":"P433"}}');
  assert.equal(sepa.event, "sepa_transfer");
  assert.equal(sepa.data.error.errorCode, "P433");
});

test("parseWebhook: unknown deliveries are events, not errors; non-JSON is a DecodeError", () => {
  const body = '{"foo":"bar"}';
  const unknown = parseWebhook(body);
  assert.equal(unknown.event, "unknown");
  assert.equal(unknown.data.raw, body);
  assert.equal(unknown.data.event_type, null);
  // The raw body is readable but not printed: it may hold a card number or a one-time code
  // that no typed field hides.
  const card = parseWebhook('{"event_type":"something.new","data":{"pan":"4111111111111111","code":"5813"}}');
  assert.equal(card.event, "unknown");
  assert.match(card.data.raw, /4111111111111111/);
  // Hidden properties too: console.log("%o", x) and console.dir(x, { showHidden: true }).
  const code = parseWebhook('{"cardId":"c1","code":"493021"}');
  assert.equal(code.data.code, "493021");
  for (const event of [card, code]) {
    const shown = [
      JSON.stringify(event),
      inspect(event, { depth: 9 }),
      inspect(event, { depth: 9, showHidden: true }),
      format("%o", event),
      Object.keys(event.data).join(),
      JSON.stringify({ ...event.data }),
    ];
    for (const text of shown) {
      for (const secret of ["4111111111111111", "5813", "493021"]) assert.ok(!text.includes(secret), text);
    }
  }
  const t = parseWebhook('{"event_type":"something.new","data":{"x":1}}');
  assert.equal(t.event, "unknown");
  assert.equal(t.data.event_type, "something.new");
  const e = assert.throws(() => parseWebhook('{"code":"SECRET123"'), DecodeError);
  try {
    parseWebhook('{"code":"SECRET123"');
  } catch (err) {
    assert.ok(!err.message.includes("SECRET123"));
  }
  assert.throws(() => parseWebhook(42), p100.ValidationError);
  return e;
});

test("verifyAndParseWebhook and WebhookVerifier", () => {
  const body = '{"externalUserId":"u","status":"ACTIVE"}';
  assert.equal(verifyAndParseWebhook("tok", "tok", body).event, "user_status");
  assert.throws(() => verifyAndParseWebhook(undefined, "tok", body), WebhookUnauthorizedError);
  const v = new WebhookVerifier("tok-secret");
  assert.equal(v.verify("tok-secret"), undefined);
  assert.equal(v.verifyAndParse("Bearer tok-secret", body).data.status, "ACTIVE");
  assert.throws(() => v.verify(null), WebhookUnauthorizedError);
  // The sender is checked before the body is read, as by verifyAndParseWebhook: an
  // unauthenticated request is a 401 whatever it sent (it was a DecodeError, a 400).
  for (const bad of [Buffer.from([0x7b, 0xff, 0x7d]), 123, "not json"]) {
    assert.throws(() => v.verifyAndParse("wrong", bad), WebhookUnauthorizedError);
    assert.throws(() => verifyAndParseWebhook("wrong", "tok", bad), WebhookUnauthorizedError);
  }
  assert.ok(!String(v).includes("tok-secret"));
  v.free();
});

test("a real delivery from the sandbox is verified and parsed by a Node server", async () => {
  const token = `whsec-${uid()}`;
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        const event = verifyAndParseWebhook(req.headers.authorization, token, Buffer.concat(chunks));
        received.push(event);
        res.writeHead(200).end();
      } catch (e) {
        res.writeHead(e instanceof WebhookUnauthorizedError ? 401 : 400).end();
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  try {
    await control("webhooks", { url, token });
    const c = client();
    const id = `wh-${uid()}`;
    await c.users.create({
      externalUserId: id,
      email: "a@example.com",
      phone: "486012334567",
      firstName: "A",
      lastName: "B",
      city: "Warszawa",
      postCode: "00-001",
      country: "PL",
      citizenship: "PL",
      hasAcceptedP100Tc: true,
    });
    await verify(c, id);
    const { transferId } = await c.transfers.create({ destinationExternalUserId: id, amount: "12.34", currency: "eur" });
    const event = await pollUntil(
      async () => received.find((e) => e.event === "transfer" && e.data.id === transferId),
      (e) => e !== undefined,
    );
    assert.equal(event.data.amount, "12.34");
    assert.equal(event.data.status, "SUCCESSFUL");
  } finally {
    await control("webhooks", { url: null }).catch(() => {});
    await new Promise((r) => server.close(r));
  }
});
