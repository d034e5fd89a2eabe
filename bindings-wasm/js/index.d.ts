export * from "./native/p100_wasm";
export * from "./errors";
