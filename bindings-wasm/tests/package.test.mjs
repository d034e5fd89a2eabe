// The built package (pkg/): manifest, typings without `any`, and every operation of
// tests/operations.json exposed and declared by its JS name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import ts from "typescript";

import { p100 } from "./helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.join(here, "../pkg");
const root = path.join(here, "../..");

test("package.json: name, entry points for require and import, engines, files", () => {
  const m = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8"));
  assert.equal(m.name, "p100");
  assert.match(m.version, /^\d+\.\d+\.\d+/);
  assert.equal(m.main, "./index.cjs");
  assert.equal(m.type, "commonjs");
  assert.equal(m.types, "./index.d.cts");
  // One typings file per way of loading, so ESM importers are not told the package is CJS.
  assert.deepEqual(m.exports["."].require, { types: "./index.d.cts", default: "./index.cjs" });
  assert.deepEqual(m.exports["."].import, { types: "./index.d.mts", default: "./index.mjs" });
  assert.equal(m.engines.node, ">=20.18.1");
  // One runtime dependency: undici (the HTTP client of Node itself), for js/transport.cjs.
  assert.deepEqual(Object.keys(m.dependencies), ["undici"]);
  assert.equal(m.sideEffects, false);
  for (const f of m.files) assert.ok(existsSync(path.join(pkg, f)), `files lists a missing ${f}`);
});

test("both packages ship their licenses: the project's and the compiled Rust crates'", () => {
  const plat = `${process.platform}-${process.arch}`;
  for (const [dir, notices, crate] of [
    [pkg, "THIRD-PARTY-npm.txt", "wasm-bindgen"],
    [path.join(here, `../pkg-sandbox-${plat}`), "THIRD-PARTY-npm-sandbox.txt", "tokio"],
  ]) {
    const m = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const f of ["LICENSE-MIT", "LICENSE-APACHE", "THIRD-PARTY-LICENSES.txt"]) {
      assert.ok(m.files.includes(f), `${m.name}: files lacks ${f}`);
    }
    assert.equal(m.license, "MIT OR Apache-2.0");
    const shipped = readFileSync(path.join(dir, "THIRD-PARTY-LICENSES.txt"), "utf8");
    assert.equal(shipped, readFileSync(path.join(root, "licenses", notices), "utf8"), m.name);
    // The crate's own line, under the license text it is used under.
    assert.match(shipped, new RegExp(`^  ${crate} \\d+\\.\\d+`, "m"), `${m.name}: ${crate} not listed`);
    assert.match(readFileSync(path.join(dir, "LICENSE-MIT"), "utf8"), /^MIT License/);
  }
});

/** The shipped .d.ts files, comments removed. */
function typings() {
  const files = ["index.d.cts", "index.d.mts", "errors.d.ts", ...readdirSync(path.join(pkg, "native"))
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
  // Type parameters (`fingerprintOf<Op extends keyof MoneyRequests>(operation: Op, …)`).
  const generics = new Set([...all.matchAll(/<([A-Z][A-Za-z0-9]*) extends /g)].map((m) => m[1]));
  for (const name of [...used, ...params]) {
    if (["Promise", "Uint8Array", "Record", "Client", "Env"].includes(name) || generics.has(name)) continue;
    assert.match(all, new RegExp(`export (interface|type|class) ${name}\\b`), `${name} is used but not declared`);
  }
});

/** The operations of the manifest (generated from core/src/routes.rs, drift-checked there). */
function operations() {
  const { operations: ops } = JSON.parse(readFileSync(path.join(root, "tests/operations.json"), "utf8"));
  assert.ok(ops.length >= 50, `only ${ops.length} operations in tests/operations.json`);
  return ops;
}

/** [what, JS name] of every operation, then of the `waitFor` of each operation's group that has one. */
function wanted() {
  const ops = operations();
  const groupPath = Object.fromEntries(ops.map((op) => [op.group, op.names.js.replace(/\.[^.]+$/, "")]));
  const out = ops.map((op) => [op.operation, op.names.js]);
  for (const op of ops.filter((o) => o.waitFor)) {
    const [group, helper] = op.waitFor.split(".");
    assert.equal(helper, "wait_for", `${op.operation}: waitFor ${op.waitFor}`);
    out.push([`${op.operation} (waitFor)`, `${groupPath[group]}.waitFor`]);
  }
  return out;
}

test("every operation of tests/operations.json is a function of a client, by its JS name", () => {
  const client = new p100.Client({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
  const problems = [];
  for (const [what, name] of wanted()) {
    const [head, ...parts] = name.split(".");
    assert.equal(head, "client", name);
    let value = client;
    for (const part of parts) value = value == null ? undefined : value[part];
    if (typeof value !== "function") problems.push(`${what}: ${name} is ${typeof value}`);
  }
  assert.deepEqual(problems, []);
});

// Failed before: the README's table had drifted (no `cards.transactions`).
test("the README's table of groups lists every operation of the manifest, and only those", () => {
  const manifest = JSON.parse(readFileSync(path.join(root, "tests/operations.json"), "utf8"));
  const readme = readFileSync(path.join(root, "bindings-wasm/README.md"), "utf8");
  const rows = new Map(
    [...readme.matchAll(/^\| `client\.(\w+)` \| (.+) \|$/gm)].map((m) => [m[1], [...m[2].matchAll(/`(\w+)`/g)].map((x) => x[1])]),
  );
  for (const g of manifest.groups) {
    const ops = manifest.operations.filter((o) => o.group === g.name).map((o) => o.names.js.split(".").pop());
    if (g.waitFor) ops.push("waitFor");
    assert.deepEqual([...(rows.get(g.js) ?? [])].sort(), ops.sort(), `README row of client.${g.js}`);
  }
  assert.equal(rows.size, manifest.groups.length, "one README row per group");
});

test("the group classes come from the manifest's groups, and each method calls its own operation", async () => {
  const manifest = JSON.parse(readFileSync(path.join(root, "tests/operations.json"), "utf8"));
  const client = new p100.Client({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
  for (const g of manifest.groups) {
    assert.equal(typeof p100[g.class], "function", `p100.${g.class} is exported`);
    assert.ok(client[g.js] instanceof p100[g.class], `client.${g.js} is a ${g.class}`);
    assert.equal(client[g.js], client[g.js], `client.${g.js} is made once per client`);
    assert.equal(typeof client[g.js].waitFor === "function", g.waitFor !== null, `${g.class}.waitFor`);
  }
  // A method passes its manifest name to the wasm's one entry: seen through a client whose
  // entry records the calls instead of sending them.
  const seen = [];
  const spy = Object.create(client, { __call: { value: (op, args) => seen.push([op, args.length]) } });
  for (const op of manifest.operations) {
    const group = manifest.groups.find((g) => g.name === op.group);
    const js = op.names.js.split(".").pop();
    new p100[group.class](spy)[js]("a", "b");
  }
  assert.deepEqual(seen, manifest.operations.map((op) => [op.operation, 2]));
  // The entry itself refuses a name that is not an operation, naming `operation`.
  await assert.rejects(client.__call("partner.nope", []), (e) => {
    assert.ok(e instanceof p100.ValidationError);
    assert.equal(e.field, "operation");
    assert.equal(e.outcome, "not_sent");
    return true;
  });
});

test("the typings declare every operation of tests/operations.json as a method (Promise of its output)", () => {
  // The TypeScript compiler resolves `client.<group>.<method>` through the shipped index.d.cts
  // (and what it re-exports), as a user's editor would.
  const entry = path.join(pkg, "index.d.cts");
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts"],
    strict: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)));
  let clientClass = exported.find((s) => s.name === "Client");
  assert.ok(clientClass, "index.d.cts exports no Client");
  if (clientClass.flags & ts.SymbolFlags.Alias) clientClass = checker.getAliasedSymbol(clientClass);
  const clientType = checker.getDeclaredTypeOfSymbol(clientClass);

  const output = Object.fromEntries(operations().map((op) => [op.operation, op.output]));
  const problems = [];
  for (const [what, name] of wanted()) {
    let type = clientType;
    const missing = name.split(".").slice(1).find((part) => {
      const member = checker.getPropertyOfType(type, part);
      if (!member) return true;
      type = checker.getTypeOfSymbol(member);
      return false;
    });
    if (missing) {
      problems.push(`${what}: ${checker.typeToString(type)} declares no ${missing}`);
      continue;
    }
    const signatures = type.getCallSignatures();
    if (signatures.length === 0) {
      problems.push(`${what}: ${name} is declared ${checker.typeToString(type)}, not a method`);
      continue;
    }
    if (!(what in output)) continue; // waitFor: resolves with what `details` resolves with
    const expected = `Promise<${output[what] ?? "void"}>`;
    for (const signature of signatures) {
      const returns = checker.typeToString(checker.getReturnTypeOfSignature(signature));
      if (returns !== expected) problems.push(`${what}: ${name} returns ${returns}, the manifest says ${expected}`);
    }
  }
  assert.deepEqual(problems, []);
});
