"""Outside review (stop 47) of the recovery flow: each test shows a defect of the code before it."""

from __future__ import annotations

import json

import pytest

import p100
from _sandbox import Sandbox
from conftest import active_user, fund


def test_a_fingerprint_is_stored_as_the_json_every_package_reads(
    sandbox: Sandbox, client: p100.Client
) -> None:
    """`json.dumps(e.fingerprint)` failed on its `Decimal` (in an `except` handler: the record
    of an unknown payout was lost), and its snake_case names were Python's only: Node and
    Kotlin could not reconcile it."""
    uid = active_user(client)
    fund(client, uid, "10.00")
    sandbox.http("POST", "/_sandbox/faults", {"kind": "500", "operation": "transfers.create"})
    c = p100.Client(sandbox.api_key, sandbox.base_url, max_retries=0)
    with pytest.raises(p100.P100Error) as caught:
        c.transfers.create(source_external_user_id=uid, amount="1.01", currency="eur")
    e = caught.value
    assert e.outcome == "unknown" and e.fingerprint is not None
    stored = p100.fingerprint_to_json(e)
    data = json.loads(stored)
    assert data["amount"] == "1.01" and data["externalUserId"] == uid and "sentAtMs" in data
    assert p100.fingerprint_to_json(e.fingerprint) == stored
    back = p100.fingerprint_from_json(stored)
    assert back == e.fingerprint
    assert c.reconcile(back).result == "not_found"
    # A dict stored with `json.dumps(..., default=str)` (snake_case) reads back too.
    snake = json.dumps(e.fingerprint, default=str)
    assert p100.fingerprint_from_json(snake) == e.fingerprint
    # An error of a call that moves no money has none to store.
    with pytest.raises(p100.ValidationError) as none:
        p100.fingerprint_to_json(p100.P100Error("x"))
    assert none.value.field == "error"
    with pytest.raises(p100.ValidationError) as bad:
        p100.fingerprint_from_json('{"operation": 1, "sentAtMs": 1}')
    assert bad.value.field == "operation"
