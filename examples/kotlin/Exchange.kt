// Example: lock a rate and exchange EUR to BTC on the partner's account, then wait for it.
package io.p100.examples.exchange

import io.p100.examples.clientFromEnv
import io.p100.sdk.Currency
import io.p100.sdk.ExchangeLockQuery
import io.p100.sdk.PartnerExchangeRequest
import kotlinx.coroutines.runBlocking
import java.math.BigDecimal

fun main(): Unit =
    runBlocking {
        val client = clientFromEnv()
        val rates = client.exchange().rates()
        println("indicative BTC rate: ${rates.rates["btc"]?.toPlainString()} EUR")

        val amount = BigDecimal("100.00")
        val lock =
            client.exchange().partnerLock(
                ExchangeLockQuery(currencyFrom = Currency.Eur, currencyTo = Currency.Btc, amount = amount),
            )
        println("locked EUR→BTC ${lock.rates["btc"]?.toPlainString()} until ${lock.validUntil}")
        val created =
            client.exchange().partnerExecute(
                PartnerExchangeRequest(amount = amount, currencyFrom = Currency.Eur, currencyTo = Currency.Btc, lockId = lock.lockId),
            )
        // Accepted, then processed: poll until COMPLETED or FAILED.
        val done = client.exchange().waitFor(created.exchangeId, timeoutMs = 60_000)
        println("exchange ${created.exchangeId}: ${done.status}, received ${done.receivedAmount?.toPlainString()} BTC")
    }
