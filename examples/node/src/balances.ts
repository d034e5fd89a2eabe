// Partner balances: every fiat and crypto balance, amounts as exact decimal strings.
//
//   P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 node dist/balances.js
import { Client, type Balances } from "p100";

const client = Client.fromEnv(); // P100_API_KEY, then P100_BASE_URL or P100_ENVIRONMENT

const balances: Balances = await client.partner.balances();
for (const b of balances.fiatBalances) {
  console.log(`${b.name.toUpperCase()} ${b.amount} (${b.status ?? "no status"}) IBAN ${b.iban ?? "none yet"}`);
}
for (const b of balances.cryptoBalances) {
  console.log(`${b.name.toUpperCase()} ${b.amount}, 1 ${b.name.toUpperCase()} = ${b.rate ?? "?"} EUR`);
}

// Indicative rates (not executable: lock a rate to exchange).
const rates = await client.exchange.rates();
console.log(`1 BTC = ${rates["btc"] ?? "?"} EUR (indicative)`);
