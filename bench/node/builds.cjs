// Compares builds of the npm package side by side in one process (e.g. the wasm at different
// opt-levels): sequential `partner.balances()` and the 10,000-entry history, against `fetch`,
// interleaved, median of 5 rounds. Starts target/release/p100-sandbox on a free loopback port.
//   node bench/node/builds.cjs bindings-wasm/pkg /tmp/pkg-other ...
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const KEY = "sk_sandbox_builds";
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

async function sandbox() {
  const bin = path.join(__dirname, "../../target/release/p100-sandbox");
  const child = spawn(bin, ["--port", "0", "--api-key", KEY, "--settle-ms", "100"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) resolve(m[0]);
    });
    child.on("exit", () => reject(new Error("the sandbox stopped")));
  });
  return { url, stop: () => child.kill() };
}

async function rounds(contenders, calls, unit) {
  const res = {};
  for (const [, f] of contenders) for (let i = 0; i < Math.min(calls, 50); i++) await f();
  for (let r = 0; r < 5; r++) {
    for (const [name, f] of contenders) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) await f();
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      (res[name] ??= []).push(unit === "calls/s" ? calls / (ms / 1000) : ms / calls);
    }
  }
  const base = median(res.fetch);
  for (const [name, v] of Object.entries(res)) {
    const m = median(v);
    console.log(`  ${name.padEnd(40)} ${m.toFixed(unit === "calls/s" ? 0 : 1).padStart(8)} ${unit}  ${(m / base).toFixed(2)}x fetch`);
  }
}

(async () => {
  const sb = await sandbox();
  try {
    const H = { "x-api-key": KEY };
    const post = (p, body) => fetch(sb.url + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
    const clients = process.argv.slice(2).map((p) => [p, new (require(path.resolve(p, "index.cjs")).Client)({ apiKey: KEY, baseUrl: sb.url })]);
    console.log("balances, sequential");
    await rounds([...clients.map(([n, c]) => [n, () => c.partner.balances()]), ["fetch", async () => (await fetch(sb.url + "/v1/partner/balances", { headers: H })).json()]], 2000, "calls/s");
    await post("/_sandbox/reset", {});
    const { month, year } = await post("/_sandbox/seed-transactions", { count: 10000 });
    console.log("history of 10,000 entries");
    const history = `${sb.url}/v1/partner/transactions?month=${month}&year=${year}`;
    await rounds([...clients.map(([n, c]) => [n, () => c.partner.transactions({ month, year })]), ["fetch", async () => (await fetch(history, { headers: H })).json()]], 10, "ms/call");
  } finally {
    sb.stop();
  }
})();
