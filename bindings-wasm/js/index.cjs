"use strict";
// Entry point of the `p100` package (CommonJS; index.mjs re-exports it for `import`).
const errors = require("./errors.cjs");
const native = require("./native/p100_wasm.js");

native.__p100RegisterErrorClasses(errors);

for (const [name, value] of Object.entries(native)) {
  if (!name.startsWith("__")) exports[name] = value;
}
Object.assign(exports, errors);
