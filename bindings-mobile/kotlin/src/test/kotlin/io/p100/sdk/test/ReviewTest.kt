package io.p100.sdk.test

import io.p100.sdk.CryptoDepositEvent
import io.p100.sdk.CryptoDepositStatus
import io.p100.sdk.Currency
import io.p100.sdk.ErrorKind
import io.p100.sdk.Fingerprint
import io.p100.sdk.Outcome
import io.p100.sdk.P100Exception
import io.p100.sdk.PartnerSepaTransferRequest
import io.p100.sdk.Reconciliation
import io.p100.sdk.Secret
import io.p100.sdk.TransferRequest
import io.p100.sdk.client.Client
import io.p100.sdk.client.ClientOptions
import io.p100.sdk.client.Sandbox
import io.p100.sdk.client.SandboxOptions
import io.p100.sdk.client.WebhookEvent
import io.p100.sdk.createUserRequestFromJson
import io.p100.sdk.field
import io.p100.sdk.fingerprint
import io.p100.sdk.isAccepted
import io.p100.sdk.kind
import io.p100.sdk.outcome
import io.p100.sdk.rawBody
import io.p100.sdk.status
import kotlinx.coroutines.delay
import java.math.BigDecimal

/*
 * Outside review of the Kotlin package: each test asserts documented behaviour, and starts its
 * own in-process sandbox.
 * Each failed on the code it reviewed (`waitFor`'s 404 case excepted: it checks the documented
 * rule). Main.kt runs them (one line in defineTests).
 */

private suspend fun <T> withSandbox(body: suspend (Sandbox, Client) -> T): T {
    val sb = Sandbox.start(SandboxOptions(settleMs = 100))
    try {
        val c =
            Client.withOptions(
                ClientOptions(
                    apiKey = Secret(sb.apiKey()),
                    baseUrl = sb.url(),
                    timeoutMs = 5_000,
                    maxRetries = 2,
                    retryInitialDelayMs = 20,
                    retryMaxDelayMs = 200,
                ),
            )
        return body(sb, c)
    } finally {
        sb.stop()
    }
}

/** The review's tests, registered with the suite's `test(name, body)`. */
fun defineReviewTests(test: (String, suspend () -> Unit) -> Unit) {
    // Stop 50: a month of history over 16 MiB could not be read (nor reconciled), and only Rust
    // could raise the limit.
    test("review: maxResponseBytes is the longest reply read, and is checked") {
        withSandbox { sb, _ ->
            val options = ClientOptions(apiKey = Secret(sb.apiKey()), baseUrl = sb.url(), maxRetries = 0)
            val small = Client.withOptions(options.copy(maxResponseBytes = 64))
            val e = expectThrows<P100Exception> { small.partner().balances() }
            assertTrue(e.kind == ErrorKind.DECODE && e.message.orEmpty().contains("larger than the limit of 64 bytes")) { "$e" }
            val roomy = Client.withOptions(options.copy(maxResponseBytes = 64L shl 20))
            val balances = roomy.partner().balances()
            assertTrue(balances.fiatBalances.isNotEmpty()) { "a roomy limit reads the balances" }
            for (bad in listOf(0L, -1L, (1L shl 30) + 1)) {
                val refused = expectThrows<P100Exception.Config> { Client.withOptions(options.copy(maxResponseBytes = bad)) }
                assertTrue(refused.field == "maxResponseBytes") { "$bad: $refused" }
            }
        }
    }
    test("review: waitFor with an empty id is a validation error whose outcome is NOT_SENT") {
        withSandbox { _, c ->
            for (id in listOf("", " ")) {
                val e = expectThrows<P100Exception> { c.sepa().waitFor(id, timeoutMs = 2_000) }
                assertTrue(e.kind == ErrorKind.VALIDATION && e.field == "transferId") { "waitFor(\"$id\"): $e" }
                assertTrue(e.status == null) { "nothing was sent, yet status ${e.status}" }
                // README: validation = nothing was sent; ACCEPTED = "it happened, do not send again".
                assertTrue(e.outcome == Outcome.NOT_SENT && !e.isAccepted) {
                    "waitFor(\"$id\") was refused before sending, yet outcome=${e.outcome} isAccepted=${e.isAccepted}"
                }
            }
        }
    }

    test("review: waitFor on an id the API does not know ends with its 404, outcome ACCEPTED as documented") {
        withSandbox { _, c ->
            // Errors guide: every wait error speaks of an operation that has an id (a 404 may be
            // one not readable yet); REJECTED would invite sending the money again.
            val e = expectThrows<P100Exception> { c.transfers().waitFor("no-such-transfer", timeoutMs = 2_000, intervalMs = 50) }
            assertTrue(e.kind == ErrorKind.API && e.status == 404) { "waitFor(unknown id): $e" }
            assertTrue(e.outcome == Outcome.ACCEPTED && e.isAccepted) { "outcome=${e.outcome}: $e" }
        }
    }

    test("review: a userAgent that cannot be sent is a Config error naming userAgent, at construction") {
        withSandbox { sb, _ ->
            val options = ClientOptions(apiKey = Secret(sb.apiKey()), baseUrl = sb.url(), userAgent = "shop/1\r\nX-Injected: 1")
            // README: "all settings … (a bad value is P100Exception.Config naming it)".
            val e = expectThrows<P100Exception> { Client.withOptions(options) }
            assertTrue(e.kind == ErrorKind.CONFIG && e.field == "userAgent") {
                "expected Config on field userAgent from Client.withOptions, got kind=${e.kind} field=${e.field}: $e"
            }
        }
    }

    test("review: Sandbox.fund of an amount too large for the sandbox is a P100Exception naming amount, not an InternalException") {
        withSandbox { sb, _ ->
            // README (Sandbox): "Refusals are P100Exception/P100Error (Validation naming the argument…)".
            val e = expectThrows<Throwable> { sb.fund(Currency.Eur, BigDecimal("79228162514264337593543950335")) }
            assertTrue(e is P100Exception) { "a refusal must be a P100Exception, got ${e::class.qualifiedName}: ${e.message}" }
            assertTrue((e as P100Exception).field == "amount") { "the refusal names ${e.field}: $e" }
        }
    }

    test("review: reconcile never answers Found with an operation created before the lost call was sent") {
        withSandbox { sb, c ->
            val uid = "rv-${System.nanoTime()}"
            c.users().create(
                createUserRequestFromJson(
                    """{"externalUserId":"$uid","email":"jan@example.pl","phone":"486012334567","firstName":"Jan",""" +
                        """"lastName":"Kowalski","street":"Prosta","number":"1","city":"Warszawa","postCode":"00-001",""" +
                        """"country":"PL","citizenship":"PL","birthDate":"1990-05-15","hasAcceptedP100Tc":true}""",
                ),
            )
            // Verified (euros move only for a verified user): an ID card's file, then the user verification.
            verifyWithIdCardFile(c, uid)
            // A first credit of 5.00 EUR to the user: it succeeds, the caller has its id.
            val first = c.transfers().create(TransferRequest(null, uid, BigDecimal("5.00"), Currency.Eur))
            c.transfers().waitFor(first.transferId, timeoutMs = 5_000, intervalMs = 50)
            delay(1_000)
            // A second, equal credit is lost: the connection drops before the sandbox runs it.
            sb.injectFault("drop", 1, operation = "transfers.create")
            val ran = sb.ops()["transfers.create"]
            val e = expectThrows<P100Exception> { c.transfers().create(TransferRequest(null, uid, BigDecimal("5.00"), Currency.Eur)) }
            assertTrue(e.outcome == Outcome.UNKNOWN) { "lost call: $e" }
            assertTrue(sb.ops()["transfers.create"] == ran) { "the dropped call ran on the sandbox" }
            // README: reconcile looks in the history "created after it was sent"; Found = "it happened".
            // The second credit never happened; the only entry is the first one, created before.
            val r = c.reconcile(e)
            assertTrue(r !is Reconciliation.Found) {
                "reconcile says the lost call happened: Found(${(r as Reconciliation.Found).id}) is the FIRST transfer " +
                    "(${first.transferId}), created before the lost call was sent; the second one never ran"
            }
        }
    }

    test("review: SandboxOptions.toString() never shows the API key or the webhook token") {
        val o = SandboxOptions(apiKey = Secret("sandbox-key-do-not-print"), webhookToken = Secret("whsec-do-not-print"))
        val text = o.toString()
        // DESIGN principle 8: API key and webhook token never appear in Debug/Display (toString).
        assertTrue(!text.contains("sandbox-key-do-not-print") && !text.contains("whsec-do-not-print")) {
            "SandboxOptions.toString() shows secrets: $text"
        }
    }

    test("review: waitFor with a wait option out of bounds, on the id of an accepted transfer, is ACCEPTED, never NOT_SENT") {
        withSandbox { _, c ->
            val sent =
                c.sepa().partnerTransfer(
                    PartnerSepaTransferRequest(BigDecimal("1.00"), Currency.Eur, "DE89370400440532013000", "Review wait options"),
                )
            // Errors guide: an error of waitFor speaks of the operation, which has an id, so its outcome
            // is ACCEPTED "whatever ended the wait"; the one exception is an empty id. A deadline computed
            // as 0 (or less) must not read as NOT_SENT ("safe to send again") for a transfer P100 accepted.
            val bad =
                listOf<Triple<Long?, Long?, Long?>>(
                    Triple(0L, null, null),
                    Triple(-1L, null, null),
                    Triple(5_000L, 0L, null),
                    Triple(5_000L, null, -1L),
                )
            for ((t, i, m) in bad) {
                val e =
                    expectThrows<P100Exception> {
                        c.sepa().waitFor(sent.transferId, timeoutMs = t, intervalMs = i, maxIntervalMs = m)
                    }
                assertTrue(e.outcome == Outcome.ACCEPTED && e.isAccepted) {
                    "waitFor(${sent.transferId}, timeoutMs=$t, intervalMs=$i, maxIntervalMs=$m): " +
                        "kind=${e.kind} field=${e.field} outcome=${e.outcome}: $e"
                }
            }
        }
    }

    test("review (stop 38): a text with a lone surrogate is a Validation error, NOT_SENT, and nothing is sent") {
        withSandbox { sb, c ->
            // A user's text cut in the middle of an emoji: it was a MalformedInputException.
            val title = "Rent \uD83C\uDFE0".take(6)
            val e =
                expectThrows<Throwable> {
                    c.sepa().partnerTransfer(
                        PartnerSepaTransferRequest(BigDecimal("10.00"), Currency.Eur, "DE89370400440532013000", title),
                    )
                }
            assertTrue(e is P100Exception) { "expected a P100Exception, got ${e::class.qualifiedName}" }
            val p = e as P100Exception
            assertTrue(p.kind == ErrorKind.VALIDATION && p.outcome == Outcome.NOT_SENT) { "$p" }
            assertTrue((sb.ops()["sepa.partner_transfer"] ?: 0L) == 0L) { "sent: ${sb.ops()["sepa.partner_transfer"]}" }
        }
    }

    test("review (stop 38): an error's details print the raw body as a Secret; rawBody still reads it") {
        withSandbox { _, c ->
            val e = expectThrows<P100Exception> { c.users().balances("no-such-user") }
            val shown = e.details().toString()
            assertTrue(e.rawBody?.contains("\"errorCode\"") == true) { "rawBody: ${e.rawBody}" }
            assertTrue(!shown.contains("\"errorCode\"")) { shown }
            assertTrue(shown.contains("rawBody=Secret([REDACTED])")) { shown }
        }
    }
    test("review (stop 39): name() of an event the app built with an amount the core refuses names the case") {
        // BigDecimal("1E-50") has 50 places, beyond the core's 28: reading it into Rust fails.
        val deposit = CryptoDepositEvent("d-1", CryptoDepositStatus.Successful, null, BigDecimal("1E-50"), Currency.Usdt, null, null, null)
        val event = WebhookEvent.CryptoDeposit(deposit)
        assertTrue(event.name() == "crypto_deposit") { "name: ${event.name()}" }
        // Where the core does read it, the refusal is a P100Exception naming the amount.
        val e = expectThrows<Throwable> { event.toJson() }
        assertTrue(e is P100Exception && e.field == "amount") { "toJson: ${e::class.qualifiedName}: ${e.message}" }
    }
    test("review (stop 40): an exception the app built with an amount the core refuses prints and keeps its fields") {
        // A test double of the app: BigDecimal("1E-50") has 50 places, beyond the core's 28.
        val fingerprint =
            Fingerprint(
                "sepa.partner_transfer",
                BigDecimal("1E-50"),
                "eur",
                "DE89370400440532013000",
                null,
                1_700_000_000_000,
            )
        val e =
            P100Exception.Network(
                "no reply",
                "P500",
                null,
                500,
                "r-1",
                false,
                null,
                null,
                false,
                "sepa.partner_transfer",
                Secret("{}"),
                Outcome.UNKNOWN,
                fingerprint,
            )
        assertTrue(e.toString() == "[P500] no reply (HTTP 500) [request id r-1]") { "toString: $e" }
        assertTrue(e.message == e.toString()) { "message: ${e.message}" }
        assertTrue(e.kind == ErrorKind.NETWORK && e.outcome == Outcome.UNKNOWN && e.status == 500) { "fields: ${e.details()}" }
        assertTrue(e.fingerprint?.amount == BigDecimal("1E-50")) { "fingerprint: ${e.fingerprint}" }
        assertTrue(!e.details().toString().contains("{}")) { "details shows the raw body: ${e.details()}" }
        // Where the core does read it, the refusal is a validation error naming the amount.
        val c = Client.withOptions(ClientOptions(apiKey = Secret("k"), baseUrl = "http://127.0.0.1:1", maxRetries = 0))
        val refused = expectThrows<Throwable> { c.reconcile(e) }
        assertTrue(refused is P100Exception && refused.kind == ErrorKind.VALIDATION && refused.field == "amount") {
            "reconcile: ${refused::class.qualifiedName}: ${refused.message}"
        }
    }
}
