"""Start-up of `import p100` for several copies of the package, side by side.

    python bench/python/startup.py [--runs N] LABEL=DIR [LABEL=DIR ...]

Each DIR holds a `p100/` package (put first on `sys.path` through `PYTHONPATH`). Every round
starts one interpreter per case, interleaved: `pass` (the bare interpreter), then
`import p100` from each DIR. Prints the median wall time of each case and its time over the
bare interpreter. Byte-compile the copies first (`python -m compileall DIR`), as an installed
wheel is. `bench/README.md` ("Python start-up") shows how the before/after copies were made.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("cases", nargs="+", metavar="LABEL=DIR")
    args = parser.parse_args()
    skip = ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    cases: dict[str, tuple[str, str | None]] = {"bare python": ("pass", None)}
    for case in args.cases:
        label, _, path = case.partition("=")
        cases[label] = ("import p100", os.path.abspath(path))
    times: dict[str, list[float]] = {label: [] for label in cases}
    for _ in range(args.runs):
        for label, (code, path) in cases.items():
            run_env = dict(env, PYTHONPATH=path) if path else env
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=run_env)
            times[label].append((time.perf_counter() - start) * 1000)
    bare = statistics.median(times["bare python"])
    print(f"median of {args.runs} runs, interleaved ({sys.executable})")
    for label, samples in times.items():
        median = statistics.median(samples)
        extra = "" if label == "bare python" else f"  ({median - bare:.1f} ms over bare python)"
        print(f"  {label:<12} {median:7.1f} ms{extra}")


if __name__ == "__main__":
    main()
