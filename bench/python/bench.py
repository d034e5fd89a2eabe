"""Python benchmark of the `p100` package (run by scripts/bench.sh; see bench/README.md).

Each case runs the SDK and the hand-written alternatives interleaved in this one process, for
BENCH_ROUNDS rounds of BENCH_CALLS calls, and reports the median rate of each. Results are lines
``BENCH {json}`` on stdout; progress goes to stderr.

    P100_BENCH_URL=http://127.0.0.1:PORT P100_BENCH_KEY=KEY python bench.py
    python bench.py mem CONTENDER MONTH YEAR   (child process: peak RSS of one history call)
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpx
import requests

import p100

URL = os.environ.get("P100_BENCH_URL", "")
KEY = os.environ.get("P100_BENCH_KEY", "")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CALLS = int(os.environ.get("BENCH_CALLS", "2000"))
CONC = int(os.environ.get("BENCH_CONC", "32"))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100 1000 10000").split()]
STARTUP_RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "10"))
BALANCES = "/v1/partner/balances"
HEADERS = {"x-api-key": KEY}


def emit(case: str, alt: str, unit: str, sdk: float, other: float) -> None:
    row = {"lang": "Python", "case": case, "alt": alt, "unit": unit, "sdk": sdk, "other": other}
    print("BENCH " + json.dumps(row), flush=True)


def log(text: str) -> None:
    print(f"[python] {text}", file=sys.stderr, flush=True)


def interleave(contenders: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Runs every contender once per round (rotating who goes first); the median of each."""
    names = list(contenders)
    seen: dict[str, list[float]] = {name: [] for name in names}
    for r in range(ROUNDS):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            seen[name].append(contenders[name]())
    return {name: statistics.median(values) for name, values in seen.items()}


def sequential(call: Callable[[], object], n: int) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        for _ in range(n):
            call()
        return n / (time.perf_counter() - start)

    return run


def concurrent(call: Callable[[], Awaitable[object]], n: int) -> Callable[[], float]:
    """`n` calls from CONC tasks (each awaits its calls one after another), gathered."""

    async def worker(count: int) -> None:
        for _ in range(count):
            await call()

    async def all_calls() -> None:
        shares = [n // CONC + (1 if i < n % CONC else 0) for i in range(CONC)]
        await asyncio.gather(*(worker(c) for c in shares if c))

    def run() -> float:
        start = time.perf_counter()
        LOOP.run_until_complete(all_calls())
        return n / (time.perf_counter() - start)

    return run


def async_sequential(call: Callable[[], Awaitable[object]], n: int) -> Callable[[], float]:
    async def calls() -> None:
        for _ in range(n):
            await call()

    def run() -> float:
        start = time.perf_counter()
        LOOP.run_until_complete(calls())
        return n / (time.perf_counter() - start)

    return run


LOOP = asyncio.new_event_loop()


def report(case: str, unit: str, results: dict[str, float], sdk: str = "SDK") -> None:
    for name, value in results.items():
        if name != sdk:
            emit(case, name, unit, results[sdk], value)


def control(path: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(
        URL + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req) as r:
        result: dict[str, Any] = json.load(r)
        return result


def seed(n: int) -> tuple[int, int]:
    """A fresh sandbox state whose partner history of this month holds exactly `n` entries."""
    control("/_sandbox/reset", {})
    v = control("/_sandbox/seed-transactions", {"count": n})
    return int(v["month"]), int(v["year"])


def growth_calls(n: int) -> int:
    return max(2, CALLS * 100 // n)


def rss_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def mem_child(contender: str, month: int, year: int) -> None:
    """One history call in this fresh process: prints the peak RSS growth in KiB."""
    history = f"{URL}/v1/partner/transactions?month={month}&year={year}"
    if contender == "SDK":
        client = p100.Client(api_key=KEY, base_url=URL)
        client.partner.balances()  # warm: code paths loaded, connection open

        def call() -> object:
            return client.partner.transactions(month=month, year=year).transactions
    else:
        session = requests.Session()
        session.get(URL + BALANCES, headers=HEADERS).json()

        def call() -> object:
            r = session.get(history, headers=HEADERS)
            r.raise_for_status()
            return json.loads(r.content)["transactions"]

    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM (the peak) to the current RSS
    before = rss_kib("VmRSS")
    result = call()
    peak = rss_kib("VmHWM")
    assert isinstance(result, list) and result
    print(peak - before)


def main() -> None:
    sdk = p100.Client(api_key=KEY, base_url=URL)
    session = requests.Session()
    hx = httpx.Client()
    url = URL + BALANCES

    def with_requests() -> object:
        r = session.get(url, headers=HEADERS)
        r.raise_for_status()
        return r.json()

    def with_httpx() -> object:
        r = hx.get(url, headers=HEADERS)
        r.raise_for_status()
        return r.json()

    log(f"sync, sequential: {ROUNDS} rounds x {CALLS} calls")
    results = interleave(
        {
            "SDK": sequential(sdk.partner.balances, CALLS),
            "requests.Session": sequential(with_requests, CALLS),
            "httpx.Client": sequential(with_httpx, CALLS),
        }
    )
    report("balances, sync sequential", "calls/s", results)

    async def make_async() -> tuple[p100.AsyncClient, httpx.AsyncClient, aiohttp.ClientSession]:
        return (
            p100.AsyncClient(api_key=KEY, base_url=URL),
            httpx.AsyncClient(limits=httpx.Limits(max_connections=CONC)),
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONC)),
        )

    asdk, ahx, aio = LOOP.run_until_complete(make_async())

    async def with_httpx_async() -> object:
        r = await ahx.get(url, headers=HEADERS)
        r.raise_for_status()
        return r.json()

    async def with_aiohttp() -> object:
        async with aio.get(url, headers=HEADERS) as r:
            r.raise_for_status()
            return await r.json()

    log(f"async, sequential and {CONC} concurrent")
    results = interleave(
        {
            "SDK": async_sequential(asdk.partner.balances, CALLS),
            "httpx.AsyncClient": async_sequential(with_httpx_async, CALLS),
            "aiohttp": async_sequential(with_aiohttp, CALLS),
        }
    )
    report("balances, async sequential", "calls/s", results)
    results = interleave(
        {
            "SDK": concurrent(asdk.partner.balances, CALLS),
            "httpx.AsyncClient": concurrent(with_httpx_async, CALLS),
            "aiohttp": concurrent(with_aiohttp, CALLS),
        }
    )
    report(f"balances, async {CONC} concurrent", "calls/s", results)

    for n in SIZES:
        month, year = seed(n)
        history = f"{URL}/v1/partner/transactions?month={month}&year={year}"
        calls = growth_calls(n)
        log(f"history of {n} entries: {ROUNDS} rounds x {calls} calls")

        def with_sdk(month: int = month, year: int = year, n: int = n) -> None:
            got = sdk.partner.transactions(month=month, year=year).transactions
            assert len(got) == n

        def with_json(history: str = history, n: int = n) -> None:
            r = session.get(history, headers=HEADERS)
            r.raise_for_status()
            assert len(json.loads(r.content)["transactions"]) == n

        def bytes_only(history: str = history) -> None:
            r = session.get(history, headers=HEADERS)
            r.raise_for_status()
            assert r.content

        results = interleave(
            {
                "SDK": sequential(with_sdk, calls),
                "requests + json.loads": sequential(with_json, calls),
                "requests, body bytes only": sequential(bytes_only, calls),
            }
        )
        # ms per call (lower is better)
        results = {name: 1000.0 / rate for name, rate in results.items()}
        report(f"history {n}: time", "ms/call", results)
        peaks: dict[str, float] = {}
        for contender in ("SDK", "requests + json.loads"):
            out = subprocess.run(
                [sys.executable, __file__, "mem", contender, str(month), str(year)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            peaks[contender] = int(out.split()[-1]) / 1024
        report(f"history {n}: peak RSS growth", "MB", peaks)

    LOOP.run_until_complete(ahx.aclose())
    LOOP.run_until_complete(aio.close())

    log(f"start-up: median of {STARTUP_RUNS} interpreter runs")
    programs = {"SDK": "import p100", "bare python": "pass", "import httpx": "import httpx"}
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(STARTUP_RUNS):
        for name, code in programs.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times[name].append((time.perf_counter() - start) * 1000)
    report(
        "start-up: python -c 'import p100'",
        "ms",
        {name: statistics.median(t) for name, t in times.items()},
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "mem":
        mem_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
