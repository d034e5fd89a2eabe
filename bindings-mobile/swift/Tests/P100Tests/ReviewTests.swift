// Outside review of the Swift package: each test asserts documented behaviour (each failed on the
// code it reviewed, except the waitFor 404 case, which checks the documented rule). Every test
// starts its own in-process sandbox (`Sandbox`, test build of the package).
import Foundation
import P100
import XCTest

final class ReviewTests: XCTestCase, @unchecked Sendable {
    private func withSandbox(_ body: (Sandbox, Client) async throws -> Void) async throws {
        let sb = try await Sandbox.start(options: SandboxOptions(settleMs: 100))
        let c = try Client.withOptions(
            options: ClientOptions(
                apiKey: Secret(sb.apiKey()), baseUrl: sb.url(), timeoutMs: 5000, maxRetries: 2,
                retryInitialDelayMs: 20, retryMaxDelayMs: 200))
        do {
            try await body(sb, c)
        } catch {
            try await sb.stop()
            throw error
        }
        try await sb.stop()
    }

    private func p100Error(_ body: () async throws -> Void) async -> P100Error? {
        do {
            try await body()
            XCTFail("expected a P100Error, nothing was thrown")
        } catch let e as P100Error {
            return e
        } catch {
            XCTFail("expected a P100Error, got \(error)")
        }
        return nil
    }

    /// waitFor with an empty id, the id of nothing: nothing was sent, so the outcome is
    /// `.notSent` (an id refused only for its shape stays `.accepted`: P100 may have given it).
    func testReviewWaitForRefusedIdIsNotSent() async throws {
        try await withSandbox { _, c in
            for id in ["", " "] {
                guard let e = await p100Error({ _ = try await c.sepa().waitFor(transferId: id, timeoutMs: 2000) })
                else {
                    XCTFail("waitFor(\"\(id)\"): no error")
                    continue
                }
                XCTAssertEqual(e.kind, .validation, "\(e)")
                XCTAssertEqual(e.field, "transferId")
                XCTAssertNil(e.status)
                XCTAssertEqual(e.outcome, .notSent, "waitFor(\"\(id)\") was never sent, yet outcome is \(e.outcome)")
                XCTAssertFalse(e.isAccepted, "isAccepted on a validation error that sent nothing")
            }
        }
    }

    /// waitFor on an id the API answers 404 "Transfer not found" for: the wait ends with that
    /// error, outcome `.accepted` as the errors guide documents (a 404 may be an operation not
    /// readable yet; `.rejected` would invite sending the money again).
    func testReviewWaitForUnknownIdEndsAccepted() async throws {
        try await withSandbox { _, c in
            guard
                let e = await p100Error({
                    _ = try await c.transfers().waitFor(transferId: "no-such-transfer", timeoutMs: 2000, intervalMs: 50)
                })
            else { return }
            XCTAssertEqual(e.kind, .api, "\(e)")
            XCTAssertEqual(e.status, 404)
            XCTAssertEqual(e.outcome, .accepted, "\(e)")
        }
    }

    /// README: "all settings … (a bad value is … Config naming it)". A user agent with a line
    /// break is accepted by `Client.withOptions`, and every call then fails as a retryable
    /// `.network` error that names no field.
    func testReviewUserAgentThatCannotBeSentIsAConfigError() async throws {
        try await withSandbox { sb, _ in
            let options = ClientOptions(
                apiKey: Secret(sb.apiKey()), baseUrl: sb.url(), userAgent: "shop/1\r\nX-Injected: 1")
            guard
                let e = await p100Error({ _ = try Client.withOptions(options: options) })
            else { return }
            XCTAssertEqual(e.kind, .config, "\(e)")
            XCTAssertEqual(e.field, "userAgent", "\(e)")
        }
    }

    /// README: reconcile looks in the history "created after it was sent"; `.found` = "it
    /// happened". A lost credit that never ran is reported `.found` with the id of an equal credit
    /// made (and answered) one second before the lost call was sent.
    func testReviewReconcileNeverFindsAnOperationCreatedBeforeTheCall() async throws {
        try await withSandbox { sb, c in
            let uid = "rv-\(UUID().uuidString.prefix(8))"
            _ = try await c.users().create(
                request: createUserRequestFromJson(
                    json: """
                        {"externalUserId":"\(uid)","email":"jan@example.pl","phone":"486012334567",\
                        "firstName":"Jan","lastName":"Kowalski","street":"Prosta","number":"1",\
                        "city":"Warszawa","postCode":"00-001","country":"PL","citizenship":"PL",\
                        "birthDate":"1990-05-15","hasAcceptedP100Tc":true}
                        """))
            // Verified (euros move only for a verified user): an ID card's file, the verification.
            try await verifyWithIdCardFile(c, uid)
            let credit = TransferRequest(destinationExternalUserId: uid, amount: "5.00", currency: .eur)
            let first = try await c.transfers().create(request: credit)
            _ = try await c.transfers().waitFor(transferId: first.transferId, timeoutMs: 5000, intervalMs: 50)
            try await Task.sleep(nanoseconds: 1_000_000_000)
            // The second, equal credit is lost: the connection drops before the sandbox runs it.
            try sb.injectFault(kind: "drop", count: 1, operation: "transfers.create")
            let ran = try sb.ops()["transfers.create"]
            guard let e = await p100Error({ _ = try await c.transfers().create(request: credit) }) else { return }
            XCTAssertEqual(e.outcome, .unknown, "\(e)")
            XCTAssertEqual(try sb.ops()["transfers.create"], ran, "the dropped call ran on the sandbox")
            let r = try await c.reconcile(error: e)
            if case let .found(id, _) = r {
                XCTFail(
                    "reconcile says the lost call happened: .found(\(id)) is the first transfer "
                        + "(\(first.transferId)), created before the lost call was sent; the second never ran")
            }
        }
    }

    /// README (Sandbox): "Refusals are P100Exception/P100Error (Validation naming the argument…)".
    /// Funding an amount that overflows the balance panics in Rust instead.
    func testReviewSandboxFundOverflowIsAP100Error() async throws {
        try await withSandbox { sb, _ in
            do {
                _ = try await sb.fund(currency: .eur, amount: "79228162514264337593543950335")
                XCTFail("funding 7.9e28 EUR on top of the starting balance succeeded")
            } catch let e as P100Error {
                XCTAssertEqual(e.kind, .validation, "\(e)")
                XCTAssertEqual(e.field, "amount", "\(e)")
            } catch {
                XCTFail("a refusal must be a P100Error, got \(type(of: error)): \(error)")
            }
        }
    }

    /// DESIGN principle 8: the API key and the webhook token never show in `description`,
    /// `String(reflecting:)` or `dump`.
    func testReviewSandboxOptionsHideTheKeyAndToken() {
        let o = SandboxOptions(apiKey: "sandbox-key-do-not-print", webhookToken: "whsec-do-not-print")
        var dumped = ""
        dump(o, to: &dumped)
        for text in [String(describing: o), String(reflecting: o), dumped] {
            XCTAssertFalse(text.contains("sandbox-key-do-not-print"), text)
            XCTAssertFalse(text.contains("whsec-do-not-print"), text)
        }
    }

    /// Errors guide: an error of `waitFor` speaks of the operation, which has an id, so its outcome
    /// is `.accepted` "whatever ended the wait"; the one exception is an empty id. A wait option out
    /// of bounds (a deadline computed as 0) on the id of a transfer P100 accepted must not read as
    /// `.notSent` ("safe to send again").
    func testReviewWaitForOptionOutOfBoundsOnAnAcceptedIdIsAccepted() async throws {
        try await withSandbox { _, c in
            let sent = try await c.sepa().partnerTransfer(
                request: PartnerSepaTransferRequest(
                    amount: "1.00", currency: .eur, destinationIban: "DE89370400440532013000",
                    transferTitle: "Review wait options"))
            let bad: [(Int64?, Int64?, Int64?)] = [
                (0, nil, nil), (-1, nil, nil), (5000, 0, nil), (5000, nil, -1),
            ]
            for (t, i, m) in bad {
                let call = "waitFor(timeoutMs: \(t as Any), intervalMs: \(i as Any), maxIntervalMs: \(m as Any))"
                guard
                    let e = await p100Error({
                        _ = try await c.sepa().waitFor(
                            transferId: sent.transferId, timeoutMs: t, intervalMs: i, maxIntervalMs: m)
                    })
                else {
                    XCTFail("\(call): no error")
                    continue
                }
                XCTAssertEqual(e.outcome, .accepted, "\(call): \(e.kind) \(e.field ?? "-"): \(e)")
                XCTAssertTrue(e.isAccepted, call)
            }
        }
    }
    /// stop 39: `name()` of an event the app built with an amount the core refuses ("12,50") names
    /// the case; it stopped the app before (uniffi's `try!`). `toJson()`, which reads the amount,
    /// throws a P100Error naming it.
    func testReviewNameOfAnAppBuiltEventWithARefusedAmount() async throws {
        let deposit = CryptoDepositEvent(
            cryptoDepositId: "d-1", status: .successful, externalUserId: nil, amount: "12,50",
            currency: .usdt, network: nil, transactionHash: nil, createdAt: nil)
        let event = WebhookEvent.cryptoDeposit(event: deposit)
        XCTAssertEqual(event.name(), "crypto_deposit")
        let e = await p100Error { _ = try event.toJson() }
        XCTAssertEqual(e?.field, "amount")
    }

    /// An error the app built itself (a test double) whose fingerprint has an amount the core
    /// refuses: its properties, `description` and `dump` are read on the Swift side, so printing
    /// it no longer stops the app (uniffi's `try!` on the core's refusal); `reconcile` refuses
    /// it as a validation error naming the amount, before anything is sent.
    func testReviewAnAppBuiltErrorWithARefusedAmountPrints() async throws {
        let fingerprint = Fingerprint(
            operation: "sepa.partner_transfer", amount: "12,50", currency: "eur",
            destination: "DE89370400440532013000", externalUserId: nil, sentAtMs: 1_700_000_000_000)
        let e = P100Error.Network(
            reason: "no reply", code: "P500", errorName: nil, status: 500, requestId: "r-1",
            retryable: false, retryAfterMs: nil, field: nil, accepted: false,
            operation: "sepa.partner_transfer", rawBody: Secret("{}"), outcome: .unknown,
            fingerprint: fingerprint)
        XCTAssertEqual(e.description, "[P500] no reply (HTTP 500) [request id r-1]")
        XCTAssertEqual("\(e)", e.description)
        XCTAssertEqual(e.kind, .network)
        XCTAssertEqual(e.outcome, .unknown)
        XCTAssertEqual(e.status, 500)
        XCTAssertEqual(e.fingerprint?.amount, "12,50")
        XCTAssertEqual(e.details().kind, .network)
        XCTAssertTrue(e.localizedDescription.contains("no reply"), e.localizedDescription)
        var dumped = ""
        dump(e, to: &dumped)
        XCTAssertTrue(dumped.contains("no reply"), dumped)
        let c = try Client.withOptions(
            options: ClientOptions(apiKey: Secret("k"), baseUrl: "http://127.0.0.1:1", maxRetries: 0))
        let refused = await p100Error { _ = try await c.reconcile(error: e) }
        XCTAssertEqual(refused?.kind, .validation)
        XCTAssertEqual(refused?.field, "amount")
    }
}
