"use strict";
// Entry point of the `p100` package (CommonJS; index.mjs re-exports it for `import`).
const errors = require("./errors.cjs");
const native = require("./native/p100_wasm.js");
const groups = require("./groups.cjs");

native.__p100RegisterErrorClasses(errors);
groups.install(native.Client);

for (const [name, value] of Object.entries(native)) {
  if (!name.startsWith("__")) exports[name] = value;
}
for (const [name, value] of Object.entries(groups)) {
  if (name !== "install") exports[name] = value;
}
Object.assign(exports, errors);
