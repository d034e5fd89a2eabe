#!/usr/bin/env python3
"""Time from spawning the sandbox to its first successful GET /v1/partner/balances.

Usage: python3 sandbox/scripts/startup_time.py [path/to/p100-sandbox] [runs]
(default: target/release/p100-sandbox, 10 runs). Prints each run and the median/max in ms.
"""

import http.client
import statistics
import subprocess
import sys
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/p100-sandbox"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
PORT = 18399
KEY = "startup-key"


def first_ok(deadline):
    while time.perf_counter() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            c.request("GET", "/v1/partner/balances", headers={"x-api-key": KEY})
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return True
        except OSError:
            time.sleep(0.001)
    return False


times = []
for i in range(RUNS):
    t0 = time.perf_counter()
    p = subprocess.Popen(
        [BIN, "--port", str(PORT), "--api-key", KEY],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ok = first_ok(t0 + 10)
        ms = (time.perf_counter() - t0) * 1000
    finally:
        p.terminate()
        p.wait()
    if not ok:
        sys.exit(f"run {i + 1}: no successful request within 10 s")
    times.append(ms)
    print(f"run {i + 1}: {ms:.1f} ms")
print(f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {RUNS} runs")
