// Compile-time checks of the `p100/testing` typings (tsc --strict, never run).
import { Sandbox, SandboxError, platformPackage, type SandboxOptions, type Delivery, type Fault } from "p100/testing";
import { Client, UnavailableError } from "p100";

const options: SandboxOptions = { settleMs: 50, timeScale: 0.1, webhookUrl: "http://127.0.0.1:9/hook", webhookToken: "t" };
const sb: Sandbox = await Sandbox.start(options);
const url: string = sb.url;
const key: string = sb.apiKey;
const client: Client = sb.client({ maxRetries: 0 });
// @ts-expect-error the key and URL are the sandbox's own
sb.client({ apiKey: "other" });
const funded = await sb.fund({ currency: "eur", amount: "10.00", externalUserId: "u1" });
const balance: string = funded.balance;
const fault: Fault = { kind: 503, count: 2, operation: "partner.balances" };
const { pending } = await sb.injectFault(fault);
// @ts-expect-error not a fault kind
void sb.injectFault({ kind: "explode" });
await sb.setTimeScale(0.5);
const moved: number = (await sb.advance(60)).advancedSeconds;
const triggered: string = (await sb.trigger("user_status", { externalUserId: "u1" })).event;
const list: Delivery[] = await sb.deliveries();
const first: number | null | undefined = list[0]?.statusCode;
await sb.reset();
await sb.stop();
await sb[Symbol.asyncDispose]();
try {
  await client.partner.balances();
} catch (e) {
  if (e instanceof UnavailableError || e instanceof SandboxError) console.log(e.status);
}
const name: string = platformPackage("linux", "x64");
void [url, key, balance, pending, first, name, moved, triggered];

// `await using` stops it at the end of the block (TypeScript down-levels it for Node 20).
{
  await using scoped = await Sandbox.start();
  const scopedClient: Client = scoped.client();
  void scopedClient;
}
