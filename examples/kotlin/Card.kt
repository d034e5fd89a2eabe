// Example: fund an active user, issue a virtual card, read its data on a "secure screen".
package io.p100.examples.card

import io.p100.examples.clientFromEnv
import io.p100.examples.freshUserId
import io.p100.sdk.CardRef
import io.p100.sdk.CreateCardRequest
import io.p100.sdk.CreateKycVerificationRequest
import io.p100.sdk.CreateUserRequest
import io.p100.sdk.Currency
import io.p100.sdk.DocumentType
import io.p100.sdk.IncomeSource
import io.p100.sdk.Occupation
import io.p100.sdk.OpenAccountReason
import io.p100.sdk.Secret
import io.p100.sdk.TransferRequest
import io.p100.sdk.UserVerificationRequest
import io.p100.sdk.VerificationStatus
import io.p100.sdk.client.Client
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import java.math.BigDecimal

/** Creates a user and completes its KYC, so that it can hold cards. */
suspend fun activeUser(client: Client): String {
    val id = freshUserId("kotlin-card")
    client.users().create(
        CreateUserRequest(
            externalUserId = id,
            email = "anna.nowak@example.pl",
            phone = "48601234567",
            firstName = "Anna",
            lastName = "Nowak",
            street = null,
            number = null,
            city = "Krakow",
            postCode = "30-001",
            country = "PL",
            citizenship = "PL",
            nationality = null,
            birthCountry = null,
            birthDate = Secret("1992-03-01"),
            userIdentificationNumber = null,
            hasAcceptedP100Tc = true,
            address = null,
            documentType = null,
            documentNumber = null,
        ),
    )
    val v =
        client.kyc().createVerification(
            CreateKycVerificationRequest(
                externalUserId = id,
                documentType = DocumentType.Passport,
                country = "PL",
                incomeSource = IncomeSource.Salary,
                openAccountReason = OpenAccountReason.DailyUse,
                taxId = null,
                occupation = Occupation.FinanceAndAccounting,
                additionalInfo = "card holder",
            ),
        )
    while (client.kyc().status(v.verificationId).verificationStatus != VerificationStatus.Verified) delay(100)
    client.kyc().addVerification(
        UserVerificationRequest(
            externalUserId = id,
            documentType = DocumentType.Passport,
            documentNumber = Secret("EA1234567"),
            documentCountry = "PL",
            documentExpiryDate = null,
            documentIssueDate = null,
        ),
    )
    return id
}

fun main(): Unit =
    runBlocking {
        val client = clientFromEnv()
        val userId = activeUser(client)
        val fund = client.transfers().create(TransferRequest(null, userId, BigDecimal("50.00"), Currency.Eur))
        client.transfers().waitFor(fund.transferId, timeoutMs = 60_000)

        val card = client.cards().create(CreateCardRequest(userId, "Groceries", Secret("2468")))
        println("issued: $card") // the PAN and CVV print as Secret([REDACTED])
        val details = client.cards().details(userId, card.cardId)
        // Only a secure screen should ever reveal() them.
        println("card ending ${details.cardNumber.reveal().takeLast(4)}, expires ${details.exp}")
        println("cards of $userId: ${client.cards().list(userId).cards.map { it.status }}")
        client.cards().block(CardRef(userId, card.cardId))
        client.cards().delete(CardRef(userId, card.cardId))
        println("card blocked and deleted")
    }
