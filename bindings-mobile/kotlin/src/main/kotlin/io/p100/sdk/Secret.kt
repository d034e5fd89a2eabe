package io.p100.sdk

/**
 * A secret text: card number, CVV, PIN, document number, date of birth, API key, raw webhook body.
 *
 * `toString()` never shows the value (it is `Secret([REDACTED])`), so a model printed in a log
 * — a data class prints all of its fields — never leaks one. Read the value with [reveal], and
 * only where it is needed (a secure card screen, the request that sends it).
 *
 * Two secrets are equal when their values are; the hash code does not depend on the value.
 * The field is `transient`: serializers that read fields by reflection (Gson) write a `Secret`
 * without its value. It is not `java.io.Serializable`: Java serialization refuses it.
 */
class Secret(
    @Transient private val value: String,
) {
    /** The secret text. Take care where it goes. */
    fun reveal(): String = value

    /** True when the secret is empty. */
    fun isEmpty(): Boolean = value.isEmpty()

    override fun toString(): String = "Secret([REDACTED])"

    override fun equals(other: Any?): Boolean = other is Secret && other.value == value

    override fun hashCode(): Int = Secret::class.hashCode()
}
