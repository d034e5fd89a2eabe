// Swift (Linux) benchmark of the P100 package (run by scripts/bench.sh; see bench/README.md).
//
// Each case runs the SDK and URLSession + JSONSerialization interleaved in this one process, for
// P100_BENCH_ROUNDS rounds of P100_BENCH_CALLS calls, and reports the median rate of each.
// Results are lines `BENCH {json}` on stdout; progress goes to stderr. (scripts/swift.sh passes
// only P100_* variables into the Swift root, hence the P100_ prefix of every setting here.)
import Foundation
import P100

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let env = ProcessInfo.processInfo.environment
let baseURL = env["P100_BENCH_URL"] ?? ""
let key = env["P100_BENCH_KEY"] ?? ""
let rounds = Int(env["P100_BENCH_ROUNDS"] ?? "5") ?? 5
let calls = Int(env["P100_BENCH_CALLS"] ?? "2000") ?? 2000
let conc = Int(env["P100_BENCH_CONC"] ?? "32") ?? 32
let sizes = (env["P100_BENCH_SIZES"] ?? "100 1000 10000").split(separator: " ").compactMap { Int($0) }

typealias Call = @Sendable () async throws -> Void

func log(_ text: String) {
    FileHandle.standardError.write(Data("[swift] \(text)\n".utf8))
}

func emit(_ kase: String, _ alt: String, _ unit: String, _ sdk: Double, _ other: Double) {
    let row: [String: Any] = ["lang": "Swift", "case": kase, "alt": alt, "unit": unit, "sdk": sdk, "other": other]
    let data = try! JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
    print("BENCH " + String(decoding: data, as: UTF8.self))
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// Calls per second of `n` calls, one after another.
func sequential(_ call: Call, _ n: Int) async throws -> Double {
    let start = DispatchTime.now()
    for _ in 0..<n { try await call() }
    return Double(n) / seconds(since: start)
}

/// Calls per second of `n` calls from `conc` tasks (each awaits its calls one after another).
func concurrent(_ call: @escaping Call, _ n: Int) async throws -> Double {
    let start = DispatchTime.now()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for i in 0..<conc {
            let count = n / conc + (i < n % conc ? 1 : 0)
            if count > 0 {
                group.addTask { for _ in 0..<count { try await call() } }
            }
        }
        try await group.waitForAll()
    }
    return Double(n) / seconds(since: start)
}

/// Every contender once per round (rotating who goes first); the median of each.
func interleave(_ contenders: [() async throws -> Double]) async throws -> [Double] {
    var seen = Array(repeating: [Double](), count: contenders.count)
    for r in 0..<rounds {
        for j in 0..<contenders.count {
            let i = (r + j) % contenders.count
            seen[i].append(try await contenders[i]())
        }
    }
    return seen.map(median)
}

struct HTTPError: Error { let status: Int }

let session = URLSession(configuration: .default)

@Sendable func getData(_ url: String) async throws -> Data {
    var request = URLRequest(url: URL(string: url)!)
    request.setValue(key, forHTTPHeaderField: "x-api-key")
    let (data, response) = try await session.data(for: request)
    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
    guard status == 200 else { throw HTTPError(status: status) }
    return data
}

@Sendable func getJSON(_ url: String) async throws -> Any {
    try JSONSerialization.jsonObject(with: try await getData(url))
}

func control(_ path: String, _ body: String) async throws -> [String: Any] {
    var request = URLRequest(url: URL(string: baseURL + path)!)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "content-type")
    request.httpBody = Data(body.utf8)
    let (data, _) = try await session.data(for: request)
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}

@main
struct Bench {
    static func main() async throws {
        let client = try Client(apiKey: key, baseUrl: baseURL)
        let partner = client.partner()
        let balancesURL = baseURL + "/v1/partner/balances"
        let sdk: Call = { _ = try await partner.balances() }
        let plain: Call = { _ = try await getJSON(balancesURL) }
        let alt = "URLSession + JSONSerialization"

        log("sequential and \(conc) concurrent: \(rounds) rounds x \(calls) calls")
        var v = try await interleave([{ try await sequential(sdk, calls) }, { try await sequential(plain, calls) }])
        emit("balances, sequential", alt, "calls/s", v[0], v[1])
        v = try await interleave([{ try await concurrent(sdk, calls) }, { try await concurrent(plain, calls) }])
        emit("balances, \(conc) concurrent", alt, "calls/s", v[0], v[1])

        for n in sizes {
            _ = try await control("/_sandbox/reset", "{}")
            let seeded = try await control("/_sandbox/seed-transactions", "{\"count\": \(n)}")
            let month = seeded["month"] as? Int ?? 0
            let year = seeded["year"] as? Int ?? 0
            let query = TransactionHistoryQuery(month: UInt32(month), year: Int32(year))
            let url = "\(baseURL)/v1/partner/transactions?month=\(month)&year=\(year)"
            let perRound = max(2, calls * 100 / n)
            log("history of \(n) entries: \(rounds) rounds x \(perRound) calls")
            let sdkHistory: Call = {
                let got = try await partner.transactions(request: query).transactions.count
                guard got == n else { throw HTTPError(status: got) }
            }
            let plainHistory: Call = {
                let got = ((try await getJSON(url) as? [String: Any])?["transactions"] as? [Any])?.count
                guard got == n else { throw HTTPError(status: got ?? -1) }
            }
            let bytesOnly: Call = { _ = try await getData(url) }
            let rates = try await interleave([
                { try await sequential(sdkHistory, perRound) },
                { try await sequential(plainHistory, perRound) },
                { try await sequential(bytesOnly, perRound) },
            ])
            emit("history \(n): time", alt, "ms/call", 1000 / rates[0], 1000 / rates[1])
            emit("history \(n): time", "URLSession, body bytes only", "ms/call", 1000 / rates[0], 1000 / rates[2])
        }
    }
}
