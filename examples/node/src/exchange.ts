// Exchange on the partner's account: lock a rate, execute with the lock, wait for the outcome.
//
//   P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 node dist/exchange.js
import { Client, ApiError } from "p100";

const client = Client.fromEnv();

const lock = await client.exchange.partnerLock({ currencyFrom: "eur", currencyTo: "btc" });
console.log(`rate locked: ${lock.id}, valid until ${lock.validUntil ?? "?"}`);

try {
  // Amounts are strings: "25.00", never 25.0.
  const { exchangeId } = await client.exchange.partnerExecute({
    amount: "25.00",
    currencyFrom: "eur",
    currencyTo: "btc",
    lockId: lock.id,
  });
  console.log(`exchange ${exchangeId} accepted`);

  // Accepted is not done: wait for COMPLETED or FAILED.
  const done = await client.exchange.waitFor(exchangeId, { timeoutMs: 60_000, intervalMs: 200 });
  console.log(`exchange ${done.status}: received ${done.receivedAmount ?? "?"} BTC, fee ${done.fee ?? "?"}`);
} catch (e) {
  if (e instanceof ApiError && e.errorName === "lock-expired") {
    console.log("the lock expired before it was used: lock a new rate and try again");
  } else {
    throw e;
  }
}
