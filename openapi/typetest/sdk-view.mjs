// The spec as the npm package's types see the wire: the SDK reads amounts (decimal text, or a
// JSON number in some replies) into decimal text; an alias (`id` for `transferId`) into its
// field's main name; `Balances`' flat-array form into the object form. Nothing else changes.
// Usage: node sdk-view.mjs SPEC.json OUT.json
import { readFileSync, writeFileSync } from "node:fs";

const [specPath, outPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const schemas = spec.components.schemas;
for (const name of ["Amount", "AmountNumber"]) {
  schemas[name] = { type: "string", description: schemas[name].description };
}
schemas.Balances = { ...schemas.Balances.anyOf.find((s) => s.type === "object"), description: schemas.Balances.description };
for (const s of Object.values(schemas)) {
  if (!s.properties) continue;
  for (const p of Object.values({ ...s.properties })) {
    for (const alias of p["x-p100-aliases"] ?? []) delete s.properties[alias];
  }
  if (Array.isArray(s.allOf)) {
    // `allOf: [{anyOf: [{required: [name]}, {required: [alias]}…]}]` → `name` is required.
    const rest = [];
    for (const part of s.allOf) {
      const main = part.anyOf?.[0]?.required?.[0];
      if (main) (s.required ??= []).push(main);
      else rest.push(part);
    }
    if (rest.length > 0) s.allOf = rest;
    else delete s.allOf;
  }
}
writeFileSync(outPath, JSON.stringify(spec));
