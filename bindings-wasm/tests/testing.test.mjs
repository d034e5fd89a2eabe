// `p100/testing` used exactly as a user would: `import { Sandbox } from "p100/testing"`, the
// server binary found through the platform package @p100/sandbox-<platform>-<arch> (test.sh
// links bindings-wasm/pkg and pkg-sandbox-<platform>-<arch> into node_modules, as an install
// would put them). No sandbox of test.sh is used here: each test starts its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { inspect } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Sandbox, SandboxError, platformPackage } from "p100/testing";
import { Client, UnavailableError, verifyAndParseWebhook } from "p100";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Resolves true when something accepts TCP connections at `url`'s port. */
function portOpen(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: hostname, port: Number(port) });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/** True while the process exists and is not a zombie. */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return true; // no /proc (macOS): kill(0) said it exists
  }
}

async function until(cond, timeoutMs = 5000) {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

test("require('p100/testing') and import give the same Sandbox; the binary comes from the platform package", () => {
  const cjs = require("p100/testing");
  assert.equal(cjs.Sandbox, Sandbox);
  assert.equal(cjs.SandboxError, SandboxError);
  assert.equal(platformPackage(), `@p100/sandbox-${process.platform}-${process.arch}`);
  if (!process.env.P100_SANDBOX_BINARY) {
    const bin = Sandbox.binaryPath();
    assert.equal(bin, require.resolve(`${platformPackage()}/bin/p100-sandbox`));
  }
});

test("start: a free loopback port, a random key, a Client that works; start-up time measured", async () => {
  const times = [];
  const listening = [];
  const keys = new Set();
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const sb = await Sandbox.start();
    listening.push(performance.now() - t0);
    const b = await sb.client().partner.balances();
    times.push(performance.now() - t0);
    try {
      assert.match(sb.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(b.fiatBalances.length > 0);
      assert.equal(typeof b.fiatBalances[0].amount, "string");
      assert.ok(sb.client() instanceof Client);
      keys.add(sb.apiKey);
      // The key is not printed with the object.
      assert.ok(!JSON.stringify(sb).includes(sb.apiKey));
      assert.equal(inspect(sb), `Sandbox { url: '${sb.url}', pid: ${sb.pid}, running: true }`);
    } finally {
      await sb.stop();
    }
  }
  assert.equal(keys.size, 7, "every sandbox has a key of its own");
  const stats = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms, ` +
      `max ${sorted.at(-1).toFixed(1)} ms [${xs.map((t) => t.toFixed(1)).join(", ")}]`;
  };
  console.log(`p100/testing start-up to the first answered request (Sandbox.start() + partner.balances()), ` +
    `${times.length} runs: ${stats(times)}`);
  console.log(`  of which Sandbox.start() alone (spawn to listening): ${stats(listening)}`);
});

test("options: apiKey, settleMs, timeScale; a wrong key is refused", async () => {
  const sb = await Sandbox.start({ apiKey: "my-test-key", settleMs: 50, timeScale: 0.5 });
  try {
    assert.equal(sb.apiKey, "my-test-key");
    const health = await sb.control("GET", "health");
    assert.equal(health.timeScale, 0.5);
    await sb.setTimeScale(0.25);
    assert.equal((await sb.control("GET", "time-scale")).scale, 0.25);
    const wrong = new Client({ apiKey: "not-the-key", baseUrl: sb.url, maxRetries: 0 });
    await assert.rejects(wrong.partner.balances(), (e) => e.kind === "authentication" && e.status === 401);
  } finally {
    await sb.stop();
  }
});

test("fund, fault injection seen through the SDK's errors, reset", async () => {
  const sb = await Sandbox.start();
  try {
    const client = sb.client({ maxRetries: 0 });
    const eur = (b) => b.fiatBalances.find((x) => x.name === "eur").amount;
    const before = eur(await client.partner.balances());
    const funded = await sb.fund({ currency: "eur", amount: "100.25" });
    assert.equal(funded.currency, "eur");
    const after = eur(await client.partner.balances());
    assert.equal(after, funded.balance);
    assert.equal(Math.round((Number(after) - Number(before)) * 100), 10025);

    const queued = await sb.injectFault({ kind: 503, count: 1, operation: "partner.balances" });
    assert.equal(queued.pending, 1);
    await assert.rejects(client.partner.balances(), (e) => {
      assert.ok(e instanceof UnavailableError, `${e}`);
      assert.equal(e.status, 503);
      assert.equal(e.outcome, "unknown");
      return true;
    });
    // One request took it: the next one passes.
    assert.equal(eur(await client.partner.balances()), after);

    await sb.injectFault({ kind: "500", count: 5 });
    await sb.clearFaults();
    await client.partner.balances();

    // A control the server refuses: SandboxError with the server's message, status and the
    // argument at fault (named by the server, not guessed from the message).
    await assert.rejects(sb.fund({ currency: "eur", amount: "-1" }), (e) => {
      assert.ok(e instanceof SandboxError);
      assert.equal(e.status, 400);
      assert.equal(e.field, "amount");
      assert.match(e.message, /amount must be positive/);
      return true;
    });
    await assert.rejects(sb.fund({ currency: "eur", amount: "1", externalUserId: "ghost" }), (e) => {
      assert.ok(e instanceof SandboxError);
      assert.deepEqual([e.status, e.field], [404, "externalUserId"]);
      return true;
    });
    // A JS number with a fraction is not an exact amount, here as in the client (the sandbox
    // reads the body with the SDK's decoder); a whole number is.
    await assert.rejects(sb.fund({ currency: "eur", amount: 10.5 }), (e) => {
      assert.ok(e instanceof SandboxError);
      assert.deepEqual([e.status, e.field], [400, "amount"]);
      assert.match(e.message, /decimal string/);
      return true;
    });
    await sb.fund({ currency: "eur", amount: 10 });

    await sb.reset();
    assert.equal(eur(await client.partner.balances()), before);
  } finally {
    await sb.stop();
  }
});

test("webhooks: delivered to a local server with the token, listed by deliveries()", async () => {
  const received = [];
  const token = "whsec-testing-1234";
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c)).on("end", () => {
      try {
        received.push(verifyAndParseWebhook(req.headers.authorization, token, Buffer.concat(chunks)));
        res.writeHead(200).end();
      } catch {
        res.writeHead(401).end();
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const webhookUrl = `http://127.0.0.1:${server.address().port}/hook`;
  const sb = await Sandbox.start({ webhookUrl, webhookToken: token, settleMs: 20 });
  try {
    assert.deepEqual(await sb.deliveries(), []);
    await sb.control("POST", "crypto-deposit", { currency: "btc", amount: "0.001" });
    assert.ok(await until(async () => (await sb.deliveries()).filter((d) => d.ok).length >= 2),
      "two deliveries (waiting for verification, then successful)");
    const list = await sb.deliveries();
    assert.equal(list[0].event, "crypto_deposit");
    assert.equal(list[0].url, webhookUrl);
    assert.equal(list[0].statusCode, 200);
    assert.equal(list[0].attempt, 1);
    assert.ok(received.some((e) => e.event === "crypto_deposit"), JSON.stringify(received));

    // trigger: any webhook event on demand (a sandbox binary without the control: a clear error).
    try {
      const t = await sb.trigger("user_status");
      assert.equal(t.event, "user_status");
      // A payload's amounts are exact text, as parseWebhook and client.request() give them,
      // never a JS number with a fraction (25.5), in trigger() and in deliveries().
      const inexact = (v) =>
        typeof v === "number" ? !Number.isSafeInteger(v) : v !== null && typeof v === "object" && Object.values(v).some(inexact);
      for (const event of ["sepa_transfer", "crypto_deposit", "card_transaction"]) {
        const sent = await sb.trigger(event);
        assert.ok(!inexact(sent.payload), `${event}: ${JSON.stringify(sent.payload)}`);
        assert.ok(/"\d+\.\d+"/.test(JSON.stringify(sent.payload)), `${event} has a decimal amount: ${JSON.stringify(sent.payload)}`);
      }
      assert.ok(await until(async () => (await sb.deliveries()).some((d) => d.event === "card_transaction")));
      assert.ok(!inexact((await sb.deliveries()).map((d) => d.payload)));
      assert.ok(await until(() => received.some((e) => e.event === "user_status")), "user_status arrived");
      assert.ok((await sb.deliveries()).some((d) => d.event === "user_status" && d.ok));
      await assert.rejects(sb.trigger("no_such_event"), (e) => e instanceof SandboxError && e.status === 400);
    } catch (e) {
      if (!(e instanceof SandboxError) || e.status !== 404) throw e;
      assert.match(e.message, /trigger\(\) needs the sandbox control POST \/_sandbox\/trigger/);
      console.log(`trigger: ${e.message}`);
    }

    // setWebhook: elsewhere from now on.
    await sb.setWebhook(null);
    const n = (await sb.deliveries()).length;
    await sb.control("POST", "crypto-deposit", { currency: "btc", amount: "0.002", status: "WAITING_FOR_TR_DATA" });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await sb.deliveries()).length, n);
  } finally {
    await sb.stop();
    server.close();
  }
});

test("advance: a SEPA transfer settling in an hour is final at once, seen through the SDK", async () => {
  const sb = await Sandbox.start({ settleMs: 3_600_000 });
  try {
    const client = sb.client();
    const { transferId } = await client.sepa.partnerTransfer({
      amount: "10.00",
      currency: "eur",
      destinationIban: "DE89370400440532013000",
      transferTitle: "advance test",
    });
    const before = (await client.sepa.details(transferId)).status;
    const t0 = await sb.now();
    let moved;
    try {
      moved = await sb.advance(3600);
    } catch (e) {
      if (!(e instanceof SandboxError) || e.status !== 404) throw e;
      assert.match(e.message, /advance\(\) needs the sandbox control POST \/_sandbox\/advance/);
      console.log(`advance: ${e.message}`);
      return;
    }
    assert.equal(moved.advancedSeconds, 3600);
    // now(): the sandbox's clock, an hour (and the test's own few moments) ahead of t0.
    const t1 = await sb.now();
    assert.ok(t0 instanceof Date && t1 instanceof Date);
    const movedMs = t1.getTime() - t0.getTime();
    assert.ok(movedMs >= 3_600_000 && movedMs < 3_660_000, `the clock moved ${movedMs} ms`);
    assert.ok(t1.getTime() >= new Date(moved.now).getTime(), `${t1.toISOString()} before ${moved.now}`);
    const after = (await client.sepa.details(transferId)).status;
    assert.notEqual(before, after, `status ${before} before, ${after} after`);
    assert.equal(after, "SUCCESSFUL");
    // ops(): each handler's runs, by operation name (one transfer, two detail reads).
    const ops = await sb.ops();
    assert.equal(ops["sepa.partner_transfer"], 1);
    assert.equal(ops["sepa.details"], 2);
    await assert.rejects(sb.advance(-1), (e) => e instanceof SandboxError && e.status === 400 && e.field === "seconds");
  } finally {
    await sb.stop();
  }
});

test("stop: the port is closed, the process gone; stop again is a no-op; controls then fail clearly", async () => {
  const sb = await Sandbox.start();
  const { pid, url } = sb;
  assert.ok(await portOpen(url));
  assert.ok(sb.running);
  await sb.stop();
  assert.equal(sb.running, false);
  assert.equal(await portOpen(url), false, "nothing listens on the port any more");
  assert.equal(alive(pid), false, "the process has exited and was reaped");
  await sb.stop();
  await assert.rejects(sb.fund({ currency: "eur", amount: "1" }), SandboxError);
});

test("Symbol.asyncDispose stops it (what `await using sb = await Sandbox.start()` calls)", async () => {
  const sb = await Sandbox.start();
  assert.equal(typeof sb[Symbol.asyncDispose], "function");
  await sb[Symbol.asyncDispose]();
  assert.equal(sb.running, false);
  assert.equal(await portOpen(sb.url), false);
});

test("`await using sb = await Sandbox.start()` (as TypeScript compiles it for Node 20) stops it at the block's end", async () => {
  const { default: ts } = await import("typescript");
  const source = `
    import { Sandbox } from "p100/testing";
    let pid: number | undefined;
    {
      await using sb = await Sandbox.start();
      pid = sb.pid;
      await sb.client().partner.balances();
    }
    let alive = true;
    try { process.kill(pid!, 0); } catch { alive = false; }
    process.stdout.write(JSON.stringify({ pid, alive }));
  `;
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const r = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", js], { cwd: here, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}: ${out}`))));
  });
  assert.ok(r.pid > 0);
  assert.equal(r.alive, false, "the sandbox was stopped (and reaped) when the block ended");
});

/** Runs `code` (ESM) in a new Node process that prints the sandbox's `pid url` first. */
function runChild(code, { signal } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env,
      cwd: here, // resolves p100/testing as this file does
    });
    let out = "";
    let sent = false;
    child.stdout.on("data", (d) => {
      out += d;
      if (signal && !sent && /^\d+ \S+\n/.test(out)) {
        sent = true;
        child.kill(signal);
      }
    });
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error("the child did not exit in 20 s")); }, 20_000);
    child.once("exit", (code, sig) => {
      clearTimeout(timer);
      const [pid, url] = out.trim().split(/\s+/);
      resolve({ code, signal: sig, pid: Number(pid), url });
    });
  });
}

const startAndPrint = `
  import { Sandbox } from "p100/testing";
  const sb = await Sandbox.start();
  await sb.client().partner.balances();
  process.stdout.write(sb.pid + " " + sb.url + "\\n");
`;

for (const [how, code, signal, reaped] of [
  ["the event loop empties (stop() forgotten)", startAndPrint, undefined, true],
  ["process.exit()", `${startAndPrint} process.exit(3);`, undefined, false],
  ["SIGTERM", `${startAndPrint} setInterval(() => {}, 1000);`, "SIGTERM", true],
  ["SIGINT", `${startAndPrint} setInterval(() => {}, 1000);`, "SIGINT", true],
]) {
  test(`the server is killed when Node exits: ${how}`, async () => {
    const r = await runChild(code, { signal });
    assert.ok(r.pid > 0 && r.url, `the child printed no pid/url (exit ${r.code})`);
    if (signal) assert.equal(r.signal, signal, "the signal still ends Node as it would without p100/testing");
    if (reaped) {
      // Node waited for it before exiting: not even a zombie is left.
      assert.throws(() => process.kill(r.pid, 0), { code: "ESRCH" }, `sandbox ${r.pid} is left (a zombie?)`);
    } else {
      // process.exit(): killed synchronously; init reaps it.
      assert.ok(await until(() => !alive(r.pid)), `sandbox ${r.pid} still runs after its Node process exited`);
    }
    assert.equal(await portOpen(r.url), false);
  });
}

test("errors: unknown option, bad values, a missing binary", async () => {
  await assert.rejects(Sandbox.start({ port: 8080 }), (e) => e instanceof SandboxError && /unknown option port/.test(e.message));
  await assert.rejects(Sandbox.start({ settleMs: -1 }), SandboxError);
  await assert.rejects(Sandbox.start({ webhookUrl: "http://127.0.0.1:9/x" }), /webhookUrl and webhookToken go together/);
  await assert.rejects(Sandbox.start({ binary: "/nonexistent/p100-sandbox" }), (e) => e instanceof SandboxError && /could not be started/.test(e.message));
  const saved = process.env.P100_SANDBOX_BINARY;
  process.env.P100_SANDBOX_BINARY = "/nonexistent/p100-sandbox";
  try {
    await assert.rejects(Sandbox.start(), /P100_SANDBOX_BINARY is set to \/nonexistent\/p100-sandbox, which does not exist/);
  } finally {
    if (saved === undefined) delete process.env.P100_SANDBOX_BINARY;
    else process.env.P100_SANDBOX_BINARY = saved;
  }
  // A server that fails to start: its stderr is in the error.
  await assert.rejects(Sandbox.start({ timeScale: 1e9 }), (e) => e instanceof SandboxError && /exited with status/.test(e.message));
});
