// The built package (pkg/): manifest, typings without `any`, and every core method exposed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

import { p100 } from "./helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.join(here, "../pkg");
const root = path.join(here, "../..");

test("package.json: name, entry points for require and import, engines, files", () => {
  const m = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8"));
  assert.equal(m.name, "p100");
  assert.match(m.version, /^\d+\.\d+\.\d+/);
  assert.equal(m.main, "./index.cjs");
  assert.equal(m.types, "./index.d.ts");
  assert.equal(m.exports["."].require, "./index.cjs");
  assert.equal(m.exports["."].import, "./index.mjs");
  assert.equal(m.exports["."].types, "./index.d.ts");
  assert.equal(m.engines.node, ">=18");
  for (const f of m.files) assert.ok(existsSync(path.join(pkg, f)), `files lists a missing ${f}`);
});

/** The shipped .d.ts files, comments removed. */
function typings() {
  const files = ["index.d.ts", "errors.d.ts", ...readdirSync(path.join(pkg, "native"))
    .filter((f) => f.endsWith(".d.ts")).map((f) => `native/${f}`)];
  return files.map((f) => [f, readFileSync(path.join(pkg, f), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")]);
}

test("no `any` in the public typings", () => {
  const found = [];
  for (const [f, text] of typings()) {
    text.split("\n").forEach((line, i) => {
      if (/\bany\b/.test(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

test("every model the methods use is declared", () => {
  const all = typings().map(([, t]) => t).join("\n");
  const used = new Set([...all.matchAll(/Promise<([A-Z][A-Za-z0-9]*)>/g)].map((m) => m[1]));
  const params = [...all.matchAll(/\(([^)]*)\)/g)].flatMap((m) => [...m[1].matchAll(/:\s*([A-Z][A-Za-z0-9]*)/g)].map((x) => x[1]));
  for (const name of [...used, ...params]) {
    if (["Promise", "Uint8Array", "Record", "Client", "Env"].includes(name)) continue;
    assert.match(all, new RegExp(`export (interface|type|class) ${name}\\b`), `${name} is used but not declared`);
  }
});

test("every method of the core's resource groups is exposed, camelCase", () => {
  const src = readFileSync(path.join(root, "core/src/client/resources.rs"), "utf8");
  const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const c = new p100.Client({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
  let count = 0;
  for (const block of src.split(/\nimpl /).slice(1)) {
    const m = /^([A-Za-z]+)<'_>/.exec(block);
    if (!m) continue;
    const group = camel(m[1].replace(/^[A-Z]/, (x) => x.toLowerCase()).replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`));
    const api = c[group];
    assert.equal(typeof api, "object", `client.${group} is missing`);
    for (const [, name] of block.matchAll(/pub async fn ([a-z_]+)/g)) {
      assert.equal(typeof api[camel(name)], "function", `client.${group}.${camel(name)} is missing`);
      count++;
    }
  }
  assert.ok(count >= 50, `only ${count} methods found in resources.rs`);
});
