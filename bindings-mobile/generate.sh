#!/usr/bin/env bash
# Generates the Swift and Kotlin sources of the P100 SDK from the Rust library (uniffi library
# mode, with the uniffi-bindgen of this workspace, pinned to the uniffi crate version).
#
#   bindings-mobile/generate.sh          regenerate the checked-in sources
#   bindings-mobile/generate.sh --check  regenerate into a temporary folder and fail if the
#                                        checked-in sources differ (CI runs this)
#   bindings-mobile/generate.sh --testing DIR
#                                        the TEST variant (not checked in): builds the library
#                                        with the cargo feature `testing` (the `Sandbox` type)
#                                        and writes into DIR: lib/libp100_mobile.{so,a} of that
#                                        build, kotlin/ (its generated Kotlin sources) and swift/
#                                        (a copy of the Swift package with its generated sources,
#                                        for the XCTest suite). The release sources and the
#                                        --check above never include the feature.
#
# Output (checked in, never edit by hand):
#   kotlin/src/main/kotlin/io/p100/sdk/p100.kt                models, enums, P100Exception
#   kotlin/src/main/kotlin/io/p100/sdk/client/p100_mobile.kt  Client, resource groups, webhooks
#   swift/Sources/P100/p100.swift, swift/Sources/P100/p100_mobile.swift
#   swift/Headers/P100FFI/{p100FFI.h, p100_mobileFFI.h, module.modulemap}   the C module
# The output does not depend on the platform or on the build profile; it is not formatted
# (no ktlint/swiftformat pass), so that it is the same on every machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

check=0
testing=""
case "${1:-}" in
  --check) check=1 ;;
  --testing) testing="${2:?usage: $0 --testing DIR}"; mkdir -p "$testing"; testing="$(cd "$testing" && pwd)" ;;
  "") ;;
  *) echo "usage: $0 [--check | --testing DIR]" >&2; exit 2 ;;
esac

target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
if [ -n "$testing" ]; then
  cargo build --quiet -p p100-mobile -p uniffi-bindgen --features p100-mobile/testing
else
  cargo build --quiet -p p100-mobile -p uniffi-bindgen
fi
case "$(uname -s)" in
  Darwin) lib="$target_dir/debug/libp100_mobile.dylib" ;;
  *) lib="$target_dir/debug/libp100_mobile.so" ;;
esac
bindgen="$target_dir/debug/uniffi-bindgen"
bindgen_swift="$target_dir/debug/uniffi-bindgen-swift"
config="$here/uniffi-config.toml"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$bindgen" generate --library "$lib" --language kotlin --no-format \
  --config "$config" --out-dir "$out/kotlin" >/dev/null
"$bindgen_swift" "$lib" "$out/swift" --swift-sources --headers --modulemap \
  --module-name P100FFI --modulemap-filename module.modulemap --config "$config" >/dev/null

# Kotlin: uniffi writes `P100Exception.message` as every field of the error ("reason=…, …,
# fingerprint=Fingerprint(destination=DE89…, title=…)"), and loggers (Logback, Log4j, Sentry)
# print `getMessage()`: each subclass's message becomes `toString()`, the core's message with
# its status and request id (the same text as Swift's `description` and every other language's
# message).
python3 - "$out/kotlin/io/p100/sdk/p100.kt" <<'PYEOF'
import re
import sys

path = sys.argv[1]
text = open(path, encoding="utf-8").read()
pattern = re.compile(r'get\(\) = "reason=\$\{ `reason` \}, [^"\n]*"')
text, n = pattern.subn("get() = toString()", text)
if n < 10:
    sys.exit(f"generate.sh: expected a message getter per P100Exception case, patched {n}")
# The cases of a sealed class without a Rust `Display` (`Reconciliation.NotFound`) are plain
# objects, printed `io.p100.sdk.Reconciliation$NotFound@1dd92fe2`: `data object`s print their
# name (outside review, stop 46). A class with a `Display` (the enums: `Currency.Eur` is "eur")
# keeps its wire text.
def named_cases(m):
    block = m.group(0)
    if "uniffi_trait_display" in block:
        return block
    return re.sub(r"^(    )object (\w+) : ", r"\1data object \2 : ", block, flags=re.M)
text, n = re.subn(r"^sealed class \w+.*?^}$", named_cases, text, flags=re.M | re.S)
if "data object NotFound : Reconciliation()" not in text:
    sys.exit("generate.sh: Reconciliation.NotFound is no data object")
open(path, "w", encoding="utf-8").write(text)
PYEOF

# Kotlin: a String holding a lone UTF-16 surrogate (a user's text cut in the middle of an emoji)
# made every call throw java.nio.charset.MalformedInputException, a checked IOException that is
# no P100Exception and that the Java face does not declare. It is now P100Exception.Validation,
# outcome NOT_SENT (nothing was sent; the converter does not know which field it was).
for kt in "$out/kotlin/io/p100/sdk/p100.kt" "$out/kotlin/io/p100/sdk/client/p100_mobile.kt"; do
python3 - "$kt" <<'PYEOF'
import sys

path = sys.argv[1]
text = open(path, encoding="utf-8").read()
old = """            onMalformedInput(CodingErrorAction.REPORT)
            encode(CharBuffer.wrap(value))"""
new = """            onMalformedInput(CodingErrorAction.REPORT)
            try {
                encode(CharBuffer.wrap(value))
            } catch (e: java.nio.charset.CharacterCodingException) {
                throw io.p100.sdk.P100Exception.Validation(
                    "a text is not valid Unicode: it holds a lone UTF-16 surrogate (an emoji cut in half?); nothing was sent",
                    null, null, null, null, false, null, null, false, null, null,
                    io.p100.sdk.Outcome.NOT_SENT, null,
                )
            }"""
if text.count(old) != 1:
    sys.exit(f"generate.sh: expected one String encoder in {path}")
open(path, "w", encoding="utf-8").write(text.replace(old, new))
PYEOF
done

# Swift and Kotlin: `WebhookEvent.name()` went through Rust, which lifts the whole event. An event
# the app built itself with an amount the core refuses (Swift's `Amount` is a `String`: "12,50")
# then stopped a Swift app (uniffi's `try!` on a function that cannot throw) and threw Kotlin's
# InternalException. The name is the case's: a `switch`/`when` over the cases, from the core's
# list of events (tests/operations.json, checked against the core), answers without Rust.
python3 - "$out/swift/p100_mobile.swift" "$out/kotlin/io/p100/sdk/client/p100_mobile.kt" \
  "$here/../tests/operations.json" <<'PYEOF'
import json
import re
import sys

swift_path, kotlin_path, manifest = sys.argv[1:4]
names = json.load(open(manifest, encoding="utf-8"))["webhookEvents"] + ["unknown"]

def camel(name, upper):
    words = name.split("_")
    first = words[0].capitalize() if upper else words[0]
    return first + "".join(w.capitalize() for w in words[1:])

def patch(path, pattern, body, case_check):
    text = open(path, encoding="utf-8").read()
    for n in names:
        if not re.search(case_check(n), text):
            sys.exit(f"generate.sh: no WebhookEvent case for the event {n!r} in {path}")
    text, count = re.subn(pattern, lambda m: m.group(1) + body, text, flags=re.S)
    if count != 1:
        sys.exit(f"generate.sh: expected one WebhookEvent.name() in {path}, found {count}")
    open(path, "w", encoding="utf-8").write(text)

swift_cases = "".join(f'    case .{camel(n, False)}: return "{n}"\n' for n in names)
patch(
    swift_path,
    r"(public func name\(\) -> String  \{\n)    return try!  FfiConverterString\.lift\(try! rustCall\(\) \{\n"
    r"        uniffiCallStatus in\n    uniffi_p100_mobile_fn_method_webhookevent_name\(.*?\n\}\)\n(?=\})",
    "    // The case's name, without a call into Rust (generate.sh).\n    switch self {\n"
    + swift_cases + "    }\n",
    lambda n: rf"\n    case {camel(n, False)}\(",
)
kotlin_cases = "".join(f'        is {camel(n, True)} -> "{n}"\n' for n in names)
patch(
    kotlin_path,
    r"(fun `name`\(\): kotlin\.String \{\n)            return FfiConverterString\.lift\(\n"
    r"    uniffiRustCall\(\) \{ _status ->\n    UniffiLib\.uniffi_p100_mobile_fn_method_webhookevent_name\(.*?\n\}\n    \)\n(?=    \})",
    "        // The case's name, without a call into Rust (generate.sh).\n        return when (this) {\n"
    + kotlin_cases + "        }\n",
    lambda n: rf"\n    data class {camel(n, True)}\(",
)
PYEOF

# Swift and Kotlin: `P100Error.details()` and its `description` / `toString()` went through Rust,
# which lifts the whole error. An error the app built itself (a test double) with a fingerprint
# whose amount the core refuses then stopped a Swift app (`try!`) and threw Kotlin's
# InternalException when printed. `details()` now reads the case's fields on the Swift/Kotlin
# side (a `switch`/`when` over the core's list of error kinds, tests/operations.json), and the
# message comes from the core's `errorMessage(reason, code, status, requestId)`, which is given
# only those four fields.
python3 - "$out/swift/p100.swift" "$out/kotlin/io/p100/sdk/p100.kt" \
  "$here/../tests/operations.json" <<'PYEOF'
import json
import re
import sys

swift_path, kotlin_path, manifest = sys.argv[1:4]
kinds = json.load(open(manifest, encoding="utf-8"))["errorKinds"]
fields = ["reason", "code", "errorName", "status", "requestId", "retryable", "retryAfterMs",
          "field", "accepted", "operation", "rawBody", "outcome", "fingerprint"]

def upper_camel(name):
    return "".join(w.capitalize() for w in name.split("_"))

def lower_camel(name):
    c = upper_camel(name)
    return c[0].lower() + c[1:]

def patch(path, pattern, body, what):
    text = open(path, encoding="utf-8").read()
    text, count = re.subn(pattern, lambda m: m.group(1) + body, text, flags=re.S)
    if count != 1:
        sys.exit(f"generate.sh: expected one P100Error {what} in {path}, found {count}")
    open(path, "w", encoding="utf-8").write(text)

def require_cases(path, case):
    text = open(path, encoding="utf-8").read()
    for k in kinds:
        if not re.search(case(k), text):
            sys.exit(f"generate.sh: no P100Error case for the error kind {k!r} in {path}")

bound = ", ".join(fields)
labelled = ", ".join(f"{f}: {f}" for f in fields)
swift_cases = "".join(
    f"    case let .{upper_camel(k)}({bound}):\n"
    f"        return P100ErrorDetails(kind: .{lower_camel(k)}, {labelled})\n"
    for k in kinds
)
require_cases(swift_path, lambda k: rf"\n    case {upper_camel(k)}\(")
patch(
    swift_path,
    r"(public func details\(\) -> P100ErrorDetails  \{\n)    return try!  FfiConverterTypeP100ErrorDetails_lift\(.*?\n\}\)\n(?=\})",
    "    // The case's fields, read without a call into Rust (generate.sh).\n    switch self {\n"
    + swift_cases + "    }\n",
    "details()",
)
patch(
    swift_path,
    r"(public var description: String \{\n)    return try!  FfiConverterString\.lift\(\n        try! rustCall\(\) \{\n"
    r"        uniffiCallStatus in\n    uniffi_p100_fn_method_p100error_uniffi_trait_display\(.*?\n\}\n    \)\n(?=\})",
    "    // The core's message from the four fields it shows (generate.sh).\n"
    "    let d = details()\n"
    "    return errorMessage(reason: d.reason, code: d.code, status: d.status, requestId: d.requestId)\n",
    "description",
)

kotlin_cases = "".join(
    f"            is {upper_camel(k)} -> P100ErrorDetails(ErrorKind.{k.upper()}, {bound})\n"
    for k in kinds
)
require_cases(kotlin_path, lambda k: rf"\n    class {upper_camel(k)}\(")
patch(
    kotlin_path,
    r"(fun `details`\(\): P100ErrorDetails \{\n)            return FfiConverterTypeP100ErrorDetails\.lift\(\n"
    r"    uniffiRustCall\(\) \{ _status ->\n    UniffiLib\.uniffi_p100_fn_method_p100error_details\(.*?\n\}\n    \)\n(?=    \})",
    "        // The case's fields, read without a call into Rust (generate.sh).\n        return when (this) {\n"
    + kotlin_cases + "        }\n",
    "details()",
)
patch(
    kotlin_path,
    r"(override fun toString\(\): String \{\n)        return FfiConverterString\.lift\(\n"
    r"    uniffiRustCall\(\) \{ _status ->\n    UniffiLib\.uniffi_p100_fn_method_p100error_uniffi_trait_display\(.*?\n\}\n    \)\n(?=    \})",
    "        // The core's message from the four fields it shows (generate.sh).\n"
    "        val d = details()\n"
    "        return errorMessage(d.reason, d.code, d.status, d.requestId)\n",
    "toString()",
)
PYEOF

# Kotlin: `Client(…).use { withTimeout { … } }` closes the client before the `catch` outside it
# runs, and a closed client's `takeCancelled()` threw IllegalStateException: the kept money call
# was out of reach (outside review, stop 40). `destroy()` (which `close()` and uniffi's own `use`
# call) now keeps the list first (`cancelledCalls()`, an object of its own that outlives the
# client), and `takeCancelled()` reads it once the client is closed, also when another thread
# closed it meanwhile.
python3 - "$out/kotlin/io/p100/sdk/client/p100_mobile.kt" <<'PYEOF'
import re
import sys

path = sys.argv[1]
text = open(path, encoding="utf-8").read()
start = text.find("\nopen class Client: Disposable, AutoCloseable, ClientInterface")
if start < 0:
    sys.exit(f"generate.sh: no class Client in {path}")
destroy = """    override fun destroy() {
        // Only allow a single call to this method.
"""
at = text.find(destroy, start)
if at < 0:
    sys.exit(f"generate.sh: no destroy() in class Client of {path}")
text = text[:at] + """    // Kept by destroy(): takeCancelled() still answers once the client is closed (generate.sh).
    @Volatile
    private var cancelledAfterClose: CancelledCalls? = null

    override fun destroy() {
        if (!wasDestroyed.get() && cancelledAfterClose == null) {
            cancelledAfterClose = runCatching { cancelledCalls() }.getOrNull()
            // The groups taken from it refuse their calls from now on.
            runCatching { closeGroups() }
        }
        // Only allow a single call to this method.
""" + text[at + len(destroy):]
pattern = re.compile(
    r"(override fun `takeCancelled`\(\): List<P100Exception> \{\n)"
    r"            return FfiConverterSequenceTypeP100Error\.lift\(\n    callWithHandle \{\n"
    r"    uniffiRustCall\(\) \{ _status ->\n    UniffiLib\.uniffi_p100_mobile_fn_method_client_take_cancelled\(\n"
    r"        it,\n        _status\)\n\}\n    \}\n    \)\n(?=    \})"
)
body = """        // Once closed, the list destroy() kept (generate.sh).
        cancelledAfterClose?.let { if (wasDestroyed.get()) return it.take() }
        return try {
            FfiConverterSequenceTypeP100Error.lift(
                callWithHandle {
                    uniffiRustCall() { _status ->
                        UniffiLib.uniffi_p100_mobile_fn_method_client_take_cancelled(it, _status)
                    }
                },
            )
        } catch (e: IllegalStateException) {
            // Closed by another thread meanwhile.
            cancelledAfterClose?.take() ?: throw e
        }
"""
text, count = pattern.subn(lambda m: m.group(1) + body, text)
if count != 1:
    sys.exit(f"generate.sh: expected one takeCancelled() body in {path}, found {count}")
open(path, "w", encoding="utf-8").write(text)
PYEOF

# Kotlin: uniffi's async glue polls the Rust future once even from a coroutine that is already
# cancelled (`suspendCancellableCoroutine` runs its block first): a money call could leave after
# its caller was cancelled (outside review, stop 43). Checked first, the future freed unpolled.
# And a coroutine cancelled while the last poll finished the call lost that call's result (its
# READY was dropped by the cancellation, then the future freed): the glue now asks the future,
# and a finished call hands over its result or error, as Swift's glue does; one still running
# is dropped as before (the core keeps it for takeCancelled() if its request had left).
python3 - "$out/kotlin/io/p100/sdk/client/p100_mobile.kt" "$root/tests/operations.json" <<'PYEOF'
import sys

path = sys.argv[1]
text = open(path, encoding="utf-8").read()

def once(old, new):
    global text
    if text.count(old) != 1:
        sys.exit(f"generate.sh: expected one {old.splitlines()[0]!r} in {path}")
    text = text.replace(old, new)

once("""    errorHandler: UniffiRustCallStatusErrorHandler<E>
): T {
    try {
        do {""", """    errorHandler: UniffiRustCallStatusErrorHandler<E>,
    keep: ((T) -> Unit)? = null,
): T {
    // Cancelled before it started: never polled, so nothing is sent (generate.sh).
    if (kotlinx.coroutines.currentCoroutineContext()[Job]?.isActive == false) {
        freeFunc(rustFuture)
        // The coroutine's own cancellation (withTimeout's TimeoutCancellationException).
        kotlinx.coroutines.currentCoroutineContext().ensureActive()
        throw kotlinx.coroutines.CancellationException(
            "the coroutine was cancelled before the call started: nothing was sent",
        )
    }
    try {
        do {""")
once("""            val pollResult = suspendCancellableCoroutine<Byte> { continuation ->
                pollFunc(
                    rustFuture,
                    uniffiRustFutureContinuationCallbackImpl,
                    uniffiContinuationHandleMap.insert(continuation)
                )
            }
        } while (pollResult != UNIFFI_RUST_FUTURE_POLL_READY);""", """            val pollResult = try {
                suspendCancellableCoroutine<Byte> { continuation ->
                    pollFunc(
                        rustFuture,
                        uniffiRustFutureContinuationCallbackImpl,
                        uniffiContinuationHandleMap.insert(continuation)
                    )
                }
            } catch (cancelled: kotlinx.coroutines.CancellationException) {
                // Cancelled: a call that had finished (its READY lost to the cancellation) throws
                // its error, which reaches the caller; its result, which the cancelled coroutine
                // would drop (withTimeout, async), is kept for takeCancelled() when the call
                // changes something (`keep`), and the cancellation goes on; a read hands it over.
                // One still running is dropped, and the core keeps it for takeCancelled() if its
                // request had left (generate.sh).
                val status = UniffiRustCallStatus()
                val value = completeFunc(rustFuture, status)
                if (status.code == UNIFFI_CALL_CANCELLED) throw cancelled
                uniffiCheckCallStatus(errorHandler, status)
                val lifted = liftFunc(value)
                // (A keep that failed, its group destroyed meanwhile: handed over instead.)
                if (keep != null && runCatching { keep(lifted) }.isSuccess) throw cancelled
                return lifted
            }
        } while (pollResult != UNIFFI_RUST_FUTURE_POLL_READY);""")
once("""        return liftFunc(
            uniffiRustCallWithError(errorHandler, { status -> completeFunc(rustFuture, status) })
        )""", """        val lifted = liftFunc(
            uniffiRustCallWithError(errorHandler, { status -> completeFunc(rustFuture, status) })
        )
        // Cancelled while its result was read: kept the same way (generate.sh).
        if (kotlinx.coroutines.currentCoroutineContext()[Job]?.isActive == false &&
            keep != null && runCatching { keep(lifted) }.isSuccess
        ) {
            kotlinx.coroutines.currentCoroutineContext().ensureActive()
            throw kotlinx.coroutines.CancellationException(
                "the call finished while its coroutine was cancelled: kept for takeCancelled()",
            )
        }
        return lifted""")
once("""import kotlinx.coroutines.Job
""", """import kotlinx.coroutines.Job
import kotlinx.coroutines.ensureActive
""")
once("""// Public interface members begin here.
""", """// The JSON of a call's result (its `toJson()`), for takeCancelled(), which keeps its ids and
// status only; null when it has none (generate.sh).
internal fun uniffiJsonOf(value: Any?): String? =
    try {
        value?.javaClass?.getMethod("toJson")?.invoke(value) as? String
    } catch (e: Exception) {
        null
    }

// Public interface members begin here.
""")
# Every group method of an operation that changes something passes `keep`: the manifest says
# which (generate.sh).
import json, re
manifest = json.load(open(sys.argv[2], encoding="utf-8"))
for op in manifest["operations"]:
    if op["method"] == "GET":
        continue
    fn = f"UniffiLib.uniffi_p100_mobile_fn_method_{op['group'].replace('_', '')}_{op['name']}("
    at = text.find(fn)
    if at < 0 or text.find(fn, at + 1) >= 0:
        sys.exit(f"generate.sh: expected one call of {fn} in {path}")
    end = "        P100ExceptionExternalErrorHandler,\n    )"
    close = text.find(end, at)
    if close < 0:
        sys.exit(f"generate.sh: no error handler after {fn} in {path}")
    keep = f'        {{ this.keepUndelivered("{op["operation"]}", uniffiJsonOf(it)) }},\n'
    at = close + len("        P100ExceptionExternalErrorHandler,\n")
    text = text[:at] + keep + text[at:]
# The escape hatch too, unless its method only reads; through the list destroy() kept once the
# client is closed (review of this stop's fixes).
fn = "UniffiLib.uniffi_p100_mobile_fn_method_client_request("
at = text.find(fn)
close = text.find("        P100ExceptionExternalErrorHandler,\n    )", at)
if at < 0 or close < 0:
    sys.exit(f"generate.sh: no call of {fn} in {path}")
at = close + len("        P100ExceptionExternalErrorHandler,\n")
keep = """        if (`method`.equals("GET", ignoreCase = true)) null else { v: kotlin.String -> (cancelledAfterClose ?: cancelledCalls()).keepUndeliveredRequest(`method`, v) },\n"""
text = text[:at] + keep + text[at:]
once("""internal const val UNIFFI_CALL_UNEXPECTED_ERROR = 2.toByte()
""", """internal const val UNIFFI_CALL_UNEXPECTED_ERROR = 2.toByte()
// What `rust_future_complete` says of a future that had not finished (generate.sh).
internal const val UNIFFI_CALL_CANCELLED = 3.toByte()
""")
open(path, "w", encoding="utf-8").write(text)
PYEOF

# Swift: uniffi's async glue ignores `Task.cancel()` (the call ran to its end, retries and
# `waitFor` polls included) and stops the app (`fatalError`) on a cancelled future. Patched
# here: a cancelled task cancels the Rust future (`rust_future_cancel`), which then drops the
# call, as a cancelled Kotlin coroutine does (a call whose request had left is kept by the core
# for `takeCancelled()`), and the caller gets `CancellationError`. A call that had finished
# keeps its result. A lock keeps the cancel from reaching a future already freed.
python3 - "$out/swift/p100_mobile.swift" <<'PYEOF'
import re
import sys

path = sys.argv[1]
text = open(path, encoding="utf-8").read()

def once(old, new):
    global text
    if text.count(old) != 1:
        sys.exit(f"generate.sh: expected one {old.splitlines()[0]!r} in the Swift glue")
    text = text.replace(old, new)

once(
    """    case CALL_CANCELLED:
            fatalError("Cancellation not supported yet")""",
    """    case CALL_CANCELLED:
            throw CancellationError()""",
)
start = text.index("fileprivate func uniffiRustCallAsync<F, T>(")
end = text.index("// Callback handlers for an async calls.", start)
text = text[:start] + """/// The Rust future of one call, freed once; `cancel()` after that does nothing.
fileprivate final class UniffiFutureGuard: @unchecked Sendable {
    private let lock = NSLock()
    private var freed = false
    let handle: UInt64
    private let cancelFunc: (UInt64) -> ()
    private let freeFunc: (UInt64) -> ()

    init(_ handle: UInt64, cancelFunc: @escaping (UInt64) -> (), freeFunc: @escaping (UInt64) -> ()) {
        self.handle = handle
        self.cancelFunc = cancelFunc
        self.freeFunc = freeFunc
    }

    /// Runs Rust's cancel under the lock: it may resume the awaiting continuation from here, which
    /// only schedules the task (that task takes this lock in `free()` after this returns).
    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        if !freed { cancelFunc(handle) }
    }

    func free() {
        lock.lock()
        defer { lock.unlock() }
        if !freed {
            freed = true
            freeFunc(handle)
        }
    }
}

fileprivate func uniffiRustCallAsync<F, T>(
    rustFutureFunc: () -> UInt64,
    pollFunc: (UInt64, @escaping UniffiRustFutureContinuationCallback, UInt64) -> (),
    completeFunc: (UInt64, UnsafeMutablePointer<RustCallStatus>) -> F,
    freeFunc: @escaping (UInt64) -> (),
    cancelFunc: @escaping (UInt64) -> (),
    liftFunc: (F) throws -> T,
    errorHandler: ((RustBuffer) throws -> Swift.Error)?
) async throws -> T {
    // Make sure to call the ensure init function since future creation doesn't have a
    // RustCallStatus param, so doesn't use makeRustCall()
    uniffiEnsureP100MobileInitialized()
    let future = UniffiFutureGuard(rustFutureFunc(), cancelFunc: cancelFunc, freeFunc: freeFunc)
    defer {
        future.free()
    }
    await withTaskCancellationHandler {
        var pollResult: Int8
        repeat {
            pollResult = await withUnsafeContinuation {
                pollFunc(
                    future.handle,
                    { handle, pollResult in
                        uniffiFutureContinuationCallback(handle: handle, pollResult: pollResult)
                    },
                    uniffiContinuationHandleMap.insert(obj: $0)
                )
            }
        } while pollResult != UNIFFI_RUST_FUTURE_POLL_READY
    } onCancel: {
        future.cancel()
    }

    return try liftFunc(makeRustCall(
        { completeFunc(future.handle, $0) },
        errorHandler: errorHandler
    ))
}

""" + text[end:]
calls = re.compile(r"(\n(\s*)freeFunc: (ffi_p100_mobile_rust_future_free_(\w+)),)")
text, n = calls.subn(lambda m: f"{m.group(1)}\n{m.group(2)}cancelFunc: ffi_p100_mobile_rust_future_cancel_{m.group(4)},", text)
if n < 50:
    sys.exit(f"generate.sh: expected a cancelFunc per async call in the Swift glue, patched {n}")
if "import Foundation" not in text:
    sys.exit("generate.sh: the Swift glue no longer imports Foundation (NSLock)")
open(path, "w", encoding="utf-8").write(text)
PYEOF

# generated file -> checked-in location
pairs=(
  "kotlin/io/p100/sdk/p100.kt:kotlin/src/main/kotlin/io/p100/sdk/p100.kt"
  "kotlin/io/p100/sdk/client/p100_mobile.kt:kotlin/src/main/kotlin/io/p100/sdk/client/p100_mobile.kt"
  "swift/p100.swift:swift/Sources/P100/p100.swift"
  "swift/p100_mobile.swift:swift/Sources/P100/p100_mobile.swift"
  "swift/p100FFI.h:swift/Headers/P100FFI/p100FFI.h"
  "swift/p100_mobileFFI.h:swift/Headers/P100FFI/p100_mobileFFI.h"
  "swift/module.modulemap:swift/Headers/P100FFI/module.modulemap"
)

# Nothing else may come out of the generator unnoticed.
expected=$(printf '%s\n' "${pairs[@]}" | cut -d: -f1 | sort)
actual=$(cd "$out" && find kotlin swift -type f | sort)
if [ "$expected" != "$actual" ]; then
  echo "generate.sh: the generator produced an unexpected set of files:" >&2
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  exit 1
fi

# Copies $1 to $2 unless $2 already has the same bytes (keeps its time: no needless rebuilds).
sync_file() {
  cmp -s "$1" "$2" 2>/dev/null && return 0
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
}

if [ -n "$testing" ]; then
  # The libraries of this build (the next build without the feature replaces target/debug's).
  for f in "$lib" "$target_dir/debug/libp100_mobile.a"; do
    [ -f "$f" ] && sync_file "$f" "$testing/lib/$(basename "$f")"
  done
  for f in io/p100/sdk/p100.kt io/p100/sdk/client/p100_mobile.kt; do
    sync_file "$out/kotlin/$f" "$testing/kotlin/$f"
  done
  # The Swift package: the hand-written files as checked in, the generated ones of this build.
  pkg="$testing/swift"
  (cd "$here/swift" && find Package.swift Linux Sources Tests -type f) | while read -r f; do
    case "$f" in
      Sources/P100/p100.swift | Sources/P100/p100_mobile.swift) ;;
      *) sync_file "$here/swift/$f" "$pkg/$f" ;;
    esac
  done
  for pair in "${pairs[@]}"; do
    case "${pair##*:}" in
      swift/*) sync_file "$out/${pair%%:*}" "$pkg/${pair##*:swift/}" ;;
    esac
  done
  echo "generated (feature testing): $testing/{lib,kotlin,swift}"
  exit 0
fi

status=0
for pair in "${pairs[@]}"; do
  src="$out/${pair%%:*}"
  dst="$here/${pair##*:}"
  if [ "$check" = 1 ]; then
    if ! cmp -s "$src" "$dst"; then
      echo "generate.sh --check: ${pair##*:} is out of date; run bindings-mobile/generate.sh" >&2
      diff -u "$dst" "$src" 2>&1 | head -40 >&2 || true
      status=1
    fi
  else
    mkdir -p "$(dirname "$dst")"
    cp "$src" "$dst"
  fi
done

if [ "$check" = 1 ]; then
  [ "$status" = 0 ] && echo "generated Swift and Kotlin sources are up to date"
  exit "$status"
fi
echo "generated: ${#pairs[@]} files under bindings-mobile/kotlin and bindings-mobile/swift"
