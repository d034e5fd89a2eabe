"""Outside review (stop 50) of bad input: each test shows one defect of the code before it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, DecimalTuple

import pytest

import p100
from _sandbox import Sandbox
from conftest import active_user, fund


class Cents(Decimal):
    """A money type that shows itself rounded to cents, as apps write them."""

    def __format__(self, spec: str) -> str:
        return Decimal.__format__(self.quantize(Decimal("0.01"), ROUND_HALF_UP), spec)


class Liar(Decimal):
    """A subclass whose every text and tuple says another number."""

    def __format__(self, spec: str) -> str:
        return "999999"

    def __str__(self) -> str:
        return "999999"

    def as_tuple(self) -> DecimalTuple:
        return Decimal("999999").as_tuple()


def test_a_decimal_subclass_sends_its_value_not_its_display(
    sandbox: Sandbox, client: p100.Client
) -> None:
    """The amount was the subclass's own `format(value, "f")`: `Cents("10.005")` went out as
    10.01, where a plain `Decimal("10.005")` is refused, and `Liar("5")` as 999999.00."""
    uid = active_user(client)
    fund(client, uid, "10.00")
    for bad in (Cents("10.005"), Cents("0.004")):
        with pytest.raises(p100.ValidationError) as refused:
            client.transfers.create(source_external_user_id=uid, amount=bad, currency="eur")
        assert refused.value.field == "amount"
        assert "decimal places" in str(refused.value), refused.value
    sent = client.transfers.create(source_external_user_id=uid, amount=Liar("5"), currency="eur")
    done = client.transfers.wait_for(sent.transfer_id, timeout=10, interval=0.02)
    assert done.status == "SUCCESSFUL", done
    assert client.users.balances(uid).fiat("eur").amount == Decimal("5.00")


def test_the_reply_limit_is_a_client_option(sandbox: Sandbox) -> None:
    """A month of history over 16 MiB could not be read, nor reconciled, and only Rust could
    raise the limit. `max_response_bytes` is a constructor option now, with every language's
    bounds."""
    small = p100.Client(sandbox.api_key, sandbox.base_url, max_response_bytes=64, max_retries=0)
    with pytest.raises(p100.DecodeError) as refused:
        small.partner.balances()
    assert "larger than the limit of 64 bytes" in str(refused.value)
    roomy = p100.Client(sandbox.api_key, sandbox.base_url, max_response_bytes=64 << 20)
    assert roomy.partner.balances().fiat("eur").amount >= 0
    for bad in (0, -1, 2**30 + 1, 10**30, True, "1"):
        with pytest.raises(p100.ConfigError) as config:
            p100.AsyncClient(sandbox.api_key, sandbox.base_url, max_response_bytes=bad)
        assert config.value.field == "max_response_bytes", bad


def test_a_fault_count_out_of_range_names_count() -> None:
    """`inject_fault(count=10**20)` was a bare `OverflowError` (note 34)."""
    from p100.testing import Sandbox as InProcess

    with InProcess() as sb:
        for bad in (10**20, -(10**20), -1, True, 1.5):
            with pytest.raises(p100.ValidationError) as refused:
                sb.inject_fault("500", bad)  # type: ignore[arg-type]
            assert refused.value.field == "count", bad
        sb.inject_fault("500", count=2)
        sb.clear_faults()
