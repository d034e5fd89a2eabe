// XCTest suite of the P100 Swift package: the shared scenario, then the same Swift-specific checks
// as the Kotlin suite (async calls, P100Error properties, exact decimals, secrets, 100 concurrent
// tasks on one client, cancellation, webhooks). The sandbox runs in the test process (`Sandbox`,
// TestEnv.sandbox()): the package must be the test variant of generate.sh --testing (the library
// built with the cargo feature `testing`), as swift/test-linux.sh builds it.
import Foundation
import P100
import XCTest
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// `@unchecked Sendable`: on Linux, SwiftPM's generated test list wraps each async test in a
// closure that captures the test case, which Swift 6 only accepts for a Sendable class. This one
// has no stored state.
final class P100Tests: XCTestCase, @unchecked Sendable {
    private func sandbox() async throws -> (url: String, key: String) {
        let sb = try await TestEnv.sandbox()
        return (sb.url(), sb.apiKey())
    }

    private func client(maxRetries: Int32 = 3, timeoutMs: Int64 = 10000) async throws -> Client {
        let s = try await sandbox()
        return try Client.withOptions(
            options: ClientOptions(
                apiKey: Secret(s.key), baseUrl: s.url, timeoutMs: timeoutMs, maxRetries: maxRetries,
                retryInitialDelayMs: 20, retryMaxDelayMs: 200
            ))
    }

    /// POST /_sandbox/<name>, through the Sandbox type (a refusal throws).
    @discardableResult
    private func control(_ name: String, _ body: [String: Any] = [:]) async throws -> Any {
        let sb = try await TestEnv.sandbox()
        return try JSONText.parse(
            try await sb.control(method: "POST", path: "/_sandbox/\(name)", body: JSONText.write(body)))
    }

    /// Runs `body`, which must throw a P100Error of kind `kind`; returns it.
    private func expectError(
        _ kind: ErrorKind, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Void
    ) async -> P100Error? {
        do {
            try await body()
            XCTFail("expected a \(kind) error, nothing was thrown", file: file, line: line)
        } catch let e as P100Error {
            XCTAssertEqual(e.kind, kind, "\(e)", file: file, line: line)
            return e
        } catch {
            XCTFail("expected a P100Error, got \(error)", file: file, line: line)
        }
        return nil
    }

    /// A KYC user; `verified`: with an ID card's file and the user verification (euros move only
    /// for a verified user).
    private func newUser(_ c: Client, _ id: String, verified: Bool = true) async throws {
        _ = try await c.users().create(
            request: CreateUserRequest(
                externalUserId: id, email: "jan.kowalski@example.pl", phone: "486012334567",
                firstName: "Jan", lastName: "Kowalski", street: "ul. Marszalkowska", number: "123/5",
                city: "Warszawa", postCode: "00-001", country: "PL", citizenship: "PL", nationality: nil,
                birthCountry: nil, birthDate: Secret("1990-05-15"), userIdentificationNumber: nil,
                hasAcceptedP100Tc: true, address: nil, documentType: nil, documentNumber: nil
            ))
        if verified {
            try await verifyWithIdCardFile(c, id)
        }
    }

    /// KYC by P100, then the verification data: the user becomes active.
    private func activate(_ c: Client, _ id: String) async throws {
        let v = try await c.kyc().createVerification(
            request: CreateKycVerificationRequest(
                externalUserId: id, documentType: .idCard, country: "PL", incomeSource: .salary,
                openAccountReason: .currencyExchange, taxId: nil, occupation: .it,
                additionalInfo: "software developer"
            ))
        var verified = false
        for _ in 0..<200 {
            if try await c.kyc().status(verificationId: v.verificationId).verificationStatus == .verified {
                verified = true
                break
            }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        XCTAssertTrue(verified, "the KYC verification did not complete")
        try await c.kyc().addVerification(
            request: UserVerificationRequest(
                externalUserId: id, documentType: .idCard, documentNumber: Secret("CEV12630"),
                documentCountry: "PL", documentExpiryDate: nil, documentIssueDate: nil
            ))
    }

    // ---- the shared scenario -------------------------------------------------------------

    /// Every `*.json` of tests/scenarios (partner_day, fault_matrix…), each on a fresh sandbox
    /// state; prints "fault_matrix: N/789 steps, M/180 cells".
    func test01SharedScenarios() async throws {
        let s = try await sandbox()
        let files = try FileManager.default.contentsOfDirectory(
            at: TestEnv.scenarioDir, includingPropertiesForKeys: nil
        ).filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        let names = files.map { $0.lastPathComponent }
        XCTAssertTrue(names.contains("partner_day.json") && names.contains("fault_matrix.json"), "\(names)")
        var summaries: [String] = []
        for file in files {
            let runner = try ScenarioRunner(baseUrl: s.url, apiKey: s.key)
            do {
                let r = try await runner.run(file: file)
                summaries.append(r.summary)
                print(r.summary)
                // Every step of the file ran and passed (the files are split by area: sizes differ).
                XCTAssertGreaterThan(r.steps, 0)
                XCTAssertEqual(r.passedSteps, r.steps)
                if let first = r.failures.first {
                    XCTFail(first + (r.failures.count > 1 ? " (and \(r.failures.count - 1) more failing steps)" : ""))
                }
            } catch {
                XCTFail("\(file.lastPathComponent): \(error)")
            }
            try await control("reset")
            try await control("time-scale", ["scale": 1])
        }
        for line in summaries { print(line) }
    }

    // ---- Swift-specific checks -----------------------------------------------------------

    func testClientAndExactDecimals() async throws {
        let s = try await sandbox()
        let c = try Client(apiKey: s.key, baseUrl: s.url)
        XCTAssertEqual(c.baseUrl(), s.url)
        let b = try await c.partner().balances()
        let eur = b.fiatBalances.first { $0.name == .eur }
        XCTAssertEqual(eur?.amount, "100000.00")  // Amount is the exact decimal text
        let rates = try await c.exchange().rates()
        XCTAssertEqual(rates.rates["btc"], "102178.03394219")
    }

    func testBadSettingsAreConfigErrorsWithoutTheKey() async throws {
        let s = try await sandbox()
        let e = await expectError(.config) { _ = try Client(apiKey: "sk live secret", baseUrl: s.url) }
        XCTAssertEqual(e?.field, "apiKey")
        XCTAssertFalse("\(String(describing: e))".contains("secret"))
        let u = await expectError(.config) { _ = try Client(apiKey: s.key, baseUrl: "http://example.com") }
        XCTAssertEqual(u?.field, "baseUrl")
        let n = await expectError(.config) {
            _ = try Client.withOptions(options: ClientOptions(apiKey: Secret(s.key), timeoutMs: -5))
        }
        XCTAssertEqual(n?.field, "timeoutMs")
        XCTAssertFalse("\(ClientOptions(apiKey: Secret("k-123456")))".contains("k-123456"))
    }

    func testValidationApiAndAuthenticationErrors() async throws {
        let c = try await client()
        let v = await expectError(.validation) { _ = try await c.users().balances(externalUserId: "") }
        XCTAssertEqual(v?.field, "externalUserId")
        XCTAssertNil(v?.status)
        XCTAssertEqual(v?.kind.description, "validation")
        let a = await expectError(.api) { _ = try await c.users().balances(externalUserId: "nobody-\(UUID())") }
        XCTAssertEqual(a?.code, "P412")
        XCTAssertEqual(a?.status, 400)
        XCTAssertEqual(a?.isRetryable, false)
        XCTAssertEqual(a?.isAccepted, false)
        XCTAssertEqual(a?.operation, "users.balances")
        let s = try await sandbox()
        let wrong = try Client(apiKey: s.key + "-wrong", baseUrl: s.url)
        let auth = await expectError(.authentication) { _ = try await wrong.partner().balances() }
        XCTAssertEqual(auth?.status, 401)
        XCTAssertFalse("\(String(describing: auth))".contains(s.key))
    }

    func testAmountThatIsNotExactIsAValidationError() async throws {
        let c = try await client()
        _ = await expectError(.validation) {
            _ = try await c.transfers().create(
                request: TransferRequest(
                    sourceExternalUserId: nil, destinationExternalUserId: "u", amount: "1.001", currency: .eur
                ))
        }
        _ = await expectError(.validation) {
            _ = try await c.transfers().create(
                request: TransferRequest(
                    sourceExternalUserId: nil, destinationExternalUserId: "u", amount: "12,5", currency: .eur
                ))
        }
        XCTAssertEqual(try parseAmount(text: "0.10"), "0.10")
    }

    func testFaultsRetriesAndTimeouts() async throws {
        let c = try await client(maxRetries: 0)
        try await control("faults", ["kind": "500", "count": 1])
        let u = await expectError(.unavailable) { _ = try await c.partner().balances() }
        XCTAssertEqual(u?.outcome, .unknown)
        XCTAssertEqual(u?.status, 500)
        try await control("faults", ["kind": "malformed", "count": 1])
        let d = await expectError(.decode) { _ = try await c.partner().balances() }
        XCTAssertEqual(d?.outcome, .accepted, "a 2xx arrived: the read happened")
        try await control("faults", ["kind": "429", "count": 1, "retryAfter": 1])
        let start = Date()
        _ = try await client(maxRetries: 3).partner().balances()
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.9, "Retry-After: 1 was not honoured")
        try await control("faults", ["kind": "delay", "count": 1, "delayMs": 1500])
        let t = await expectError(.timeout) { _ = try await client(maxRetries: 0, timeoutMs: 200).partner().balances() }
        XCTAssertEqual(t?.outcome, .unknown)
    }

    /// `Task.cancel()` stops the call at once with `CancellationError` (it used to run to its
    /// end, 6 s here), the client stays usable, and a cancelled read is not kept. The bound is
    /// half the delay: a slow machine does not make it fail, a call that ran on does.
    func testCancellationStopsTheCallAndIsClean() async throws {
        let c = try await client(maxRetries: 0, timeoutMs: 30_000)
        try await control("faults", ["kind": "delay", "count": 1, "delayMs": 6000])
        let start = Date()
        let task = Task { try await c.partner().balances() }
        try await Task.sleep(nanoseconds: 150_000_000)
        task.cancel()
        let result = await task.result
        let took = Date().timeIntervalSince(start)
        guard case .failure(let error) = result, error is CancellationError else {
            return XCTFail("a cancelled call ended with \(result)")
        }
        XCTAssertLessThan(took, 3, "the call ran on after Task.cancel()")
        _ = try await c.partner().balances()  // the client stays usable
        XCTAssertEqual(c.takeCancelled().count, 0, "a cancelled read is not kept")
        // A task cancelled before the call starts: nothing is sent.
        let sb = try await TestEnv.sandbox()
        let ran = try sb.ops()["partner.balances"] ?? 0
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await c.partner().balances()
        }
        guard case .failure(let stopped) = await early.result, stopped is CancellationError else {
            return XCTFail("a call in a cancelled task did not end with CancellationError")
        }
        XCTAssertEqual(try sb.ops()["partner.balances"] ?? 0, ran, "a cancelled task sent its call")
    }

    /// A transfer to `id` started under the sandbox fault `fault` (3 s) and cancelled after
    /// 500 ms, when its request is out: what the client kept.
    private func cancelledTransfer(_ c: Client, to id: String, amount: String, fault: String) async throws
        -> [P100Error]
    {
        let sb = try await TestEnv.sandbox()
        try sb.injectFault(kind: fault, count: 1, delayMs: 3000, operation: "transfers.create")
        let task = Task {
            try await c.transfers().create(
                request: TransferRequest(
                    sourceExternalUserId: nil, destinationExternalUserId: id, amount: amount, currency: .eur))
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        task.cancel()
        guard case .failure(let error) = await task.result, error is CancellationError else {
            XCTFail("the cancelled transfer did not end with CancellationError")
            return []
        }
        return c.takeCancelled()
    }

    /// A money call cancelled while its request is out is kept by `takeCancelled()` (as a
    /// cancelled Kotlin coroutine is), an `.aborted` error with its fingerprint (outcome
    /// `.accepted` here: its 2xx status had come, the body still trickling), and `reconcile`
    /// finds it.
    func testAMoneyCallCancelledWhileOutIsKeptAndReconciled() async throws {
        let c = try await client(maxRetries: 0)
        let id = "cxl-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id)
        // Processed at once; the reply's body then trickles out for 3 s.
        let kept = try await cancelledTransfer(c, to: id, amount: "2.71", fault: "slow-body")
        XCTAssertEqual(kept.count, 1, "kept: \(kept)")
        let e = try XCTUnwrap(kept.first)
        XCTAssertEqual(e.kind, .aborted)
        XCTAssertEqual(e.outcome, .accepted)
        XCTAssertEqual(e.status, 201)
        XCTAssertEqual(e.fingerprint?.amount, "2.71")
        XCTAssertEqual(c.takeCancelled().count, 0, "taking empties the list")
        let r = try await c.reconcile(error: e)
        guard case .found = r else { return XCTFail("reconcile: \(r)") }
    }

    /// Cancelled before any reply (the sandbox delays its answer), a money call is kept as
    /// `.unknown`, with no status: the request had left, nothing had come back.
    func testAMoneyCallCancelledBeforeAnyReplyIsKeptAsUnknown() async throws {
        let c = try await client(maxRetries: 0)
        let id = "cxl-d-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id)
        let kept = try await cancelledTransfer(c, to: id, amount: "2.74", fault: "delay")
        XCTAssertEqual(kept.count, 1, "kept: \(kept)")
        let e = try XCTUnwrap(kept.first)
        XCTAssertEqual(e.kind, .aborted)
        XCTAssertEqual(e.outcome, .unknown)
        XCTAssertNil(e.status)
        XCTAssertEqual(e.fingerprint?.amount, "2.74")
    }

    func test100ConcurrentTasksOnOneClient() async throws {
        let c = try await client()
        let id = "conc-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id)
        let results = try await withThrowingTaskGroup(of: Int.self) { group -> [Int] in
            for n in 0..<100 {
                group.addTask {
                    if n % 2 == 0 {
                        return try await c.partner().balances().fiatBalances.count
                    }
                    return try await c.users().balances(externalUserId: id).cryptoBalances.count + 1000
                }
            }
            var all: [Int] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(results.count, 100)
        XCTAssertEqual(Set(results.filter { $0 < 1000 }).count, 1)
        XCTAssertEqual(Set(results.filter { $0 >= 1000 }).count, 1)
    }

    func testWaitForAndSecrets() async throws {
        let c = try await client()
        let id = "swift-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id, verified: false)
        try await activate(c, id)
        let t = try await c.transfers().create(
            request: TransferRequest(
                sourceExternalUserId: nil, destinationExternalUserId: id, amount: "12.50", currency: .eur
            ))
        let done = try await c.transfers().waitFor(transferId: t.transferId, timeoutMs: 10000, intervalMs: 50)
        XCTAssertEqual(done.status, .successful)

        let card = try await c.cards().create(
            request: CreateCardRequest(externalUserId: id, label: "Shopping", pin: "1234"))
        let pan = card.cardNumber.reveal()
        XCTAssertGreaterThanOrEqual(pan.count, 12)
        XCTAssertFalse("\(card)".contains(pan), "description shows the PAN")
        XCTAssertFalse(String(reflecting: card).contains(pan), "debugDescription shows the PAN")
        XCTAssertTrue("\(card)".contains("[REDACTED]"))
        try await c.cards().delete(request: CardRef(externalUserId: id, cardId: card.cardId))
    }

    /// The documented way to handle errors: properties and a switch over the kind, never a
    /// positional pattern over the associated values.
    func testErrorsReadAsSwift() async throws {
        let c = try await client(maxRetries: 0)
        var seen: [String] = []
        for userId in ["", "nobody-\(UUID())"] {
            do {
                _ = try await c.users().balances(externalUserId: userId)
                XCTFail("no error for \(userId)")
            } catch let e as P100Error {
                switch e.kind {
                case .validation where e.outcome == .notSent: seen.append("fix \(e.field ?? "?")")
                case .api where e.code == "P412" && e.outcome == .rejected:
                    seen.append("no such user (HTTP \(e.status ?? 0))")
                default: XCTFail("unexpected \(e.kind): \(e)")
                }
            }
        }
        XCTAssertEqual(seen, ["fix externalUserId", "no such user (HTTP 400)"])
        let kinds: [ErrorKind] = [.rateLimited, .webhookUnauthorized]
        XCTAssertEqual(kinds.map(\.description), ["rate_limited", "webhook_unauthorized"])
        let outcomes: [Outcome] = [.notSent, .rejected, .unknown, .accepted]
        XCTAssertEqual(outcomes.map(\.description), ["not_sent", "rejected", "unknown", "accepted"])
    }

    /// `description`, `localizedDescription`, `String(reflecting:)` and `dump` show the message,
    /// never the raw body of the reply; `rawBody` hands it back.
    func testErrorTextsHideTheRawBody() async throws {
        let c = try await client(maxRetries: 0)
        let a = await expectError(.api) { _ = try await c.users().balances(externalUserId: "nobody-\(UUID())") }
        let e = try XCTUnwrap(a)
        let raw = try XCTUnwrap(e.rawBody, "an API error keeps the reply")
        XCTAssertTrue(raw.contains("P412"), raw)
        var dumped = ""
        dump(e, to: &dumped)
        for text in ["\(e)", e.localizedDescription, String(reflecting: e), dumped] {
            XCTAssertTrue(text.contains("P412"), text)
            XCTAssertFalse(text.contains(raw), "the raw body shows in \(text)")
            XCTAssertFalse(text.contains("rawBody"), text)
        }
        // The details hold it as a `Secret`: printing them never shows the reply.
        var details = ""
        dump(e.details(), to: &details)
        for text in [String(describing: e.details()), details] {
            XCTAssertFalse(text.contains(raw), "the raw body shows in \(text)")
        }
        XCTAssertEqual(e.details().rawBody?.reveal(), raw)
    }

    /// A money-moving call whose reply cannot be read after the server executed it: a decode
    /// error with `isAccepted`, and the masked reply in `rawBody` to find the operation with.
    func testAcceptedButUnreadableReply() async throws {
        let c = try await client(maxRetries: 0)
        let id = "acc-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id)
        try await control("faults", ["kind": "malformed", "count": 1])
        let e = await expectError(.decode) {
            _ = try await c.transfers().create(
                request: TransferRequest(
                    sourceExternalUserId: nil, destinationExternalUserId: id, amount: "1.00", currency: .eur
                ))
        }
        XCTAssertEqual(e?.isAccepted, true, "\(String(describing: e))")
        XCTAssertEqual(e?.outcome, .accepted)
        XCTAssertEqual(e?.isRetryable, false)
        XCTAssertNotNil(e?.rawBody)
        XCTAssertEqual(e?.operation, "transfers.create")
        XCTAssertNotNil(e?.status)
        XCTAssertEqual(e?.fingerprint?.accepted, true, "a stored fingerprint says it happened")
        try await control("reset")  // the balances other tests expect
    }

    /// Card data in an unreadable reply (not JSON, duplicate keys) shows in no text of the error
    /// and is masked in `rawBody`.
    func testCardDataNeverLeaksThroughAnUnreadableReply() async throws {
        let c = try await client(maxRetries: 0)
        let id = "leak-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id, verified: false)
        try await activate(c, id)
        try await control("card-secrets", ["cardNumber": "4111111111111111", "cvv": "987"])
        let card = try await c.cards().create(
            request: CreateCardRequest(externalUserId: id, label: "Leak", pin: "5813"))
        for kind in ["malformed", "duplicate-keys"] {
            try await control("faults", ["kind": kind, "count": 1, "operation": "cards.details"])
            let e = await expectError(.decode) {
                _ = try await c.cards().details(externalUserId: id, cardId: card.cardId)
            }
            let err = try XCTUnwrap(e)
            XCTAssertNotNil(err.rawBody, kind)
            var dumped = ""
            dump(err, to: &dumped)
            let texts = [
                err.description, err.localizedDescription, String(reflecting: err), dumped, err.rawBody ?? "",
            ]
            for text in texts {
                for secret in ["4111111111111111", "\"987\"", "\"5813\""] {
                    XCTAssertFalse(text.contains(secret), "\(kind): \(secret) in \(text)")
                }
            }
        }
        try await control("reset")
    }

    /// Per-call headers reach the server; the headers the client owns are refused naming the
    /// field; the User-Agent names the SDK and Swift.
    func testPerCallHeadersAndUserAgent() async throws {
        let c = try await client()
        _ = try await c.withRequestOptions(headers: ["X-Correlation-Id": "job-42"]).partner().balances()
        _ = try await c.partner().balances()
        for name in ["x-api-key", "Authorization", "user-agent"] {
            let e = await expectError(.validation) { _ = try c.withRequestOptions(headers: [name: "override-x9"]) }
            XCTAssertEqual(e?.field, "headers.\(name.lowercased())")
        }
        let sb = try await TestEnv.sandbox()
        let reply = try await sb.control(method: "GET", path: "/_sandbox/requests", body: nil)
        let listed = try XCTUnwrap(try JSONText.parse(reply) as? [String: Any])
        let requests = try XCTUnwrap(listed["requests"] as? [[String: Any]])
        let headers = requests.suffix(2).map { $0["headers"] as? [String: Any] ?? [:] }
        XCTAssertEqual(headers.first?["x-correlation-id"] as? String, "job-42")
        XCTAssertNil(headers.last?["x-correlation-id"])
        let ua = headers.first?["user-agent"] as? String ?? ""
        XCTAssertTrue(ua.hasPrefix("p100-sdk/\(sdkVersion()) (swift; "), ua)
    }

    /// `recording()`: `lastResponse()` holds the request id, status, headers and attempts.
    func testRecordingKeepsTheLastResponse() async throws {
        let c = try await client()
        XCTAssertNil(c.lastResponse())
        try await control("faults", ["kind": "429", "retryAfter": 0])
        let rec = c.recording()
        _ = try await rec.partner().balances()
        let info = try XCTUnwrap(rec.lastResponse())
        XCTAssertEqual(info.status, 200)
        XCTAssertEqual(info.attempts, 2)
        XCTAssertNotNil(info.requestId)
        XCTAssertEqual(info.headers["x-request-id"], info.requestId)
        XCTAssertNil(c.lastResponse())
        // Signed whole numbers: an `Int` converts as to any other signed field, and a month out
        // of range is refused naming it (a negative one was not representable as `UInt32`).
        let month: Int = 5
        _ = try await c.partner().transactions(request: TransactionHistoryQuery(month: Int32(month), year: 2026))
        let bad = await expectError(.validation) {
            _ = try await c.partner().transactions(request: TransactionHistoryQuery(month: -1, year: 2026))
        }
        XCTAssertEqual(bad?.field, "month")
    }

    /// Logging: a `P100Logger` gets one record per attempt (level, message, facts with the
    /// request id) and no record holds the API key, the card number, the CVV or the PIN.
    func testLoggerGetsRecordsWithoutSecrets() async throws {
        final class Collect: P100Logger, @unchecked Sendable {
            private let lock = NSLock()
            private var got: [(LogLevel, String, LogFields)] = []
            func log(level: LogLevel, message: String, fields: LogFields) {
                lock.lock()
                got.append((level, message, fields))
                lock.unlock()
            }
            var records: [(LogLevel, String, LogFields)] {
                lock.lock()
                defer { lock.unlock() }
                return got
            }
        }
        let sink = Collect()
        let s = try await sandbox()
        let c = try Client.withOptions(
            options: ClientOptions(
                apiKey: Secret(s.key), baseUrl: s.url, retryInitialDelayMs: 10, logLevel: .debug, logger: sink))
        let id = "log-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id, verified: false)
        try await activate(c, id)
        try await control("card-secrets", ["cardNumber": "4111666677778888", "cvv": "419"])
        try await control("faults", ["kind": "429", "retryAfter": 0, "operation": "cards.create"])
        let card = try await c.cards().create(
            request: CreateCardRequest(externalUserId: id, label: "Logged", pin: "3958"))
        XCTAssertEqual(card.cardNumber.reveal(), "4111666677778888")
        _ = try await c.cards().details(externalUserId: id, cardId: card.cardId)
        // Written on the SDK's logging thread, shortly after the call.
        let deadline = Date().addingTimeInterval(10)
        while !sink.records.contains(where: { $0.2.operation == "cards.details" && $0.2.outcome == "succeeded" }),
            Date() < deadline
        {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let records = sink.records
        let create = records.filter { $0.2.operation == "cards.create" && $0.2.outcome != "sending" }
        let summary = create.map { "\($0.0) \($0.2.outcome) \($0.2.status.map(String.init) ?? "-")" }
        XCTAssertEqual(summary, ["warn retrying 429", "info succeeded 200"])
        XCTAssertTrue(create.allSatisfy { r in r.2.requestId.map { r.1.contains($0) } ?? false }, "\(create)")
        XCTAssertTrue(records.contains { $0.0 == .debug })
        let text = records.map { "\($0.1) \($0.2)" }.joined(separator: "\n")
        // A token runs over `-` and `_`: a request id or a UUID segment may hold the PIN's digits.
        let tokens = Set(
            text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
                .map(String.init))
        for secret in [s.key, "4111666677778888", "1990-05-15", "CEV12630"] {
            XCTAssertFalse(text.contains(secret), "a record holds \(secret)")
        }
        for short in ["419", "3958"] {
            XCTAssertFalse(tokens.contains(short), "a record holds \(short)")
        }
    }

    /// `client.reconcile(error:)`: an operation the server executed before the connection
    /// dropped is found in the history; a refused connection is `notFound` at once.
    func testReconcile() async throws {
        let c = try await client(maxRetries: 0)
        let id = "rec-\(UUID().uuidString.prefix(8))"
        try await newUser(c, id)
        try await control(
            "faults", ["kind": "process-then-drop", "count": 1, "operation": "transfers.create"])
        var caught: P100Error?
        do {
            _ = try await c.transfers().create(
                request: TransferRequest(
                    sourceExternalUserId: nil, destinationExternalUserId: id, amount: "2.34", currency: .eur))
            XCTFail("the dropped call succeeded")
        } catch let e as P100Error {
            caught = e
        }
        let e = try XCTUnwrap(caught)
        XCTAssertEqual(e.outcome, .unknown, "\(e)")
        let fp = try XCTUnwrap(e.fingerprint, "no fingerprint on \(e)")
        XCTAssertEqual(fp.operation, "transfers.create")
        XCTAssertEqual(fp.amount, "2.34")
        XCTAssertEqual(fp.destination, id)
        XCTAssertGreaterThan(fp.sentAtMs, 0)
        let found = try await c.reconcile(error: e)
        switch found {
        case let .found(transferId, _):
            let details = try await c.transfers().details(transferId: transferId)
            XCTAssertEqual(details.amount.flatMap { Decimal(string: $0) }, Decimal(string: "2.34"))
        case let other:
            XCTFail("expected found, got \(other)")
        }
        // Stored with the payment, read back after a restart (another client): the same answer.
        let stored = try fingerprintToJson(fingerprint: fp)
        XCTAssertTrue(stored.contains(#""amount":"2.34""#), stored)
        let again = try await client(maxRetries: 0).reconcileFingerprint(
            fingerprint: try fingerprintFromJson(json: stored))
        // The same transfer (its status may have moved on meanwhile: it settles in 100 ms).
        guard case let .found(againId, _) = again, case let .found(foundId, _) = found else {
            return XCTFail("expected found twice, got \(again) and \(found)")
        }
        XCTAssertEqual(againId, foundId)
        // Taken before sending (fingerprintOf, the request as the API's JSON): the error's
        // fingerprint but for the time.
        let pre = try fingerprintOf(
            operation: "transfers.create",
            requestJson: #"{"destinationExternalUserId":"\#(id)","amount":2.34,"currency":"EUR"}"#)
        // `fp` is the error's of the call made above, so it was stamped first.
        XCTAssertTrue((-60_000...0).contains(fp.sentAtMs - pre.sentAtMs), "\(pre.sentAtMs) vs \(fp.sentAtMs)")
        let atTheErrorsTime = Fingerprint(
            operation: pre.operation, amount: pre.amount, currency: pre.currency,
            destination: pre.destination, externalUserId: pre.externalUserId, sentAtMs: fp.sentAtMs,
            title: pre.title, network: pre.network, accepted: pre.accepted)
        XCTAssertEqual(atTheErrorsTime, fp)
        let noMoney = await expectError(.validation) {
            _ = try fingerprintOf(operation: "users.create", requestJson: "{}")
        }
        XCTAssertEqual(noMoney?.field, "operation")
        let s = try await sandbox()
        let refused = try Client.withOptions(
            options: ClientOptions(apiKey: Secret(s.key), baseUrl: "http://127.0.0.1:1", maxRetries: 0))
        let n = await expectError(.network) {
            _ = try await refused.transfers().create(
                request: TransferRequest(
                    sourceExternalUserId: nil, destinationExternalUserId: id, amount: "2.35", currency: .eur))
        }
        let notSent = try XCTUnwrap(n)
        XCTAssertEqual(notSent.outcome, .notSent)
        XCTAssertNil(notSent.fingerprint)
        let answer = try await refused.reconcile(error: notSent)
        XCTAssertEqual(answer, .notFound)
    }

    /// A SEPA transfer processed but whose reply was cut: its fingerprint keeps the IBAN and the
    /// title (two invoices of one amount to one IBAN differ only by title), and reconcile finds it.
    func testLostSepaTransferFingerprintKeepsTitle() async throws {
        let c = try await client(maxRetries: 0)
        let title = "Swift invoice \(UUID().uuidString.prefix(8))"
        try await control(
            "faults", ["kind": "process-then-drop", "count": 1, "operation": "sepa.partner_transfer"])
        let caught = await expectError(.network) {
            _ = try await c.sepa().partnerTransfer(
                request: PartnerSepaTransferRequest(
                    amount: "3.21", currency: .eur, destinationIban: "DE89370400440532013000",
                    transferTitle: title, receiverType: .natural, receiverFirstName: "Jan",
                    receiverLastName: "Kowalski", companyName: nil))
        }
        let e = try XCTUnwrap(caught)
        XCTAssertEqual(e.outcome, .unknown, "\(e)")
        let fp = try XCTUnwrap(e.fingerprint, "no fingerprint on \(e)")
        XCTAssertEqual(fp.operation, "sepa.partner_transfer")
        XCTAssertEqual(fp.destination, "DE89370400440532013000")
        XCTAssertEqual(fp.title, title)
        XCTAssertNil(fp.network)
        switch try await c.reconcile(error: e) {
        case let .found(transferId, _):
            let details = try await c.sepa().details(transferId: transferId)
            XCTAssertEqual(details.transferTitle, title)
        case let other:
            XCTFail("expected found, got \(other)")
        }
    }

    /// Every operation of tests/operations.json under its `names.swift`: Operations.swift
    /// (generated by operations-test.py, drift-checked by test-linux.sh) references each as a
    /// function value, so a missing one fails compilation; here its list must be the manifest's.
    /// The Sandbox type (feature `testing`) on a sandbox of its own whose settle delay is an hour:
    /// fund, a fault seen through the SDK's error, advance, trigger + deliveries, stop.
    func testSandboxTypeFundFaultAdvanceTriggerStop() async throws {
        let t0 = DispatchTime.now().uptimeNanoseconds
        // Webhooks go to a closed port: the attempts are logged (not ok) in deliveries().
        let sb = try await Sandbox.start(
            options: SandboxOptions(
                settleMs: 3_600_000, webhookUrl: "http://127.0.0.1:1/hooks", webhookToken: "whsec-swift"))
        let startMs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        print("  a second in-process sandbox: Sandbox.start \(startMs) ms")
        XCTAssertTrue(sb.url().hasPrefix("http://127.0.0.1:"))
        XCTAssertTrue(sb.apiKey().hasPrefix("sandbox-"))
        let c = try sb.client()
        // fund: the partner's EUR balance grows by exactly the amount.
        func eur() async throws -> Decimal {
            let b = try await c.partner().balances()
            return Decimal(string: b.fiatBalances.first { $0.name == .eur }?.amount ?? "") ?? -1
        }
        let before = try await eur()
        let funded = try JSONText.parse(try await sb.fund(currency: .eur, amount: "1000.00"))
        XCTAssertNotNil((funded as? [String: Any])?["balance"], "\(funded)")
        let after = try await eur()
        XCTAssertEqual(after - before, Decimal(1000))
        // injectFault: seen through the SDK's error (no retries: the first 503 is final).
        try sb.injectFault(kind: "503", retryAfterSecs: 2)
        let once = try sb.client(options: ClientOptions(apiKey: Secret(sb.apiKey()), maxRetries: 0))
        let u = await expectError(.unavailable) { _ = try await once.partner().balances() }
        XCTAssertEqual(u?.status, 503)
        XCTAssertEqual(u?.retryAfterMs, 2000)
        _ = await expectError(.validation) { try sb.injectFault(kind: "no-such-fault") }
        // sizeBytes reaches the sandbox: 100 kB of padding is read (the default 20 MiB is not).
        try sb.injectFault(kind: "huge-body", sizeBytes: 100_000)
        _ = try await c.partner().balances()
        // advance: a SEPA transfer an hour from final is final at once.
        let sepa = try await c.sepa().partnerTransfer(
            request: PartnerSepaTransferRequest(
                amount: "10.00", currency: .eur, destinationIban: "DE89370400440532013000",
                transferTitle: "Swift advance", receiverType: .natural, receiverFirstName: "Jan",
                receiverLastName: "Kowalski", companyName: nil))
        let pending = try await c.sepa().details(transferId: sepa.transferId).status
        XCTAssertTrue(pending != .successful && pending != .failed, "final too early: \(String(describing: pending))")
        let clockBefore = try sb.now()
        try sb.advance(seconds: 3_601)
        let moved = try sb.now().timeIntervalSince(clockBefore)
        XCTAssertTrue(moved >= 3_601 && moved < 3_661, "the sandbox's clock moved \(moved) s")
        let done = try await c.sepa().details(transferId: sepa.transferId).status
        XCTAssertTrue(done == .successful || done == .failed, "not final after advance: \(String(describing: done))")
        // ops: each handler's runs by operation name (one transfer, two detail reads).
        let ops = try sb.ops()
        XCTAssertEqual(ops["sepa.partner_transfer"], 1)
        XCTAssertEqual(ops["sepa.details"], 2)
        // setWebhook: without a target, trigger has nowhere to send; a URL needs its token.
        try sb.setWebhook()
        _ = await expectError(.config) { _ = try sb.trigger(event: "sepa_transfer") }
        let noToken = await expectError(.validation) { try sb.setWebhook(url: "http://127.0.0.1:1/hooks") }
        XCTAssertEqual(noToken?.field, "token")
        try sb.setWebhook(url: "http://127.0.0.1:1/hooks", token: "whsec-swift")
        // trigger + deliveries.
        let payload = try JSONText.parse(try sb.trigger(event: "sepa_transfer"))
        XCTAssertFalse((payload as? [String: Any])?.isEmpty ?? true, "\(payload)")
        var logged = false
        for _ in 0..<100 where !logged {
            let list = try JSONText.parse(try sb.deliveries()) as? [Any] ?? []
            logged = list.contains { ($0 as? [String: Any])?["event"] as? String == "sepa_transfer" }
            if !logged { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        let all = (try? sb.deliveries()) ?? ""
        XCTAssertTrue(logged, "no sepa_transfer delivery in \(all)")
        // stop: the port is closed and the object refuses further use.
        try await sb.stop()
        try await sb.stop()
        _ = await expectError(.config) { try sb.reset() }
        let gone = try Client.withOptions(
            options: ClientOptions(apiKey: Secret("k"), baseUrl: sb.url(), maxRetries: 0))
        do {
            _ = try await gone.partner().balances()
            XCTFail("a stopped sandbox answered")
        } catch let e as P100Error {
            XCTAssertEqual(e.outcome, .notSent, "\(e)")
        }
    }

    func testEveryOperationOfTheManifestIsReachable() throws {
        let c = try Client(apiKey: "test-key", baseUrl: "http://127.0.0.1:1")
        let compiled = everyOperation(client: c).map { $0.0 }
        let url = TestEnv.scenarioDir.deletingLastPathComponent().appendingPathComponent("operations.json")
        let manifest = try JSONText.parse(String(contentsOf: url, encoding: .utf8)) as? [String: Any]
        let names = (manifest?["operations"] as? [[String: Any]] ?? []).compactMap { $0["operation"] as? String }
        XCTAssertGreaterThan(names.count, 40)
        XCTAssertEqual(compiled, names, "Operations.swift is out of date: run bindings-mobile/swift/operations-test.py")
        XCTAssertEqual(manifestOperationCount, names.count)
    }

    func testReadmeSnippetsAreCompiled() {
        // ReadmeSnippets.swift (generated from the README's ```swift blocks) is part of this
        // target: if a documented example stops compiling, so does this suite.
        XCTAssertGreaterThanOrEqual(readmeSnippetCount, 3)
    }

    func testWebhooks() throws {
        XCTAssertNoThrow(try verifyWebhook(authorization: "Bearer t0k", token: "t0k"))
        XCTAssertThrowsError(try verifyWebhook(authorization: "nope", token: "t0k")) { e in
            XCTAssertEqual((e as? P100Error)?.kind, .webhookUnauthorized)
            XCTAssertEqual((e as? P100Error)?.status, 401)
        }
        let ev = try parseWebhook(body: #"{"externalUserId":"u1","status":"active"}"#)
        guard case let .userStatus(event) = ev else { return XCTFail("event: \(ev)") }
        XCTAssertEqual(event.status, .active)
        XCTAssertEqual(ev.name(), "user_status")
        let unknown = try parseWebhook(body: #"{"foo":"4111111111111111"}"#)
        guard case let .unknown(_, raw) = unknown else { return XCTFail("expected unknown") }
        XCTAssertEqual(raw.reveal(), #"{"foo":"4111111111111111"}"#)
        XCTAssertFalse("\(unknown)".contains("4111111111111111"))
        XCTAssertThrowsError(try parseWebhook(body: "not json"))
        // The raw bytes a server framework hands over (`Data`).
        let bytes = Data(#"{"externalUserId":"u1","status":"active"}"#.utf8)
        XCTAssertEqual(try parseWebhookBytes(body: bytes), ev)
        let verifier = try WebhookVerifier(token: "whsec")
        XCTAssertEqual(try verifier.verifyAndParseBytes(authorization: "Bearer whsec", body: bytes), ev)
        XCTAssertThrowsError(try parseWebhookBytes(body: Data([0x7B, 0xFF, 0x7D]))) { e in
            XCTAssertEqual((e as? P100Error)?.kind, .decode)
        }
        // The sender first: a wrong token is refused as such, whatever the bytes.
        XCTAssertThrowsError(try verifier.verifyAndParseBytes(authorization: "nope", body: Data([0xFF]))) { e in
            XCTAssertEqual((e as? P100Error)?.kind, .webhookUnauthorized)
        }
    }

    func testJsonRoundTripAndUnknownEnumValues() throws {
        let req = try transferRequestFromJson(
            json: #"{"destinationExternalUserId":"u1","amount":"250.00","currency":"EUR"}"#)
        XCTAssertEqual(req.amount, "250.00")
        XCTAssertEqual(req.currency, .eur)
        XCTAssertTrue(try req.toJson().contains(#""destinationExternalUserId":"u1""#))
        // The core's decoder: a field the request lacks is refused; JSON text's numbers are exact,
        // so a fractional amount is read as written (the docs write withdrawals so).
        do {
            _ = try transferRequestFromJson(
                json: #"{"destinationExternalUserId":"u1","amount":"1.00","currency":"eur","ammount":"2"}"#)
            XCTFail("an unknown field was accepted")
        } catch let e as P100Error {
            XCTAssertEqual(e.kind, .validation)
            XCTAssertEqual(e.field, "ammount")
        }
        let fraction = try transferRequestFromJson(
            json: #"{"destinationExternalUserId":"u1","amount":10.5,"currency":"eur"}"#)
        XCTAssertEqual(fraction.amount, "10.5")
        let whole = try transferRequestFromJson(
            json: #"{"destinationExternalUserId":"u1","amount":7,"currency":"eur"}"#)
        XCTAssertEqual(whole.amount, "7")
        // The documented transfer body: id, both users' keys, amount and currency.
        let users = #""sourceExternalUserId":null,"destinationExternalUserId":"u1""#
        let ev = try parseWebhook(
            body: #"{"id":"t1",\#(users),"status":"SUCCESSFUL","currency":"xyz","amount":"1.5"}"#)
        guard case let .transfer(event) = ev else { return XCTFail("event: \(ev)") }
        XCTAssertEqual(event.currency, .unknown("xyz"))
        XCTAssertEqual(Currency.eur.description, "eur")
    }
}

/// An ID card's file, then the user's verification data: the user becomes active at once (euros
/// move only for a verified user).
func verifyWithIdCardFile(_ c: Client, _ id: String) async throws {
    var png = Data(count: 1024)
    png.replaceSubrange(0..<8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    try await c.kyc().uploadFiles(
        request: KycFilesRequest(
            externalUserId: id, documentType: .idCard, files: [FileUpload(fileName: "front.png", data: png)]))
    try await c.kyc().addVerification(
        request: UserVerificationRequest(
            externalUserId: id, documentType: .idCard, documentNumber: Secret("CEV12630"),
            documentCountry: "PL", documentExpiryDate: nil, documentIssueDate: nil
        ))
}
