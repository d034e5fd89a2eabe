"""The code blocks of the repository's Markdown files, for swift/readme-snippets.py and
kotlin/readme-snippets.py (which compile them with each language's tests)."""

import difflib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def markdown_files():
    """The tracked Markdown files, but the gathered API docs and docs/: the site's samples are
    built and run by docs/tools/samples.py (its Kotlin samples on the JVM), not here."""
    listed = subprocess.run(
        ["git", "ls-files", "*.md"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return sorted(p for p in listed if not p.startswith(("p100-api/", "docs/")))


def code_blocks(path, lang):
    """The ```lang blocks of a Markdown file (a path from ROOT), each as its lines without the
    fence's own indentation (a block inside a list item is indented)."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```" + lang:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            start = i + 1
            j = start
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            yield [
                line[len(indent) :] if line.startswith(indent) else line.lstrip()
                for line in lines[start:j]
            ]
            i = j
        i += 1


def write_or_check(out, text, script, summary):
    """`script` (its path from ROOT) without arguments writes `text` to `out`; with `--check` it
    fails, with the first lines of the difference, when `out` holds something else, and prints
    `summary` when it is up to date."""
    rel = os.path.relpath(out, ROOT)
    if sys.argv[1:] == ["--check"]:
        current = ""
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                current = f.read()
        if current != text:
            diff = difflib.unified_diff(
                current.splitlines(),
                text.splitlines(),
                f"{rel} (checked in)",
                f"{rel} (from the Markdown)",
                lineterm="",
            )
            print("\n".join(list(diff)[:40]), file=sys.stderr)
            sys.exit(f"{rel} is out of date: run {script}")
        print(summary)
    elif not sys.argv[1:]:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {rel}")
    else:
        sys.exit(f"usage: {script} [--check]")
