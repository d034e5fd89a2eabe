// Example: send EUR by SEPA from the partner's balance and follow it to its final status.
package io.p100.examples.sepa

import io.p100.examples.clientFromEnv
import io.p100.sdk.Currency
import io.p100.sdk.Outcome
import io.p100.sdk.P100Exception
import io.p100.sdk.PartnerSepaTransferRequest
import io.p100.sdk.ReceiverType
import io.p100.sdk.kind
import io.p100.sdk.outcome
import kotlinx.coroutines.runBlocking
import java.math.BigDecimal

fun main(): Unit =
    runBlocking {
        val client = clientFromEnv()
        val request =
            PartnerSepaTransferRequest(
                amount = BigDecimal("25.00"),
                currency = Currency.Eur,
                destinationIban = "DE89370400440532013000",
                transferTitle = "Invoice 2024-001",
                receiverType = ReceiverType.Natural,
                receiverFirstName = "Jan",
                receiverLastName = "Kowalski",
                companyName = null,
            )
        val created =
            try {
                client.sepa().partnerTransfer(request)
            } catch (e: P100Exception) {
                // What the error says about the money: the same four outcomes in every language.
                // A money-moving call is never retried after an ambiguous failure (timeout, 5xx).
                when (e.outcome) {
                    Outcome.NOT_SENT, Outcome.REJECTED -> println("not done (${e.kind}): $e")
                    Outcome.UNKNOWN -> println("may have happened: client.reconcile(e) before sending again")
                    Outcome.ACCEPTED -> println("it happened (its reply was unreadable): do not send it again")
                }
                throw e
            }
        println("SEPA transfer ${created.transferId} accepted")
        val details = client.sepa().waitFor(created.transferId, timeoutMs = 60_000)
        println("final status: ${details.status}, fee ${details.fee?.toPlainString()}")

        // A bad IBAN never leaves the device.
        try {
            client.sepa().partnerTransfer(request.copy(destinationIban = "DE00370400440532013000"))
        } catch (e: P100Exception.Validation) {
            println("refused locally: ${e.field}")
        }
    }
