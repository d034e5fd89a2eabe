// Example: the partner's balances, with exact decimals (java.math.BigDecimal).
package io.p100.examples.balances

import io.p100.examples.clientFromEnv
import io.p100.sdk.Currency
import kotlinx.coroutines.runBlocking

fun main(): Unit =
    runBlocking {
        val client = clientFromEnv()
        val balances = client.partner().balances() // a suspend fun
        for (b in balances.fiatBalances) {
            println("fiat   ${b.amount.toPlainString()} ${b.name} (${b.status})")
        }
        for (b in balances.cryptoBalances) {
            println("crypto ${b.amount.toPlainString()} ${b.name}")
        }
        val eur = balances.fiatBalances.firstOrNull { it.name == Currency.Eur }
        println("EUR available: ${eur?.amount?.toPlainString() ?: "none"}")
    }
