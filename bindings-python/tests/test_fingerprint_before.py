"""`p100.fingerprint_of`: a money call's fingerprint taken before the call is sent, stored first,
so that a process that dies while the call is out can still reconcile it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import p100
from _sandbox import Sandbox
from conftest import active_user, fund


def test_the_fingerprint_before_sending_is_the_one_an_unknown_error_carries(
    sandbox: Sandbox, client: p100.Client
) -> None:
    uid = active_user(client)
    fund(client, uid, "10.00")
    args: dict[str, Any] = {
        "source_external_user_id": uid,
        "amount": Decimal("1.5"),
        "currency": "EUR",
    }
    stored = p100.fingerprint_to_json(p100.fingerprint_of("transfers.create", **args))
    before = p100.fingerprint_from_json(stored)
    assert before["amount"] == Decimal("1.50") and before["currency"] == "eur"
    assert before["external_user_id"] == uid and before["operation"] == "transfers.create"
    sandbox.http("POST", "/_sandbox/faults", {"kind": "500", "operation": "transfers.create"})
    c = p100.Client(sandbox.api_key, sandbox.base_url, max_retries=0)
    with pytest.raises(p100.P100Error) as caught:
        c.transfers.create(**args)
    e = caught.value
    assert e.outcome == "unknown" and e.fingerprint is not None
    assert 0 <= e.fingerprint["sent_at_ms"] - before["sent_at_ms"] < 60_000
    assert {**before, "sent_at_ms": 0} == {**e.fingerprint, "sent_at_ms": 0}
    # A dict of fields works as keyword arguments do.
    as_dict = p100.fingerprint_of("transfers.create", args)
    assert {**as_dict, "sent_at_ms": 0} == {**before, "sent_at_ms": 0}


def test_a_stored_fingerprint_finds_the_call_that_went_out(
    sandbox: Sandbox, client: p100.Client
) -> None:
    """The process stores the fingerprint, sends, and dies before the reply is read: after a
    restart, the stored fingerprint alone finds the payout."""
    uid = active_user(client)
    fund(client, uid, "10.00")
    args: dict[str, Any] = {
        "source_external_user_id": uid,
        "amount": Decimal("2.25"),
        "currency": "eur",
    }
    stored = p100.fingerprint_to_json(p100.fingerprint_of("transfers.create", **args))
    created = client.transfers.create(**args)  # its reply is "lost" with the process
    found = client.reconcile(p100.fingerprint_from_json(stored))
    assert found.result == "found" and found.id == created.transfer_id


def test_bad_input_is_refused_naming_the_field() -> None:
    with pytest.raises(p100.ValidationError) as no_money:
        p100.fingerprint_of("users.create", external_user_id="u-1")
    assert no_money.value.field == "operation" and "moves no money" in str(no_money.value)
    with pytest.raises(p100.ValidationError) as unknown:
        p100.fingerprint_of("transfers.make", amount=Decimal("1"), currency="eur")
    assert unknown.value.field == "operation"
    with pytest.raises(p100.ValidationError) as float_money:
        p100.fingerprint_of(
            "sepa.partner_transfer",
            amount=1.5,
            currency="eur",
            destination_iban="DE89370400440532013000",
            transfer_title="x",
        )
    assert float_money.value.field == "amount"
    with pytest.raises(p100.ValidationError) as missing:
        p100.fingerprint_of("sepa.partner_transfer", amount=Decimal("1"), currency="eur")
    assert missing.value.field == "destinationIban"
