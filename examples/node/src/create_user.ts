// Create a user of the KYC model, verify them with "KYC by P100", then read their balances.
//
//   P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 node dist/create_user.js
import { Client, ApiError, type CreateUserRequest } from "p100";

const client = Client.fromEnv();
const externalUserId = `example-${Date.now().toString(36)}`;

const request: CreateUserRequest = {
  externalUserId,
  email: "jan.kowalski@example.pl",
  phone: "486012334567",
  firstName: "Jan",
  lastName: "Kowalski",
  street: "ul. Marszalkowska",
  number: "123/5",
  city: "Warszawa",
  postCode: "00-001",
  country: "PL",
  citizenship: "PL",
  nationality: "PL",
  birthCountry: "PL",
  birthDate: "1990-05-15",
  hasAcceptedP100Tc: true,
};

try {
  const created = await client.users.create(request);
  console.log(`created user ${externalUserId} (P100 id ${created.userId}); POA required: ${created.poaRequired ?? "unknown"}`);
} catch (e) {
  if (e instanceof ApiError && e.code === "P411") {
    console.log(`user ${externalUserId} exists already`);
  } else {
    throw e;
  }
}

// KYC by P100: start a verification; the user completes it on the provider's page.
const verification = await client.kyc.createVerification({
  externalUserId,
  documentType: "ID_CARD",
  country: "PL",
  incomeSource: "SALARY",
  openAccountReason: "CURRENCY_EXCHANGE",
  occupation: "IT",
  additionalInfo: "software developer",
});
console.log(`verification ${verification.verificationId} started`);

// Poll the status until the verification is decided (a webhook tells you too).
const deadline = Date.now() + 30_000;
for (;;) {
  const status = await client.kyc.status(verification.verificationId);
  if (status.verificationStatus === "VERIFIED") break;
  if (Date.now() > deadline) throw new Error(`verification still ${status.verificationStatus ?? "pending"}`);
  await new Promise((r) => setTimeout(r, 250));
}

// Then send the document data; the balances are generated.
await client.kyc.addVerification({
  externalUserId,
  documentType: "ID_CARD",
  documentNumber: "CEV12630",
  documentCountry: "PL",
});

const balances = await client.users.balances(externalUserId);
const eur = balances.fiatBalances.find((b) => b.name === "eur");
console.log(`EUR balance ${eur?.amount ?? "-"} status ${eur?.status ?? "-"} IBAN ${eur?.iban ?? "-"}`);
