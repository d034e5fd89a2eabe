// Virtual cards: fund a verified user, issue a card, block it, read its limits.
//
//   P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 node dist/card.js
import { Client, P100Error } from "p100";

const client = Client.fromEnv();
const externalUserId = `card-${Date.now().toString(36)}`;

// A verified user (see create_user.ts for the steps explained).
await client.users.create({
  externalUserId,
  email: "anna.nowak@example.pl",
  phone: "486012334568",
  firstName: "Anna",
  lastName: "Nowak",
  city: "Krakow",
  postCode: "30-001",
  country: "PL",
  citizenship: "PL",
  hasAcceptedP100Tc: true,
});
const { verificationId } = await client.kyc.createVerification({
  externalUserId,
  documentType: "PASSPORT",
  country: "PL",
  incomeSource: "SALARY",
  openAccountReason: "DAILY_USE",
  occupation: "SALES_AND_MARKETING",
  additionalInfo: "shop assistant",
});
while ((await client.kyc.status(verificationId)).verificationStatus !== "VERIFIED") {
  await new Promise((r) => setTimeout(r, 250));
}
await client.kyc.addVerification({ externalUserId, documentType: "PASSPORT", documentNumber: "FA123456", documentCountry: "PL" });

// Fund the user's EUR balance from the partner's (an internal transfer).
const { transferId } = await client.transfers.create({ destinationExternalUserId: externalUserId, amount: "50.00", currency: "eur" });
await client.transfers.waitFor(transferId, { timeoutMs: 30_000, intervalMs: 200 });

try {
  const card = await client.cards.create({ externalUserId, label: "Groceries", pin: "4821" });
  // PAN and CVV are secrets: show the last digits only.
  console.log(`card ${card.cardId} issued: **** ${card.cardNumber.slice(-4)}, expires ${card.exp}`);

  await client.cards.block({ externalUserId, cardId: card.cardId });
  const details = await client.cards.details(externalUserId, card.cardId);
  console.log(`card status: ${details.status ?? "?"}`);

  await client.cards.updateLimits({ externalUserId, cardId: card.cardId, dailyTrxAll: "200.00" });
  const limits = await client.cards.limits(externalUserId, card.cardId);
  console.log(`daily limit ${limits.dailyTrxAll ?? "-"} EUR, monthly ${limits.monthlyTrxAll ?? "-"} EUR`);
} catch (e) {
  if (e instanceof P100Error) console.log(`card failed: ${e.kind} ${e.code ?? ""} ${e.message}`);
  throw e;
}
