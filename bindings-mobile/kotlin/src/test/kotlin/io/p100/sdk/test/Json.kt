package io.p100.sdk.test

import java.math.BigDecimal

/**
 * A minimal JSON reader and writer for the tests (the JVM has none built in).
 *
 * Values are `null`, [Boolean], [BigDecimal] (every number, exactly as written), [String],
 * [List] and [Map] (insertion order kept).
 */
object Json {
    fun parse(text: String): Any? {
        val p = Parser(text)
        p.skipWs()
        val v = p.value()
        p.skipWs()
        if (p.pos != text.length) p.fail("trailing characters")
        return v
    }

    fun write(value: Any?): String = StringBuilder().also { write(value, it) }.toString()

    private fun write(
        v: Any?,
        out: StringBuilder,
    ) {
        when (v) {
            null -> {
                out.append("null")
            }

            is Boolean -> {
                out.append(v)
            }

            is BigDecimal -> {
                out.append(v.toPlainString())
            }

            is Int, is Long -> {
                out.append(v.toString())
            }

            is Number -> {
                out.append(BigDecimal(v.toString()).toPlainString())
            }

            is String -> {
                quote(v, out)
            }

            is Map<*, *> -> {
                out.append('{')
                var first = true
                for ((k, x) in v) {
                    if (!first) out.append(',')
                    first = false
                    quote(k.toString(), out)
                    out.append(':')
                    write(x, out)
                }
                out.append('}')
            }

            is List<*> -> {
                out.append('[')
                v.forEachIndexed { i, x ->
                    if (i > 0) out.append(',')
                    write(x, out)
                }
                out.append(']')
            }

            else -> {
                quote(v.toString(), out)
            }
        }
    }

    private fun quote(
        s: String,
        out: StringBuilder,
    ) {
        out.append('"')
        for (c in s) {
            when (c) {
                '"' -> {
                    out.append("\\\"")
                }

                '\\' -> {
                    out.append("\\\\")
                }

                '\n' -> {
                    out.append("\\n")
                }

                '\r' -> {
                    out.append("\\r")
                }

                '\t' -> {
                    out.append("\\t")
                }

                else -> {
                    if (c < ' ') {
                        out.append(String.format("\\u%04x", c.code))
                    } else {
                        out.append(c)
                    }
                }
            }
        }
        out.append('"')
    }

    private class Parser(
        val s: String,
    ) {
        var pos = 0

        fun fail(msg: String): Nothing = throw IllegalArgumentException("JSON: $msg at offset $pos")

        fun skipWs() {
            while (pos < s.length && s[pos].isWhitespace()) pos++
        }

        fun value(): Any? {
            if (pos >= s.length) fail("unexpected end")
            return when (val c = s[pos]) {
                '{' -> obj()
                '[' -> arr()
                '"' -> str()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> if (c == '-' || c.isDigit()) num() else fail("unexpected '$c'")
            }
        }

        fun word(
            w: String,
            v: Any?,
        ): Any? {
            if (!s.startsWith(w, pos)) fail("expected $w")
            pos += w.length
            return v
        }

        fun num(): BigDecimal {
            val start = pos
            while (pos < s.length && (s[pos].isDigit() || s[pos] in "+-.eE")) pos++
            return BigDecimal(s.substring(start, pos))
        }

        fun str(): String {
            pos++ // opening quote
            val sb = StringBuilder()
            while (true) {
                if (pos >= s.length) fail("unterminated string")
                val c = s[pos++]
                when (c) {
                    '"' -> {
                        return sb.toString()
                    }

                    '\\' -> {
                        val e = s[pos++]
                        when (e) {
                            '"', '\\', '/' -> {
                                sb.append(e)
                            }

                            'b' -> {
                                sb.append('\b')
                            }

                            'f' -> {
                                sb.append('\u000C')
                            }

                            'n' -> {
                                sb.append('\n')
                            }

                            'r' -> {
                                sb.append('\r')
                            }

                            't' -> {
                                sb.append('\t')
                            }

                            'u' -> {
                                sb.append(s.substring(pos, pos + 4).toInt(16).toChar())
                                pos += 4
                            }

                            else -> {
                                fail("bad escape")
                            }
                        }
                    }

                    else -> {
                        sb.append(c)
                    }
                }
            }
        }

        fun obj(): Map<String, Any?> {
            pos++
            val m = LinkedHashMap<String, Any?>()
            skipWs()
            if (s[pos] == '}') {
                pos++
                return m
            }
            while (true) {
                skipWs()
                if (s[pos] != '"') fail("expected a key")
                val k = str()
                skipWs()
                if (s[pos++] != ':') fail("expected ':'")
                skipWs()
                m[k] = value()
                skipWs()
                when (s[pos++]) {
                    ',' -> continue
                    '}' -> return m
                    else -> fail("expected ',' or '}'")
                }
            }
        }

        fun arr(): List<Any?> {
            pos++
            val l = ArrayList<Any?>()
            skipWs()
            if (s[pos] == ']') {
                pos++
                return l
            }
            while (true) {
                skipWs()
                l.add(value())
                skipWs()
                when (s[pos++]) {
                    ',' -> continue
                    ']' -> return l
                    else -> fail("expected ',' or ']'")
                }
            }
        }
    }
}
