package io.p100.sdk.test

import io.p100.sdk.Secret
import java.math.BigDecimal
import kotlin.reflect.KClass
import kotlin.reflect.KParameter
import kotlin.reflect.KType
import kotlin.reflect.full.primaryConstructor

/**
 * Builds the SDK's request records from scenario JSON (wire names are the Kotlin property
 * names: both are the camelCase of the Rust field names), with Kotlin reflection.
 *
 * Amounts become `BigDecimal`s, secrets `Secret`s, string enums the case whose wire text
 * (`toString()`, the Rust `Display`) matches in any case — or `Unknown(text)`.
 */
object Records {
    inline fun <reified T : Any> of(input: Map<String, Any?>): T = build(T::class, input)

    fun <T : Any> build(
        cls: KClass<T>,
        input: Map<String, Any?>,
    ): T {
        val ctor = cls.primaryConstructor ?: error("${cls.simpleName} has no primary constructor")
        val args = HashMap<KParameter, Any?>()
        for (p in ctor.parameters) {
            val name = p.name ?: continue
            when {
                input.containsKey(name) -> {
                    args[p] = convert(p.type, input[name], "${cls.simpleName}.$name")
                }

                p.isOptional -> {}

                p.type.isMarkedNullable -> {
                    args[p] = null
                }

                else -> {
                    error("scenario input lacks $name for ${cls.simpleName}: ${Json.write(input)}")
                }
            }
        }
        return ctor.callBy(args)
    }

    private fun text(v: Any?): String =
        when (v) {
            is String -> v
            is BigDecimal -> v.toPlainString()
            else -> v.toString()
        }

    private fun number(v: Any?): BigDecimal =
        when (v) {
            is BigDecimal -> v
            is String -> BigDecimal(v)
            else -> error("not a number: $v")
        }

    fun convert(
        type: KType,
        v: Any?,
        where: String,
    ): Any? {
        if (v == null) {
            if (type.isMarkedNullable) return null
            error("null for the non-null $where")
        }
        val cls = type.classifier as? KClass<*> ?: error("unsupported type $type at $where")
        return when {
            cls == String::class -> {
                text(v)
            }

            cls == BigDecimal::class -> {
                number(v)
            }

            cls == Secret::class -> {
                Secret(text(v))
            }

            cls == Boolean::class -> {
                v as? Boolean ?: text(v).toBooleanStrict()
            }

            cls == Int::class -> {
                number(v).intValueExact()
            }

            cls == Long::class -> {
                number(v).longValueExact()
            }

            cls == UInt::class -> {
                number(v).longValueExact().toUInt()
            }

            cls == ULong::class -> {
                number(v).toBigIntegerExact().toLong().toULong()
            }

            cls == UShort::class -> {
                number(v).intValueExact().toUShort()
            }

            cls == UByte::class -> {
                number(v).intValueExact().toUByte()
            }

            cls == ByteArray::class -> {
                text(v).toByteArray()
            }

            cls == List::class -> {
                val item = type.arguments[0].type!!
                (v as List<*>).map { convert(item, it, "$where[]") }
            }

            cls == Map::class -> {
                val value = type.arguments[1].type!!
                (v as Map<*, *>).entries.associate { (k, x) -> k.toString() to convert(value, x, "$where.$k") }
            }

            cls.isSealed -> {
                stringEnum(cls, text(v), where)
            }

            cls.java.isEnum -> {
                cls.java.enumConstants.first { it.toString().equals(text(v), ignoreCase = true) }
            }

            cls.isData && cls.isInstance(v) -> {
                v
            }

            cls.isData -> {
                @Suppress("UNCHECKED_CAST")
                build(cls as KClass<Any>, v as Map<String, Any?>)
            }

            else -> {
                error("unsupported type ${cls.simpleName} at $where")
            }
        }
    }

    /** A uniffi string enum (sealed class): the case whose wire text matches, else `Unknown`. */
    private fun stringEnum(
        cls: KClass<*>,
        wire: String,
        where: String,
    ): Any {
        val subclasses = cls.sealedSubclasses
        for (sub in subclasses) {
            val obj = sub.objectInstance ?: continue
            if (obj.toString().equals(wire.trim(), ignoreCase = true)) return obj
        }
        val unknown =
            subclasses.firstOrNull { it.simpleName == "Unknown" }
                ?: error("${cls.simpleName} has no case $wire at $where")
        return unknown.primaryConstructor!!.call(wire)
    }
}
