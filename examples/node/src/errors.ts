// Error handling: every failure is a P100Error subclass with code, status, field, retryable —
// and `outcome`, the answer to "did the money move?", with `client.reconcile(err)` to find out
// after an ambiguous failure.
//
//   P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 node dist/errors.js
// (against a local sandbox it also provokes a lost reply, to show reconciling it)
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
      console.log(`${what}: ${e.kind}, outcome ${e.outcome}, retryable: ${e.retryable}`);
    } else {
      throw e;
    }
  }
}

/**
 * An internal transfer that is never sent twice: its id, or null when it provably did not
 * happen (and may be sent again). Throws when the history does not list it yet: P100 may still
 * be processing it, so sending it again could pay twice; reconcile again later.
 */
async function sendOnce(destinationExternalUserId: string, amount: string): Promise<string | null> {
  try {
    const { transferId } = await client.transfers.create({ destinationExternalUserId, amount, currency: "usdc" });
    return transferId;
  } catch (e) {
    if (!(e instanceof P100Error)) throw e;
    switch (e.outcome) {
      case "not_sent": // never left: safe to send again
      case "rejected": // a reply said no: nothing happened
        console.log(`  ${e.outcome}: nothing happened (${e.message})`);
        return null;
      case "unknown": // sent, no usable reply: it may have happened
      case "accepted": {
        // a 2xx that could not be read: it happened
        const answer = await client.reconcile(e);
        console.log(`  ${e.outcome}: reconcile says ${answer.result}`);
        if (answer.result === "found") return answer.id;
        if (answer.result === "not_found") {
          // Not in the history *yet*: P100 may still be processing it. Reconcile again later
          // (keep the error's fingerprint); only then decide to send it again.
          throw new Error("not in the transaction history yet: reconcile again later", { cause: e });
        }
        throw new Error(`check by hand: ${answer.reason}`, { cause: e });
      }
    }
  }
}

await show("unknown user", () => client.users.balances("nobody-here"));
await show("five-digit PIN", () => client.cards.create({ externalUserId: "u1", label: "Card", pin: "12345" }));
await show("wrong key", () => new Client({ apiKey: "wrong-key", baseUrl: client.baseUrl }).partner.balances());
await show("nobody listening", () => new Client({ apiKey: "k", baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).partner.balances());

// A transfer whose reply is lost after the server carried it out (a local sandbox can do that
// on request): the outcome is "unknown", and reconcile finds it instead of sending it twice.
if (client.baseUrl.startsWith("http://127.0.0.1")) {
  const user = `errors-${Date.now().toString(36)}`;
  await client.users.createWithoutKyc({
    externalUserId: user,
    email: `${user}@example.com`,
    firstName: "Anna",
    lastName: "Nowak",
    address: "ul. Prosta 1",
    city: "Warszawa",
    country: "PL",
  });
  await fetch(`${client.baseUrl}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "process-then-drop", operation: "transfers.create" }),
  });
  // An amount of its own: reconcile tells equal transfers sent close together apart by
  // amount and currency only.
  const amount = `1.${String(100 + Math.floor(Math.random() * 900))}`;
  console.log("a transfer whose reply is lost:");
  console.log(`  transfer id: ${await sendOnce(user, amount)}`);
}
