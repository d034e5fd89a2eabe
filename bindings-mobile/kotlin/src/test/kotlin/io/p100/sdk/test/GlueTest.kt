package io.p100.sdk.test

import io.p100.sdk.client.RustBuffer
import io.p100.sdk.client.UNIFFI_RUST_FUTURE_POLL_READY
import io.p100.sdk.client.UNIFFI_RUST_FUTURE_POLL_WAKE
import io.p100.sdk.client.UniffiRustCallStatusErrorHandler
import io.p100.sdk.client.uniffiRustCallAsync
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout

/*
 * The patched async glue of the generated Kotlin (generate.sh), driven with stand-ins for the
 * Rust future's functions, so that a coroutine is cancelled in the very instant its call
 * finishes: inside the last poll, before the READY it delivers is read. The test class path sees
 * the glue's internals (test.sh compiles the tests with -Xfriend-paths).
 */

/** What one run of the glue did: its result (or the exception's class) and the calls it made. */
private data class GlueRun(
    val result: String,
    val completes: Int,
    val frees: Int,
)

private object TestErrorHandler : UniffiRustCallStatusErrorHandler<IllegalStateException> {
    override fun lift(error_buf: RustBuffer.ByValue) = IllegalStateException("the call failed")
}

/** Runs the glue for a future whose last poll sees its coroutine cancelled; `complete` plays
 *  `rust_future_complete` (status code: 0 finished, 1 finished with an error, 3 still running). */
private suspend fun cancelledDuringLastPoll(
    completeCode: Byte,
    kept: MutableList<String>? = null,
): GlueRun {
    var completes = 0
    var frees = 0
    var result = "nothing"
    lateinit var job: Job
    job =
        CoroutineScope(Dispatchers.Default).launch(start = CoroutineStart.LAZY) {
            result =
                try {
                    uniffiRustCallAsync(
                        7L,
                        { _, callback, data ->
                            // The call finishes in the instant its coroutine is cancelled.
                            job.cancel()
                            callback.callback(data, UNIFFI_RUST_FUTURE_POLL_READY)
                        },
                        { _, status ->
                            completes++
                            status.code = completeCode
                            "the transfer's result"
                        },
                        { frees++ },
                        { it },
                        TestErrorHandler,
                        kept?.let { list -> { value: String -> list.add(value) } },
                    )
                } catch (e: CancellationException) {
                    "CancellationException"
                } catch (e: IllegalStateException) {
                    e.message ?: "IllegalStateException"
                }
        }
    job.start()
    job.join()
    return GlueRun(result, completes, frees)
}

/** The same inside `withTimeout(100)`, as a real call goes: the first poll is pending (woken
 *  20 ms later from another thread), and the timeout fires while the last poll runs (300 ms). */
private suspend fun timedOutDuringLastPoll(
    completeCode: Byte,
    kept: MutableList<String>? = null,
): String =
    try {
        var polls = 0
        withTimeout(100) {
            uniffiRustCallAsync(
                8L,
                { _, callback, data ->
                    if (++polls == 1) {
                        Thread {
                            Thread.sleep(20)
                            callback.callback(data, UNIFFI_RUST_FUTURE_POLL_WAKE)
                        }.start()
                    } else {
                        Thread.sleep(300)
                        callback.callback(data, UNIFFI_RUST_FUTURE_POLL_READY)
                    }
                },
                { _, status ->
                    status.code = completeCode
                    "the transfer's result"
                },
                { },
                { it },
                TestErrorHandler,
                kept?.let { list -> { value: String -> list.add(value) } },
            )
        }
    } catch (e: TimeoutCancellationException) {
        "TimeoutCancellationException"
    } catch (e: IllegalStateException) {
        e.message ?: "IllegalStateException"
    }

/** The glue's tests, registered with the suite's `test(name, body)`. */
fun defineGlueTests(test: (String, suspend () -> Unit) -> Unit) {
    test("glue: a call that finishes in the instant its coroutine is cancelled hands over its result (was lost)") {
        assertEq(cancelledDuringLastPoll(0), GlueRun("the transfer's result", 1, 1), "finished")
        assertEq(cancelledDuringLastPoll(1), GlueRun("the call failed", 1, 1), "finished with an error")
        // Still running: cancelled as before, the future freed (the core keeps a call whose
        // request had left, see "a money call cancelled while out is kept").
        assertEq(cancelledDuringLastPoll(3), GlueRun("CancellationException", 1, 1), "still running")
        // As the README says: withTimeout itself drops its block's value once its timeout has
        // fired (kotlinx.coroutines), but an error thrown in the block reaches the caller.
        assertEq(timedOutDuringLastPoll(0), "TimeoutCancellationException", "withTimeout, finished")
        assertEq(timedOutDuringLastPoll(1), "the call failed", "withTimeout, finished with an error")
    }

    test("glue: a call that changes something and finishes as its coroutine is cancelled is kept, not dropped") {
        // Outside review (stop 46): withTimeout dropped the value of a transfer that had
        // happened, and takeCancelled() was empty (14 of 2,000 racing transfers). With `keep`
        // (every operation that changes something), the value goes to takeCancelled() and the
        // cancellation goes on.
        val kept = ArrayList<String>()
        assertEq(cancelledDuringLastPoll(0, kept), GlueRun("CancellationException", 1, 1), "finished")
        assertEq(kept, listOf("the transfer's result"), "kept once")
        kept.clear()
        assertEq(timedOutDuringLastPoll(0, kept), "TimeoutCancellationException", "withTimeout, finished")
        assertEq(kept, listOf("the transfer's result"), "kept by withTimeout")
        kept.clear()
        // An error still reaches the caller (withTimeout throws it), and nothing is kept by the glue.
        assertEq(cancelledDuringLastPoll(1, kept), GlueRun("the call failed", 1, 1), "error")
        assertEq(timedOutDuringLastPoll(1, kept), "the call failed", "withTimeout, error")
        // Still running: the core's business (kept if its request had left).
        assertEq(cancelledDuringLastPoll(3, kept), GlueRun("CancellationException", 1, 1), "running")
        assertEq(kept, emptyList<String>(), "nothing kept by the glue")
    }
}
