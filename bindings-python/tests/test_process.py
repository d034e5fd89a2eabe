"""Process-level behaviour: a client made before ``os.fork()`` works in the child (gunicorn
``--preload``, Celery prefork, ``multiprocessing`` with the fork start method), and environment
proxies are not used for loopback base URLs."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import p100
from _sandbox import Sandbox
from conftest import FAST

pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")

#: The client the ``multiprocessing`` workers inherit (set before the pool forks).
INHERITED: p100.Client | None = None


def _eur_in_child(_: int) -> tuple[int, str]:
    assert INHERITED is not None
    balances = INHERITED.partner.balances()
    eur = next(b for b in balances.fiat_balances if b.name == "eur")
    return os.getpid(), str(eur.amount)


def _run_in_child(work: Any, timeout: float = 20.0) -> dict[str, Any]:
    """Forks; the child runs ``work()`` and sends back its JSON result (or the error). A child
    that hangs (a runtime whose threads did not survive the fork) is killed and reported."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 1
        try:
            out = {"ok": work()}
            code = 0
        except BaseException as e:  # everything goes back to the parent
            out = {"error": f"{type(e).__name__}: {e}"}
        try:
            os.write(write, json.dumps(out).encode())
        finally:
            os._exit(code)
    os.close(write)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            raise AssertionError(f"the forked child hung for {timeout} s")
        time.sleep(0.01)
    with os.fdopen(read, "rb") as f:
        result: dict[str, Any] = json.loads(f.read() or b"{}")
    assert os.waitstatus_to_exitcode(status) == 0, result
    return result


@pytest.fixture()
def warm_client(sandbox: Sandbox) -> Iterator[p100.Client]:
    """A client that already made a call (its runtime and a pooled connection exist)."""
    with p100.Client(sandbox.api_key, sandbox.base_url, **FAST) as c:
        c.partner.balances()
        yield c


def test_sync_client_made_before_fork_works_in_the_child(warm_client: p100.Client) -> None:
    def work() -> list[str]:
        return [b.name for b in warm_client.partner.balances().fiat_balances]

    assert "eur" in _run_in_child(work)["ok"]
    # The parent's client and runtime are untouched by the child.
    assert warm_client.partner.balances().fiat_balances


def test_async_client_made_before_fork_works_in_the_child(sandbox: Sandbox) -> None:
    client = p100.AsyncClient(sandbox.api_key, sandbox.base_url, **FAST)
    asyncio.run(client.partner.balances())

    def work() -> int:
        async def go() -> int:
            balances = await asyncio.gather(*(client.partner.balances() for _ in range(4)))
            return sum(len(b.fiat_balances) for b in balances)

        return asyncio.run(go())

    assert _run_in_child(work)["ok"] > 0
    assert asyncio.run(client.partner.balances()).fiat_balances


def test_errors_in_the_child_are_p100_errors(warm_client: p100.Client) -> None:
    def work() -> str:
        try:
            warm_client.users.balances("no-such-user-after-fork")
        except p100.P100Error as e:
            return f"{e.kind} {e.code}"
        return "no error"

    kind_code = _run_in_child(work)["ok"]
    assert kind_code.startswith("api P"), kind_code


def test_multiprocessing_fork_pool_uses_the_inherited_client(sandbox: Sandbox) -> None:
    global INHERITED
    with p100.Client(sandbox.api_key, sandbox.base_url, **FAST) as client:
        client.partner.balances()
        INHERITED = client
        try:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(2) as pool:
                results = pool.map_async(_eur_in_child, range(6)).get(timeout=30)
        finally:
            INHERITED = None
    pids = {pid for pid, _ in results}
    assert os.getpid() not in pids
    assert len({amount for _, amount in results}) == 1  # every worker saw the same balance


class _FakeProxy:
    """A listener that counts connections and answers 502: where a proxied call would go."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.first_lines: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = conn.recv(65536).decode("latin-1")
                self.first_lines.append(data.split("\r\n", 1)[0])
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


def test_environment_proxies_are_not_used_for_loopback(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = _FakeProxy()
    try:
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
            monkeypatch.setenv(var, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        port = sandbox.base_url.rsplit(":", 1)[1]
        for base in (sandbox.base_url, f"http://localhost:{port}"):
            with p100.Client(sandbox.api_key, base, **FAST) as c:
                assert c.partner.balances().fiat_balances
        assert proxy.first_lines == []
        # A remote base URL does go through the proxy (the variables are in effect here).
        with (
            p100.Client(sandbox.api_key, "https://api.p100.invalid", max_retries=0) as c,
            pytest.raises(p100.P100Error),
        ):
            c.partner.balances()
        assert proxy.first_lines == ["CONNECT api.p100.invalid:443 HTTP/1.1"]
    finally:
        proxy.close()
