// Example: create a KYC user, verify it (KYC by P100), read its balances; error handling.
package io.p100.examples.createuser

import io.p100.examples.clientFromEnv
import io.p100.examples.freshUserId
import io.p100.sdk.CreateKycVerificationRequest
import io.p100.sdk.CreateUserRequest
import io.p100.sdk.DocumentType
import io.p100.sdk.IncomeSource
import io.p100.sdk.Occupation
import io.p100.sdk.OpenAccountReason
import io.p100.sdk.P100Exception
import io.p100.sdk.Secret
import io.p100.sdk.UserVerificationRequest
import io.p100.sdk.VerificationStatus
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking

fun main(): Unit =
    runBlocking {
        val client = clientFromEnv()
        val userId = freshUserId("kotlin-user")
        val request =
            CreateUserRequest(
                externalUserId = userId,
                email = "jan.kowalski@example.pl",
                phone = "486012334567",
                firstName = "Jan",
                lastName = "Kowalski",
                street = "ul. Marszalkowska",
                number = "123/5",
                city = "Warszawa",
                postCode = "00-001",
                country = "PL",
                citizenship = "PL",
                nationality = "PL",
                birthCountry = "PL",
                birthDate = Secret("1990-05-15"), // secrets print as Secret([REDACTED])
                userIdentificationNumber = null,
                hasAcceptedP100Tc = true,
                address = null,
                documentType = null,
                documentNumber = null,
            )
        client.users().create(request)
        println("created $userId: $request")

        // The same id again: the API refuses it with P411.
        try {
            client.users().create(request)
        } catch (e: P100Exception.Api) {
            println("second create refused: code=${e.code} status=${e.status} retryable=${e.retryable}")
        }

        // KYC by P100: start a verification and poll its status.
        val verification =
            client.kyc().createVerification(
                CreateKycVerificationRequest(
                    externalUserId = userId,
                    documentType = DocumentType.IdCard,
                    country = "PL",
                    incomeSource = IncomeSource.Salary,
                    openAccountReason = OpenAccountReason.CurrencyExchange,
                    taxId = null,
                    occupation = Occupation.It,
                    additionalInfo = "software developer",
                ),
            )
        var status = client.kyc().status(verification.verificationId).verificationStatus
        while (status != VerificationStatus.Verified) {
            delay(100)
            status = client.kyc().status(verification.verificationId).verificationStatus
        }
        client.kyc().addVerification(
            UserVerificationRequest(
                externalUserId = userId,
                documentType = DocumentType.IdCard,
                documentNumber = Secret("CEV12630"),
                documentCountry = "PL",
                documentExpiryDate = null,
                documentIssueDate = null,
            ),
        )
        val balances = client.users().balances(userId)
        for (b in balances.fiatBalances) println("${b.name}: ${b.amount.toPlainString()} ${b.status} IBAN ${b.iban}")

        // Validation happens before anything is sent: the exception names the field.
        try {
            client.users().balances("")
        } catch (e: P100Exception.Validation) {
            println("refused locally: field=${e.field} (${e.reason})")
        }
    }
