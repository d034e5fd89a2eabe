"use strict";
// `p100/testing`: the P100 sandbox (a local, stateful P100 Partner API server) for tests.
//
// The server is a native binary shipped per platform, as esbuild ships its own: the optional
// dependency `@p100/sandbox-<platform>-<arch>` of this package holds `bin/p100-sandbox`, and npm
// installs only the one whose `os`/`cpu` match. `P100_SANDBOX_BINARY` overrides it. Each
// `Sandbox.start()` runs it as a child process on a free loopback port (port 0; the port is read
// from the line the server prints) and `stop()` ends it; a sandbox still running when Node exits
// (the event loop empties, process.exit, SIGINT/SIGTERM/SIGHUP) is killed then.
const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/** The platform package for this machine, e.g. `@p100/sandbox-linux-x64`. */
function platformPackage(platform = process.platform, arch = process.arch) {
  return `@p100/sandbox-${platform}-${arch}`;
}

/** The binary's file name inside the platform package. */
function binaryName(platform = process.platform) {
  return platform === "win32" ? "p100-sandbox.exe" : "p100-sandbox";
}

/** An error of the sandbox itself: it would not start, or a control call failed. */
class SandboxError extends Error {
  constructor(message, { status = null, body = null, field = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "SandboxError";
    /** The HTTP status of a failed control call (null otherwise). */
    this.status = status;
    /** The argument a control refused, as its JSON body names it (`"externalUserId"`), or null. */
    this.field = field;
    /** The body of a failed control call, as text (null otherwise). */
    this.body = body;
  }
}

/**
 * The path of the sandbox binary: `P100_SANDBOX_BINARY` when set, else `bin/p100-sandbox` of
 * the platform package, resolved from this package like any dependency.
 */
function sandboxBinary() {
  const override = process.env.P100_SANDBOX_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      throw new SandboxError(`P100_SANDBOX_BINARY is set to ${override}, which does not exist`);
    }
    return override;
  }
  const pkg = platformPackage();
  try {
    return require.resolve(`${pkg}/bin/${binaryName()}`);
  } catch (e) {
    throw new SandboxError(
      `p100/testing: the sandbox server for this platform (${process.platform}-${process.arch}) is not installed. ` +
        `It comes with the optional dependency ${pkg}: run \`npm install --save-dev ${pkg}\` ` +
        `(installs that skip optional dependencies, such as \`npm install --omit=optional\`, leave it out), ` +
        `or set P100_SANDBOX_BINARY to the path of a p100-sandbox binary ` +
        `(built from the SDK repository with \`cargo build --release -p p100-sandbox\`).`,
      { cause: e },
    );
  }
}

// ---- children still running when Node exits ----------------------------------------------
// Node does not end its child processes when it exits. A sandbox still running then is ended
// here and, wherever Node can still wait for it, reaped too (a killed child Node never waits for
// is a zombie until init reaps it):
// - the event loop empties (a test file that forgot stop()): `beforeExit`, kill, wait, exit;
// - SIGINT/SIGTERM/SIGHUP: kill, wait (at most 2 s), then the signal's default action when no
//   other listener handles it (as if this listener did not exist);
// - process.exit(), an uncaught exception: `exit`, where only a synchronous kill is possible.

const running = new Set();
const SIGNALS = process.platform === "win32" ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"];

function gone(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function killSync() {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  running.clear();
}

/** Kills every running sandbox and resolves once they have exited (Node reaped them). */
function killAndWait(timeoutMs) {
  const children = [...running];
  return Promise.race([
    Promise.all(children.map((child) => new Promise((resolve) => {
      if (gone(child)) return resolve();
      child.once("exit", () => resolve());
      child.ref();
      try {
        child.kill("SIGKILL");
      } catch {
        resolve();
      }
    }))),
    new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
  ]);
}

function onBeforeExit() {
  if (running.size > 0) void killAndWait(5000); // the exits keep the loop alive until reaped
}

async function onSignal(signal) {
  await killAndWait(2000);
  killSync();
  unwatch();
  // Nobody else handles it: do what Node would have done without this listener.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let watching = false;
function watch() {
  if (watching) return;
  watching = true;
  process.on("beforeExit", onBeforeExit);
  process.on("exit", killSync);
  for (const s of SIGNALS) process.on(s, onSignal);
}
function unwatch() {
  if (!watching) return;
  watching = false;
  process.removeListener("beforeExit", onBeforeExit);
  process.removeListener("exit", killSync);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

function forget(child) {
  running.delete(child);
  if (running.size === 0) unwatch();
}

// ---- the sandbox ---------------------------------------------------------------------------

const STDERR_TAIL = 8192;

function checkNumber(name, value, { min, integer }) {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new SandboxError(`${name} must be ${integer ? "an integer" : "a number"} >= ${min}, not ${String(value)}`);
  }
}

function checkString(name, value) {
  if (value !== undefined && (typeof value !== "string" || value === "")) {
    throw new SandboxError(`${name} must be a non-empty string`);
  }
}

const START_OPTIONS = ["apiKey", "settleMs", "timeScale", "webhookUrl", "webhookToken", "startTimeoutMs", "binary"];

class Sandbox {
  /** @private Use `Sandbox.start()`. */
  constructor(child, url, apiKey, stderr) {
    const exited = new Promise((resolve) => {
      if (gone(child)) resolve();
      else child.once("exit", () => resolve());
    });
    // Internals are not enumerable: `console.log(sb)` shows `Sandbox { url, pid, running }`.
    for (const [k, value] of [["_child", child], ["_stderr", stderr], ["_exited", exited]]) {
      Object.defineProperty(this, k, { value, enumerable: false });
    }
    Object.defineProperty(this, "url", { value: url, enumerable: true });
    // The key is not enumerable: `console.log(sb)` does not print it.
    Object.defineProperty(this, "apiKey", { value: apiKey, enumerable: false });
  }

  /**
   * Starts a sandbox server on a free loopback port and resolves once it answers.
   * Options: `apiKey` (random by default), `settleMs` (delay before asynchronous operations
   * reach their final status; the server's default is 2000), `timeScale` (multiplier of every
   * delay), `webhookUrl` + `webhookToken` (where webhooks are delivered), `startTimeoutMs`
   * (default 30000), `binary` (the server's path; default: `P100_SANDBOX_BINARY`, then the
   * platform package).
   */
  static async start(options = {}) {
    if (options === null || typeof options !== "object") throw new SandboxError("options must be an object");
    for (const k of Object.keys(options)) {
      if (!START_OPTIONS.includes(k)) {
        throw new SandboxError(`unknown option ${k} (the options are ${START_OPTIONS.join(", ")})`);
      }
    }
    const { settleMs, timeScale, webhookUrl, webhookToken, startTimeoutMs = 30_000 } = options;
    checkString("apiKey", options.apiKey);
    checkNumber("settleMs", settleMs, { min: 0, integer: true });
    checkNumber("timeScale", timeScale, { min: 0 });
    checkNumber("startTimeoutMs", startTimeoutMs, { min: 1 });
    checkString("webhookUrl", webhookUrl);
    checkString("webhookToken", webhookToken);
    if ((webhookUrl === undefined) !== (webhookToken === undefined)) {
      throw new SandboxError("webhookUrl and webhookToken go together");
    }
    checkString("binary", options.binary);
    const bin = options.binary ?? sandboxBinary();
    const apiKey = options.apiKey ?? `sandbox-${randomBytes(16).toString("hex")}`;

    const args = ["--port", "0"];
    if (settleMs !== undefined) args.push("--settle-ms", String(settleMs));
    if (timeScale !== undefined) args.push("--time-scale", String(timeScale));
    if (webhookUrl !== undefined) args.push("--webhook-url", webhookUrl);
    // The key and the token go through the environment, not the command line (`ps` shows that).
    const env = { ...process.env, P100_SANDBOX_API_KEY: apiKey };
    if (webhookToken !== undefined) env.P100_SANDBOX_WEBHOOK_TOKEN = webhookToken;
    else delete env.P100_SANDBOX_WEBHOOK_TOKEN;

    let child;
    try {
      child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    } catch (e) {
      throw new SandboxError(`cannot start the sandbox ${bin}: ${e.message}`, { cause: e });
    }
    running.add(child);
    watch();
    child.once("exit", () => forget(child));

    const stderr = { text: "" };
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => {
      stderr.text = (stderr.text + d).slice(-STDERR_TAIL);
    });
    child.stdout.setEncoding("utf8");

    let url;
    try {
      url = await new Promise((resolve, reject) => {
        let out = "";
        const fail = (why) => {
          clearTimeout(timer);
          reject(new SandboxError(`the sandbox ${bin} ${why}${stderr.text ? `: ${stderr.text.trim()}` : ""}`));
        };
        const timer = setTimeout(() => fail(`did not start within ${startTimeoutMs} ms`), startTimeoutMs);
        child.once("error", (e) => fail(`could not be started (${e.message})`));
        child.once("exit", (code, signal) => {
          // Let the last stderr chunk arrive before saying why.
          setImmediate(() => fail(signal ? `was killed by ${signal}` : `exited with status ${code}`));
        });
        child.stdout.on("data", (chunk) => {
          out += chunk;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1].replace(/\/+$/, ""));
          }
          if (out.length > 65536) out = out.slice(-4096);
        });
      });
    } catch (e) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      throw e;
    }
    // Keep reading what it prints (a full pipe would stall it), without keeping Node alive:
    // a test file that forgets stop() still exits, and the exit handler kills the server.
    child.stdout.resume();
    child.unref();
    child.stdout.unref?.();
    child.stderr.unref?.();
    return new Sandbox(child, url, apiKey, stderr);
  }

  /** The path of the server binary `start()` would run (for diagnostics). */
  static binaryPath() {
    return sandboxBinary();
  }

  /** The process id of the server. */
  get pid() {
    return this._child.pid;
  }

  /** True until the server has exited. */
  get running() {
    return this._child.exitCode === null && this._child.signalCode === null;
  }

  /** A `Client` for this sandbox (`options` are the `Client` options besides apiKey/baseUrl). */
  client(options = {}) {
    const { Client } = require("./index.cjs");
    return new Client({ ...options, apiKey: this.apiKey, baseUrl: this.url });
  }

  /**
   * Sends a control request to `/_sandbox/<path>` and resolves with the reply's JSON: any
   * control of the server, including those without a method here.
   */
  control(method, controlPath, body) {
    return this._control(method, controlPath, body, false);
  }

  /** `control`, reading the reply's numbers exactly when `exact` (webhook payloads). */
  async _control(method, controlPath, body, exact) {
    if (!this.running) throw new SandboxError("the sandbox is stopped");
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const where = `${method} /_sandbox/${controlPath}`;
    let resp;
    try {
      resp = await fetch(`${this.url}/_sandbox/${controlPath}`, init);
    } catch (e) {
      throw new SandboxError(`${where}: ${e.message}`, { cause: e });
    }
    const text = await resp.text();
    if (!resp.ok) {
      let detail = text;
      let field = null;
      try {
        const j = JSON.parse(text);
        if (j && typeof j.error === "string") detail = j.error;
        if (j && typeof j.field === "string") field = j.field;
      } catch {
        // not JSON: the text itself
      }
      throw new SandboxError(`${where}: HTTP ${resp.status}: ${detail}`, { status: resp.status, body: text, field });
    }
    if (!text) return null;
    // Webhook payloads (trigger, deliveries): numbers a JS number cannot hold exactly (amounts
    // such as 25.5) come back as their text, as from `parseWebhook` and `client.request()`.
    return exact ? require("./native/p100_wasm.js").__p100ExactJson(text) : JSON.parse(text);
  }

  /** A control the server may be too old to have: a clear error instead of the server's 404. */
  async _newerControl(controlPath, body, what, exact = false) {
    try {
      return await this._control("POST", controlPath, body, exact);
    } catch (e) {
      if (e instanceof SandboxError && (e.status === 404 || e.status === 405 || e.status === 401)) {
        throw new SandboxError(
          `${what} needs the sandbox control POST /_sandbox/${controlPath}, which this sandbox binary ` +
            `does not have (HTTP ${e.status}); update ${platformPackage()} (or the binary in P100_SANDBOX_BINARY)`,
          { status: e.status, body: e.body, cause: e },
        );
      }
      throw e;
    }
  }

  /**
   * Credits a balance at once: `{ currency, amount, externalUserId? }` (the partner's balance
   * without `externalUserId`). Resolves with `{ externalUserId, currency, balance }`.
   */
  fund({ currency, amount, externalUserId } = {}) {
    return this.control("POST", "fund", { currency, amount, externalUserId });
  }

  /**
   * Makes the next `count` (default 1) `/v1/` requests — of `operation` only, when given, e.g.
   * `"sepa.partner_transfer"` — fail with `kind`: `429`, `500`, `503`, `"delay"`, `"drop"`,
   * `"malformed"`, `"process-then-drop"`, `"cut-body"`, `"slow-body"`, `"huge-body"`,
   * `"wrong-shape"`, `"duplicate-keys"`, `"retry-after-date"`, `"5xx-with-code"`, `"429-bare"`,
   * `"p500"`, `"p500-cut-body"`, `"p501"`, `"499"`.
   * Resolves with `{ pending, faults }`.
   */
  injectFault(fault) {
    return this.control("POST", "faults", fault);
  }

  /** Removes every queued fault. */
  async clearFaults() {
    await this.control("DELETE", "faults");
  }

  /** Multiplies every later delay (settle, lock lifetime, webhook retries) by `scale`. */
  async setTimeScale(scale) {
    await this.control("POST", "time-scale", { scale });
  }

  /**
   * Moves the sandbox's clock `seconds` ahead without waiting: lock expiry, settle delays and
   * webhook retries that fall due happen now.
   */
  advance(seconds) {
    return this._newerControl("advance", { seconds }, "advance()");
  }

  /**
   * Makes the sandbox emit the webhook event `event` (`"user_status"`, `"sepa_transfer"`, …)
   * with realistic data, for `externalUserId` when given.
   */
  trigger(event, { externalUserId } = {}) {
    return this._newerControl("trigger", { event, externalUserId }, "trigger()", true);
  }

  /** The sandbox's time: real time plus what `advance()` added. */
  async now() {
    const r = await this.control("GET", "health");
    return new Date(r.now);
  }

  /** How many times each operation's handler ran, by operation name (`"sepa.partner_transfer"`). */
  async ops() {
    const r = await this.control("GET", "ops");
    return r.ops;
  }

  /** Every webhook delivery attempt so far, oldest first. */
  async deliveries() {
    const r = await this._control("GET", "webhooks/deliveries", undefined, true);
    return r.deliveries;
  }

  /**
   * Sends webhooks to `url` with `Authorization: <token>` from now on; `setWebhook(null)`
   * stops them.
   */
  async setWebhook(url, token) {
    await this.control("POST", "webhooks", url === null ? { url: null } : { url, token });
  }

  /** Back to the starting world: state, faults, webhook target and log, time scale. */
  async reset() {
    await this.control("POST", "reset");
  }

  /** Stops the server and resolves once it has exited (at once when it already has). */
  async stop() {
    const child = this._child;
    if (this.running) {
      child.ref(); // Node waits for the exit now
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (this.running) child.kill("SIGKILL");
      }, 5000);
      await this._exited;
      clearTimeout(timer);
    }
    forget(child);
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    return `Sandbox { url: '${this.url}', pid: ${this.pid}, running: ${this.running} }`;
  }

  /** `await using sb = await Sandbox.start()` stops it at the end of the block. */
  [Symbol.asyncDispose]() {
    return this.stop();
  }
}

// Node 20.0–20.3 has no Symbol.asyncDispose: the method is there from 20.4 (and TypeScript's
// downlevel `await using` polyfills the symbol).
if (typeof Symbol.asyncDispose !== "symbol") {
  delete Sandbox.prototype[Symbol.asyncDispose];
}

module.exports = { Sandbox, SandboxError, platformPackage };
