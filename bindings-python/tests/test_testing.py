"""p100.testing.Sandbox (the sandbox in-process) and the pytest fixture ``p100_sandbox``."""

from __future__ import annotations

import asyncio
import gc
import http.server
import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest

import p100
from p100.testing import Sandbox


def port_of(url: str) -> int:
    port = urlparse(url).port
    assert port is not None
    return port


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_starts_on_a_free_loopback_port_and_answers() -> None:
    with Sandbox(api_key="py-testing-key") as sb:
        assert sb.url.startswith("http://127.0.0.1:")
        assert port_of(sb.url) > 0
        assert sb.api_key == "py-testing-key"
        assert not sb.closed
        assert "127.0.0.1" in repr(sb)
        with sb.client() as client:
            assert client.base_url == sb.url
            assert client.partner.balances().fiat("eur") is not None
    assert sb.closed


def test_start_up_time_to_the_first_answered_request() -> None:
    """Measured, not asserted (machines differ): the median of several starts."""
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        with Sandbox() as sb, sb.client() as client:
            client.partner.balances()
            times.append(time.perf_counter() - t0)
    print(
        f"\nin-process sandbox start-up to first answered request: median "
        f"{statistics.median(times) * 1000:.1f} ms (min {min(times) * 1000:.1f} ms, n=7)"
    )


def test_bad_arguments_are_validation_errors_naming_the_field() -> None:
    with pytest.raises(p100.ValidationError) as e:
        Sandbox(time_scale=-1)
    assert e.value.field == "time_scale"
    with pytest.raises(p100.ValidationError) as e:
        Sandbox(api_key="")
    assert e.value.field == "api_key"
    with pytest.raises(p100.ValidationError) as e:
        Sandbox(webhook_url="http://127.0.0.1:9/hook")
    assert e.value.field == "webhook_token"
    with pytest.raises(p100.ValidationError) as e:
        Sandbox(settle=-1)
    assert e.value.field == "settle"


def test_fund_is_visible_through_the_client(p100_sandbox: Sandbox) -> None:
    sb = p100_sandbox
    with sb.client() as client:
        before = client.partner.balances().fiat("eur")
        assert before is not None
        reply = sb.fund(currency="eur", amount=Decimal("12.34"))
        assert reply["currency"] == "eur"
        sb.fund(currency="eur", amount="0.66")
        sb.fund(currency="eur", amount=7)
        after = client.partner.balances().fiat("eur")
        assert after is not None
        assert after.amount - before.amount == Decimal("20.00")


def test_fund_refuses_a_float_and_bad_values(p100_sandbox: Sandbox) -> None:
    with pytest.raises(p100.ValidationError) as e:
        p100_sandbox.fund(currency="eur", amount=1.5)  # type: ignore[arg-type]
    assert e.value.field == "amount"
    with pytest.raises(p100.ValidationError) as e:
        p100_sandbox.fund(currency="eur", amount="-3")
    assert e.value.field == "amount"
    with pytest.raises(p100.ValidationError) as e:
        p100_sandbox.fund(currency="nope", amount="3")
    assert e.value.field == "currency"


def test_a_fault_is_seen_as_an_sdk_error(p100_sandbox: Sandbox) -> None:
    p100_sandbox.inject_fault("500", count=10)
    with p100_sandbox.client(max_retries=0) as client, pytest.raises(p100.P100Error) as e:
        client.partner.balances()
    assert e.value.status == 500
    p100_sandbox.clear_faults()
    p100_sandbox.inject_fault("429", retry_after=0)
    with p100_sandbox.client(max_retries=0) as client:
        with pytest.raises(p100.RateLimitError):
            client.partner.balances()
        client.partner.balances()  # the fault was used up
    with pytest.raises(p100.ValidationError) as v:
        p100_sandbox.inject_fault("no-such-fault")
    assert v.value.field == "kind"


def test_a_fault_can_be_limited_to_one_operation_and_given_its_status(
    p100_sandbox: Sandbox,
) -> None:
    p100_sandbox.inject_fault("5xx-with-code", status=504, operation="exchange.rates")
    with p100_sandbox.client(max_retries=0) as client:
        client.partner.balances()  # another operation: untouched, the fault stays queued
        with pytest.raises(p100.P100Error) as e:
            client.exchange.rates()
        assert e.value.status == 504
        client.exchange.rates()  # used up
        # 100 kB of padding is read (the default, 20 MiB, is over the client's limit).
        p100_sandbox.inject_fault("huge-body", size_bytes=100_000)
        client.partner.balances()
        p100_sandbox.inject_fault("huge-body", size_bytes=17 * 1024 * 1024)
        with pytest.raises(p100.P100Error) as e:
            client.partner.balances()
        assert e.value.kind == "decode"
    # Bad arguments are refused before anything is queued, naming the argument as Python does.
    for kwargs, field in [
        ({"kind": "500", "operation": "no.such_operation"}, "operation"),
        ({"kind": "huge-body", "size_bytes": -1}, "size_bytes"),
        ({"kind": "500", "size_bytes": 64}, "size_bytes"),
        ({"kind": "5xx-with-code", "status": 200}, "status"),
        ({"kind": "5xx-with-code", "status": -1}, "status"),
    ]:
        with pytest.raises(p100.ValidationError) as v:
            p100_sandbox.inject_fault(**kwargs)
        assert v.value.field == field, kwargs
    with p100_sandbox.client(max_retries=0) as client:
        client.partner.balances()  # none of them was queued


@pytest.mark.p100_sandbox(settle=3600)
def test_advance_makes_a_slow_sepa_transfer_final(p100_sandbox: Sandbox) -> None:
    sb = p100_sandbox
    with sb.client() as client:
        created = client.sepa.partner_transfer(
            amount=Decimal("25.50"),
            currency="eur",
            destination_iban="DE89370400440532013000",
            transfer_title="Invoice 42",
        )
        assert client.sepa.details(created.transfer_id).status not in ("SUCCESSFUL", "FAILED")
        before = sb.now()
        after = sb.advance(3601)
        assert after - before >= 3601
        assert client.sepa.details(created.transfer_id).status == "SUCCESSFUL"
    with pytest.raises(p100.ValidationError) as e:
        sb.advance(0)
    assert e.value.field == "seconds"


def test_set_time_scale(p100_sandbox: Sandbox) -> None:
    p100_sandbox.set_time_scale(0.001)
    assert p100_sandbox.time_scale == pytest.approx(0.001)
    with pytest.raises(p100.ValidationError) as e:
        p100_sandbox.set_time_scale(-2)
    assert e.value.field == "time_scale"


@pytest.fixture()
def webhook_server() -> Iterator[tuple[str, list[tuple[str | None, bytes]]]]:
    received: list[tuple[str | None, bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            received.append((self.headers.get("authorization"), self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_trigger_and_deliveries(
    webhook_server: tuple[str, list[tuple[str | None, bytes]]],
) -> None:
    url, received = webhook_server
    with Sandbox(webhook_url=url, webhook_token="whsec-py") as sb:
        payload = sb.trigger("user_status", external_user_id="py-hook-user")
        assert payload["externalUserId"] == "py-hook-user"
        deadline = time.monotonic() + 10
        while not (received and sb.deliveries()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert received, "no webhook arrived"
        authorization, body = received[0]
        event = p100.webhooks.Verifier("whsec-py").verify_and_parse(authorization, body)
        assert isinstance(event, p100.UserStatusEvent)
        assert event.external_user_id == "py-hook-user"
        deliveries = sb.deliveries()
        assert isinstance(deliveries, list) and deliveries
        assert deliveries[0]["url"] == url
        assert json.loads(body)["externalUserId"] == "py-hook-user"
        with pytest.raises(p100.ValidationError) as e:
            sb.trigger("no_such_event")
        assert e.value.field == "event"
        sb.set_webhook()
        with pytest.raises(p100.ConfigError):
            sb.trigger("user_status")


def test_reset_goes_back_to_the_start(p100_sandbox: Sandbox) -> None:
    with p100_sandbox.client() as client:
        start = client.partner.balances().fiat("eur")
        p100_sandbox.fund(currency="eur", amount="5")
        p100_sandbox.reset()
        again = client.partner.balances().fiat("eur")
    assert start is not None and again is not None
    assert again.amount == start.amount
    assert p100_sandbox.ops()["partner.balances"] == 1


def test_control_reaches_any_control(p100_sandbox: Sandbox) -> None:
    p100_sandbox.control("POST", "/_sandbox/faults", {"kind": "500"})
    with p100_sandbox.client(max_retries=0) as client, pytest.raises(p100.P100Error):
        client.partner.balances()
    with pytest.raises(p100.ValidationError):
        p100_sandbox.control("GET", "/v1/partner/balances")


def test_close_frees_the_port_and_is_idempotent() -> None:
    sb = Sandbox()
    port = port_of(sb.url)
    assert not port_is_free(port)
    sb.close()
    assert sb.closed
    assert port_is_free(port)
    sb.close()
    with pytest.raises(p100.ConfigError):
        sb.fund(currency="eur", amount="1")
    with pytest.raises(p100.ConfigError):
        sb.deliveries()


def test_garbage_collection_stops_it() -> None:
    threads = threading.active_count()
    sb = Sandbox()
    port = port_of(sb.url)
    del sb
    gc.collect()
    deadline = time.monotonic() + 5
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert port_is_free(port)
    assert threading.active_count() == threads


def test_async_client_under_asyncio(p100_sandbox: Sandbox) -> None:
    p100_sandbox.fund(currency="eur", amount="1.5")

    async def main() -> Decimal:
        async with p100_sandbox.async_client() as client:
            results = await asyncio.gather(*(client.partner.balances() for _ in range(5)))
        eur = results[-1].fiat("eur")
        assert eur is not None
        return eur.amount

    assert asyncio.run(main()) == Decimal("100001.50")


def test_the_fixture_gives_each_test_a_fresh_sandbox(p100_sandbox: Sandbox) -> None:
    with p100_sandbox.client() as client:
        eur = client.partner.balances().fiat("eur")
    assert eur is not None and eur.amount == Decimal("100000.00")
    assert p100_sandbox.deliveries() == []
