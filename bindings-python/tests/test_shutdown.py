"""Interpreter exit right after asyncio calls: the runtime threads that hand results over to the
event loop must be out of the interpreter before it finalizes (this crashed with a
segmentation fault or "PyGILState_Release: thread state ... must be current" in roughly one
exit in ten, more often on a loaded machine)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _sandbox import Sandbox

SCRIPT = """
import asyncio
import os

import p100


async def main() -> None:
    key, url = os.environ["P100_API_KEY"], os.environ["P100_BASE_URL"]
    async with p100.AsyncClient(key, url) as c:
        for _ in range(3):
            await asyncio.gather(*(c.exchange.rates() for _ in range(20)))
        # Calls still in flight when the loop ends: asyncio.run cancels them.
        pending = [asyncio.ensure_future(c.partner.balances()) for _ in range(10)]
        await asyncio.sleep(0)
    print("done", len(pending))


asyncio.run(main())
"""

RUNS = 60
PARALLEL = 4  # several at once: the race is likelier on a busy machine


def test_exit_after_async_calls_never_crashes(sandbox: Sandbox, tmp_path: Path) -> None:
    script = tmp_path / "exit_after_async.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, P100_API_KEY=sandbox.api_key, P100_BASE_URL=sandbox.base_url)
    env["PYTHONFAULTHANDLER"] = "1"

    def run(_: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(run, range(RUNS)))
    failed = [r for r in results if r.returncode != 0 or r.stdout.strip() != "done 10"]
    assert not failed, (
        f"{len(failed)} of {RUNS} runs failed; first: exit code {failed[0].returncode}\n"
        f"{failed[0].stdout}\n{failed[0].stderr}"
    )
    noisy = [r.stderr for r in results if r.stderr.strip()]
    assert not noisy, f"{len(noisy)} runs wrote to stderr; first:\n{noisy[0]}"
