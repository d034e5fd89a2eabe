// Error handling: every failure is a P100Error subclass with code, status, field, retryable.
//
//   P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 node dist/errors.js
import { Client, P100Error, ApiError, ValidationError, AuthenticationError } from "p100";

const client = Client.fromEnv();

async function show(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
    console.log(`${what}: ok`);
  } catch (e) {
    if (e instanceof ValidationError) {
      console.log(`${what}: invalid ${e.field ?? "input"} (nothing was sent): ${e.message}`);
    } else if (e instanceof ApiError) {
      console.log(`${what}: API error ${e.code ?? "?"} ${e.errorName ?? ""} (HTTP ${e.status ?? "?"})`);
    } else if (e instanceof AuthenticationError) {
      console.log(`${what}: check the API key (HTTP ${e.status ?? "?"})`);
    } else if (e instanceof P100Error) {
      console.log(`${what}: ${e.kind}, retryable: ${e.retryable}`);
    } else {
      throw e;
    }
  }
}

await show("unknown user", () => client.users.balances("nobody-here"));
await show("five-digit PIN", () => client.cards.create({ externalUserId: "u1", label: "Card", pin: "12345" }));
await show("wrong key", () => new Client({ apiKey: "wrong-key", baseUrl: client.baseUrl }).partner.balances());
