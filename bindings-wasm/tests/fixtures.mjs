// Fixtures of the tests that start their own sandboxes (review_*.test.mjs): no environment
// needed, unlike helpers.mjs.
import { after } from "node:test";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Sandbox } from "../pkg/testing.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The sandbox binary for `Sandbox.start({ binary })`: the environment's, else the release build. */
export const sandboxBinary =
  process.env.P100_SANDBOX_BINARY ||
  process.env.P100_SANDBOX_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(root, "target"), "release", "p100-sandbox");

/**
 * A function that starts a sandbox of its own on 127.0.0.1 (`settleMs` 100) for each call; the
 * file's `after` hook stops them all. Call it once at the top of a test file.
 */
export function sandboxStarter() {
  const sandboxes = [];
  after(async () => {
    for (const s of sandboxes) await s.stop();
  });
  return async () => {
    const sb = await Sandbox.start({ binary: sandboxBinary, settleMs: 100 });
    sandboxes.push(sb);
    return sb;
  };
}

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

/**
 * Whether `text` shows `secret`. A short value (a PIN) counts only as a token of its own: the
 * random ids in the same text (request ids, card UUIDs and their dash-separated segments) hold
 * any 4 digits now and then, and that is not a leak.
 */
export function holds(text, secret) {
  if (secret.length >= 8) return text.includes(secret);
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`).test(text);
}

/** The error `promise` rejects with (the test fails when it resolves). */
export async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** Creates a user of the non-KYC model (no balances to verify first); returns its id. */
export async function plainUser(c, prefix = "rv") {
  const externalUserId = `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
  await c.users.createWithoutKyc({
    externalUserId,
    email: `${externalUserId}@example.com`,
    firstName: "Anna",
    lastName: "Nowak",
    address: "ul. Prosta 1",
    city: "Warszawa",
    country: "PL",
  });
  return externalUserId;
}
