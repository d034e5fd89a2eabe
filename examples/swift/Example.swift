// The documented Swift sample of the P100 SDK: balances, a KYC user, an exchange and a SEPA
// transfer, with error handling.
//
// The executable target `Example` of examples/Package.swift (it depends on bindings-mobile/swift by
// path). bindings-mobile/swift/test-linux.sh builds it in Swift 5 and 6 language modes and runs
// it against a sandbox on every CI run. By hand, with a sandbox
// (`cargo run -p p100-sandbox -- --port 8080 --api-key KEY`):
//     P100_API_KEY=KEY P100_BASE_URL=http://127.0.0.1:8080 swift run --package-path examples Example
// (on Linux through scripts/swift.sh, after `cargo build -p p100-mobile`).
import Foundation
import P100

@main
struct Example {
    static func main() async {
        let env = ProcessInfo.processInfo.environment
        do {
            let client = try Client(
                apiKey: env["P100_API_KEY"] ?? "",
                baseUrl: env["P100_BASE_URL"] ?? "https://partner-api-stage.p100.io"
            )

            // Balances: amounts are the exact decimal text ("100000.00"), never a Double.
            let balances = try await client.partner().balances()
            for b in balances.fiatBalances { print("fiat   \(b.amount) \(b.name)") }
            for b in balances.cryptoBalances { print("crypto \(b.amount) \(b.name)") }

            // A KYC user; secrets print as Secret([REDACTED]).
            let userId = "swift-\(UUID().uuidString.prefix(8))"
            let request = CreateUserRequest(
                externalUserId: userId, email: "jan.kowalski@example.pl", phone: "486012334567",
                firstName: "Jan", lastName: "Kowalski", street: "ul. Marszalkowska", number: "123/5",
                city: "Warszawa", postCode: "00-001", country: "PL", citizenship: "PL",
                nationality: "PL", birthCountry: "PL", birthDate: Secret("1990-05-15"),
                userIdentificationNumber: nil, hasAcceptedP100Tc: true, address: nil,
                documentType: nil, documentNumber: nil
            )
            _ = try await client.users().create(request: request)
            print("created \(request)")
            let userBalances = try await client.users().balances(externalUserId: userId)
            print("user EUR status: \(String(describing: userBalances.fiatBalances.first?.status))")

            // Exchange EUR → BTC on the partner's account with a locked rate, then wait.
            let lock = try await client.exchange().partnerLock(
                request: ExchangeLockQuery(currencyFrom: .eur, currencyTo: .btc, amount: "100.00")
            )
            let exchange = try await client.exchange().partnerExecute(
                request: PartnerExchangeRequest(
                    amount: "100.00", currencyFrom: .eur, currencyTo: .btc, lockId: lock.lockId)
            )
            let exchanged = try await client.exchange().waitFor(exchangeId: exchange.exchangeId, timeoutMs: 60000)
            print("exchange \(exchange.exchangeId): \(exchanged.status)")

            // SEPA: accepted, then processed.
            let sepa = try await client.sepa().partnerTransfer(
                request: PartnerSepaTransferRequest(
                    amount: "25.00", currency: .eur, destinationIban: "DE89370400440532013000",
                    transferTitle: "Invoice 2024-001", receiverType: .natural, receiverFirstName: "Jan",
                    receiverLastName: "Kowalski", companyName: nil
                ))
            let sent = try await client.sepa().waitFor(transferId: sepa.transferId, timeoutMs: 60000)
            print("SEPA \(sepa.transferId): \(sent.status)")
        } catch let error as P100Error {
            // One error type: switch on its kind, read the rest as properties.
            switch error.kind {
            case .validation:
                print("invalid input \(error.field ?? "?"): \(error.reason)")  // nothing was sent
            case .api:
                print("refused by P100: \(error.code ?? "?") (HTTP \(error.status ?? 0))")
            default:
                print("\(error.kind) error: \(error) (retryable: \(error.isRetryable))")
            }
            // What it says about the money (the transfer above): the same outcomes everywhere.
            switch error.outcome {
            case .notSent, .rejected: print("not done: safe to fix and send again")
            case .unknown: print("may have happened: client.reconcile(error:) before sending again")
            case .accepted: print("it happened (its reply was unreadable): do not send it again")
            }
            exit(1)
        } catch {
            print("unexpected: \(error)")
            exit(1)
        }
    }
}
