// Compile-time checks of the package's typings (tsc --strict, never run): the public surface is
// typed without `any`, amounts are strings, and misuse is a type error.
import {
  Client,
  P100Error,
  ValidationError,
  ApiError,
  WebhookVerifier,
  parseWebhook,
  verifyWebhook,
  fingerprintOf,
  type Balances,
  type Amount,
  type Currency,
  type KnownCurrency,
  type ErrorCode,
  type WebhookEvent,
  type CreateUserRequest,
  type ExchangeDetails,
  type JsonValue,
  type Outcome,
  type Fingerprint,
  type Reconciliation,
  type Partner,
  type Exchange,
} from "p100";
// The default export of the ESM entry is the whole module (index.d.mts declares it).
import p100 from "p100";
const SameClient: typeof Client = p100.Client;
void SameClient;

const client = new Client({ apiKey: "k", baseUrl: "http://127.0.0.1:8080", timeoutMs: 5000, maxRetries: 1 });
const other: Client = client.withOptions({ timeoutMs: 1000, maxRetries: 0 });
// Under exactOptionalPropertyTypes an option may be given as undefined (read from the
// environment), as the runtime takes it.
void new Client({ apiKey: "k", baseUrl: process.env["P100_BASE_URL"], timeoutMs: undefined });
void client.withOptions({ timeoutMs: undefined, signal: undefined, headers: undefined });
const tuned = new Client({
  apiKey: "k",
  connectTimeoutMs: 1000,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 2000,
});
// @ts-expect-error the retry delay is `retryInitialDelayMs` in every language
void new Client({ apiKey: "k", retryDelayMs: 100 });
const partner: Partner = tuned.partner;
const exchange: Exchange = tuned.exchange;
void partner;
void exchange;
const fromEnv: Client = Client.fromEnv();
void other;
void fromEnv;

export async function shapes(): Promise<void> {
  const b: Balances = await client.partner.balances();
  const first = b.fiatBalances[0];
  if (first) {
    const amount: Amount = first.amount;
    const text: string = amount;
    const cur: Currency = first.name;
    const iban: string | null | undefined = first.iban;
    void text;
    void cur;
    void iban;
  }
  const user: CreateUserRequest = {
    externalUserId: "u1",
    email: "a@example.com",
    phone: "486012334567",
    firstName: "A",
    lastName: "B",
    city: "Warszawa",
    postCode: "00-001",
    country: "PL",
    citizenship: "PL",
  };
  const created = await client.users.create(user);
  const id: string = created.userId;
  void id;
  const ex: ExchangeDetails = await client.exchange.waitFor("e1", { timeoutMs: 1000, intervalMs: 50, maxIntervalMs: 500 });
  // A query whose fields are all optional may be left out; one with required fields may not.
  await client.exchange.partnerLock();
  await client.partner.transactions({ month: 1, year: 2025 });
  // @ts-expect-error month and year are required
  await client.partner.transactions();
  await client.users.update("u1", { email: "b@example.com" });
  void ex.status;
  const raw: JsonValue = await client.request("GET", "/v1/partner/balances");
  void raw;
  const nothing: void = await client.cards.block({ externalUserId: "u1", cardId: "c1" });
  void nothing;
  await client.kyc.uploadPoa({ externalUserId: "u1", files: [{ fileName: "bill.pdf", data: new Uint8Array(10) }] });
  await client.crypto.updateTravelRule({
    cryptoDepositId: "d1",
    name: "Anna",
    walletType: "CUSTODIAL",
    receiverType: "NATURAL",
  });

  // @ts-expect-error amounts are strings, never JS numbers
  await client.transfers.create({ destinationExternalUserId: "u1", amount: 10, currency: "eur" });
  // @ts-expect-error a required field is missing
  await client.users.create({ externalUserId: "u1" });
  // A request takes only the documented values of an enum (the core refuses others before
  // sending), while a reply's enum stays open (a value this version does not know).
  // @ts-expect-error "EURO" is not a currency
  await client.transfers.create({ destinationExternalUserId: "u1", amount: "1.00", currency: "EURO" });
  await client.crypto.updateTravelRule({
    cryptoDepositId: "d1",
    name: "Anna",
    // @ts-expect-error "PRIVATE" is not a wallet type
    walletType: "PRIVATE",
    receiverType: "NATURAL",
  });
  // @ts-expect-error "passport" is not a document type (the wire value is "PASSPORT")
  await client.kyc.uploadFiles({ externalUserId: "u1", documentType: "passport", files: [] });
  // Read, change, write back: a result's nulls spread into a request (null is "not given").
  const limits = await client.cards.limits("u1", "c1");
  await client.cards.updateLimits({ externalUserId: "u1", cardId: "c1", ...limits, dailyTrxAll: "150.00" });
  const known: KnownCurrency = "eur";
  const later: Currency = "sol"; // a reply may carry a currency this version does not know
  void known;
  void later;
  // @ts-expect-error the resource groups are properties, not methods
  await client.users().create(user);
}

export function errors(e: unknown): string {
  if (e instanceof ValidationError) return e.field ?? "";
  if (e instanceof ApiError) {
    const code: ErrorCode | null = e.code;
    return `${code ?? ""} ${e.status ?? ""} ${e.errorName ?? ""}`;
  }
  if (e instanceof P100Error) {
    const retry: boolean = e.retryable;
    const after: number | null = e.retryAfterMs;
    return `${e.kind} ${retry} ${after ?? ""} ${e.requestId ?? ""} ${e.accepted}`;
  }
  return "";
}

export async function outcomes(e: unknown): Promise<string> {
  if (!(e instanceof P100Error)) return "";
  const outcome: Outcome = e.outcome;
  switch (outcome) {
    case "not_sent":
    case "rejected":
      return outcome;
    case "unknown":
    case "accepted": {
      const fp: Fingerprint | null = e.fingerprint;
      if (fp) {
        const sent: number = fp.sentAtMs;
        const amount: string | null = fp.amount;
        void sent;
        void amount;
      }
      const r: Reconciliation = await client.reconcile(e);
      // A discriminated union: `id` exists only on "found", `reason` only on "cannot_tell".
      if (r.result === "found") return `${r.id} ${r.status ?? ""}`;
      if (r.result === "cannot_tell") return r.reason;
      // @ts-expect-error not_found has no id
      return r.id;
    }
  }
}

export async function reconcileStored(text: string): Promise<Reconciliation> {
  const stored = JSON.parse(text) as Fingerprint;
  return client.reconcile(stored);
}

// @ts-expect-error "maybe" is not an outcome
const wrongOutcome: Outcome = "maybe";
void wrongOutcome;

export function webhooks(header: string | undefined, body: string): string {
  verifyWebhook(header, "token");
  const event: WebhookEvent = parseWebhook(body);
  switch (event.event) {
    case "sepa_transfer":
      return event.data.status;
    case "crypto_deposit":
      return event.data.amount ?? "";
    case "unknown":
      return event.data.raw;
    default:
      return event.event;
  }
}

const verifier = new WebhookVerifier("token");
verifier.verify("token");

// A fingerprint taken before sending: the request is typed by the operation's name.
const before: Fingerprint = fingerprintOf("sepa.partner_transfer", {
  amount: "25.00",
  currency: "eur",
  destinationIban: "DE89370400440532013000",
  transferTitle: "Invoice 7",
});
void before;
// @ts-expect-error a call that moves no money has no fingerprint
fingerprintOf("users.create", {});
// @ts-expect-error the request of another operation
fingerprintOf("transfers.create", { destinationIban: "DE89370400440532013000" });
