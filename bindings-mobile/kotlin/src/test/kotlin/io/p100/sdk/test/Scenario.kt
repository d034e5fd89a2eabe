package io.p100.sdk.test

import io.p100.sdk.FileUpload
import io.p100.sdk.P100Exception
import io.p100.sdk.Reconciliation
import io.p100.sdk.Secret
import io.p100.sdk.client.Client
import io.p100.sdk.client.ClientOptions
import io.p100.sdk.client.WebhookVerifier
import io.p100.sdk.code
import io.p100.sdk.errorName
import io.p100.sdk.field
import io.p100.sdk.isAccepted
import io.p100.sdk.isRetryable
import io.p100.sdk.kind
import io.p100.sdk.outcome
import io.p100.sdk.rawBody
import io.p100.sdk.status
import kotlinx.coroutines.delay
import java.io.File
import java.lang.reflect.InvocationTargetException
import java.math.BigDecimal
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import kotlin.reflect.KClass
import kotlin.reflect.KFunction
import kotlin.reflect.KParameter
import kotlin.reflect.full.callSuspendBy
import kotlin.reflect.full.memberFunctions

/** The outcome of one step: the result as JSON, or the error as JSON. */
sealed class Outcome {
    data class Ok(
        val value: Any?,
    ) : Outcome()

    data class Err(
        val error: Map<String, Any?>,
    ) : Outcome()

    fun show(): String =
        when (this) {
            is Ok -> "ok ${Json.write(value)}"
            is Err -> "error ${Json.write(error)}"
        }
}

/**
 * The scenario client: the sandbox's key and URL, a 10 s timeout and fast retries, with a
 * step's `client` settings (`apiKey`, `baseUrl`, `timeoutMs`, `connectTimeoutMs`, `maxRetries`)
 * over them.
 */
fun scenarioClient(
    baseUrl: String,
    apiKey: String,
    settings: Map<String, Any?> = emptyMap(),
): Client =
    Client.withOptions(
        ClientOptions(
            apiKey = Secret(settings["apiKey"] as? String ?: apiKey),
            baseUrl = settings["baseUrl"] as? String ?: baseUrl,
            timeoutMs = (settings["timeoutMs"] as? BigDecimal)?.toLong() ?: 10_000,
            connectTimeoutMs = (settings["connectTimeoutMs"] as? BigDecimal)?.toLong(),
            maxRetries = (settings["maxRetries"] as? BigDecimal)?.toInt() ?: 3,
            retryInitialDelayMs = 20,
            retryMaxDelayMs = 200,
        ),
    )

/** The error as the scenario format describes it. */
fun errorJson(e: P100Exception): Map<String, Any?> =
    linkedMapOf(
        "kind" to e.kind.toString(),
        "code" to e.code,
        "status" to e.status?.let { BigDecimal(it) },
        "field" to e.field,
        "errorName" to e.errorName,
        "retryable" to e.isRetryable,
        "outcome" to e.outcome.toString(),
        "accepted" to e.isAccepted,
        "message" to e.toString(),
        // Where a secret could show: the message, the string form and the raw body.
        "texts" to listOf(e.message, e.toString(), e.rawBody),
    )

/** The kind of a reconcile answer, as the scenario format names it. */
fun reconcileName(r: Reconciliation): String =
    when (r) {
        is Reconciliation.Found -> "found"
        is Reconciliation.NotFound -> "not_found"
        is Reconciliation.CannotTell -> "cannot_tell"
    }

/** How much of a scenario passed: steps, and for a matrix its cells. */
class ScenarioResult(
    val name: String,
    val steps: Int,
    val passedSteps: Int,
    val cells: Int,
    val passedCells: Int,
    val failures: List<String>,
) {
    fun summary(): String =
        if (cells > 0) {
            "$name: $passedSteps/$steps steps, $passedCells/$cells cells"
        } else {
            "$name: $passedSteps/$steps steps"
        }
}

/**
 * Runs `tests/scenarios/<name>.json` (format `p100-scenario/1`, see tests/scenarios/README.md)
 * through the Kotlin API against a running sandbox.
 */
class ScenarioRunner(
    private val baseUrl: String,
    private val apiKey: String,
    private val log: (String) -> Unit,
) {
    private val client = scenarioClient(baseUrl, apiKey)
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
    private val vars = HashMap<String, Any?>()

    /** The SDK error of the last operation step, for `expect.error.reconcile`. */
    private var lastError: P100Exception? = null

    /**
     * Runs every step. The first failing step fails the scenario: outside a matrix cell nothing
     * after it runs; in a matrix the rest of that cell is skipped, faults it may have left
     * queued are cleared, and the next cell runs (the result counts them all).
     */
    suspend fun run(file: File): ScenarioResult {
        val doc = Json.parse(file.readText()) as Map<*, *>
        check(doc["format"] == "p100-scenario/1") { "unknown scenario format ${doc["format"]}" }
        vars["run"] = "%08x".format(java.util.Random().nextInt())
        vars["sandboxUrl"] = baseUrl
        val steps = doc["steps"] as List<*>
        val name = doc["name"].toString()
        val cells = steps.mapNotNull { (it as Map<*, *>)["cell"]?.toString() }.toSet()
        (doc["cells"] as? BigDecimal)?.let { check(it.toInt() == cells.size) { "the file's cell count disagrees with its steps" } }

        fun cellOf(step: Map<*, *>): String? =
            step["cell"]?.toString() ?: step["name"].toString().substringBefore(": ").takeIf { it in cells }
        val failures = ArrayList<String>()
        val failedCells = HashSet<String>()
        var passed = 0
        for ((i, s) in steps.withIndex()) {
            @Suppress("UNCHECKED_CAST")
            val step = s as Map<String, Any?>
            val cell = cellOf(step)
            if (cell != null && cell in failedCells) continue
            val label = "$name step ${i + 1} \"${step["name"]}\" (${step["op"]})"
            try {
                runStep(step)
                passed++
                if (cells.isEmpty()) log("  ok  $label")
            } catch (e: AssertionError) {
                failures.add("$label failed: ${e.message}")
                log("  FAIL $label: ${e.message}")
                if (cell == null) break
                failedCells.add(cell)
                control("DELETE", "/_sandbox/faults", null)
            }
        }
        return ScenarioResult(name, steps.size, passed, cells.size, cells.size - failedCells.size, failures)
    }

    private fun fill(v: Any?): Any? =
        when (v) {
            is String -> {
                val whole = Regex("^\\{\\{([^{}]+)}}$").find(v)
                if (whole != null && vars.containsKey(whole.groupValues[1])) {
                    vars[whole.groupValues[1]]
                } else {
                    var out: String = v
                    for ((k, x) in vars) {
                        val pat = "{{$k}}"
                        if (out.contains(pat)) out = out.replace(pat, if (x is String) x else Json.write(x))
                    }
                    out
                }
            }

            is List<*> -> {
                v.map { fill(it) }
            }

            is Map<*, *> -> {
                v.entries.associate { (k, x) -> k.toString() to fill(x) }
            }

            else -> {
                v
            }
        }

    @Suppress("UNCHECKED_CAST")
    private suspend fun runStep(step: Map<String, Any?>) {
        val op = step["op"] as String
        val input = (fill(step["input"] ?: emptyMap<String, Any?>()) as Map<String, Any?>)
        val stepClient =
            (step["client"] as? Map<String, Any?>)?.let {
                scenarioClient(baseUrl, apiKey, fill(it) as Map<String, Any?>)
            } ?: client
        lastError = null
        val poll = step["poll"]?.let { fill(it) as Map<String, Any?> }
        val outcome: Outcome =
            if (poll == null) {
                exec(stepClient, op, input)
            } else {
                val timeout = (poll["timeoutMs"] as? BigDecimal)?.toLong() ?: 10_000L
                val every = (poll["intervalMs"] as? BigDecimal)?.toLong() ?: 50L
                val until = (poll["until"] as? Map<String, Any?>) ?: emptyMap()
                val start = System.nanoTime()
                var o: Outcome
                while (true) {
                    o = exec(stepClient, op, input)
                    val done = o is Outcome.Ok && until.all { (p, m) -> Match.matches(Match.resolve(o.value, p), m) == null }
                    if (done) break
                    if ((System.nanoTime() - start) / 1_000_000 > timeout) {
                        throw AssertionError("poll timed out after $timeout ms; last outcome: ${o.show()}")
                    }
                    delay(every)
                }
                o
            }
        val expect = step["expect"]
        if (expect != null) {
            val want = fill(expect) as Map<String, Any?>
            Match.checkExpect(outcome, want)
            val reconcile = (want["error"] as? Map<String, Any?>)?.get("reconcile")
            if (reconcile != null) {
                val e = lastError ?: throw AssertionError("reconcile: the step's error is not an SDK error")
                val got =
                    try {
                        stepClient.reconcile(e)
                    } catch (x: P100Exception) {
                        throw AssertionError("reconcile failed: $x")
                    }
                if (reconcileName(got) != reconcile) throw AssertionError("reconcile: expected $reconcile, got $got")
            }
        } else if (outcome is Outcome.Err) {
            throw AssertionError("unexpected error ${outcome.show()}")
        }
        val save = step["save"] as? Map<String, Any?>
        if (save != null && outcome is Outcome.Ok) {
            for ((name, path) in save) {
                val r = Match.resolve(outcome.value, path as String)
                if (r === Match.Undefined) throw AssertionError("save: $path not found in ${outcome.show()}")
                vars[name] = r
            }
        }
    }

    private suspend fun exec(
        c: Client,
        op: String,
        input: Map<String, Any?>,
    ): Outcome =
        when {
            op == "sleep" -> {
                delay((input["ms"] as? BigDecimal)?.toLong() ?: 0L)
                Outcome.Ok(null)
            }

            op == "http" -> {
                Outcome.Ok(httpCall(input))
            }

            op == "_sandbox.faults.list" -> {
                control("GET", "/_sandbox/faults", null)
            }

            op == "_sandbox.deliveries" -> {
                control("GET", "/_sandbox/webhooks/deliveries", null)
            }

            op.startsWith("_sandbox.") -> {
                control("POST", "/_sandbox/" + op.removePrefix("_sandbox."), input)
            }

            else -> {
                try {
                    Outcome.Ok(call(c, op, input))
                } catch (e: P100Exception) {
                    lastError = e
                    Outcome.Err(errorJson(e))
                }
            }
        }

    private fun send(
        method: String,
        path: String,
        headers: Map<String, String>,
        body: Any?,
    ): Pair<Int, String> {
        val b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        headers.forEach { (k, v) -> b.header(k, v) }
        val publisher =
            if (body == null) {
                HttpRequest.BodyPublishers.noBody()
            } else {
                b.header("content-type", "application/json")
                HttpRequest.BodyPublishers.ofString(Json.write(body))
            }
        b.method(method, publisher)
        val req = b.build()
        // A pooled keep-alive connection the sandbox closed at the same moment fails before any
        // byte of a reply ("header parser received no bytes"): the request was never read, so
        // it is sent again on a fresh connection.
        var attempt = 0
        while (true) {
            try {
                val resp = http.send(req, HttpResponse.BodyHandlers.ofString())
                return resp.statusCode() to resp.body()
            } catch (e: java.io.IOException) {
                if (++attempt > 2 || e.message?.contains("received no bytes") != true) throw e
            }
        }
    }

    private fun httpCall(input: Map<String, Any?>): Any? {
        val headers = (input["headers"] as? Map<*, *>)?.entries?.associate { (k, v) -> k.toString() to v.toString() } ?: emptyMap()
        val (status, text) = send(input["method"] as? String ?: "GET", input["path"] as? String ?: "/", headers, input["body"])
        val body =
            try {
                Json.parse(text)
            } catch (e: IllegalArgumentException) {
                text
            }
        return linkedMapOf("status" to BigDecimal(status), "body" to body)
    }

    private fun control(
        method: String,
        path: String,
        body: Map<String, Any?>?,
    ): Outcome {
        val (status, text) =
            try {
                send(method, path, emptyMap(), if (method == "GET" || method == "DELETE") null else body ?: emptyMap<String, Any?>())
            } catch (e: java.io.IOException) {
                return Outcome.Err(mapOf("kind" to "sandbox", "message" to e.toString()))
            }
        val v =
            try {
                Json.parse(text)
            } catch (e: IllegalArgumentException) {
                null
            }
        return if (status in 200..299) {
            Outcome.Ok(v)
        } else {
            Outcome.Err(mapOf("kind" to "sandbox", "status" to BigDecimal(status), "message" to text))
        }
    }
}

private fun s(
    i: Map<String, Any?>,
    key: String,
): String = i[key] as? String ?: throw AssertionError("scenario input lacks $key: ${Json.write(i)}")

/** A file of `size` bytes starting with the magic bytes of `kind`. */
fun fileOf(f: Map<*, *>): FileUpload {
    val size = (f["size"] as? BigDecimal)?.toInt() ?: 1000
    val magic: ByteArray =
        when (f["kind"] as? String ?: "png") {
            "png" -> byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 0x0D, 0x0A, 0x1A, 0x0A)
            "jpeg", "jpg" -> byteArrayOf(0xFF.toByte(), 0xD8.toByte(), 0xFF.toByte(), 0xE0.toByte())
            "pdf" -> "%PDF-1.7\n".toByteArray()
            else -> ByteArray(0)
        }
    val fill: Byte = if (magic.isEmpty()) 'a'.code.toByte() else 0
    val data = ByteArray(maxOf(size, magic.size)) { fill }
    magic.copyInto(data)
    return FileUpload(fileName = f["fileName"] as? String ?: "file", data = data)
}

private fun files(i: Map<String, Any?>): List<FileUpload> = (i["files"] as? List<*>)?.map { fileOf(it as Map<*, *>) } ?: emptyList()

/** The JSON of a typed result, as the core writes it (wire names, amounts as strings). */
private fun out(json: String): Any? = Json.parse(json)

/** tests/operations.json: every operation's `names.kotlin` (`client.sepa().partnerTransfer`). */
object Manifest {
    val kotlinNames: Map<String, String> by lazy {
        val dir = File(System.getenv("P100_SCENARIOS") ?: "tests/scenarios")
        val doc = Json.parse(File(dir.parentFile, "operations.json").readText()) as Map<*, *>
        (doc["operations"] as List<*>).associate {
            val op = it as Map<*, *>
            op["operation"] as String to (op["names"] as Map<*, *>)["kotlin"] as String
        }
    }

    /** `client.<group>().<method>` found on [Client] by reflection: the group accessor and the method. */
    fun resolve(name: String): Pair<KFunction<*>, KFunction<*>>? {
        val parts = name.split('.')
        val group = parts[1].removeSuffix("()")
        val accessor = Client::class.memberFunctions.firstOrNull { it.name == group && it.parameters.size == 1 } ?: return null
        val groupClass = accessor.returnType.classifier as? KClass<*> ?: return null
        return groupClass.memberFunctions.firstOrNull { it.name == parts[2] }?.let { accessor to it }
    }
}

/**
 * Calls an operation of tests/operations.json under its `names.kotlin`, by reflection: `String`
 * parameters (the ids) from the input by name, the `request` record built from the input
 * ([Records]); the result as its JSON (`toJson()`), or null.
 */
suspend fun callOperation(
    c: Client,
    op: String,
    i: Map<String, Any?>,
): Any? {
    val name = Manifest.kotlinNames[op] ?: throw AssertionError("operation $op is not in tests/operations.json")
    val (accessor, method) = Manifest.resolve(name) ?: throw AssertionError("$name is not on the Kotlin client")
    val input = if (i.containsKey("files")) i + ("files" to files(i)) else i
    val ids =
        method.parameters
            .filter { it.type.classifier == String::class }
            .mapNotNull { it.name }
            .toSet()
    val args =
        method.parameters.associateWith { p ->
            when {
                p.kind == KParameter.Kind.INSTANCE -> accessor.call(c)

                p.type.classifier == String::class -> s(input, p.name!!)

                // Uploads carry files, which are not JSON: built field by field.
                i.containsKey("files") -> Records.convert(p.type, input, p.name!!)

                // Every other request through the core's decoder (`<Type>FromJson`), as an app
                // that has JSON would: unknown fields and fractional amounts are refused.
                else -> requestFromJson(p.type, i - ids)
            }
        }
    val result =
        try {
            method.callSuspendBy(args)
        } catch (e: InvocationTargetException) {
            throw e.targetException
        }
    if (result == null || result == Unit) return null
    return out(result::class.memberFunctions.first { it.name == "toJson" }.call(result) as String)
}

/** Operation name → the Kotlin API call: the escape hatch and webhooks here, the rest by [callOperation]. */
suspend fun call(
    c: Client,
    op: String,
    i: Map<String, Any?>,
): Any? =
    when (op) {
        "request" -> {
            out(
                c.request(
                    i["method"] as? String ?: "GET",
                    i["path"] as? String ?: "/",
                    if (i.containsKey("body")) Json.write(i["body"]) else null,
                ),
            )
        }

        "webhooks.parse" -> {
            val body = i["body"].let { if (it is String) it else Json.write(it) }
            out(WebhookVerifier(i["token"] as? String ?: "").verifyAndParse(i["authorization"] as? String, body).toJson())
        }

        else -> {
            callOperation(c, op, i)
        }
    }

/** Paths and matchers of the scenario format. */
object Match {
    /** A path that does not resolve (distinct from JSON null). */
    object Undefined

    fun resolve(
        v: Any?,
        path: String,
    ): Any? {
        var cur: Any? = v
        for (seg in path.split('.')) {
            val i = seg.indexOf('[')
            val (name, sel) = if (i >= 0 && seg.endsWith("]")) seg.substring(0, i) to seg.substring(i + 1, seg.length - 1) else seg to null
            if (name.isNotEmpty()) {
                val m = cur as? Map<*, *> ?: return Undefined
                if (!m.containsKey(name)) return Undefined
                cur = m[name]
            }
            if (sel != null) {
                val list = cur as? List<*> ?: return Undefined
                val eq = sel.indexOf('=')
                cur =
                    if (eq < 0) {
                        list.getOrNull(sel.toIntOrNull() ?: return Undefined) ?: return Undefined
                    } else {
                        val key = sel.substring(0, eq)
                        val want = sel.substring(eq + 1)
                        list.firstOrNull { x ->
                            val m = x as? Map<*, *>
                            m != null && m.containsKey(key) && m[key]?.let { if (it is String) it else Json.write(it) } == want
                        } ?: return Undefined
                    }
            }
        }
        return cur
    }

    private fun dec(v: Any?): BigDecimal? =
        when (v) {
            is BigDecimal -> v
            is String -> if (v.isNotBlank() && v.trim().all { it.isDigit() || it in ".-+eE" }) v.trim().toBigDecimalOrNull() else null
            else -> null
        }

    private fun equal(
        a: Any?,
        b: Any?,
    ): Boolean {
        val x = dec(a)
        val y = dec(b)
        if (x != null && y != null) return x.compareTo(y) == 0
        return a == b
    }

    private fun show(v: Any?): String = if (v === Undefined) "undefined" else Json.write(v)

    /** null when `actual` matches `m`, else the reason. */
    fun matches(
        actual: Any?,
        m: Any?,
    ): String? {
        if (m is Map<*, *>) {
            if (m.containsKey("exists")) {
                val exists = actual !== Undefined && actual != null
                return if (exists == m["exists"]) null else "exists is $exists, expected ${m["exists"]}"
            }
            if (m.containsKey("oneOf")) {
                if (actual === Undefined) return "undefined"
                return if ((m["oneOf"] as List<*>).any { equal(actual, it) }) null else "${show(actual)} is not one of ${Json.write(m)}"
            }
            if (m.containsKey("gt")) {
                val x = dec(actual)
                val y = dec(m["gt"])
                return if (x != null && y != null && x > y) null else "${show(actual)} is not greater than ${Json.write(m["gt"])}"
            }
            if (m.containsKey("length")) {
                val n = (m["length"] as BigDecimal).toInt()
                val len =
                    when (actual) {
                        is List<*> -> actual.size
                        is String -> actual.codePointCount(0, actual.length)
                        else -> return "${show(actual)} has no length"
                    }
                return if (len == n) null else "length $len, expected $n"
            }
        }
        if (actual === Undefined) return "undefined, expected ${Json.write(m)}"
        return if (equal(actual, m)) null else "${show(actual)} != expected ${Json.write(m)}"
    }

    fun checkExpect(
        outcome: Outcome,
        expect: Map<String, Any?>,
    ) {
        val want = expect["error"]
        if (want != null) {
            val got =
                when (outcome) {
                    is Outcome.Err -> outcome.error
                    is Outcome.Ok -> throw AssertionError("expected an error ${Json.write(want)}, got ${outcome.show()}")
                }
            for ((k, m) in want as Map<*, *>) {
                if (k == "reconcile") continue // checked by runStep, which has the client
                if (k == "noSecrets") {
                    val texts = (got["texts"] as? List<*>)?.filterIsInstance<String>() ?: listOf(got["message"].toString())
                    for (secret in (m as List<*>).map { it.toString() }) {
                        texts
                            .firstOrNull {
                                it.contains(
                                    secret,
                                )
                            }?.let { throw AssertionError("secret \"$secret\" leaked in the error: $it") }
                    }
                    continue
                }
                if (k == "messageContains") {
                    val msg = got["message"] as? String ?: ""
                    if (!msg.contains(m as String)) throw AssertionError("error message \"$msg\" does not contain \"$m\"")
                    continue
                }
                val actual = if (got.containsKey(k)) got[k] else Undefined
                matches(actual, m)?.let { throw AssertionError("error.$k: $it (error was ${Json.write(got)})") }
            }
            return
        }
        val v =
            when (outcome) {
                is Outcome.Ok -> outcome.value
                is Outcome.Err -> throw AssertionError("expected success, got ${outcome.show()}")
            }
        val fields = expect["fields"] as? Map<*, *> ?: return
        for ((p, m) in fields) {
            matches(resolve(v, p as String), m)?.let { throw AssertionError("$p: $it (result was ${Json.write(v)})") }
        }
    }
}

/** The generated top-level functions of the SDK (`transferRequestFromJson`, …). */
private val generatedFunctions: Class<*> = Class.forName("io.p100.sdk.P100Kt")

/** A request record from scenario fields, through its generated `<type>FromJson`. */
private fun requestFromJson(
    type: kotlin.reflect.KType,
    fields: Map<String, Any?>,
): Any? {
    val name = (type.classifier as KClass<*>).simpleName ?: error("unnamed request type $type")
    val fn = generatedFunctions.getMethod(name.replaceFirstChar { it.lowercase() } + "FromJson", String::class.java)
    return try {
        fn.invoke(null, Json.write(fields))
    } catch (e: InvocationTargetException) {
        throw e.targetException
    }
}
