"""Fixtures: one sandbox for the session, clients on it, and helpers that build users."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Callable

import pytest

import p100
from _sandbox import Sandbox

# Fast retries, as the shared scenarios expect (their 429 step relies on Retry-After: 1).
FAST = {"timeout": 10.0, "max_retries": 3, "retry_initial_delay": 0.02, "retry_max_delay": 0.2}

#: What the shared scenarios covered (steps, matrix cells), printed at the end of the run.
SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SUMMARY:
        terminalreporter.section("shared scenarios")
        for line in SUMMARY:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox(settle_ms=100)
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture()
def client(sandbox: Sandbox) -> Iterator[p100.Client]:
    with p100.Client(sandbox.api_key, sandbox.base_url, **FAST) as c:
        yield c


def holds(text: str, secret: str) -> bool:
    """Whether `text` shows `secret`. A short value (a PIN) counts only as a token of its own:
    random ids in the same text (request ids, card UUIDs with their dash-separated segments)
    hold any 4 digits now and then, and that is not a leak."""
    if len(secret) >= 8:
        return secret in text
    return re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", text) is not None


def new_id(prefix: str = "py") -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


USER_FIELDS: dict[str, Any] = {
    "email": "jan.kowalski@example.pl",
    "phone": "486012334567",
    "first_name": "Jan",
    "last_name": "Kowalski",
    "street": "ul. Marszalkowska",
    "number": "123/5",
    "city": "Warszawa",
    "post_code": "00-001",
    "country": "PL",
    "citizenship": "PL",
    "nationality": "PL",
    "birth_country": "PL",
    "birth_date": "1990-05-15",
    "user_identification_number": "90051512345",
    "has_accepted_p100_tc": True,
}


def active_user(client: p100.Client) -> str:
    """Creates a KYC user and verifies it (KYC by P100), so its EUR balance is active."""
    uid = new_id()
    client.users.create(external_user_id=uid, **USER_FIELDS)
    verification = client.kyc.create_verification(
        external_user_id=uid,
        document_type="ID_CARD",
        country="PL",
        income_source="SALARY",
        open_account_reason="CURRENCY_EXCHANGE",
        occupation="IT",
        additional_info="software developer",
    )
    poll(lambda: client.kyc.status(verification.verification_id).verification_status == "VERIFIED")
    client.kyc.add_verification(
        external_user_id=uid,
        document_type="ID_CARD",
        document_number="CEV12630",
        document_country="PL",
    )
    return uid


def fund(client: p100.Client, uid: str, amount: str, currency: str = "eur") -> None:
    """Moves ``amount`` from the partner to the user and waits for it."""
    created = client.transfers.create(
        destination_external_user_id=uid, amount=Decimal(amount), currency=currency
    )
    done = client.transfers.wait_for(created.transfer_id, timeout=10, interval=0.02)
    assert done.status == "SUCCESSFUL", done


def poll(check: Callable[[], bool], timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


@pytest.fixture()
def user(client: p100.Client) -> str:
    return active_user(client)
