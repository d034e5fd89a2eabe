"""Outside review (stop 37) of the pip package: each test shows a defect of the code before it."""

from __future__ import annotations

import asyncio
import logging
import time
from decimal import Decimal
from typing import Any

import pytest

import p100
from p100.testing import Sandbox

TRANSFER: dict[str, Any] = {
    "currency": "eur",
    "destination_iban": "DE89370400440532013000",
    "transfer_title": "Invoice 42",
}


def test_a_money_call_whose_loop_was_closed_is_kept() -> None:
    """A loop closed by its owner with a money call in flight: the transfer ran and nothing
    recorded it (asyncio.run cancels its tasks first; a loop closed by hand does not)."""
    with Sandbox(settle=0.1) as sb:
        sb.fund(currency="eur", amount="1000")
        ac = p100.AsyncClient(sb.api_key, sb.url, max_retries=0)
        sb.inject_fault("delay", delay_ms=300, operation="sepa.partner_transfer")
        loop = asyncio.new_event_loop()
        task = loop.create_task(ac.sepa.partner_transfer(amount="25.00", **TRANSFER))
        loop.run_until_complete(asyncio.sleep(0.1))
        loop.close()
        assert not task.done()
        kept: list[p100.AbortError] = []
        for _ in range(100):  # the reply comes 0.3 s after it was sent
            kept += ac.take_cancelled()
            if kept:
                break
            time.sleep(0.05)
        assert sb.ops().get("sepa.partner_transfer") == 1
        assert len(kept) == 1, kept
        assert kept[0].outcome == "accepted"
        assert kept[0].operation == "sepa.partner_transfer"


def test_a_decimal_with_a_huge_exponent_is_refused_by_its_size() -> None:
    """``Decimal("1E+200000000")`` was written out in full first: 15 s and 600 MB, and
    ``1E+999999999`` more than memory holds."""
    for amount in (Decimal("1E+999999999"), Decimal("1E-999999999"), Decimal("1" * 150)):
        with pytest.raises(p100.ValidationError) as info:
            p100.PartnerSepaTransferRequest(amount=amount, **TRANSFER)
        assert info.value.field == "amount"
        # The core's amount message, the same in every language.
        assert "is not a decimal amount" in str(info.value)
        assert "at most 28 digits" in str(info.value)
    # Ordinary amounts are untouched.
    req = p100.PartnerSepaTransferRequest(amount=Decimal("1E-2"), **TRANSFER)
    assert req.amount == Decimal("0.01")


def test_input_python_cannot_write_is_a_validation_error_naming_the_field() -> None:
    """A 5,000-digit int and a lone surrogate raised Python's ValueError and
    UnicodeEncodeError, which ``except p100.P100Error`` misses."""
    with pytest.raises(p100.ValidationError) as info:
        p100.PartnerSepaTransferRequest(amount=10**5000, **TRANSFER)
    assert info.value.field == "amount"
    bad = {**TRANSFER, "transfer_title": "a\ud800"}
    with pytest.raises(p100.ValidationError) as info:
        p100.PartnerSepaTransferRequest(amount="1", **bad)
    assert info.value.field == "transferTitle"
    assert "\ud800" not in str(info.value)


def test_a_blocking_call_from_a_p100_log_handler_is_a_p100_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A handler of the ``p100`` logger runs on one of the SDK's threads: a blocking call
    there raised a Rust panic (``PanicException``, a BaseException), with its backtrace."""
    monkeypatch.setenv("P100_LOG", "info")
    seen: list[BaseException] = []
    with Sandbox() as sb:

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if seen:
                    return
                try:
                    p100.Client(sb.api_key, sb.url).exchange.rates()
                except BaseException as e:  # what was raised is the point
                    seen.append(e)

        logger = logging.getLogger("p100")
        handler = Handler()
        logger.addHandler(handler)
        old_level = logger.level
        logger.setLevel(logging.INFO)
        try:
            p100.Client(sb.api_key, sb.url).partner.balances()
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)
    assert len(seen) == 1, seen
    assert isinstance(seen[0], p100.ConfigError), repr(seen[0])
    assert seen[0].outcome == "not_sent"
    assert "AsyncClient" in str(seen[0])


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": True},
        {"max_retries": True},
        {"max_retries": 2.0},
        {"timeout": "5"},
        {"connect_timeout": False},
    ],
)
def test_client_options_of_the_wrong_type_are_refused_by_name(options: dict[str, Any]) -> None:
    """``timeout=True`` was taken for 1 s and ``max_retries=True`` for 1 (a bool is an int to
    Python); ``max_retries=2.0`` and ``timeout="5"`` raised a bare ``TypeError``."""
    (name,) = options
    with pytest.raises(p100.ConfigError, match=name):
        p100.Client("k" * 20, "http://127.0.0.1:9", **options)
    client = p100.Client("k" * 20, "http://127.0.0.1:9")
    if name in ("timeout", "max_retries"):
        with pytest.raises(p100.ValidationError) as info:
            client.with_options(**options)
        assert info.value.field == name
