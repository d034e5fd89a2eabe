// Shared helpers of the Node test suite. test.sh starts the sandbox and passes its address in
// P100_BASE_URL / P100_API_KEY; the package under test is bindings-wasm/pkg (built by build.sh).
import * as p100 from "../pkg/index.mjs";
import { Sandbox } from "../pkg/testing.mjs";

export { p100 };

export const baseUrl = process.env.P100_BASE_URL;
export const apiKey = process.env.P100_API_KEY;
if (!baseUrl || !apiKey) {
  throw new Error("P100_BASE_URL and P100_API_KEY must point at a running sandbox (see test.sh)");
}

/** A client for the sandbox with the scenario settings: 10 s timeout, fast retries. */
export function client(overrides = {}) {
  return new p100.Client({
    apiKey,
    baseUrl,
    timeoutMs: 10_000,
    maxRetries: 3,
    retryInitialDelayMs: 20,
    retryMaxDelayMs: 200,
    ...overrides,
  });
}

/** POST (or GET without a body) to a sandbox control under /_sandbox/. */
export async function control(path, body) {
  const init = body === undefined
    ? { method: "GET" }
    : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const resp = await fetch(`${baseUrl}/_sandbox/${path}`, init);
  const text = await resp.text();
  if (!resp.ok) throw new Error(`sandbox control ${path}: HTTP ${resp.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A suffix unique to this run. */
export function uid() {
  return Math.random().toString(16).slice(2, 10);
}

/**
 * Verifies `externalUserId`, a KYC user just created, so that euros move for it (P459 before):
 * an ID card's file, then Add User Verification (the sandbox takes them at once).
 */
export async function verify(c, externalUserId) {
  const png = new Uint8Array(1024);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await c.kyc.uploadFiles({ externalUserId, documentType: "ID_CARD", files: [{ fileName: "front.png", data: png }] });
  await c.kyc.addVerification({ externalUserId, documentType: "ID_CARD", documentNumber: "CEV12630", documentCountry: "PL" });
}

/** Polls `fn` until `done(result)` holds (at most `timeoutMs`). */
export async function pollUntil(fn, done, timeoutMs = 10_000, intervalMs = 50) {
  const start = Date.now();
  for (;;) {
    let last;
    try {
      last = await fn();
      if (done(last)) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`poll timed out; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Starts a sandbox of its own through the package's own `p100/testing` (the binary test.sh
 * built, in P100_SANDBOX_BIN) on a free loopback port: `{ baseUrl, apiKey, stop() }`. Without
 * P100_SANDBOX_BIN, null.
 */
export async function startSandbox({ settleMs = 100, timeScale = 1 } = {}) {
  const bin = process.env.P100_SANDBOX_BIN;
  if (!bin) return null;
  const sb = await Sandbox.start({ binary: bin, settleMs, timeScale });
  return { baseUrl: sb.url, apiKey: sb.apiKey, stop: () => sb.stop() };
}
