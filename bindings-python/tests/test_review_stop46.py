"""Outside review (stop 46) of the pip package: each test shows a defect of the code before it."""

from __future__ import annotations

import asyncio
import http.server
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import p100
from _sandbox import Sandbox
from conftest import active_user, fund


def fault(sandbox: Sandbox, kind: str, **extra: object) -> None:
    sandbox.http("POST", "/_sandbox/faults", {"kind": kind, "count": 1, **extra})


def interrupted(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_the_error_is_built_propagates_and_keeps_the_call(
    sandbox: Sandbox, client: p100.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C whose handler ran inside the error's `__init__` (Python code) became a
    `RuntimeError`, and the transfer that may have been sent was in no `take_cancelled()`."""
    uid = active_user(client)
    fund(client, uid, "10.00")
    fault(sandbox, "500", operation="transfers.create")
    c = p100.Client(sandbox.api_key, sandbox.base_url, max_retries=0)
    with monkeypatch.context() as m:
        m.setattr(p100._errors.P100Error, "__init__", interrupted)
        with pytest.raises(KeyboardInterrupt):
            c.transfers.create(source_external_user_id=uid, amount="1.01", currency="eur")
    kept = c.take_cancelled()
    assert [(k.kind, k.outcome, k.status) for k in kept] == [("unavailable", "unknown", 500)]
    assert kept[0].fingerprint is not None and kept[0].fingerprint["amount"] == Decimal("1.01")


def test_ctrl_c_while_a_result_is_converted_keeps_the_call(
    sandbox: Sandbox, client: p100.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The escape hatch's reply is read by `json.loads`: interrupted there, a transfer that
    had happened was dropped."""
    uid = active_user(client)
    fund(client, uid, "10.00")
    c = p100.Client(sandbox.api_key, sandbox.base_url, max_retries=0)
    body = {"sourceExternalUserId": uid, "amount": "1.02", "currency": "eur"}
    with monkeypatch.context() as m:
        m.setattr(json, "loads", interrupted)
        with pytest.raises(KeyboardInterrupt):
            c.request("POST", "/v1/transfer", body=body)
    kept = c.take_cancelled()
    assert [(k.kind, k.outcome) for k in kept] == [("aborted", "accepted")], kept
    transfer = json.loads(kept[0].raw_body or "{}")["transferId"]
    assert client.transfers.details(transfer).amount == Decimal("1.02")


def test_an_async_call_whose_error_cannot_be_built_is_kept(
    sandbox: Sandbox, client: p100.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid = active_user(client)
    fund(client, uid, "10.00")
    fault(sandbox, "500", operation="transfers.create")

    async def main() -> tuple[BaseException, list[p100.P100Error]]:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, max_retries=0) as c:
            with monkeypatch.context() as m:
                m.setattr(p100._errors.P100Error, "__init__", interrupted)
                try:
                    await c.transfers.create(
                        source_external_user_id=uid, amount="1.03", currency="eur"
                    )
                except BaseException as e:
                    raised: BaseException = e
            return raised, c.take_cancelled()

    raised, kept = asyncio.run(main())
    assert isinstance(raised, KeyboardInterrupt), raised
    assert [(k.kind, k.outcome) for k in kept] == [("unavailable", "unknown")], kept


@pytest.fixture()
def huge_integer_peer() -> Iterator[str]:
    """Answers every request 200 with an integer of 5,000 digits."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            body = b'{"transferId":"t-1","n":' + b"1" * 5000 + b"}"
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_reply_integer_longer_than_python_reads_stays_exact(huge_integer_peer: str) -> None:
    """`json.loads` refuses integers of more than 4,300 digits: a `ValueError` after a 2xx, the
    outcome lost."""
    with p100.Client("test-key-123", huge_integer_peer, max_retries=0) as c:
        reply = c.request("POST", "/v1/transfer", body={"amount": "1"})
    assert reply["transferId"] == "t-1"
    assert reply["n"] == Decimal("1" * 5000)


def test_an_async_call_with_bad_arguments_raises_when_awaited(sandbox: Sandbox) -> None:
    """Bad arguments raised at the call, not at `await`: `gather(..., return_exceptions=True)`
    never got them, and the good coroutines of the batch were dropped unawaited."""

    async def main() -> list[object]:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, max_retries=0) as c:
            good = c.partner.balances()
            bad = c.transfers.create(destination_external_user_id="u1", amount=0.1, currency="eur")
            bad_id = c.transfers.details("a/b")
            bad_body = c.request("POST", "/v1/transfer", body={"amount": 0.1})
            return await asyncio.gather(good, bad, bad_id, bad_body, return_exceptions=True)

    balances, bad, bad_id, bad_body = asyncio.run(main())
    assert isinstance(balances, p100.Balances), balances
    assert isinstance(bad, p100.ValidationError) and bad.field == "amount", bad
    assert isinstance(bad_id, p100.ValidationError), bad_id
    assert isinstance(bad_body, p100.ValidationError), bad_body

    async def closed() -> BaseException | None:
        c = p100.AsyncClient(sandbox.api_key, sandbox.base_url)
        await c.aclose()
        call = c.partner.balances()  # no error yet: it comes with the await
        try:
            await call
        except p100.P100Error as e:
            return e
        return None

    assert isinstance(asyncio.run(closed()), p100.ConfigError)
