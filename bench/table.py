"""Prints the results of scripts/bench.sh as one Markdown table.

Input: the ``BENCH {json}`` lines the language benchmarks print (other lines are ignored), each
``{"lang", "case", "alt", "unit", "sdk", "other"}``. Usage: python3 table.py RESULTS_FILE
"""

from __future__ import annotations

import json
import sys


def number(value: float, unit: str) -> str:
    if unit == "calls/s":
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def main() -> None:
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            if line.startswith("BENCH "):
                rows.append(json.loads(line[len("BENCH ") :]))
    header = ["language", "case", "alternative", "unit", "SDK", "alternative", "SDK/alt"]
    lines = [header, ["---"] * len(header)]
    for r in rows:
        ratio = r["sdk"] / r["other"] if r["other"] else float("nan")
        lines.append(
            [
                r["lang"],
                r["case"],
                r["alt"],
                r["unit"],
                number(r["sdk"], r["unit"]),
                number(r["other"], r["unit"]),
                f"{ratio:.2f}",
            ]
        )
    for cells in lines:
        print("| " + " | ".join(cells) + " |")
    print()
    print(
        "calls/s: higher is better, SDK/alt > 1 means the SDK is faster. "
        "ms and MB: lower is better, SDK/alt > 1 means the SDK takes more."
    )


if __name__ == "__main__":
    main()
