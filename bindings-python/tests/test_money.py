"""Money is exact: Decimal in, Decimal out; floats are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

import p100
from _sandbox import Sandbox
from conftest import active_user, fund


def test_one_satoshi_round_trips(client: p100.Client) -> None:
    uid = active_user(client)
    sat = Decimal("0.00000001")
    created = client.transfers.create(destination_external_user_id=uid, amount=sat, currency="btc")
    details = client.transfers.wait_for(created.transfer_id, timeout=10, interval=0.02)
    assert details.status == "SUCCESSFUL"
    assert details.amount == sat
    btc = client.users.balances(uid).crypto("btc")
    assert btc is not None
    assert btc.amount == sat
    assert isinstance(btc.amount, Decimal)
    assert format(btc.amount, "f") == "0.00000001"
    assert btc.amount.as_tuple().exponent == -8


def test_amounts_accept_decimal_str_and_int(client: p100.Client) -> None:
    uid = active_user(client)
    fund(client, uid, "10.10")
    fund(client, uid, "0.90")
    created = client.transfers.create(destination_external_user_id=uid, amount=5, currency="eur")
    client.transfers.wait_for(created.transfer_id, timeout=10, interval=0.02)
    assert client.users.balances(uid).fiat("eur").amount == Decimal("16.00")
    # Scientific notation Decimals are sent in plain notation.
    created = client.transfers.create(
        destination_external_user_id=uid, amount=Decimal("1E-2"), currency="eur"
    )
    client.transfers.wait_for(created.transfer_id, timeout=10, interval=0.02)
    assert client.users.balances(uid).fiat("eur").amount == Decimal("16.01")


@pytest.mark.parametrize("value", [0.1, 10.0, float("nan")])
def test_float_is_refused_naming_the_field(client: p100.Client, value: float) -> None:
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.create(destination_external_user_id="u", amount=value, currency="eur")
    e = info.value
    assert e.field == "amount"
    # The core's message (the same in every language): amounts are decimal strings.
    assert "floating-point" in str(e) and "decimal string" in str(e)
    assert e.status is None  # nothing was sent


def test_float_refused_in_every_money_field(client: p100.Client) -> None:
    with pytest.raises(p100.ValidationError) as info:
        client.cards.update_limits(external_user_id="u", card_id="c", daily_trx_all=500.0)
    assert info.value.field == "dailyTrxAll"
    with pytest.raises(p100.ValidationError) as info:
        client.request("POST", "/v1/transfer", {"amount": 1.5, "currency": "eur"})
    assert info.value.field == "body.amount"


def test_non_finite_and_garbage_amounts(client: p100.Client) -> None:
    for bad in (Decimal("NaN"), Decimal("Infinity"), "abc", "1,5", True):
        with pytest.raises(p100.ValidationError) as info:
            client.transfers.create(destination_external_user_id="u", amount=bad, currency="eur")
        assert info.value.field == "amount", bad


def test_too_many_decimals_for_the_currency(client: p100.Client) -> None:
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.create(
            destination_external_user_id="u", amount=Decimal("1.005"), currency="eur"
        )
    assert info.value.field == "amount"


def test_rates_are_exact(client: p100.Client, sandbox: Sandbox) -> None:
    rates = client.exchange.rates()
    assert rates.rates["btc"] == Decimal("102178.03394219")
    assert rates.rate("usdc") == Decimal("0.863331")
    assert all(isinstance(v, Decimal) for v in rates.rates.values())


def test_requests_are_decoded_by_the_core(client: p100.Client) -> None:
    """Python keys (snake_case or camelCase, dict and keywords) reach the core's decoder,
    whose errors name the wire field and never repeat the value."""
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.create(
            {"destinationExternalUserId": "u", "currency": "eur"}, amount="1", ammount="4929"
        )
    assert info.value.field == "ammount" and "4929" not in str(info.value)
    # One field under both spellings in one call: which amount is meant cannot be known.
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.create(
            {"destinationExternalUserId": "u", "destination_external_user_id": "v"},
            amount="1",
            currency="eur",
        )
    assert info.value.field == "destinationExternalUserId" and "twice" in str(info.value)
    # A field in the dict and as a keyword: neither wins, whatever the spelling (the money
    # must not go where only one of the two says), and nothing is sent.
    for extra in ({"amount": "1"}, {"destination_external_user_id": "other"}):
        with pytest.raises(p100.ValidationError) as info:
            client.transfers.create(
                {"destinationExternalUserId": "nobody", "amount": "1000"},
                currency="eur",
                **extra,  # type: ignore[arg-type]
            )
        assert "twice" in str(info.value) and "keyword" in str(info.value), info.value
        assert info.value.outcome == "not_sent"
    assert info.value.field == "destinationExternalUserId"
    # Distinct fields in the dict and the keywords make one request.
    with pytest.raises(p100.P100Error) as info:
        client.transfers.create({"destinationExternalUserId": "nobody"}, amount="1", currency="eur")
    assert info.value.kind != "validation", info.value
    with pytest.raises(p100.ValidationError) as info:
        client.cards.update_limits({"external_user_id": "u"}, card_id="c", daily_trx_all=[1])
    assert info.value.field == "dailyTrxAll"
    with pytest.raises(p100.ValidationError) as info:
        client.cards.create(external_user_id="u", label="abc")
    assert info.value.field == "pin" and "required" in str(info.value)
