"""One Client shared by threads (the GIL is released during I/O); one AsyncClient with many
concurrent calls; Ctrl-C and cancellation."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

import p100
from _sandbox import Sandbox
from conftest import FAST, active_user


@pytest.fixture()
def clean_faults(sandbox: Sandbox) -> Iterator[None]:
    sandbox.http("DELETE", "/_sandbox/faults")
    yield
    sandbox.http("DELETE", "/_sandbox/faults")


def test_eight_threads_fifty_calls_each_on_one_client(client: p100.Client) -> None:
    uid = active_user(client)
    errors: list[BaseException] = []

    def worker(n: int) -> int:
        done = 0
        for i in range(50):
            try:
                if i % 2:
                    b = client.partner.balances()
                    assert b.fiat("eur") is not None
                else:
                    b = client.users.balances(uid)
                    assert b.fiat("eur").amount == Decimal("0.00")
                done += 1
            except BaseException as e:
                errors.append(e)
        return done

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(worker, range(8)))
    assert not errors, errors[:3]
    assert counts == [50] * 8


def test_blocking_calls_release_the_gil(
    sandbox: Sandbox, client: p100.Client, clean_faults: None
) -> None:
    sandbox.control("faults", {"kind": "delay", "count": 1, "delayMs": 600})
    result: list[object] = []
    t = threading.Thread(target=lambda: result.append(client.partner.balances()))
    t.start()
    time.sleep(0.05)  # the call is now waiting on the network
    spins = 0
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        spins += 1
    t.join(timeout=10)
    assert isinstance(result[0], p100.Balances)
    # With the GIL held by the waiting call, this thread could not have run at all.
    assert spins > 10_000


def test_threads_overlap(sandbox: Sandbox, client: p100.Client, clean_faults: None) -> None:
    sandbox.control("faults", {"kind": "delay", "count": 8, "delayMs": 400})
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: client.exchange.rates(), range(8)))
    elapsed = time.monotonic() - start
    assert all(r.rate("btc") == Decimal("102178.03394219") for r in results)
    assert elapsed < 8 * 0.4 * 0.75, elapsed  # far from one after the other


def test_asyncio_gather_of_200_calls_on_one_async_client(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, **FAST) as c:
            calls = []
            for i in range(200):
                calls.append(c.partner.balances() if i % 2 else c.exchange.rates())
            results = await asyncio.gather(*calls)
        assert len(results) == 200
        for i, r in enumerate(results):
            if i % 2:
                assert isinstance(r, p100.Balances) and r.fiat("eur") is not None
            else:
                assert isinstance(r, p100.ExchangeRates)
                assert r.rate("btc") == Decimal("102178.03394219")

    asyncio.run(main())


def test_async_calls_overlap(sandbox: Sandbox, clean_faults: None) -> None:
    sandbox.control("faults", {"kind": "delay", "count": 10, "delayMs": 400})

    async def main() -> float:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, **FAST) as c:
            start = time.monotonic()
            await asyncio.gather(*(c.partner.balances() for _ in range(10)))
            return time.monotonic() - start

    assert asyncio.run(main()) < 10 * 0.4 * 0.5


def test_async_cancellation(sandbox: Sandbox, clean_faults: None) -> None:
    sandbox.control("faults", {"kind": "delay", "count": 1, "delayMs": 3000})

    async def main() -> None:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, **FAST) as c:
            start = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(c.partner.balances(), timeout=0.2)
            assert time.monotonic() - start < 2
            # The client is still usable.
            assert (await c.exchange.rates()).rate("eur") == Decimal(1)

    asyncio.run(main())


def test_ctrl_c_interrupts_a_blocking_call(
    sandbox: Sandbox, client: p100.Client, clean_faults: None
) -> None:
    # Python's own Ctrl-C handler, even if the test runner was started with SIGINT ignored
    # (as background jobs of a non-interactive shell are).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    # More than one delayed reply, so a stray request from elsewhere cannot use up the fault
    # (clean_faults clears the rest).
    sandbox.control("faults", {"kind": "delay", "count": 5, "delayMs": 5000})
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.partner.balances()
    finally:
        timer.join()
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - start < 3


def test_a_call_never_awaited_is_reported_by_its_operation(sandbox: Sandbox) -> None:
    """Python's warning names the forgotten call ("coroutine 'users.balances' was never
    awaited"), not the SDK's internal helper; nothing was sent."""
    import gc
    import warnings

    async def main() -> None:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, **FAST) as c:
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                forgotten = c.users.balances("nobody")
                assert forgotten.__qualname__ == "users.balances"
                del forgotten
                gc.collect()
            texts = [str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)]
            assert any("'users.balances' was never awaited" in t for t in texts), texts

    asyncio.run(main())
