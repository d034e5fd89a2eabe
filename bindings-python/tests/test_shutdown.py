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


def _runs(
    script: str, sandbox: Sandbox, tmp_path: Path, runs: int, **extra_env: str
) -> list[subprocess.CompletedProcess[str]]:
    path = tmp_path / "script.py"
    path.write_text(script)
    env = dict(os.environ, P100_API_KEY=sandbox.api_key, P100_BASE_URL=sandbox.base_url)
    env.update(PYTHONFAULTHANDLER="1", **extra_env)

    def run(_: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(path)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(run, range(runs)))


def test_exit_after_async_calls_never_crashes(sandbox: Sandbox, tmp_path: Path) -> None:
    results = _runs(SCRIPT, sandbox, tmp_path, RUNS)
    failed = [r for r in results if r.returncode != 0 or r.stdout.strip() != "done 10"]
    assert not failed, (
        f"{len(failed)} of {RUNS} runs failed; first: exit code {failed[0].returncode}\n"
        f"{failed[0].stdout}\n{failed[0].stderr}"
    )
    noisy = [r.stderr for r in results if r.stderr.strip()]
    assert not noisy, f"{len(noisy)} runs wrote to stderr; first:\n{noisy[0]}"


DAEMON_SCRIPT = """
import asyncio
import os
import threading
import time

import p100

key, url = os.environ["P100_API_KEY"], os.environ["P100_BASE_URL"]
client = p100.Client(key, url)


def blocking_calls() -> None:
    while True:
        client.partner.balances()


async def async_calls() -> None:
    async with p100.AsyncClient(key, url) as ac:
        while True:
            await asyncio.gather(*(ac.exchange.rates() for _ in range(5)))


threading.Thread(target=blocking_calls, daemon=True).start()
threading.Thread(target=lambda: asyncio.run(async_calls()), daemon=True).start()
time.sleep(0.3)
print("done")
"""


def test_exit_with_daemon_threads_in_calls_and_logging_never_crashes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Daemon threads blocked in sync calls, or running an event loop of async calls, when the
    main thread ends; with P100_LOG on, runtime threads write log records all the while. A
    blocked thread whose call ended during exit re-took the GIL and was ended by CPython with
    Rust frames on its stack; so was a runtime thread writing a record (segfaults in about one
    exit in two)."""
    results = _runs(DAEMON_SCRIPT, sandbox, tmp_path, 20, P100_LOG="debug")
    failed = [r for r in results if r.returncode != 0 or r.stdout.strip() != "done"]
    assert not failed, (
        f"{len(failed)} of 20 runs failed; first: exit code {failed[0].returncode}\n"
        f"{failed[0].stdout}\n{failed[0].stderr[-3000:]}"
    )


FORK_SCRIPT = """
import asyncio
import os
import sys
import threading
import time

import p100

client = p100.AsyncClient(os.environ["P100_API_KEY"], os.environ["P100_BASE_URL"])


async def calls() -> None:
    while True:
        await asyncio.gather(*(client.exchange.rates() for _ in range(30)))


# Results are handed over to this loop all the time; the main thread forks meanwhile. (Not
# from inside the running loop: a child of that shares the loop's wake-up pipe with it.)
threading.Thread(target=lambda: asyncio.run(calls()), daemon=True).start()
time.sleep(0.3)
slow = 0
for _ in range(10):
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        sys.exit(0)  # the child leaves at once, through atexit
    os.waitpid(pid, 0)
    # The bug made a child wait SHUTDOWN_WAIT (10 s); 8 s leaves room for a loaded machine.
    slow += time.monotonic() - started > 8
print("slow children:", slow)
os._exit(0)
"""


def test_a_child_forked_with_results_being_handed_over_exits_at_once(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A child forked while a runtime thread was handing a result over inherited the count of
    threads inside the interpreter; that thread does not exist in the child, whose exit then
    waited the full 10 s for it."""
    results = _runs(FORK_SCRIPT, sandbox, tmp_path, 2)
    for r in results:
        assert r.returncode == 0, r.stderr[-3000:]
        assert r.stdout.strip() == "slow children: 0", r.stdout


FORK_UNDER_LOAD_SCRIPT = """
import asyncio
import os
import signal
import threading
import time

import p100

KEY, URL = os.environ["P100_API_KEY"], os.environ["P100_BASE_URL"]
FORKS = int(os.environ["FORKS"])
sync_client = p100.Client(KEY, URL)
async_client = p100.AsyncClient(KEY, URL)


def sync_calls() -> None:
    while True:
        sync_client.exchange.rates()


async def async_calls() -> None:
    while True:
        await asyncio.gather(*(async_client.exchange.rates() for _ in range(100)))


# Calls return to these threads, and results are handed to this loop, all the time.
for _ in range(4):
    threading.Thread(target=sync_calls, daemon=True).start()
threading.Thread(target=lambda: asyncio.run(async_calls()), daemon=True).start()
time.sleep(0.3)
in_sdk = in_cpython = 0
for _ in range(FORKS):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, b"a")  # alive: CPython's own after-fork work is done
        sync_client.exchange.rates()
        asyncio.run(async_client.exchange.rates())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 10
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            alive = os.read(read, 1) == b"a"
            in_sdk += alive
            in_cpython += not alive
            break
        time.sleep(0.002)
    os.close(read)
print(f"forks {FORKS}, hung in the SDK {in_sdk}, hung in CPython {in_cpython}", flush=True)
os._exit(0)
"""


def test_children_forked_while_calls_run_never_hang_in_the_sdk(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A child forked while other threads make calls and runtime threads hand results over
    (gunicorn --preload, multiprocessing with fork) must never hang in the SDK. The runtime's
    gate was a mutex: a child forked while another thread held it waited for it forever on its
    first call (about 4 children in 1,000). A child that hangs before running any Python code
    hangs in CPython itself (gh-112275, fixed in CPython releases from September 2024 on): that
    is counted apart, not an SDK failure."""
    (result,) = _runs(FORK_UNDER_LOAD_SCRIPT, sandbox, tmp_path, 1, FORKS="400")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "hung in the SDK 0," in result.stdout, result.stdout


LATE_CALLS_SCRIPT = """
import asyncio
import atexit
import os
import threading


def later_hook() -> None:
    import p100

    key, url = os.environ["P100_API_KEY"], os.environ["P100_BASE_URL"]
    try:
        p100.Client(key, url).exchange.rates()
        print("late sync: ok", flush=True)
    except Exception as e:
        print("late sync:", type(e).__name__, e, flush=True)
    try:
        asyncio.run(p100.AsyncClient(key, url).exchange.rates())
        print("late async: ok", flush=True)
    except Exception as e:
        print("late async:", type(e).__name__, e, flush=True)


atexit.register(later_hook)  # registered before p100's own hook: runs after it
import p100  # noqa: E402,F401

print("main done", flush=True)
"""


def test_calls_after_the_sdks_exit_hook_are_refused_not_run(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Calls made after p100's `atexit` hook (from a later hook) are refused before anything is
    sent. In a process that had made no call before that hook, the gate was left open: the
    async call's result was handed over by a runtime thread during finalization (exit 139 in 8
    runs of 12); a blocking call hung for good."""
    results = _runs(LATE_CALLS_SCRIPT, sandbox, tmp_path, 6)
    for r in results:
        assert r.returncode == 0, (r.returncode, r.stdout, r.stderr[-3000:])
        assert "late sync: RuntimeError p100: the interpreter is shutting down" in r.stdout
        assert "late async: RuntimeError p100: the interpreter is shutting down" in r.stdout
