"use strict";
// Node benchmark of the `p100` npm package (run by scripts/bench.sh; see bench/README.md).
//
// Each case runs the SDK and the hand-written alternatives interleaved in this one process, for
// BENCH_ROUNDS rounds of BENCH_CALLS calls, and reports the median rate of each. Results are
// lines `BENCH {json}` on stdout; progress goes to stderr.
//
//   P100_BENCH_URL=http://127.0.0.1:PORT P100_BENCH_KEY=KEY node --expose-gc bench.cjs
//   node bench.cjs mem CONTENDER MONTH YEAR   (child process: peak RSS of one history call)
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const { performance } = require("node:perf_hooks");
const undici = require("undici");
// The package under test: a snapshot of bindings-wasm/pkg that scripts/bench.sh copies (so a
// rebuild of pkg/ during the run does not mix two builds), or `p100` as installed.
const P100 = process.env.P100_BENCH_PKG || "p100";
const { Client } = require(P100);

const URL = process.env.P100_BENCH_URL ?? "";
const KEY = process.env.P100_BENCH_KEY ?? "";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONC = Number(process.env.BENCH_CONC ?? 32);
const SIZES = (process.env.BENCH_SIZES ?? "100 1000 10000").split(/\s+/).filter(Boolean).map(Number);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
const BALANCES = `${URL}/v1/partner/balances`;
const HEADERS = { "x-api-key": KEY };

function emit(kase, alt, unit, sdk, other) {
  const row = { lang: "Node", case: kase, alt, unit, sdk, other };
  process.stdout.write(`BENCH ${JSON.stringify(row)}\n`);
}

function log(text) {
  process.stderr.write(`[node] ${text}\n`);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs every contender once per round (rotating who goes first); the median of each. */
async function interleave(contenders) {
  const names = Object.keys(contenders);
  const seen = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const k = r % names.length;
    for (const name of [...names.slice(k), ...names.slice(0, k)]) {
      seen[name].push(await contenders[name]());
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(seen[n])]));
}

function report(kase, unit, results) {
  for (const [name, value] of Object.entries(results)) {
    if (name !== "SDK") emit(kase, name, unit, results.SDK, value);
  }
}

/** `n` calls one after another: calls per second. */
function sequential(call, n) {
  return async () => {
    const start = performance.now();
    for (let i = 0; i < n; i++) await call();
    return n / ((performance.now() - start) / 1000);
  };
}

/** `n` calls from CONC workers (each awaits its calls one after another). */
function concurrent(call, n) {
  return async () => {
    const worker = async (count) => {
      for (let i = 0; i < count; i++) await call();
    };
    const shares = Array.from({ length: CONC }, (_, i) => Math.floor(n / CONC) + (i < n % CONC ? 1 : 0));
    const start = performance.now();
    await Promise.all(shares.filter((c) => c > 0).map(worker));
    return n / ((performance.now() - start) / 1000);
  };
}

async function withFetch(url) {
  const r = await fetch(url, { headers: HEADERS });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}

async function withUndici(url) {
  const { statusCode, body } = await undici.request(url, { headers: HEADERS });
  if (statusCode !== 200) {
    await body.dump();
    throw new Error(`HTTP ${statusCode}`);
  }
  return body.json();
}

async function control(path, body) {
  const r = await fetch(URL + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

/** A fresh sandbox state whose partner history of this month holds exactly `n` entries. */
async function seed(n) {
  await control("/_sandbox/reset", {});
  const v = await control("/_sandbox/seed-transactions", { count: n });
  return [v.month, v.year];
}

const growthCalls = (n) => Math.max(2, Math.floor((CALLS * 100) / n));

function statusKiB(field) {
  const m = fs.readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${field}:\\s+(\\d+)`, "m"));
  if (!m) throw new Error(`${field} not in /proc/self/status`);
  return Number(m[1]);
}

/** One history call in this fresh process: prints the peak RSS growth in KiB. */
async function memChild(contender, month, year) {
  const history = `${URL}/v1/partner/transactions?month=${month}&year=${year}`;
  let call;
  if (contender === "SDK") {
    const client = new Client({ apiKey: KEY, baseUrl: URL });
    await client.partner.balances(); // warm: code paths loaded, connection open
    call = async () => (await client.partner.transactions({ month, year })).transactions;
  } else {
    await withFetch(BALANCES);
    call = async () => (await withFetch(history)).transactions;
  }
  if (global.gc) global.gc();
  fs.writeFileSync("/proc/self/clear_refs", "5"); // resets VmHWM (the peak) to the current RSS
  const before = statusKiB("VmRSS");
  const result = await call();
  const peak = statusKiB("VmHWM");
  if (!Array.isArray(result) || result.length === 0) throw new Error("no transactions");
  process.stdout.write(`${peak - before}\n`);
}

async function main() {
  const sdk = new Client({ apiKey: KEY, baseUrl: URL });
  const balances = () => sdk.partner.balances();
  const fetchBalances = () => withFetch(BALANCES);
  const undiciBalances = () => withUndici(BALANCES);

  log(`sequential: ${ROUNDS} rounds x ${CALLS} calls`);
  report(
    "balances, sequential",
    "calls/s",
    await interleave({
      SDK: sequential(balances, CALLS),
      "fetch + r.json()": sequential(fetchBalances, CALLS),
      "undici.request": sequential(undiciBalances, CALLS),
    }),
  );
  log(`${CONC} concurrent`);
  report(
    `balances, ${CONC} concurrent`,
    "calls/s",
    await interleave({
      SDK: concurrent(balances, CALLS),
      "fetch + r.json()": concurrent(fetchBalances, CALLS),
      "undici.request": concurrent(undiciBalances, CALLS),
    }),
  );

  // A call that changes something: the SDK waits one event-loop turn before sending it (so a
  // kept-alive connection the server closed is seen as closed first), and keeps its fingerprint.
  await control("/_sandbox/fund", { currency: "eur", amount: "1000000000" });
  const transfer = { amount: "0.01", currency: "eur", destinationIban: "DE89370400440532013000", transferTitle: "Bench" };
  const sepaUrl = `${URL}/v1/partner/sepa-transfer`;
  const sepaHeaders = { ...HEADERS, "content-type": "application/json" };
  const fetchSepa = async () => {
    const r = await fetch(sepaUrl, { method: "POST", headers: sepaHeaders, body: JSON.stringify(transfer) });
    if (r.status !== 201) throw new Error(`HTTP ${r.status}`);
    return r.json();
  };
  log(`SEPA transfer, sequential: ${ROUNDS} rounds x ${CALLS} calls`);
  report(
    "SEPA transfer (POST), sequential",
    "calls/s",
    await interleave({
      SDK: sequential(() => sdk.sepa.partnerTransfer(transfer), CALLS),
      "fetch + r.json()": sequential(fetchSepa, CALLS),
    }),
  );

  // The price of the group method's wrapper (an async function, so that an error's stack
  // shows the caller's frame) against the wasm entry it calls, in this one process.
  log(`${CONC} concurrent: the group method against its wasm entry`);
  report(
    `balances, ${CONC} concurrent: method vs its wasm entry`,
    "calls/s",
    await interleave({
      SDK: concurrent(balances, CALLS),
      "client.__call, no wrapper": concurrent(() => sdk.__call("partner.balances", []), CALLS),
    }),
  );

  for (const n of SIZES) {
    const [month, year] = await seed(n);
    const history = `${URL}/v1/partner/transactions?month=${month}&year=${year}`;
    const calls = growthCalls(n);
    log(`history of ${n} entries: ${ROUNDS} rounds x ${calls} calls`);
    const check = (list) => {
      if (list.length !== n) throw new Error(`${list.length} entries, not ${n}`);
    };
    const rates = await interleave({
      SDK: sequential(async () => check((await sdk.partner.transactions({ month, year })).transactions), calls),
      "fetch + r.json()": sequential(async () => check((await withFetch(history)).transactions), calls),
      "fetch, body bytes only": sequential(async () => {
        const r = await fetch(history, { headers: HEADERS });
        if (!r.ok || (await r.arrayBuffer()).byteLength === 0) throw new Error(`HTTP ${r.status}`);
      }, calls),
    });
    report(`history ${n}: time`, "ms/call", Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, 1000 / v])));
    const peaks = {};
    for (const contender of ["SDK", "fetch + r.json()"]) {
      const out = execFileSync(process.execPath, ["--expose-gc", __filename, "mem", contender, String(month), String(year)], {
        encoding: "utf8",
      });
      peaks[contender] = Number(out.trim().split(/\s+/).pop()) / 1024;
    }
    report(`history ${n}: peak RSS growth`, "MB", peaks);
  }

  log(`start-up: median of ${STARTUP_RUNS} runs`);
  const programs = { SDK: `require(${JSON.stringify(P100)})`, "bare node": "", 'require("undici")': 'require("undici")' };
  const times = Object.fromEntries(Object.keys(programs).map((k) => [k, []]));
  for (let i = 0; i < STARTUP_RUNS; i++) {
    for (const [name, code] of Object.entries(programs)) {
      const start = performance.now();
      execFileSync(process.execPath, ["-e", code], { cwd: __dirname });
      times[name].push(performance.now() - start);
    }
  }
  report(
    "start-up: node -e 'require(\"p100\")'",
    "ms",
    Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
  );
}

const [mode, contender, month, year] = process.argv.slice(2);
(mode === "mem" ? memChild(contender, Number(month), Number(year)) : main()).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
