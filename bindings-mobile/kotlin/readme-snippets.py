#!/usr/bin/env python3
"""Copies every ```kotlin block of the repository's Markdown files into
src/test/kotlin/io/p100/sdk/test/ReadmeSnippets.kt, each as a function, so that test.sh's
`kotlinc -Werror` of the Kotlin tests compiles them: a README example that no longer compiles
against the SDK fails CI. (The Kotlin twin of bindings-mobile/swift/readme-snippets.py.)

    bindings-mobile/kotlin/readme-snippets.py          rewrite the file
    bindings-mobile/kotlin/readme-snippets.py --check  fail if the file is out of date (CI)

How a block becomes Kotlin of the test build:
  - a fragment (statements) becomes the body of `suspend fun readmeSnippetN(...)`; the names of
    FREE that it uses without declaring them become its parameters (`client: Client`...);
  - a block that declares a top-level function (a whole file with `fun main`, or a test with
    `@Test fun ...`) keeps it, renamed readmeSnippetN; its `import` lines join the file's imports
    (and it must import itself every name of IMPORTS it uses, as its reader has to); `@Test` is
    dropped: JUnit is not on the class path of the test build (kotlinc ships kotlin-test, whose
    asserts test.sh puts there, but not JUnit, which `kotlin.test.Test` stands for on the JVM);
  - a block that is not Kotlin source of the SDK (a Gradle build script: `plugins {`,
    `android {`, `dependencies {`...) is skipped, and named as skipped in the file's header.
The file imports the SDK's two packages whole (io.p100.sdk.*, io.p100.sdk.client.*, as Swift's
`import P100`) and, by name, the other names of IMPORTS the snippets use. Its package is
io.p100.sdk.test.readme, not the test suite's, so that the suite's own declarations (its
`Outcome`, `assertTrue`...) cannot stand in for the SDK's. `@file:Suppress("ktlint")`: the
file's layout is the README's (test.sh runs ktlint over src/test/**).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from readme_blocks import code_blocks, markdown_files, write_or_check

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "src", "test", "kotlin", "io", "p100", "sdk", "test", "ReadmeSnippets.kt")
PACKAGE = "io.p100.sdk.test.readme"
# Names a snippet may use without declaring them; they become parameters of its function.
FREE = [
    ("apiKey", "String"),
    ("key", "String"),
    ("userId", "String"),
    ("client", "Client"),
    ("req", "PartnerSepaTransferRequest"),
]
SDK_IMPORTS = ["io.p100.sdk.*", "io.p100.sdk.client.*"]
# Names from outside the SDK that a snippet may use without importing them.
IMPORTS = {
    "BigDecimal": "java.math.BigDecimal",
    "assertEquals": "kotlin.test.assertEquals",
    "assertFailsWith": "kotlin.test.assertFailsWith",
    "assertTrue": "kotlin.test.assertTrue",
    "runBlocking": "kotlinx.coroutines.runBlocking",
}
# Not Kotlin source of the SDK: a Gradle build script (Kotlin DSL).
GRADLE = re.compile(r"^\s*(plugins|android|dependencies|repositories|buildscript)\s*\{", re.M)
# A top-level function: its annotations (group 1), its name (group 2).
TOP_FUN = re.compile(
    r"^((?:@[\w.]+(?:\([^)]*\))?\s+)*)(?:(?:public|internal|private|suspend)\s+)*"
    r"fun\s+(?:<[^>]*>\s*)?(?:[\w.<>?]+\.)?(\w+)\s*\(",
    re.M,
)
TEST_ANNOTATION = re.compile(r"@(?:org\.junit\.(?:jupiter\.api\.)?|kotlin\.test\.)?Test\b\s*")
IMPORT_LINE = re.compile(r"^import\s+([\w.]+(?:\.\*)?(?:\s+as\s+\w+)?)\s*;?\s*$")


def code_only(text):
    """The text without comments and string literals (a string's `$name` and `${...}` stay)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif text[i] == "'":
            m = re.match(r"'(\\.|[^'\\])*'", text[i:])
            i += m.end() if m else 1
            out.append(" ")
        elif text[i] == '"':
            quote = '"""' if text.startswith('"""', i) else '"'
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                if quote == '"' and text[i] == "\\":
                    i += 2
                elif text.startswith("${", i):
                    depth, j = 0, i + 1
                    while j < n:
                        depth += {"{": 1, "}": -1}.get(text[j], 0)
                        if depth == 0:
                            break
                        j += 1
                    out.append(" " + text[i + 2 : j] + " ")
                    i = j + 1
                elif m := re.match(r"\$([A-Za-z_]\w*)", text[i:]):
                    out.append(" " + m.group(1) + " ")
                    i += m.end()
                else:
                    i += 1
            i += len(quote)
            out.append(" ")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def free_names(code):
    """FREE's names that `code` uses without declaring them (not `x.name`, `name =`, `name(`)."""
    found = []
    for name, ty in FREE:
        used = re.search(rf"(?<![\w.$]){name}\b(?!\s*=(?!=))(?!\s*\()", code)
        declared = re.search(
            rf"\b(?:val|var|fun)\s+{name}\b|(?<![\w.]){name}\s*:(?!:)|(?<![\w.]){name}\s*->", code
        )
        if used and not declared:
            found.append((name, ty))
    return found


def table_names(code):
    """IMPORTS' names that `code` uses (not as `x.name`)."""
    return sorted(
        {m.group(1) for m in re.finditer(r"(?<![\w.])(\w+)\b", code) if m.group(1) in IMPORTS}
    )


def render():
    imports = set(SDK_IMPORTS)
    skipped, functions = [], []
    n = 0
    for path in markdown_files():
        for k, body in enumerate(code_blocks(path, "kotlin"), 1):
            where = f"{path}, ```kotlin block {k}"
            text = "\n".join(body)
            gradle = GRADLE.search(text)
            if gradle:
                skipped.append(
                    f"{where}: a Gradle build script (`{gradle.group(1)} {{`),"
                    " not Kotlin of the SDK"
                )
                continue
            n += 1
            own_imports = [
                IMPORT_LINE.match(line).group(1) for line in body if IMPORT_LINE.match(line)
            ]
            code = [line for line in body if not IMPORT_LINE.match(line)]
            while code and not code[0].strip():
                code.pop(0)
            while code and not code[-1].strip():
                code.pop()
            text = "\n".join(code)
            scan = code_only(text)
            needed = table_names(scan)
            imports.update(own_imports)
            imports.update(IMPORTS[name] for name in needed)
            tops = list(TOP_FUN.finditer(text))
            if tops:
                # A file, or a test file's excerpt: its top-level function, renamed.
                if len(tops) != 1:
                    sys.exit(f"{where}: {len(tops)} top-level functions; one is supported")
                free = free_names(scan)
                if free:
                    sys.exit(f"{where}: a top-level function cannot take {free[0][0]} from outside")
                if own_imports:
                    missing = [
                        name
                        for name in needed
                        if IMPORTS[name] not in own_imports
                        and IMPORTS[name].rsplit(".", 1)[0] + ".*" not in own_imports
                    ]
                    if missing:
                        sys.exit(f"{where}: uses {', '.join(missing)} without importing it")
                top = tops[0]
                annotations = TEST_ANNOTATION.sub("", top.group(1))
                text = (
                    text[: top.start(1)]
                    + annotations
                    + text[top.end(1) : top.start(2)]
                    + f"readmeSnippet{n}"
                    + text[top.end(2) :]
                )
                note = [f"`fun {top.group(2)}` renamed"]
                if annotations != top.group(1):
                    note.append("`@Test` dropped")
                if own_imports:
                    note.append("its imports are the file's")
                functions.append(f"// {where} ({'; '.join(note)})")
                functions.extend(line.rstrip() for line in text.split("\n"))
            else:
                params = ", ".join(f"{name}: {ty}" for name, ty in free_names(scan))
                # No line number: editing the prose around a snippet must not make this file stale.
                functions.append(f"// {where}")
                functions.append(f"suspend fun readmeSnippet{n}({params}) {{")
                functions.extend(("    " + line).rstrip() for line in code)
                functions.append("}")
            functions.append("")
    out = [
        "// GENERATED by bindings-mobile/kotlin/readme-snippets.py from the ```kotlin blocks"
        " of the",
        "// repository's Markdown files: do not edit; change the README and run the script.",
        "// Compiled with the Kotlin tests (test.sh, kotlinc -Werror), so that every documented"
        " Kotlin",
        "// example keeps compiling against the SDK; the functions are never called.",
        "// Not here: docs/ (its samples are compiled and run by docs/tools/samples.py)"
        + ("; skipped:" if skipped else "."),
    ]
    out.extend(f"//   {s}" for s in skipped)
    out += [
        '@file:Suppress("ktlint")',
        "",
        f"package {PACKAGE}",
        "",
    ]
    out.extend(f"import {i}" for i in sorted(imports))
    out.append("")
    out.extend(functions)
    out.append("/** How many snippets this file holds. */")
    out.append(f"const val README_SNIPPET_COUNT = {n}")
    return "\n".join(out) + "\n"


def main():
    text = render()
    count = text.count("fun readmeSnippet")
    write_or_check(
        OUT,
        text,
        "bindings-mobile/kotlin/readme-snippets.py",
        f"README Kotlin snippets: up to date ({count} snippets)",
    )


if __name__ == "__main__":
    main()
