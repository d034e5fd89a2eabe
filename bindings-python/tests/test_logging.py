"""P100_LOG: the client's records of each attempt reach ``logging.getLogger("p100")`` with the
facts a support ticket needs, and never a secret (API key, card number, CVV, PIN, document
number, birth date)."""

from __future__ import annotations

import logging
import re

import pytest

import p100
from conftest import USER_FIELDS, active_user
from p100.testing import Sandbox

API_KEY = "sk-live-PYLOG-0a1b2c3d4e5f"
CARD_NUMBER = "4111222233334444"
CVV = "827"
PIN = "5093"


UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def holds(text: str, secret: str) -> bool:
    """``secret`` in ``text``; short ones as whole tokens, UUIDs taken out first: a request id
    or a card id may hold their digits (``…-5093-…``), while ``pin_5093`` still holds the PIN."""
    text = UUID.sub("<uuid>", text)
    if len(secret) > 4:
        return secret in text
    return secret in re.split(r"[^0-9A-Za-z]+", text)


def test_records_reach_python_logging_without_secrets(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("P100_LOG", "debug")
    caplog.set_level(logging.DEBUG, logger="p100")
    with Sandbox(API_KEY, settle=0.05) as sb:
        sb.control("POST", "/_sandbox/card-secrets", {"cardNumber": CARD_NUMBER, "cvv": CVV})
        with sb.client() as client:
            uid = active_user(client)
            sb.inject_fault("429", retry_after=0)
            card = client.cards.create(external_user_id=uid, label="Logged", pin=PIN)
            assert card.card_number == CARD_NUMBER
            assert client.cards.details(uid, card.card_id).cvv == CVV
            sb.inject_fault("500", count=5)
            with pytest.raises(p100.P100Error) as failed:
                client.with_options(max_retries=0).partner.balances()

    records = [r for r in caplog.records if r.name == "p100"]
    create = [
        r
        for r in records
        if getattr(r, "p100_operation", None) == "cards.create" and r.p100_outcome != "sending"  # type: ignore[attr-defined]
    ]
    assert [(r.levelno, r.p100_outcome, r.p100_status) for r in create] == [  # type: ignore[attr-defined]
        (logging.WARNING, "retrying", 429),
        (logging.INFO, "succeeded", 200),
    ]
    assert all(r.p100_request_id for r in create)  # type: ignore[attr-defined]
    # Every fact of the core's records, as JS and Kotlin/Swift get them (None: does not apply).
    retrying, succeeded = create
    where = (retrying.p100_method, retrying.p100_path)  # type: ignore[attr-defined]
    assert where == ("POST", "/v1/card/virtual")
    assert (retrying.p100_attempt, succeeded.p100_attempt) == (1, 2)  # type: ignore[attr-defined]
    assert (retrying.p100_kind, succeeded.p100_kind) == ("rate_limited", None)  # type: ignore[attr-defined]
    assert isinstance(retrying.p100_retry_in_ms, int) and succeeded.p100_retry_in_ms is None  # type: ignore[attr-defined]
    assert isinstance(succeeded.p100_elapsed_ms, int) and succeeded.p100_elapsed_ms >= 0  # type: ignore[attr-defined]
    assert f"retry_in_ms={retrying.p100_retry_in_ms}" in retrying.getMessage()  # type: ignore[attr-defined]
    last = records[-1]
    assert (last.levelno, last.p100_status) == (logging.ERROR, 500)  # type: ignore[attr-defined]
    assert last.p100_request_id == failed.value.request_id  # type: ignore[attr-defined]
    assert last.p100_kind == failed.value.kind  # type: ignore[attr-defined]
    assert any(r.levelno == logging.DEBUG for r in records)

    names = "operation method path attempt outcome status elapsed_ms kind retry_in_ms request_id"
    facts = [f"p100_{name}" for name in names.split()]
    text = "\n".join(f"{r.getMessage()} {[getattr(r, k, None) for k in facts]}" for r in records)
    secrets = [API_KEY, CARD_NUMBER, CVV, PIN, USER_FIELDS["birth_date"], "CEV12630"]
    for secret in secrets:
        assert not holds(text, str(secret)), secret
    assert holds(text + f" cvv={CVV}", CVV)  # the scan finds a secret where one is
    assert holds(f"pin_{PIN} is too simple", PIN)
    assert not holds(f"/v1/card/3f1c2a9e-77b0-{PIN}-9d2e-5b7c0e1a2f3d", PIN)


def test_off_without_p100_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("P100_LOG", raising=False)
    caplog.set_level(logging.DEBUG, logger="p100")
    with Sandbox() as sb, sb.client() as client:
        client.partner.balances()
    assert [r for r in caplog.records if r.name == "p100"] == []
    monkeypatch.setenv("P100_LOG", "error")
    with Sandbox() as sb, sb.client() as client:
        client.partner.balances()
    assert [r for r in caplog.records if r.name == "p100"] == []
