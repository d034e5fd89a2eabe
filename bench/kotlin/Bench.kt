// Kotlin/JVM benchmark of the p100 library (run by scripts/bench.sh; see bench/README.md).
//
// Each case runs the SDK and java.net.http.HttpClient + Jackson interleaved in this one JVM,
// for BENCH_ROUNDS rounds of BENCH_CALLS calls (after one uncounted warm-up round of each, for
// the JIT), and reports the median rate of each. Results are lines `BENCH {json}` on stdout;
// progress goes to stderr.
//
//   java ... io.p100.bench.BenchKt                  the benchmark
//   java ... io.p100.bench.BenchKt startup WHAT     WHAT = sdk | jdk | bare: one start-up
package io.p100.bench

import com.fasterxml.jackson.databind.ObjectMapper
import io.p100.sdk.TransactionHistoryQuery
import io.p100.sdk.client.Client
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

private fun env(
    name: String,
    default: String,
): String = System.getenv(name) ?: default

private val URL = env("P100_BENCH_URL", "")
private val KEY = env("P100_BENCH_KEY", "")
private val ROUNDS = env("BENCH_ROUNDS", "5").toInt()
private val CALLS = env("BENCH_CALLS", "2000").toInt()
private val CONC = env("BENCH_CONC", "32").toInt()
private val SIZES = env("BENCH_SIZES", "100 1000 10000").split(" ").filter { it.isNotEmpty() }.map { it.toInt() }
private val STARTUP_RUNS = env("BENCH_STARTUP_RUNS", "10").toInt()

private val mapper = ObjectMapper()
private val http: HttpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()

private fun quote(s: String) = mapper.writeValueAsString(s)

private fun emit(
    case: String,
    alt: String,
    unit: String,
    sdk: Double,
    other: Double,
) {
    val fields = "\"lang\":\"Kotlin/JVM\",\"case\":${quote(case)},\"alt\":${quote(alt)},\"unit\":${quote(unit)}"
    println("BENCH {$fields,\"sdk\":$sdk,\"other\":$other}")
}

private fun log(text: String) = System.err.println("[kotlin] $text")

private fun median(values: List<Double>): Double {
    val s = values.sorted()
    val m = s.size / 2
    return if (s.size % 2 == 1) s[m] else (s[m - 1] + s[m]) / 2
}

private typealias Call = suspend () -> Unit

/** Calls per second of `n` calls, one after another. */
private suspend fun sequential(
    call: Call,
    n: Int,
): Double {
    val start = System.nanoTime()
    repeat(n) { call() }
    return n / ((System.nanoTime() - start) / 1e9)
}

/** Calls per second of `n` calls from CONC coroutines (each awaits its calls in turn). */
private suspend fun concurrent(
    call: Call,
    n: Int,
): Double {
    val start = System.nanoTime()
    coroutineScope {
        for (i in 0 until CONC) {
            val count = n / CONC + if (i < n % CONC) 1 else 0
            if (count > 0) launch { repeat(count) { call() } }
        }
    }
    return n / ((System.nanoTime() - start) / 1e9)
}

/** One uncounted warm-up round, then every contender once per round; the median of each. */
private suspend fun interleave(contenders: List<Pair<String, suspend () -> Double>>): List<Double> {
    for ((_, run) in contenders) run()
    val seen = List(contenders.size) { mutableListOf<Double>() }
    for (r in 0 until ROUNDS) {
        for (j in contenders.indices) {
            val i = (r + j) % contenders.size
            seen[i].add(contenders[i].second())
        }
    }
    return seen.map { median(it) }
}

private fun report(
    case: String,
    unit: String,
    names: List<String>,
    values: List<Double>,
) {
    for (i in 1 until names.size) emit(case, names[i], unit, values[0], values[i])
}

private fun request(url: String): HttpRequest =
    HttpRequest
        .newBuilder(URI.create(url))
        .header("x-api-key", KEY)
        .GET()
        .build()

private fun parse(r: HttpResponse<ByteArray>) = if (r.statusCode() == 200) mapper.readTree(r.body()) else error("HTTP ${r.statusCode()}")

/** java.net.http, blocking (the usual sequential code). */
private fun getJson(url: String) = parse(http.send(request(url), HttpResponse.BodyHandlers.ofByteArray()))

private fun getBytes(url: String): ByteArray {
    val r = http.send(request(url), HttpResponse.BodyHandlers.ofByteArray())
    return if (r.statusCode() == 200) r.body() else error("HTTP ${r.statusCode()}")
}

/** java.net.http, asynchronous (sendAsync awaited: no thread blocked per call). */
private suspend fun getJsonAsync(url: String) = parse(http.sendAsync(request(url), HttpResponse.BodyHandlers.ofByteArray()).await())

private fun control(
    path: String,
    body: String,
): com.fasterxml.jackson.databind.JsonNode {
    val req =
        HttpRequest
            .newBuilder(URI.create(URL + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build()
    return parse(http.send(req, HttpResponse.BodyHandlers.ofByteArray()))
}

private fun startupChild(what: String) {
    when (what) {
        "sdk" -> {
            Client(apiKey = KEY.ifEmpty { "k" }, baseUrl = "http://127.0.0.1:9").partner()
        }

        "jdk" -> {
            HttpClient.newHttpClient()
            ObjectMapper().readTree("{}")
        }
    }
}

private fun startup(classpath: String) {
    val java =
        ProcessHandle
            .current()
            .info()
            .command()
            .orElse("java")
    val libPath = System.getProperty("jna.library.path") ?: ""
    val names = listOf("sdk" to "SDK", "bare" to "bare JVM", "jdk" to "HttpClient + Jackson")
    val times = names.associate { it.second to mutableListOf<Double>() }
    repeat(STARTUP_RUNS) {
        for ((what, name) in names) {
            val start = System.nanoTime()
            val p =
                ProcessBuilder(java, "-Djna.library.path=$libPath", "-cp", classpath, "io.p100.bench.BenchKt", "startup", what)
                    .inheritIO()
                    .start()
            check(p.waitFor() == 0) { "start-up child $what failed" }
            times.getValue(name).add((System.nanoTime() - start) / 1e6)
        }
    }
    report("start-up: JVM + Client()", "ms", names.map { it.second }, names.map { median(times.getValue(it.second)) })
}

fun main(args: Array<String>) {
    if (args.size == 2 && args[0] == "startup") return startupChild(args[1])
    runBlocking { run() }
    startup(System.getProperty("java.class.path"))
}

private suspend fun run() {
    val client = Client(apiKey = KEY, baseUrl = URL)
    val partner = client.partner()
    val balances = "$URL/v1/partner/balances"
    val names = listOf("SDK", "HttpClient + Jackson")

    log("sequential and $CONC concurrent: $ROUNDS rounds x $CALLS calls")
    var v =
        interleave(
            listOf(
                "SDK" to { sequential({ partner.balances() }, CALLS) },
                "HttpClient + Jackson" to { sequential({ getJson(balances) }, CALLS) },
            ),
        )
    report("balances, sequential", "calls/s", names, v)
    v =
        interleave(
            listOf(
                "SDK" to { concurrent({ partner.balances() }, CALLS) },
                "HttpClient + Jackson" to { concurrent({ getJsonAsync(balances) }, CALLS) },
            ),
        )
    report("balances, $CONC concurrent", "calls/s", listOf("SDK", "HttpClient.sendAsync + Jackson"), v)

    for (n in SIZES) {
        control("/_sandbox/reset", "{}")
        val seeded = control("/_sandbox/seed-transactions", "{\"count\": $n}")
        val month = seeded["month"].asInt()
        val year = seeded["year"].asInt()
        val query = TransactionHistoryQuery(month.toUInt(), year)
        val url = "$URL/v1/partner/transactions?month=$month&year=$year"
        val calls = maxOf(2, CALLS * 100 / n)
        log("history of $n entries: $ROUNDS rounds x $calls calls")
        val rates =
            interleave(
                listOf(
                    "SDK" to { sequential({ check(partner.transactions(query).transactions.size == n) }, calls) },
                    "HttpClient + Jackson" to { sequential({ check(getJson(url)["transactions"].size() == n) }, calls) },
                    "HttpClient, body bytes only" to { sequential({ check(getBytes(url).isNotEmpty()) }, calls) },
                ),
            )
        val growthNames = names + "HttpClient, body bytes only"
        report("history $n: time", "ms/call", growthNames, rates.map { 1000.0 / it })
    }
}
