"""Webhooks: token checks, parsing of every shared vector, and a real delivery from the sandbox
to a handler written with the SDK."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

import p100
from _sandbox import ROOT, Sandbox
from p100 import webhooks

VECTORS = sorted((ROOT / "tests" / "vectors").glob("webhook.*.json"))
TOKEN = "whsec-python-tests"


@pytest.mark.parametrize("header", [TOKEN, f"Bearer {TOKEN}", f"bearer {TOKEN}", f"  {TOKEN} "])
def test_verify_accepts_the_token(header: str) -> None:
    assert webhooks.verify(header, TOKEN) is None
    assert webhooks.Verifier(TOKEN).verify(header) is None


@pytest.mark.parametrize("header", [None, "", "whsec-python-test", TOKEN + "x", "Bearer x"])
def test_verify_rejects_anything_else(header: str | None) -> None:
    with pytest.raises(p100.WebhookUnauthorizedError) as info:
        webhooks.verify(header, TOKEN)
    assert info.value.status == 401
    with pytest.raises(p100.WebhookUnauthorizedError):
        webhooks.Verifier(TOKEN).verify(header)


def _token() -> str:
    return "whsec-" + "kept-out-of-tracebacks"


@pytest.mark.parametrize("body", ["{}", "not json"])
def test_the_token_is_not_in_a_traceback_that_records_locals(body: str) -> None:
    """A refused delivery (or, after a right token, a body that does not parse) raises from
    the SDK's frames: error trackers and `pytest -l` print their locals."""
    import traceback

    calls = [
        lambda: webhooks.verify("Bearer wrong", _token()),
        lambda: webhooks.verify_and_parse("Bearer wrong", body, _token()),
        lambda: webhooks.verify_and_parse(_token(), b"\xff" + body.encode(), _token()),
    ]
    for call in calls:
        with pytest.raises(p100.P100Error) as info:
            call()
        shown = "".join(
            traceback.TracebackException.from_exception(info.value, capture_locals=True).format()
        )
        assert "kept-out-of-tracebacks" not in shown, shown
        assert "verify" in shown  # the SDK's frames are there, without the token


@pytest.mark.parametrize("body", [b"{\xff}", 123, "not json"])
def test_the_sender_is_checked_before_the_body(body: object) -> None:
    """An unauthenticated request is refused as such (a 401) whatever its body, by the
    verifier as by the function: the verifier read the body first (a DecodeError, a 400)."""
    with pytest.raises(p100.WebhookUnauthorizedError):
        webhooks.Verifier(TOKEN).verify_and_parse("wrong", body)  # type: ignore[arg-type]
    with pytest.raises(p100.WebhookUnauthorizedError):
        webhooks.verify_and_parse("wrong", body, TOKEN)  # type: ignore[arg-type]


def test_empty_token_is_a_config_error() -> None:
    with pytest.raises(p100.ConfigError):
        webhooks.verify(TOKEN, "")
    with pytest.raises(p100.ConfigError):
        webhooks.Verifier("  ")


def test_vectors_exist() -> None:
    assert VECTORS


@pytest.mark.parametrize("path", VECTORS, ids=[p.name for p in VECTORS])
def test_every_webhook_vector_parses_to_its_event(path: Path) -> None:
    expected = path.name.split(".")[1]  # webhook.<event>[.<variant>].json
    body = path.read_bytes()
    name, event = webhooks.parse_named(body)
    assert name == expected
    assert webhooks.event_name(event) == expected
    assert not isinstance(event, p100.UnknownEvent)
    assert type(event).__name__.endswith("Event")
    # The same from text, and through a verifier.
    assert webhooks.parse(body.decode()) == event
    assert webhooks.Verifier(TOKEN).verify_and_parse(TOKEN, body) == event
    assert webhooks.verify_and_parse(f"Bearer {TOKEN}", body, TOKEN) == event
    assert isinstance(event.to_dict(), dict)


def test_sepa_event_fields() -> None:
    event = webhooks.parse((ROOT / "tests/vectors/webhook.sepa_transfer.json").read_text())
    assert isinstance(event, p100.SepaTransferEvent)
    assert event.status == "SUCCESSFUL"
    assert event.amount == Decimal("3.8")
    assert event.type == "external"


def test_unknown_and_invalid_bodies() -> None:
    event = webhooks.parse('{"event_type": "brand_new.thing", "data": {"x": 1}}')
    assert isinstance(event, p100.UnknownEvent)
    assert event.event_type == "brand_new.thing"
    assert json.loads(event.raw)["data"] == {"x": 1}
    assert webhooks.event_name(event) == "unknown"
    assert isinstance(webhooks.parse("[1, 2]"), p100.UnknownEvent)
    with pytest.raises(p100.DecodeError):
        webhooks.parse("not json {")
    with pytest.raises(p100.DecodeError):
        webhooks.parse(b"\xff\xfe")
    with pytest.raises(p100.ValidationError):
        webhooks.parse(123)  # type: ignore[arg-type]
    with pytest.raises(p100.WebhookUnauthorizedError):
        webhooks.verify_and_parse("wrong", "{}", TOKEN)


class Receiver:
    """A webhook endpoint written with the SDK, on a free loopback port."""

    def __init__(self, token: str) -> None:
        self.events: queue.Queue[p100.webhooks.WebhookEvent] = queue.Queue()
        self.rejected = 0
        verifier = webhooks.Verifier(token)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                try:
                    event = verifier.verify_and_parse(self.headers.get("authorization"), body)
                except p100.WebhookUnauthorizedError:
                    outer.rejected += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                outer.events.put(event)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver(sandbox: Sandbox) -> Iterator[Receiver]:
    r = Receiver(TOKEN)
    sandbox.control("webhooks", {"url": r.url, "token": TOKEN})
    try:
        yield r
    finally:
        sandbox.http("DELETE", "/_sandbox/webhooks")
        r.close()


def test_real_delivery_of_a_sepa_transfer_event(client: p100.Client, receiver: Receiver) -> None:
    created = client.sepa.partner_transfer(
        amount=Decimal("12.34"),
        currency="eur",
        destination_iban="DE89370400440532013000",
        transfer_title="Invoice 7",
    )
    while True:
        event = receiver.events.get(timeout=15)
        if isinstance(event, p100.SepaTransferEvent) and event.id == created.transfer_id:
            break
    assert event.status in ("SUCCESSFUL", "FAILED")
    assert event.amount == Decimal("12.34")
    assert receiver.rejected == 0
