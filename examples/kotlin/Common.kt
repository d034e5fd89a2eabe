package io.p100.examples

import io.p100.sdk.client.Client

/**
 * The client every example uses: P100_API_KEY and P100_BASE_URL from the environment
 * (bindings-mobile/test.sh points them at a local sandbox; for staging use
 * https://partner-api-stage.p100.io).
 */
fun clientFromEnv(): Client =
    Client(
        apiKey = System.getenv("P100_API_KEY") ?: error("set P100_API_KEY"),
        baseUrl = System.getenv("P100_BASE_URL") ?: "https://partner-api-stage.p100.io",
    )

/** A user id no other run uses. */
fun freshUserId(prefix: String): String = "$prefix-${System.currentTimeMillis().toString(36)}"
