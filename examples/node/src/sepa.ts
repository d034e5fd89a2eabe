// A SEPA transfer from the partner's EUR balance, followed to its final status.
//
//   P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 node dist/sepa.js
import { Client, ValidationError, UnavailableError, TimeoutError } from "p100";

const client = Client.fromEnv();

// Bad input is caught before anything is sent, with the field at fault.
try {
  await client.sepa.partnerTransfer({
    amount: "10.00",
    currency: "eur",
    destinationIban: "DE00370400440532013000", // wrong checksum
    transferTitle: "Invoice 2024-001",
  });
} catch (e) {
  if (!(e instanceof ValidationError)) throw e;
  console.log(`refused locally (nothing was sent): ${e.message}`);
}

try {
  const { transferId } = await client.sepa.partnerTransfer({
    amount: "10.00",
    currency: "eur",
    destinationIban: "DE89370400440532013000",
    transferTitle: "Invoice 2024-001",
  });
  console.log(`transfer ${transferId} accepted`);
  const done = await client.sepa.waitFor(transferId, { timeoutMs: 60_000, intervalMs: 200 });
  console.log(`transfer ${done.status}, fee ${done.fee ?? "?"} EUR`);
} catch (e) {
  // Money-moving calls are never retried after an ambiguous failure: check the transfer list
  // (or the details endpoint) before sending again.
  if ((e instanceof UnavailableError || e instanceof TimeoutError) && !e.retryable) {
    console.log(`outcome unknown (${e.message}): check before retrying`);
  }
  throw e;
}
