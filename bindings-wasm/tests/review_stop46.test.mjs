// Outside review (stop 46) of the npm package: each test shows a defect of the code before it.
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";

import * as p100 from "../pkg/index.mjs";

const EVENT = '{"externalUserId":"u1","status":"ACTIVE"}';

test("a Uint8Array from another realm (vm, Jest) is a webhook body", () => {
  // `instanceof Uint8Array` is false for it: it was refused as no Uint8Array/Buffer.
  const foreign = vm.runInNewContext("new Uint8Array(list)", { list: [...Buffer.from(EVENT)] });
  const bytes = vm.runInNewContext("(b) => new Uint8Array(b)")(Buffer.from(EVENT));
  for (const body of [foreign, bytes]) {
    assert.equal(body instanceof Uint8Array, false);
    assert.equal(p100.verifyAndParseWebhook("tok", "tok", body).event, "user_status");
  }
  // A typed array of another kind, or an object that only says it is one, is still refused.
  for (const bad of [new Uint16Array(4), { [Symbol.toStringTag]: "Uint8Array", length: 1, 0: 123 }]) {
    assert.throws(() => p100.verifyAndParseWebhook("tok", "tok", bad), p100.ValidationError);
  }
});

test("a webhook body behind a byte-order mark is read", () => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(EVENT)]);
  assert.equal(p100.verifyAndParseWebhook("tok", "tok", body).event, "user_status");
});

test("error names do not depend on the class names a minifier rewrites", () => {
  const names = [
    "P100Error", "ValidationError", "AuthenticationError", "ApiError", "RateLimitError",
    "UnavailableError", "NetworkError", "TimeoutError", "DecodeError", "ConfigError",
    "WebhookUnauthorizedError", "AbortError",
  ];
  for (const name of names) {
    const cls = p100[name];
    const before = Object.getOwnPropertyDescriptor(cls, "name");
    // What esbuild --minify does to a class: `class U extends …`.
    Object.defineProperty(cls, "name", { value: "U", configurable: true });
    try {
      assert.equal(new cls("m").name, name);
    } finally {
      Object.defineProperty(cls, "name", before);
    }
  }
  // A subclass of yours keeps its own name.
  class PaymentFailed extends p100.ApiError {}
  assert.equal(new PaymentFailed("m").name, "PaymentFailed");
});

test("a key a file does not have is refused, naming it, before anything is sent", async () => {
  const client = new p100.Client({ apiKey: "test-key-123", baseUrl: "http://127.0.0.1:9" });
  const files = [{ fileName: "poa.pdf", data: Buffer.from("%PDF"), contentType: "application/pdf" }];
  await assert.rejects(
    client.kyc.uploadPoa({ externalUserId: "u1", files }),
    (e) => e instanceof p100.ValidationError && e.field === "files[0].contentType" && e.outcome === "not_sent",
  );
  client.free();
});
