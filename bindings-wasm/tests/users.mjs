// Users for the tests that start their own sandbox (review_*.test.mjs): no environment needed.

/**
 * Creates a KYC user living in Poland, has P100 verify them, adds the user verification and
 * funds 100 EUR: a user who may get cards. `c` is a client of sandbox `sb`; returns the id.
 */
export async function verifiedCardUser(c, sb, prefix) {
  const externalUserId = `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
  await c.users.create({
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
    birthDate: "1990-05-15",
  });
  const { verificationId } = await c.kyc.createVerification({
    externalUserId,
    documentType: "PASSPORT",
    country: "PL",
    incomeSource: "SALARY",
    openAccountReason: "DAILY_USE",
    occupation: "SALES_AND_MARKETING",
    additionalInfo: "shop assistant",
  });
  for (let i = 0; i < 200 && (await c.kyc.status(verificationId)).verificationStatus !== "VERIFIED"; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await c.kyc.addVerification({ externalUserId, documentType: "PASSPORT", documentNumber: "FA123456", documentCountry: "PL" });
  await sb.fund({ currency: "eur", amount: "100.00", externalUserId });
  return externalUserId;
}
