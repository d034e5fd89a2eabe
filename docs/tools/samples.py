#!/usr/bin/env python3
"""Extracts every code sample of the documentation site and runs it against a fresh sandbox.

A sample is a fenced code block preceded by a tag line:

    <!-- sample: ID [compile-only] -->
    ```python
    ...
    ```

Every fenced block in one of the SDK's languages (rust, js, python, kotlin, swift) must carry
such a tag: an untagged one is an error, so no sample escapes the run. Blocks in other languages
(sh, toml, text) are commands and settings, not samples. IDs are unique across the site.

How each language runs (each sample gets its own sandbox process, a random API key and
P100_API_KEY / P100_BASE_URL in its environment, plus P100_SANDBOX_BINARY for p100/testing):

  rust     one cargo package (path dependencies on core/ and sandbox/), one binary per sample
  js       an ES module run with node, `p100` resolving to the built npm package
  python   run with the interpreter given (the wheel installed in it)
  kotlin   compiled together with kotlinc (a `package` line added per sample) and run on the JVM
  swift    one executable per sample in a SwiftPM package over bindings-mobile/swift, built and run
           on Linux through scripts/swift.sh (Debian's Swift in its own root), linking the static
           library of `cargo build -p p100-mobile` (--swift-lib-dir)

`compile-only` samples are built but not run (none in the site at present).
Exit status 1 when any sample fails; the failing sample is named with its page and line.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LANGS = {
    "rust": "rust",
    "js": "js",
    "javascript": "js",
    "python": "python",
    "kotlin": "kotlin",
    "swift": "swift",
}
TAG = re.compile(r"^<!--\s*sample:\s*([a-z0-9][a-z0-9-]*)((?:\s+[a-z-]+)*)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)(```+)\s*([A-Za-z0-9_+-]*)")


@dataclass(eq=False)
class Sample:
    id: str
    lang: str
    page: str
    line: int
    code: str
    flags: set[str] = field(default_factory=set)

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def extract(content: Path) -> list[Sample]:
    samples: list[Sample] = []
    errors: list[str] = []
    for page in sorted(content.rglob("*.md")):
        rel = str(page.relative_to(content.parent.parent))
        lines = page.read_text(encoding="utf-8").splitlines()
        pending: tuple[str, set[str], int] | None = None
        i = 0
        while i < len(lines):
            text = lines[i]
            tag = TAG.match(text.strip())
            if tag:
                pending = (tag.group(1), set(tag.group(2).split()), i + 1)
                i += 1
                continue
            fence = FENCE.match(text)
            if fence:
                indent, ticks, info = fence.groups()
                body: list[str] = []
                start = i + 1
                i += 1
                while i < len(lines) and not lines[i].strip().startswith(ticks):
                    body.append(lines[i].removeprefix(indent))
                    i += 1
                lang = LANGS.get(info.lower())
                if lang is None:
                    if pending:
                        errors.append(f"{rel}:{pending[2]}: sample tag before a ```{info} block")
                elif pending is None:
                    errors.append(
                        f"{rel}:{start}: ```{info} block without a <!-- sample: ID --> tag"
                    )
                else:
                    ident, flags, _ = pending
                    unknown = flags - {"compile-only"}
                    if unknown:
                        errors.append(f"{rel}:{start}: unknown sample flag(s) {sorted(unknown)}")
                    samples.append(Sample(ident, lang, rel, start, "\n".join(body) + "\n", flags))
                pending = None
                i += 1
                continue
            if text.strip() and pending:
                errors.append(f"{rel}:{pending[2]}: sample tag not followed by a code block")
                pending = None
            i += 1
    seen: dict[str, Sample] = {}
    for s in samples:
        if s.id in seen:
            errors.append(f"{s.where}: sample id {s.id} also used at {seen[s.id].where}")
        seen[s.id] = s
    if errors:
        for e in errors:
            print(f"docs samples: {e}", file=sys.stderr)
        sys.exit(1)
    return samples


class SandboxProcess:
    def __init__(self, binary: str, log_dir: Path, name: str) -> None:
        self.key = f"docs-{secrets.token_hex(6)}"
        self.log = log_dir / f"sandbox-{name}.log"
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--api-key", self.key, "--settle-ms", "100"],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.url = ""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            m = re.search(r"http://127\.0\.0\.1:\d+", self.log.read_text())
            if m:
                self.url = m.group(0)
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the sandbox did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None
) -> tuple[int, str]:
    try:
        p = subprocess.run(
            cmd,
            check=False,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else ""
        return 124, out + f"\n(timed out after {timeout} s)"
    return p.returncode, p.stdout.decode(errors="replace")


def rust_package(root: Path, work: Path, samples: list[Sample]) -> None:
    (work / "src" / "bin").mkdir(parents=True, exist_ok=True)
    for old in (work / "src" / "bin").glob("*.rs"):
        old.unlink()
    (work / "src" / "lib.rs").write_text("")
    (work / "Cargo.toml").write_text(
        f"""[package]
name = "p100-docs-samples"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
p100 = {{ path = "{root / "core"}" }}
p100-sandbox = {{ path = "{root / "sandbox"}" }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "time", "net", "sync"] }}
serde_json = {{ version = "1", features = ["arbitrary_precision"] }}
"""
    )
    # The workspace's lock file: the samples build with the versions the SDK is tested with.
    shutil.copyfile(root / "Cargo.lock", work / "Cargo.lock")
    for s in samples:
        (work / "src" / "bin" / f"{s.id}.rs").write_text(s.code)


def blame(
    samples: list[Sample],
    out: str,
    name: Callable[[Sample], str],
    build_failed: dict[Sample, str],
) -> None:
    """A build of several samples failed: the samples whose name is in the compiler's output,
    or all of them when none is named."""
    named = [s for s in samples if name(s) in out] or samples
    for s in named:
        build_failed[s] = out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--content", required=True, type=Path, help="the site's docs_dir")
    ap.add_argument(
        "--work",
        type=Path,
        default=Path("target/docs-samples"),
        help="scratch folder for the extracted samples (default: target/docs-samples)",
    )
    ap.add_argument("--sandbox-bin", help="the p100-sandbox binary")
    ap.add_argument("--langs", default="rust,js,python,kotlin", help="languages to run")
    ap.add_argument("--python", help="interpreter with the p100 wheel installed")
    ap.add_argument("--node-pkg", type=Path, help="the built npm package (bindings-wasm/pkg)")
    ap.add_argument(
        "--kotlin-cp", help="kotlinc:CLASSPATH:RUNTIME_CP:NATIVE_DIR (colon lists joined with ;)"
    )
    ap.add_argument(
        "--swift-lib-dir", type=Path, help="the folder of libp100_mobile.a (Swift samples)"
    )
    ap.add_argument("--only", help="run only this sample id")
    ap.add_argument("--list", action="store_true", help="list the samples and exit")
    args = ap.parse_args()

    root = Path(__file__).resolve().parents[2]
    samples = extract(args.content.resolve())
    if args.list:
        for s in samples:
            print(f"{s.lang:7} {s.id:40} {s.where}")
        return 0
    if args.only:
        samples = [s for s in samples if s.id == args.only]
        if not samples:
            print(f"no sample {args.only}", file=sys.stderr)
            return 2
    langs = set(args.langs.split(","))
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)

    results: list[tuple[Sample, str, float, str]] = []  # (sample, ok|FAIL|not run, seconds, note)
    runnable: dict[Sample, list[str]] = {}
    build_failed: dict[Sample, str] = {}
    env_base = dict(os.environ)
    if args.sandbox_bin:
        env_base["P100_SANDBOX_BINARY"] = args.sandbox_bin

    by_lang: dict[str, list[Sample]] = {}
    for s in samples:
        by_lang.setdefault(s.lang, []).append(s)

    # ---- build ---------------------------------------------------------------------------
    if "rust" in by_lang and "rust" in langs:
        rs = by_lang["rust"]
        rdir = work / "rust"
        rust_package(root, rdir, rs)
        t0 = time.monotonic()
        code, out = run(["cargo", "build", "--quiet", "--bins"], rdir)
        if code != 0:
            # Build each one alone to name the sample(s) that do not compile.
            for s in rs:
                c1, o1 = run(["cargo", "build", "--quiet", "--bin", s.id], rdir)
                if c1 != 0:
                    build_failed[s] = o1
        target = Path(os.environ.get("CARGO_TARGET_DIR", rdir / "target"))
        if not target.is_absolute():
            target = rdir / target
        for s in rs:
            if s not in build_failed:
                runnable[s] = [str(target / "debug" / s.id)]
        print(f"rust: {len(rs)} samples built in {time.monotonic() - t0:.1f} s")
    if "js" in by_lang and "js" in langs:
        jdir = work / "js"
        (jdir / "node_modules").mkdir(parents=True, exist_ok=True)
        link = jdir / "node_modules" / "p100"
        if link.is_symlink() or link.exists():
            link.unlink()
        if not args.node_pkg or not (args.node_pkg / "package.json").exists():
            print("js: --node-pkg (the built npm package) is required", file=sys.stderr)
            return 2
        link.symlink_to(args.node_pkg.resolve(), target_is_directory=True)
        for s in by_lang["js"]:
            f = jdir / f"{s.id}.mjs"
            f.write_text(s.code)
            code, out = run(["node", "--check", str(f)], jdir)
            if code != 0:
                build_failed[s] = out
            else:
                runnable[s] = ["node", str(f)]
    if "python" in by_lang and "python" in langs:
        if not args.python:
            print("python: --python (an interpreter with the wheel) is required", file=sys.stderr)
            return 2
        pdir = work / "python"
        pdir.mkdir(parents=True, exist_ok=True)
        for s in by_lang["python"]:
            f = pdir / f"{s.id.replace('-', '_')}.py"
            f.write_text(s.code)
            code, out = run([args.python, "-m", "py_compile", str(f)], pdir)
            if code != 0:
                build_failed[s] = out
            else:
                runnable[s] = [args.python, str(f)]
    if "kotlin" in by_lang and "kotlin" in langs:
        if not args.kotlin_cp:
            print("kotlin: --kotlin-cp is required", file=sys.stderr)
            return 2
        kotlinc, compile_cp, runtime_cp, native = args.kotlin_cp.split(";")
        kdir = work / "kotlin"
        shutil.rmtree(kdir, ignore_errors=True)
        (kdir / "src").mkdir(parents=True)
        ks = by_lang["kotlin"]
        for s in ks:
            pkg = "docs.samples." + s.id.replace("-", "_")
            (kdir / "src" / f"{s.id.replace('-', '_')}.kt").write_text(f"package {pkg}\n\n{s.code}")
        t0 = time.monotonic()
        jar = kdir / "samples.jar"
        code, out = run(
            [kotlinc, "-jvm-target", "17", "-cp", compile_cp, str(kdir / "src"), "-d", str(jar)],
            kdir,
        )
        if code != 0:
            # Name the failing sample(s) by the file names in kotlinc's messages.
            blame(ks, out, lambda s: f"{s.id.replace('-', '_')}.kt", build_failed)
        for s in ks:
            if s not in build_failed:
                pkg = "docs.samples." + s.id.replace("-", "_")
                main_class = f"{pkg}.{s.id.replace('-', '_').capitalize()}Kt"
                runnable[s] = [
                    "java",
                    f"-Djna.library.path={native}",
                    "-cp",
                    f"{jar}:{runtime_cp}",
                    main_class,
                ]
        print(f"kotlin: {len(ks)} samples compiled in {time.monotonic() - t0:.1f} s")

    if "swift" in by_lang and "swift" in langs:
        if not args.swift_lib_dir or not (args.swift_lib_dir / "libp100_mobile.a").exists():
            print("swift: --swift-lib-dir (with libp100_mobile.a) is required", file=sys.stderr)
            return 2
        # Inside the repository: scripts/swift.sh mounts only the repository (and the library).
        # Not a folder named "swift": SwiftPM names a local package after its folder, and
        # bindings-mobile/swift is already "swift".
        sdir = work / "swift-samples"
        shutil.rmtree(sdir / "Sources", ignore_errors=True)
        ss = by_lang["swift"]
        names = {s: "Sample_" + s.id.replace("-", "_") for s in ss}
        targets = []
        for s in ss:
            (sdir / "Sources" / names[s]).mkdir(parents=True)
            (sdir / "Sources" / names[s] / "main.swift").write_text(s.code)
            targets.append(
                f'        .executableTarget(name: "{names[s]}", '
                f'dependencies: [.product(name: "P100", package: "P100")])'
            )
        (sdir / "Package.swift").write_text(
            "// swift-tools-version:5.9\n"
            "// Generated by docs/tools/samples.py: one executable per Swift sample of the site.\n"
            "import PackageDescription\n\n"
            "let package = Package(\n"
            '    name: "P100DocsSamples",\n'
            "    platforms: [.iOS(.v15), .macOS(.v12)],\n"
            '    dependencies: [.package(name: "P100", '
            f'path: "{root / "bindings-mobile" / "swift"}")],\n'
            "    targets: [\n" + ",\n".join(targets) + "\n    ]\n)\n"
        )
        swift = [str(root / "scripts" / "swift.sh")]
        where = ["--package-path", str(sdir), "--scratch-path", str(sdir / ".build")]
        env_swift = dict(env_base, P100_RUST_LIB_DIR=str(args.swift_lib_dir.resolve()))
        t0 = time.monotonic()
        code, out = run([*swift, "build", *where], sdir, env_swift, timeout=1200)
        if code != 0:
            blame(ss, out, lambda s: names[s], build_failed)
        for s in ss:
            if s not in build_failed:
                runnable[s] = [*swift, "run", *where, "--skip-build", names[s]]
        env_base["P100_RUST_LIB_DIR"] = str(args.swift_lib_dir.resolve())
        print(f"swift: {len(ss)} samples built in {time.monotonic() - t0:.1f} s")

    # ---- run -----------------------------------------------------------------------------
    for s in samples:
        if s.lang not in langs:
            results.append((s, "not run", 0.0, f"{s.lang} samples are not run by this step"))
            continue
        if s in build_failed:
            results.append((s, "FAIL", 0.0, "does not build:\n" + build_failed[s]))
            continue
        if "compile-only" in s.flags:
            results.append((s, "ok", 0.0, "compiled (compile-only)"))
            continue
        if not args.sandbox_bin:
            print("--sandbox-bin is required to run samples", file=sys.stderr)
            return 2
        sb = SandboxProcess(args.sandbox_bin, logs, s.id)
        env = dict(env_base, P100_API_KEY=sb.key, P100_BASE_URL=sb.url)
        env.pop("P100_ENVIRONMENT", None)
        t0 = time.monotonic()
        try:
            code, out = run(runnable[s], work, env, timeout=180)
        finally:
            sb.stop()
        secs = time.monotonic() - t0
        (logs / f"{s.id}.log").write_text(out)
        if code == 0:
            results.append((s, "ok", secs, ""))
        else:
            tail = "\n".join(out.splitlines()[-60:])  # the whole output is in the log
            results.append(
                (
                    s,
                    "FAIL",
                    secs,
                    f"exit status {code}; output (log: {logs / (s.id + '.log')}):\n{tail}",
                )
            )

    failed = [r for r in results if r[1] == "FAIL"]
    for s, status, secs, note in results:
        timing = f"{secs:5.1f} s" if status == "ok" and secs else "       "
        print(f"{status:7} {s.lang:7} {s.id:34} {timing}  {s.where}")
        if status == "FAIL":
            print("  " + note.replace("\n", "\n  "))
    counts = {st: sum(1 for r in results if r[1] == st) for st in ("ok", "FAIL", "not run")}
    print(f"docs samples: {counts['ok']} ok, {counts['FAIL']} failed, {counts['not run']} not run")
    if failed:
        print(
            "failed samples: " + ", ".join(f"{s.id} ({s.where})" for s, *_ in failed),
            file=sys.stderr,
        )
        return 1
    if counts["ok"] == 0:
        print("docs samples: nothing ran", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
