// ESM entry of `p100/testing`: re-exports the CommonJS one (one module instance, one set of
// running sandboxes, the same `Client` class as `import { Client } from "p100"`).
import testing from "./testing.cjs";

export const Sandbox = testing.Sandbox;
export const SandboxError = testing.SandboxError;
export const platformPackage = testing.platformPackage;
