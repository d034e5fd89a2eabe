"use strict";
// Entry point of the `p100` package (CommonJS; index.mjs re-exports it for `import`).
const errors = require("./errors.cjs");
const native = require("./native/p100_wasm.js");
const groups = require("./groups.cjs");

native.__p100RegisterErrorClasses(errors);
groups.install(native.Client);

// `free()` a second time (an explicit one, then the end of a `using` block) does nothing, as
// closing twice does elsewhere; wasm-bindgen's own threw a plain `Error` (outside review of the
// npm package, stop 44). A call on a freed object still fails as before (`ConfigError`).
for (const value of Object.values(native)) {
  const proto = typeof value === "function" ? value.prototype : undefined;
  if (!proto || typeof proto.free !== "function") continue;
  const nativeFree = proto.free;
  const once = function free() {
    if (this.__wbg_ptr !== 0) nativeFree.call(this);
  };
  proto.free = once;
  if (Symbol.dispose && proto[Symbol.dispose]) proto[Symbol.dispose] = once;
}

for (const [name, value] of Object.entries(native)) {
  if (!name.startsWith("__")) exports[name] = value;
}
for (const [name, value] of Object.entries(groups)) {
  if (name !== "install") exports[name] = value;
}
Object.assign(exports, errors);
