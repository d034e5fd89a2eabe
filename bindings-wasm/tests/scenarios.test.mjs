// Runs the shared, language-neutral scenarios of tests/scenarios/*.json through the npm
// package: the format is described in tests/scenarios/README.md (reference runner:
// sandbox/tests/scenarios.rs). Each scenario gets a sandbox of its own with its `sandbox`
// settings (the binary test.sh built; without it, the sandbox test.sh started).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import path from "node:path";

import { p100, baseUrl as sharedUrl, apiKey as sharedKey, startSandbox } from "./helpers.mjs";

/** This runner's platform in the format's `platforms` overrides. */
const PLATFORM = "wasm";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../tests/scenarios");

// ---- operation name → package call, from the manifest tests/operations.json -----------------

const manifest = new Map(JSON.parse(readFileSync(path.join(dir, "../operations.json"), "utf8"))
  .operations.map((op) => [op.operation, op]));

/** Builds `size` bytes of a file of `kind` (magic bytes first), as the format says. */
function fileBytes(kind, size) {
  const magic = {
    png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    jpeg: [0xff, 0xd8, 0xff, 0xe0],
    jpg: [0xff, 0xd8, 0xff, 0xe0],
    pdf: [...Buffer.from("%PDF-1.7\n")],
  }[kind];
  const data = new Uint8Array(Math.max(size, magic ? magic.length : 0)).fill(magic ? 0 : 0x61);
  if (magic) data.set(magic);
  return data;
}

/** Calls the operation by its `names.js`: the path ids of an `ids…` shape as arguments, then
 *  the rest of the input as the request (files of an upload as bytes). */
async function callSdk(c, op, input) {
  if (op === "request") return c.request(input.method, input.path, input.body);
  const m = manifest.get(op);
  assert.ok(m, `operation ${op} is not in tests/operations.json`);
  const [, ...names] = m.names.js.split(".");
  const method = names.pop();
  const group = names.reduce((g, n) => g[n], c);
  assert.equal(typeof group[method], "function", `the package has no ${m.names.js}`);
  const { shape } = m.input;
  const ids = shape.startsWith("ids") ? m.params : [];
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !ids.includes(k)));
  if (shape === "upload") {
    rest.files = (rest.files ?? []).map((f) => ({ fileName: f.fileName, data: fileBytes(f.kind ?? "png", f.size ?? 1000) }));
  }
  const args = ids.map((id) => input[id]);
  if (m.input.type !== null) args.push(rest);
  return group[method](...args);
}

// ---- results and errors as JSON ------------------------------------------------------------

function errJson(e) {
  assert.ok(e instanceof p100.P100Error, `not a P100Error: ${e && e.stack}`);
  assert.ok(e instanceof Error);
  const json = {
    kind: e.kind,
    code: e.code,
    status: e.status,
    field: e.field,
    errorName: e.errorName,
    retryable: e.retryable,
    outcome: e.outcome,
    accepted: e.accepted,
    message: e.message,
  };
  // Prism (P100_PRISM) refused what the spec does not allow: its report is the reply's body.
  if (prism && typeof e.rawBody === "string" && e.rawBody.includes("stoplight.io/prism/errors")) {
    json.prism = JSON.parse(e.rawBody).validation ?? e.rawBody;
  }
  // The error itself, for "noSecrets" and "reconcile" (not enumerable: not in the JSON).
  Object.defineProperty(json, "exception", { value: e, enumerable: false });
  return json;
}

/** Every text of an error a secret could hide in (README: `noSecrets`). */
function textsOf(e) {
  return {
    message: e.message,
    "toString()": String(e),
    "util.inspect": inspect(e),
    "util.inspect (hidden too)": inspect(e, { showHidden: true, depth: 5 }),
    stack: String(e.stack),
    "JSON.stringify": JSON.stringify(e),
    rawBody: e.rawBody ?? "",
    fingerprint: JSON.stringify(e.fingerprint),
  };
}

async function plainHttp(baseUrl, input) {
  const headers = { ...(input.headers ?? {}) };
  const init = { method: input.method ?? "GET", headers };
  if (input.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(input.body);
  }
  const resp = await fetch(baseUrl + (input.path ?? "/"), init);
  const text = await resp.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: resp.status, body };
}

async function sandboxControl(baseUrl, method, p, body) {
  let resp;
  try {
    resp = await fetch(baseUrl + p, method === "GET" || method === "DELETE"
      ? { method }
      : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  } catch (e) {
    return { ok: false, error: { kind: "sandbox", message: String(e) } };
  }
  const text = await resp.text();
  let v = null;
  try {
    v = text ? JSON.parse(text) : null;
  } catch {
    v = null;
  }
  return resp.ok
    ? { ok: true, value: v }
    : { ok: false, error: { kind: "sandbox", status: resp.status, message: text } };
}

/** One step's outcome: `{ ok: true, value }` or `{ ok: false, error }`. */
async function exec(sb, c, op, input) {
  switch (op) {
    case "sleep":
      await new Promise((r) => setTimeout(r, input.ms ?? 0));
      return { ok: true, value: null };
    case "http":
      return { ok: true, value: await plainHttp(sb.baseUrl, input) };
    case "webhooks.parse": {
      const body = typeof input.body === "string" ? input.body : JSON.stringify(input.body);
      try {
        const v = new p100.WebhookVerifier(input.token ?? "");
        return { ok: true, value: v.verifyAndParse(input.authorization ?? null, body) };
      } catch (e) {
        return { ok: false, error: errJson(e) };
      }
    }
    case "_sandbox.faults.list":
      return sandboxControl(sb.baseUrl, "GET", "/_sandbox/faults");
    case "_sandbox.deliveries":
      return sandboxControl(sb.baseUrl, "GET", "/_sandbox/webhooks/deliveries");
    case "_sandbox.ops":
      return sandboxControl(sb.baseUrl, "GET", "/_sandbox/ops");
    case "_sandbox.ops.reset":
      return sandboxControl(sb.baseUrl, "DELETE", "/_sandbox/ops");
    default:
      if (op.startsWith("_sandbox.")) {
        return sandboxControl(sb.baseUrl, "POST", `/_sandbox/${op.slice("_sandbox.".length)}`, input);
      }
      try {
        const v = await callSdk(c, op, input);
        return { ok: true, value: v === undefined ? null : v };
      } catch (e) {
        return { ok: false, error: errJson(e) };
      }
  }
}

// ---- placeholders, paths, matchers (README "Placeholders", "Field paths", "Matchers") -------

function fill(v, vars) {
  if (typeof v === "string") {
    const whole = /^\{\{([^{}]+)\}\}$/.exec(v);
    if (whole && Object.hasOwn(vars, whole[1])) return structuredClone(vars[whole[1]]);
    return v.replace(/\{\{([^{}]+)\}\}/g, (m, name) => {
      if (!Object.hasOwn(vars, name)) return m;
      const val = vars[name];
      return typeof val === "string" ? val : JSON.stringify(val);
    });
  }
  if (Array.isArray(v)) return v.map((x) => fill(x, vars));
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, vars)]));
  }
  return v;
}

/** Resolves `a.b[0].c[key=value]`; `undefined` when a segment is missing. */
function resolve(v, p) {
  let cur = v;
  for (const seg of p.split(".")) {
    const m = /^([^[]*)(?:\[(.*)\])?$/.exec(seg);
    const [, name, sel] = m;
    if (name) {
      if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, name)) return undefined;
      cur = cur[name];
    }
    if (sel !== undefined) {
      if (!Array.isArray(cur)) return undefined;
      const eq = sel.indexOf("=");
      if (eq < 0) {
        cur = cur[Number(sel)];
      } else {
        const k = sel.slice(0, eq);
        const want = sel.slice(eq + 1);
        cur = cur.find((x) => x && typeof x === "object" && x[k] !== undefined &&
          (typeof x[k] === "string" ? x[k] : JSON.stringify(x[k])) === want);
      }
      if (cur === undefined) return undefined;
    }
  }
  return cur;
}

/** Exact decimal text → [sign, digits, exponent] normalised (no float involved), or null. */
function dec(v) {
  let t;
  if (typeof v === "string") t = v.trim();
  else if (typeof v === "number" && Number.isFinite(v)) t = String(v);
  else return null;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  let digits = (m[2] + (m[3] ?? "")).replace(/^0+/, "");
  let exp = Number(m[4] ?? 0) - (m[3] ?? "").length;
  while (digits.endsWith("0")) {
    digits = digits.slice(0, -1);
    exp += 1;
  }
  if (digits === "") return { sign: 1, digits: "0", exp: 0 };
  return { sign: m[1] === "-" ? -1 : 1, digits, exp };
}

function decCmp(a, b) {
  if (a.digits === "0" && b.digits === "0") return 0;
  if (a.sign !== b.sign) return a.digits === "0" ? -b.sign : a.digits === "0" ? a.sign : a.sign;
  // Compare |a| and |b| with BigInt at a common exponent.
  const e = Math.min(a.exp, b.exp);
  const x = BigInt(a.digits) * 10n ** BigInt(a.exp - e);
  const y = BigInt(b.digits) * 10n ** BigInt(b.exp - e);
  const c = x === y ? 0 : x > y ? 1 : -1;
  return a.sign * c;
}

function equal(a, b) {
  const x = dec(a);
  const y = dec(b);
  if (x && y) return decCmp(x, y) === 0;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Throws with a reason when `actual` does not match `m`. */
function match(actual, m) {
  if (m && typeof m === "object" && !Array.isArray(m)) {
    if ("exists" in m) {
      const exists = actual !== undefined && actual !== null;
      if (exists !== m.exists) throw new Error(`exists is ${exists}, expected ${m.exists}`);
      return;
    }
    if ("oneOf" in m) {
      if (actual === undefined) throw new Error("undefined");
      if (!m.oneOf.some((x) => equal(actual, x))) throw new Error(`${JSON.stringify(actual)} is not one of ${JSON.stringify(m.oneOf)}`);
      return;
    }
    if ("gt" in m) {
      const x = dec(actual);
      const y = dec(m.gt);
      if (!x || !y || decCmp(x, y) <= 0) throw new Error(`${JSON.stringify(actual)} is not greater than ${m.gt}`);
      return;
    }
    if ("length" in m) {
      if (actual === undefined) throw new Error("undefined");
      const len = Array.isArray(actual) ? actual.length : typeof actual === "string" ? [...actual].length : NaN;
      if (Number.isNaN(len)) throw new Error(`${JSON.stringify(actual)} has no length`);
      if (len !== m.length) throw new Error(`length ${len}, expected ${m.length}`);
      return;
    }
  }
  if (actual === undefined) throw new Error(`undefined, expected ${JSON.stringify(m)}`);
  if (!equal(actual, m)) throw new Error(`${JSON.stringify(actual)} != expected ${JSON.stringify(m)}`);
}

function show(o) {
  return o.ok ? `ok ${JSON.stringify(o.value)}` : `error ${JSON.stringify(o.error)}`;
}

async function checkExpect(o, expect, c) {
  if (expect.error) {
    if (o.ok) throw new Error(`expected an error ${JSON.stringify(expect.error)}, got ${show(o)}`);
    const e = o.error.exception;
    for (const [k, m] of Object.entries(expect.error)) {
      if (k === "messageContains") {
        if (!String(o.error.message ?? "").includes(m)) {
          throw new Error(`error message ${JSON.stringify(o.error.message)} does not contain ${JSON.stringify(m)}`);
        }
        continue;
      }
      if (k === "noSecrets") {
        if (!(e instanceof p100.P100Error)) throw new Error(`noSecrets needs an SDK error: ${show(o)}`);
        for (const [where, text] of Object.entries(textsOf(e))) {
          for (const secret of m) {
            if (String(text).includes(secret)) throw new Error(`${JSON.stringify(secret)} shows in the error's ${where}`);
          }
        }
        continue;
      }
      if (k === "reconcile") {
        if (!(e instanceof p100.P100Error)) throw new Error(`reconcile needs an SDK error: ${show(o)}`);
        let answer;
        try {
          answer = await c.reconcile(e);
        } catch (r) {
          throw new Error(`reconcile: expected ${JSON.stringify(m)}, got ${r && r.name}: ${r && r.message}`);
        }
        if (answer.result !== m) {
          throw new Error(`reconcile: ${JSON.stringify(answer)} is not ${JSON.stringify(m)} (error was ${show(o)})`);
        }
        continue;
      }
      try {
        match(o.error[k], m);
      } catch (e) {
        throw new Error(`error.${k}: ${e.message} (error was ${JSON.stringify(o.error)})`);
      }
    }
    return;
  }
  if (!o.ok) throw new Error(`expected success, got ${show(o)}`);
  for (const [p, m] of Object.entries(expect.fields ?? {})) {
    try {
      match(resolve(o.value, p), m);
    } catch (e) {
      throw new Error(`${p}: ${e.message} (result was ${JSON.stringify(o.value)})`);
    }
  }
}

// ---- the runner -----------------------------------------------------------------------------

/** The client of a step: the scenario defaults, or the step's `client` settings. */
function clientFor(sb, settings, direct = false) {
  const key = JSON.stringify([settings ?? null, direct]);
  if (!sb.clients.has(key)) {
    const s = settings ?? {};
    const known = new Set(["apiKey", "baseUrl", "timeoutMs", "connectTimeoutMs", "maxRetries"]);
    for (const k of Object.keys(s)) assert.ok(known.has(k), `unknown client setting ${k}`);
    const options = {
      apiKey: s.apiKey ?? sb.apiKey,
      baseUrl: s.baseUrl ?? (direct ? sb.baseUrl : sb.sdkUrl),
      timeoutMs: s.timeoutMs ?? 10_000,
      maxRetries: s.maxRetries ?? 3,
      retryInitialDelayMs: 20,
      retryMaxDelayMs: 200,
      connectTimeoutMs: s.connectTimeoutMs,
    };
    sb.clients.set(key, new p100.Client(options));
  }
  return sb.clients.get(key);
}

async function runStep(sb, step, vars) {
  const op = step.op;
  const input = fill(step.input ?? {}, vars);
  // Uploads bypass Prism: its proxy rebuilds a multipart body as text when forwarding it, and
  // the binary files arrive corrupted (the sandbox then refuses their type, P426).
  const upload = manifest.get(op)?.input.shape === "upload";
  const c = clientFor(sb, step.client === undefined ? undefined : fill(step.client, vars), upload);
  // A platform override replaces the step's expectation (README: `platforms`).
  const expect = step.platforms?.[PLATFORM]?.expect ?? step.expect;
  let o;
  if (step.poll) {
    const poll = fill(step.poll, vars);
    const timeout = poll.timeoutMs ?? 10_000;
    const every = poll.intervalMs ?? 50;
    const start = Date.now();
    for (;;) {
      o = await exec(sb, c, op, input);
      const done = o.ok && Object.entries(poll.until ?? {}).every(([p, m]) => {
        try {
          match(resolve(o.value, p), m);
          return true;
        } catch {
          return false;
        }
      });
      if (done) break;
      if (Date.now() - start > timeout) throw new Error(`poll timed out after ${timeout} ms; last outcome: ${show(o)}`);
      await new Promise((r) => setTimeout(r, every));
    }
  } else {
    o = await exec(sb, c, op, input);
  }
  if (expect) {
    await checkExpect(o, fill(expect, vars), c);
  } else if (!o.ok) {
    throw new Error(`unexpected error ${JSON.stringify(o.error)}`);
  }
  if (step.save && o.ok) {
    for (const [name, p] of Object.entries(step.save)) {
      const v = resolve(o.value, p);
      if (v === undefined) throw new Error(`save: ${p} not found in ${JSON.stringify(o.value)}`);
      vars[name] = v;
    }
  }
}

// P100_PRISM="<prism binary>|<spec>": every SDK call of a scenario goes through Prism
// (@stoplight/prism-cli) in validating-proxy mode in front of the scenario's sandbox, with
// --errors: a request the SDK sends or a reply it accepts that the OpenAPI description does not
// allow fails the step with Prism's report (scripts/openapi.sh). The sandbox controls go to the
// sandbox directly (they are not part of the API). P100_SCENARIOS="a,b" runs only those files.
const prism = process.env.P100_PRISM ? process.env.P100_PRISM.split("|") : null;
const only = process.env.P100_SCENARIOS ? new Set(process.env.P100_SCENARIOS.split(",")) : null;

/** Starts Prism as a validating proxy in front of `upstream`; its URL and a stop function. */
async function startPrism(upstream) {
  const { spawn } = await import("node:child_process");
  const net = await import("node:net");
  const port = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
  const [bin, spec] = prism;
  const child = spawn(bin, ["proxy", "--errors", "-h", "127.0.0.1", "-p", String(port), spec, upstream], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`prism exited: ${log}`);
    if (/Prism is listening/.test(log)) return { url, stop: () => child.kill() };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`prism did not start: ${log}`);
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .filter((f) => !only || only.has(f.replace(/\.json$/, "")))
  .sort();

test("scenario files exist", () => {
  assert.ok(files.length > 0, `no scenario in ${dir}`);
});

/** The cells of a matrix scenario and the cell of each step: a cell is its call step (the one
 *  with `cell`) and every step named after it (`<cell>: …`). */
function cellsOf(doc) {
  const cells = new Set(doc.steps.filter((s) => s.cell !== undefined).map((s) => s.cell));
  if (doc.cells !== undefined) assert.equal(cells.size, doc.cells, "the file's cell count disagrees with its steps");
  const cellOf = (s) => {
    if (s.cell !== undefined) return s.cell;
    const prefix = String(s.name ?? "").split(": ")[0];
    return cells.has(prefix) ? prefix : null;
  };
  return { cells, cellOf };
}

/** How much of a scenario passed: steps, and for a matrix its cells (a cell passed when every
 *  step of it did). */
function summary(doc, passed) {
  const { cells, cellOf } = cellsOf(doc);
  const bad = new Set(doc.steps.filter((s, i) => !passed.has(i)).map(cellOf));
  const good = [...cells].filter((c) => !bad.has(c));
  let line = `scenario ${doc.name}: ${passed.size}/${doc.steps.length} steps passed`;
  if (cells.size > 0) line += `; matrix ${good.length}/${cells.size} cells passed`;
  const failedCells = [...cells].filter((c) => bad.has(c));
  return { line, failedCells };
}

for (const file of files) {
  const doc = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  test(`scenario ${doc.name ?? file}`, async (t) => {
    assert.equal(doc.format, "p100-scenario/1");
    const own = await startSandbox(doc.sandbox ?? {});
    const sb = {
      baseUrl: own ? own.baseUrl : sharedUrl,
      apiKey: own ? own.apiKey : sharedKey,
      clients: new Map(),
    };
    const proxy = prism ? await startPrism(sb.baseUrl) : null;
    sb.sdkUrl = proxy ? proxy.url : sb.baseUrl;
    t.after(() => proxy && proxy.stop());
    const vars = {
      run: Math.random().toString(16).slice(2, 10).padStart(8, "0"),
      sandboxUrl: sb.baseUrl,
    };
    const { cellOf } = cellsOf(doc);
    const passed = new Set();
    const failedCells = new Set();
    let stopped = false;
    try {
      for (const [i, step] of doc.steps.entries()) {
        const name = `step ${i + 1}: ${step.name ?? step.op} (${step.op})`;
        const cell = cellOf(step);
        // The first failing step fails the scenario. Outside a matrix cell the steps after it
        // are not run; in a matrix the rest of that cell is skipped, the faults it may have
        // left queued are cleared, and the next cell runs (so the summary shows every cell).
        const skip = stopped
          ? "an earlier step failed"
          : cell !== null && failedCells.has(cell) ? "an earlier step of this cell failed" : false;
        await t.test(name, { skip }, async () => {
          try {
            await runStep(sb, step, vars);
            passed.add(i);
          } catch (e) {
            if (cell === null) {
              stopped = true;
            } else {
              failedCells.add(cell);
              await sandboxControl(sb.baseUrl, "DELETE", "/_sandbox/faults");
            }
            throw e;
          }
        });
      }
    } finally {
      const { line, failedCells: bad } = summary(doc, passed);
      t.diagnostic(line);
      console.log(line);
      if (bad.length > 0) console.log(`failed cells: ${bad.join("; ")}`);
      if (own) await own.stop();
    }
  });
}
