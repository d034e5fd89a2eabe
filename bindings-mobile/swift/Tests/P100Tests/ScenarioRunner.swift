// The shared scenario runner (format `p100-scenario/1`, tests/scenarios/README.md) for Swift:
// the same file, the same steps and expectations as the Rust, Kotlin, Node and Python runners.
import Foundation
import P100
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the tests need: the sandbox, and the scenario files (P100_SCENARIOS).
enum TestEnv {
    /// The suite's sandbox, started in this process on first use (`Sandbox`: only in the test
    /// build of the library, cargo feature `testing`) and shared by every test; prints its
    /// start-up time once.
    static func sandbox() async throws -> Sandbox { try await shared.value }

    private static let shared = Task<Sandbox, Error> {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let sb = try await Sandbox.start(options: SandboxOptions(settleMs: 100))
        let t1 = DispatchTime.now().uptimeNanoseconds
        _ = try await sb.client().partner().balances()
        let t2 = DispatchTime.now().uptimeNanoseconds
        print(
            "in-process sandbox: Sandbox.start \(Double(t1 - t0) / 1e6) ms, "
                + "first answered request \(Double(t2 - t0) / 1e6) ms after the start")
        return sb
    }

    /// tests/scenarios of this repository (P100_SCENARIOS, else found from this file's path).
    static var scenarioDir: URL {
        if let dir = ProcessInfo.processInfo.environment["P100_SCENARIOS"] {
            return URL(fileURLWithPath: dir)
        }
        // <repo>/bindings-mobile/swift/Tests/P100Tests/ScenarioRunner.swift
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("tests/scenarios")
    }
}

struct ScenarioFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A JSON value as Foundation's JSONSerialization gives it: NSNull, Bool, NSNumber, String,
/// [Any], [String: Any].
enum JSONText {
    static func parse(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    static func write(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]),
            let text = String(data: data, encoding: .utf8)
        else { return "\(value)" }
        return text
    }

    /// True for a JSON boolean. JSONSerialization gives booleans and numbers alike as NSNumber;
    /// a boolean's type encoding is "c" (C `char`) on Darwin and Linux alike, a parsed number's
    /// never is. (CFBooleanGetTypeID exists only on Apple platforms.)
    static func isBool(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"
    }
}

/// Types whose value the core can write as the API's JSON (every model has `toJson()`).
protocol WireJSON {
    func toJson() throws -> String
}

// The operations' results conform in Operations.swift (generated from tests/operations.json).
extension WebhookEvent: WireJSON {}

/// What one step gave: a result, or an error as the scenario format describes it.
enum StepResult {
    case ok(Any)
    case err([String: Any])

    var text: String {
        switch self {
        case let .ok(v): return "ok \(JSONText.write(v))"
        case let .err(e): return "error \(JSONText.write(e))"
        }
    }
}

/// The scenario client: the sandbox's key and URL, a 10 s timeout and fast retries, with a step's
/// `client` settings (`apiKey`, `baseUrl`, `timeoutMs`, `connectTimeoutMs`, `maxRetries`) over them.
func scenarioClient(baseUrl: String, apiKey: String, settings: [String: Any] = [:]) throws -> Client {
    try Client.withOptions(
        options: ClientOptions(
            apiKey: Secret(settings["apiKey"] as? String ?? apiKey),
            baseUrl: settings["baseUrl"] as? String ?? baseUrl,
            timeoutMs: (settings["timeoutMs"] as? NSNumber)?.int64Value ?? 10000,
            connectTimeoutMs: (settings["connectTimeoutMs"] as? NSNumber)?.int64Value,
            maxRetries: (settings["maxRetries"] as? NSNumber)?.int32Value ?? 3,
            retryInitialDelayMs: 20,
            retryMaxDelayMs: 200
        ))
}

/// The error as the scenario format describes it.
func errorJSON(_ e: P100Error) -> [String: Any] {
    [
        "kind": e.kind.description,
        "code": e.code as Any? ?? NSNull(),
        "status": e.status.map { NSNumber(value: $0) } as Any? ?? NSNull(),
        "field": e.field as Any? ?? NSNull(),
        "errorName": e.errorName as Any? ?? NSNull(),
        "retryable": e.isRetryable,
        "outcome": e.outcome.description,
        "accepted": e.isAccepted,
        "message": e.description,
        // Where a secret could show: the message, the string and debug forms, the raw body.
        "texts": [
            e.reason, e.description, e.localizedDescription, String(reflecting: e), "\(e)", e.rawBody ?? "",
        ],
    ]
}

/// The kind of a reconcile answer, as the scenario format names it.
func reconcileName(_ r: Reconciliation) -> String {
    switch r {
    case .found: return "found"
    case .notFound: return "not_found"
    case .cannotTell: return "cannot_tell"
    }
}

/// How much of a scenario passed: steps, and for a matrix its cells.
struct ScenarioResult {
    let name: String
    let steps: Int
    let passedSteps: Int
    let cells: Int
    let passedCells: Int
    let failures: [String]

    var summary: String {
        cells > 0
            ? "\(name): \(passedSteps)/\(steps) steps, \(passedCells)/\(cells) cells"
            : "\(name): \(passedSteps)/\(steps) steps"
    }
}

final class ScenarioRunner {
    let baseUrl: String
    let apiKey: String
    let client: Client
    var vars: [String: Any] = [:]

    init(baseUrl: String, apiKey: String) throws {
        self.baseUrl = baseUrl
        self.apiKey = apiKey
        client = try scenarioClient(baseUrl: baseUrl, apiKey: apiKey)
    }

    /// The SDK error of the last operation step, for `expect.error.reconcile`.
    var lastError: P100Error?

    /// Runs every step. The first failing step fails the scenario: outside a matrix cell nothing
    /// after it runs; in a matrix the rest of that cell is skipped, faults it may have left queued
    /// are cleared, and the next cell runs (the result counts them all).
    func run(file: URL, log: (String) -> Void = { print($0) }) async throws -> ScenarioResult {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let doc = try JSONText.parse(text) as? [String: Any],
            doc["format"] as? String == "p100-scenario/1",
            let steps = doc["steps"] as? [[String: Any]]
        else { throw ScenarioFailure("\(file.path) is not a p100-scenario/1 file") }
        vars["run"] = String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        vars["sandboxUrl"] = baseUrl
        let name = doc["name"] as? String ?? "?"
        let cells = Set(steps.compactMap { $0["cell"] as? String })
        if let n = (doc["cells"] as? NSNumber)?.intValue, n != cells.count {
            throw ScenarioFailure("the file's cell count disagrees with its steps")
        }
        func cellOf(_ step: [String: Any]) -> String? {
            if let c = step["cell"] as? String { return c }
            let prefix = (step["name"] as? String ?? "").components(separatedBy: ": ")[0]
            return cells.contains(prefix) ? prefix : nil
        }
        var failures: [String] = []
        var failedCells = Set<String>()
        var passed = 0
        for (i, step) in steps.enumerated() {
            let cell = cellOf(step)
            if let cell = cell, failedCells.contains(cell) { continue }
            let label = "\(name) step \(i + 1) \"\(step["name"] ?? "?")\" (\(step["op"] ?? "?"))"
            do {
                try await runStep(step)
                passed += 1
                if cells.isEmpty { log("  ok  \(label)") }
            } catch {
                failures.append("\(label) failed: \(error)")
                log("  FAIL \(label): \(error)")
                guard let cell = cell else { break }
                failedCells.insert(cell)
                _ = try? await control("DELETE", "/_sandbox/faults", nil)
            }
        }
        return ScenarioResult(
            name: name, steps: steps.count, passedSteps: passed, cells: cells.count,
            passedCells: cells.count - failedCells.count, failures: failures)
    }

    func fill(_ v: Any) -> Any {
        if let s = v as? String {
            if s.hasPrefix("{{"), s.hasSuffix("}}") {
                let name = String(s.dropFirst(2).dropLast(2))
                if !name.contains("{{"), let value = vars[name] { return value }
            }
            var out = s
            for (k, x) in vars {
                let pattern = "{{\(k)}}"
                if out.contains(pattern) {
                    out = out.replacingOccurrences(of: pattern, with: (x as? String) ?? JSONText.write(x))
                }
            }
            return out
        }
        if let list = v as? [Any] { return list.map { fill($0) } }
        if let map = v as? [String: Any] { return map.mapValues { fill($0) } }
        return v
    }

    func runStep(_ step: [String: Any]) async throws {
        guard let op = step["op"] as? String else { throw ScenarioFailure("step without op") }
        let input = fill(step["input"] ?? [String: Any]()) as? [String: Any] ?? [:]
        var stepClient = client
        if let settings = step["client"].map({ fill($0) }) as? [String: Any] {
            stepClient = try scenarioClient(baseUrl: baseUrl, apiKey: apiKey, settings: settings)
        }
        lastError = nil
        var outcome: StepResult
        if let poll = step["poll"].map({ fill($0) }) as? [String: Any] {
            let timeoutMs = (poll["timeoutMs"] as? NSNumber)?.doubleValue ?? 10000
            let everyMs = (poll["intervalMs"] as? NSNumber)?.doubleValue ?? 50
            let until = poll["until"] as? [String: Any] ?? [:]
            let start = Date()
            while true {
                outcome = await exec(stepClient, op, input)
                if case let .ok(v) = outcome,
                    until.allSatisfy({ Match.matches(Match.resolve(v, $0.key), $0.value) == nil })
                {
                    break
                }
                if Date().timeIntervalSince(start) * 1000 > timeoutMs {
                    throw ScenarioFailure("poll timed out after \(Int(timeoutMs)) ms; last outcome: \(outcome.text)")
                }
                try await Task.sleep(nanoseconds: UInt64(everyMs * 1_000_000))
            }
        } else {
            outcome = await exec(stepClient, op, input)
        }
        if let expect = step["expect"].map({ fill($0) }) as? [String: Any] {
            try Match.check(outcome, expect)
            if let want = (expect["error"] as? [String: Any])?["reconcile"] {
                guard let e = lastError else {
                    throw ScenarioFailure("reconcile: the step's error is not an SDK error")
                }
                let got: Reconciliation
                do {
                    got = try await stepClient.reconcile(error: e)
                } catch {
                    throw ScenarioFailure("reconcile failed: \(error)")
                }
                if reconcileName(got) != want as? String {
                    throw ScenarioFailure("reconcile: expected \(want), got \(got)")
                }
            }
        } else if case .err = outcome {
            throw ScenarioFailure("unexpected \(outcome.text)")
        }
        if let save = step["save"] as? [String: Any], case let .ok(v) = outcome {
            for (name, path) in save {
                let value = Match.resolve(v, path as? String ?? "")
                if value is Match.Undefined { throw ScenarioFailure("save: \(path) not found in \(outcome.text)") }
                vars[name] = value
            }
        }
    }

    func exec(_ c: Client, _ op: String, _ input: [String: Any]) async -> StepResult {
        do {
            switch op {
            case "sleep":
                let ms = (input["ms"] as? NSNumber)?.uint64Value ?? 0
                try await Task.sleep(nanoseconds: ms * 1_000_000)
                return .ok(NSNull())
            case "http":
                return .ok(try await httpCall(input))
            case "_sandbox.faults.list":
                return try await control("GET", "/_sandbox/faults", nil)
            case "_sandbox.deliveries":
                return try await control("GET", "/_sandbox/webhooks/deliveries", nil)
            case _ where op.hasPrefix("_sandbox."):
                return try await control("POST", "/_sandbox/" + op.dropFirst("_sandbox.".count), input)
            default:
                return .ok(try await call(c, op, input))
            }
        } catch let e as P100Error {
            lastError = e
            return .err(errorJSON(e))
        } catch {
            return .err(["kind": "runner", "message": "\(error)"])
        }
    }

    private func send(_ method: String, _ path: String, _ headers: [String: String], _ body: Any?) async throws -> (
        Int, String
    ) {
        guard let url = URL(string: baseUrl + path) else { throw ScenarioFailure("bad path \(path)") }
        var req = URLRequest(url: url)
        req.httpMethod = method
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        if let body = body {
            req.setValue("application/json", forHTTPHeaderField: "content-type")
            req.httpBody = Data(JSONText.write(body).utf8)
        }
        let (data, resp) = try await URLSession.shared.data(for: req)
        return ((resp as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    private func httpCall(_ input: [String: Any]) async throws -> Any {
        let headers = (input["headers"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
        let (status, text) = try await send(
            input["method"] as? String ?? "GET", input["path"] as? String ?? "/", headers, input["body"]
        )
        let body: Any = (try? JSONText.parse(text)) ?? text
        return ["status": NSNumber(value: status), "body": body]
    }

    private func control(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> StepResult {
        let (status, text) = try await send(
            method, path, [:], method == "GET" || method == "DELETE" ? nil : (body ?? [:]))
        let value: Any = (try? JSONText.parse(text)) ?? NSNull()
        if (200..<300).contains(status) { return .ok(value) }
        return .err(["kind": "sandbox", "status": NSNumber(value: status), "message": text])
    }
}

// ---- operation name → Swift API call ---------------------------------------------------------

func str(_ i: [String: Any], _ key: String) throws -> String {
    guard let v = i[key] as? String else { throw ScenarioFailure("scenario input lacks \(key): \(JSONText.write(i))") }
    return v
}

func out(_ v: WireJSON) throws -> Any {
    try JSONText.parse(v.toJson())
}

/// The input as JSON text for `<Type>FromJson`, without the keys that are not request fields
/// (ids given as parameters, the files of an upload).
func jsonText(_ i: [String: Any], without keys: [String]) -> String {
    JSONText.write(i.filter { !keys.contains($0.key) })
}

private func fileOf(_ f: [String: Any]) -> FileUpload {
    let size = (f["size"] as? NSNumber)?.intValue ?? 1000
    var data: [UInt8]
    switch f["kind"] as? String ?? "png" {
    case "png": data = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    case "jpeg", "jpg": data = [0xFF, 0xD8, 0xFF, 0xE0]
    case "pdf": data = Array("%PDF-1.7\n".utf8)
    default: data = []
    }
    let fill: UInt8 = data.isEmpty ? 0x61 : 0
    if data.count < size { data += [UInt8](repeating: fill, count: size - data.count) }
    return FileUpload(fileName: f["fileName"] as? String ?? "file", data: Data(data))
}

func files(_ i: [String: Any]) -> [FileUpload] {
    (i["files"] as? [[String: Any]] ?? []).map(fileOf)
}

/// An upload request with its files (they are not JSON: `<Type>FromJson` gives none).
func withFiles(_ r: KycFilesRequest, _ files: [FileUpload]) -> KycFilesRequest {
    KycFilesRequest(externalUserId: r.externalUserId, documentType: r.documentType, files: files)
}

/// An upload request with its files (they are not JSON: `<Type>FromJson` gives none).
func withFiles(_ r: PoaFilesRequest, _ files: [FileUpload]) -> PoaFilesRequest {
    PoaFilesRequest(externalUserId: r.externalUserId, files: files)
}

/// Operation name → the Swift API call: the escape hatch and webhooks here, every operation of
/// tests/operations.json through `callOperation` (Operations.swift, generated from it).
func call(_ c: Client, _ op: String, _ i: [String: Any]) async throws -> Any {
    switch op {
    case "request":
        let body = i["body"].map { JSONText.write($0) }
        return try JSONText.parse(
            try await c.request(
                method: i["method"] as? String ?? "GET", path: i["path"] as? String ?? "/", body: body
            ))
    case "webhooks.parse":
        let body = (i["body"] as? String) ?? JSONText.write(i["body"] ?? NSNull())
        let verifier = try WebhookVerifier(token: i["token"] as? String ?? "")
        return try out(try verifier.verifyAndParse(authorization: i["authorization"] as? String, body: body))
    default:
        guard let result = try await callOperation(c, op, i) else {
            throw ScenarioFailure("operation \(op) is not in tests/operations.json")
        }
        return result
    }
}

// ---- paths and matchers ----------------------------------------------------------------------

enum Match {
    /// A path that does not resolve (distinct from JSON null).
    struct Undefined {}

    static func resolve(_ v: Any, _ path: String) -> Any {
        var cur: Any = v
        for seg in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            var name = seg
            var sel: String?
            if let open = seg.firstIndex(of: "["), seg.hasSuffix("]") {
                name = String(seg[..<open])
                sel = String(seg[seg.index(after: open)..<seg.index(before: seg.endIndex)])
            }
            if !name.isEmpty {
                guard let m = cur as? [String: Any], let next = m[name] else { return Undefined() }
                cur = next
            }
            if let sel = sel {
                guard let list = cur as? [Any] else { return Undefined() }
                if let eq = sel.firstIndex(of: "=") {
                    let key = String(sel[..<eq])
                    let want = String(sel[sel.index(after: eq)...])
                    guard
                        let hit = list.first(where: { x in
                            guard let m = x as? [String: Any], let v = m[key] else { return false }
                            return ((v as? String) ?? JSONText.write(v)) == want
                        })
                    else { return Undefined() }
                    cur = hit
                } else {
                    guard let n = Int(sel), n >= 0, n < list.count else { return Undefined() }
                    cur = list[n]
                }
            }
        }
        return cur
    }

    static func decimal(_ v: Any) -> Decimal? {
        if JSONText.isBool(v) { return nil }
        var text: String
        if let s = v as? String {
            text = s.trimmingCharacters(in: .whitespaces)
        } else if let n = v as? NSNumber {
            text = n.stringValue
        } else {
            return nil
        }
        if text.isEmpty || !text.allSatisfy({ $0.isNumber || ".-+eE".contains($0) }) { return nil }
        if text.hasPrefix("+") { text.removeFirst() }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = decimal(a), let y = decimal(b) { return x == y }
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if JSONText.isBool(a) || JSONText.isBool(b) {
            return JSONText.isBool(a) && JSONText.isBool(b) && (a as? Bool) == (b as? Bool)
        }
        if let x = a as? String, let y = b as? String { return x == y }
        return JSONText.write(a) == JSONText.write(b)
    }

    private static func show(_ v: Any) -> String { v is Undefined ? "undefined" : JSONText.write(v) }

    /// nil when `actual` matches `m`, else the reason.
    static func matches(_ actual: Any, _ m: Any) -> String? {
        if let obj = m as? [String: Any] {
            if let e = obj["exists"] {
                let exists = !(actual is Undefined) && !(actual is NSNull)
                return exists == (e as? Bool) ? nil : "exists is \(exists), expected \(e)"
            }
            if let list = obj["oneOf"] as? [Any] {
                if actual is Undefined { return "undefined" }
                return list.contains(where: { equal(actual, $0) }) ? nil : "\(show(actual)) is not one of \(show(m))"
            }
            if let limit = obj["gt"] {
                if let x = decimal(actual), let y = decimal(limit), x > y { return nil }
                return "\(show(actual)) is not greater than \(show(limit))"
            }
            if let n = (obj["length"] as? NSNumber)?.intValue {
                let len: Int
                if let l = actual as? [Any] {
                    len = l.count
                } else if let s = actual as? String {
                    len = s.count
                } else {
                    return "\(show(actual)) has no length"
                }
                return len == n ? nil : "length \(len), expected \(n)"
            }
        }
        if actual is Undefined { return "undefined, expected \(show(m))" }
        return equal(actual, m) ? nil : "\(show(actual)) != expected \(show(m))"
    }

    static func check(_ outcome: StepResult, _ expect: [String: Any]) throws {
        if let want = expect["error"] as? [String: Any] {
            guard case let .err(got) = outcome else {
                throw ScenarioFailure("expected an error \(show(want)), got \(outcome.text)")
            }
            for (k, m) in want {
                if k == "reconcile" { continue }  // checked by runStep, which has the client
                if k == "noSecrets" {
                    let texts = got["texts"] as? [String] ?? [got["message"] as? String ?? ""]
                    for secret in (m as? [Any] ?? []).map({ "\($0)" }) {
                        if let leak = texts.first(where: { $0.contains(secret) }) {
                            throw ScenarioFailure("secret \"\(secret)\" leaked in the error: \(leak)")
                        }
                    }
                    continue
                }
                if k == "messageContains" {
                    let msg = got["message"] as? String ?? ""
                    if !msg.contains(m as? String ?? "") {
                        throw ScenarioFailure("error message \"\(msg)\" does not contain \"\(m)\"")
                    }
                    continue
                }
                if let reason = matches(got[k] ?? Undefined(), m) {
                    throw ScenarioFailure("error.\(k): \(reason) (error was \(show(got)))")
                }
            }
            return
        }
        guard case let .ok(v) = outcome else { throw ScenarioFailure("expected success, got \(outcome.text)") }
        for (p, m) in expect["fields"] as? [String: Any] ?? [:] {
            if let reason = matches(resolve(v, p), m) {
                throw ScenarioFailure("\(p): \(reason) (result was \(show(v)))")
            }
        }
    }
}
