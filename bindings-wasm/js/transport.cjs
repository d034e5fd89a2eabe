"use strict";
// The HTTP exchange of the npm package, on undici's `request` (undici is the HTTP client of
// Node itself, kept by the Node.js project; its `request` skips the WHATWG fetch layers, which
// cost more than twice the time of the exchange itself).
//
// The core (Rust, in the wasm) builds every request and reads every reply: auth, retries,
// backoff, timeouts per attempt, outcomes and error mapping all stay there. This file only moves
// bytes, and says precisely how an exchange failed, because the core decides from that whether a
// money-moving call may be sent again:
//   - "not_sent": the request provably never left (refused connection, DNS failure, a request
//     undici would not even send) — sending it again cannot duplicate anything;
//   - "timeout": no reply head before the deadline (it may have been received);
//   - "failed": the connection broke after the request may have been sent;
//   - "body": the status and headers arrived, then the body did not (cut short, deadline,
//     larger than the limit) — the server did process the request.
// The error messages never contain headers or bodies (the API key, card data).
//
// Every exchange goes through the package's own undici `Agent`, never the process-wide
// dispatcher: an application (or a library it loads) may install one with
// `setGlobalDispatcher` that follows redirects (carrying the `x-api-key` header and a
// money-moving body to a URL nobody checked) or retries on its own (sending a money call twice).
// So redirects are not followed: the 3xx goes back to the core, which reports it as an error.
// The agent connects within the client's `connectTimeoutMs` (a connect timeout proves nothing was
// sent; timed by `connector` below), and undici's own header and body timers are off: the attempt's deadline is the core's,
// and it settles the exchange even while undici is still connecting. No AbortController is aborted after a normal exchange (an
// abort costs a DOMException with a stack trace; the previous reqwest-based path paid it on
// every call); only a timeout, a body over the limit, or the caller's AbortSignal (`cancel()`)
// aborts one.

const undici = require("undici");

// Error codes (of the error or its causes) that mean no connection was ever made.
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);
// Codes that mean it only when connecting: on a kept-alive connection that already carried the
// request, an unreachable host or network says nothing about whether it arrived.
const NOT_SENT_WHEN_CONNECTING = new Set(["EHOSTUNREACH", "ENETUNREACH"]);

// One agent (connection pool) per step of connect timeout: a client's `connectTimeoutMs`
// (3/4 of its `timeoutMs` unless set) rounded down to 1, 1.5, 2, 3, 5 or 7.5 x 10^k ms, never
// longer than asked. At most MAX_AGENTS, the least recently used closed once its requests are
// done. One agent per distinct timeout (a client per request with that request's own time
// budget) opened a pool per client that was never closed: thousands of open connections, none
// reused.
const agents = new Map();
const STEPS = [1, 1.5, 2, 3, 5, 7.5];
const MAX_AGENTS = 8;

function connectStep(ms) {
  if (!(ms >= 1)) return ms;
  let power = 1;
  while (power * 10 <= ms) power *= 10;
  let step = power;
  for (const s of STEPS) if (s * power <= ms) step = s * power;
  return step;
}

function agent(connectTimeoutMs) {
  const key = connectStep(connectTimeoutMs);
  let a = agents.get(key);
  if (a !== undefined) {
    agents.delete(key); // most recently used last
    agents.set(key, a);
    return a;
  }
  a = new undici.Agent({ connect: connector(key), headersTimeout: 0, bodyTimeout: 0 });
  agents.set(key, a);
  if (agents.size > MAX_AGENTS) {
    const [oldest, old] = agents.entries().next().value;
    agents.delete(oldest);
    old.close().catch(() => {});
  }
  return a;
}

// undici's connector, timed by a plain timer. undici's own connect timeout runs on its coarse
// timers (about 500 ms ticks): a 300 ms connect timeout fired after 500–1000 ms, past a short
// attempt deadline, so a call that never connected came back "unknown" instead of "not_sent".
// A timed-out connection fails with undici's ConnectTimeoutError (UND_ERR_CONNECT_TIMEOUT), as
// before, TLS handshake included.
// Errors of a connection that never got established (TCP or TLS handshake): undici hands a
// connection to a request only once this succeeded, so no byte of any request was written on it.
// A bad certificate (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`) or a peer
// that speaks no TLS is "not_sent", not "unknown": a payout must not become a reconciliation case.
const CONNECT_FAILURES = new WeakSet();

function connector(connectTimeoutMs) {
  const connect = undici.buildConnector({ timeout: 0 });
  return (options, callback) => {
    let timer;
    const socket = connect(options, (error, connected) => {
      clearTimeout(timer);
      if (error !== null && typeof error === "object") CONNECT_FAILURES.add(error);
      callback(error, connected);
    });
    timer = setTimeout(() => {
      const e = new undici.errors.ConnectTimeoutError(`Connect Timeout Error (timeout: ${connectTimeoutMs}ms)`);
      socket.destroy(e);
    }, connectTimeoutMs);
    timer.unref();
    return socket;
  };
}

// What the deadline rejects the exchange with.
const DEADLINE = Symbol("deadline");

function errorWithCode(error) {
  let e = error;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause) {
    if (typeof e.code === "string") return e;
  }
  return undefined;
}

function codeOf(error) {
  return errorWithCode(error)?.code;
}

function neverSent(error) {
  for (let e = error, depth = 0; e && depth < 5; depth++, e = e.cause) {
    if (typeof e === "object" && CONNECT_FAILURES.has(e)) return true;
  }
  const e = errorWithCode(error);
  if (e === undefined) return false;
  if (NOT_SENT.has(e.code) || e.code.startsWith("UND_ERR_INVALID")) return true;
  return NOT_SENT_WHEN_CONNECTING.has(e.code) && e.syscall === "connect";
}

function describe(error) {
  const code = codeOf(error);
  const message = error && typeof error.message === "string" ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}

function failure(kind, message, extra) {
  return Object.assign({ kind, message }, extra);
}

// `headers` is a flat list [name, value, name, value, …] (undici takes it as it is); the reply's
// headers come back the same way, names in lower case.
function flatHeaders(headers) {
  const out = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else if (value !== undefined) out.push(name, value);
  }
  return out;
}

function form(parts) {
  const data = new undici.FormData();
  for (const p of parts) {
    if (p.fileName != null) {
      const blob = new Blob([p.data], p.contentType ? { type: p.contentType } : undefined);
      data.append(p.name, blob, p.fileName);
    } else {
      data.append(p.name, new TextDecoder().decode(p.data));
    }
  }
  return data;
}

function concat(chunks, length) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Sends one request; resolves with `{ status, headers, body }` whatever the status, or rejects
 * with `{ kind, message, … }` (see the top of the file). Never retries. The returned promise has
 * a `cancel()` that aborts the exchange: the core drops an exchange the caller's AbortSignal
 * stopped, and its outcome is decided there (the rejection that follows is not read).
 */
function send(method, url, headers, body, parts, timeoutMs, maxBytes, connectTimeoutMs) {
  const controller = new AbortController();
  const seen = { head: undefined };
  const promise = exchange(seen, controller, connectTimeoutMs, method, url, headers, body, parts, timeoutMs, maxBytes);
  promise.cancel = () => controller.abort();
  // `{ status, headers }` once the reply's head arrived: an exchange cancelled while a 2xx body
  // is still coming was accepted (the core's `ReplyHead`).
  promise.head = () => seen.head;
  return promise;
}

async function exchange(seen, controller, connectTimeoutMs, method, url, headers, body, parts, timeoutMs, maxBytes) {
  let timedOut = false;
  let expire;
  // undici reads the abort signal only once connected: the deadline also settles the exchange.
  const deadline = new Promise((_, reject) => {
    expire = reject;
  });
  // Nothing races the deadline before the dispatch below: one that passes first (a short
  // timeout, a busy event loop) was an unhandled rejection, which ends a Node process, and with
  // it every call in flight (outside review, stop 49).
  deadline.catch(() => {});
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
    expire(DEADLINE);
  }, timeoutMs);
  try {
    const init = { method, headers, signal: controller.signal };
    if (body !== undefined) init.body = body;
    else if (parts !== undefined) init.body = form(parts);
    let response;
    // A call that changes something first lets the event loop poll for I/O once (two `check`
    // phases: one full turn whatever phase this runs in): a kept-alive connection whose close
    // (a server restart) has already arrived is then known closed and not used. Written on it,
    // the request failed as "other side closed": outcome unknown although nothing arrived. (A
    // close still on its way can cross the request: that one stays unknown, as it must.)
    if (method !== "GET") {
      for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    }
    // The deadline passed during those turns: nothing was sent.
    if (timedOut) throw failure("not_sent", "the deadline passed before the request was sent");
    // The pool is taken here, in the same synchronous step as the dispatch: a pool taken before
    // the turns above could be closed meanwhile (evicted by newer ones), and a request on a
    // closed pool failed "destroyed", outcome unknown, with nothing sent. Once dispatched, a
    // request finishes before its pool closes.
    init.dispatcher = agent(connectTimeoutMs);
    const pending = undici.request(url, init);
    try {
      response = await Promise.race([pending, deadline]);
    } catch (e) {
      if (e === DEADLINE) {
        // Still connecting or waiting for the head: settled now; a late reply is thrown away.
        pending.then((late) => late.body.destroy(), () => {});
        throw failure("timeout", "timed out");
      }
      // A refused connection, an unknown host, a connect timeout: nothing was sent, whatever
      // the deadline did meanwhile. Arguments undici refuses (UND_ERR_INVALID_ARG…) fail before
      // anything is written, too.
      if (neverSent(e)) throw failure("not_sent", describe(e));
      if (timedOut) throw failure("timeout", "timed out");
      throw failure("failed", describe(e));
    }
    const head = { status: response.statusCode, headers: flatHeaders(response.headers) };
    seen.head = head;
    const declared = response.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxBytes) {
      controller.abort();
      throw failure("body", "too large", { reply: { ...head, body: new Uint8Array(0) }, failure: "too_large" });
    }
    const chunks = [];
    let length = 0;
    try {
      for await (const value of response.body) {
        length += value.length;
        if (length > maxBytes) {
          controller.abort();
          throw failure("body", "too large", {
            reply: { ...head, body: concat(chunks, length - value.length) },
            failure: "too_large",
          });
        }
        chunks.push(value);
      }
    } catch (e) {
      if (e && e.kind === "body") throw e;
      throw failure("body", timedOut ? "timed out" : describe(e), {
        reply: { ...head, body: concat(chunks, length) },
        failure: timedOut ? "timeout" : "broken",
      });
    }
    return { ...head, body: chunks.length === 0 ? new Uint8Array(0) : concat(chunks, length) };
  } finally {
    clearTimeout(timer);
  }
}

module.exports = { send, neverSent, connectStep, agentCount: () => agents.size };
