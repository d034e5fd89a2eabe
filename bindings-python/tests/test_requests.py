"""Request and model classes are constructible (``p100.CreateCardRequest(...)``), read by the
core's one request decoder as the methods read a dict, and a method takes such an object in
place of the dict."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import p100
from conftest import active_user, holds, new_id


def test_a_request_object_reads_keywords_and_hides_its_secret_in_repr() -> None:
    r = p100.CreateCardRequest(external_user_id="u-1", label="Travel", pin="7319")
    assert (r.external_user_id, r.label, r.pin) == ("u-1", "Travel", "7319")
    assert not holds(repr(r), "7319"), repr(r)
    assert "[REDACTED]" in repr(r)
    # Wire names and snake_case names both read; the wire JSON has the wire names.
    same = p100.CreateCardRequest({"externalUserId": "u-1", "label": "Travel"}, pin="7319")
    assert same == r
    assert json.loads(r.to_json()) == {"externalUserId": "u-1", "label": "Travel", "pin": "7319"}
    # A tax id is often a national id (a PESEL): kept, sent, never shown.
    k = p100.CreateKycVerificationRequest(
        external_user_id="u-1",
        document_type="PASSPORT",
        country="PL",
        income_source="BUSINESS_ACTIVITY",
        open_account_reason="CURRENCY_EXCHANGE",
        tax_id="90090515836",
    )
    assert k.tax_id == "90090515836"
    assert not holds(repr(k), "90090515836"), repr(k)
    assert json.loads(k.to_json())["taxId"] == "90090515836"


def test_an_amount_is_exact_and_a_float_is_refused_naming_the_field() -> None:
    t = p100.TransferRequest(destination_external_user_id="u-1", amount="0.10", currency="eur")
    assert t.amount == Decimal("0.10")
    assert p100.TransferRequest(
        destination_external_user_id="u-1", amount=Decimal("1E-8"), currency="btc"
    ).amount == Decimal("0.00000001")
    with pytest.raises(p100.ValidationError) as e:
        p100.TransferRequest(destination_external_user_id="u-1", amount=0.1, currency="eur")
    assert e.value.field == "amount"


def test_an_unknown_or_missing_field_is_named_and_no_value_is_echoed() -> None:
    with pytest.raises(p100.ValidationError) as e:
        p100.CreateCardRequest(external_user_id="u-1", lable="Travel", pin="7319")
    assert e.value.field == "lable"
    with pytest.raises(p100.ValidationError) as e:
        p100.CreateCardRequest(external_user_id="u-1", pin="7319")
    assert e.value.field == "label"
    assert not holds(str(e.value), "7319")
    with pytest.raises(p100.ValidationError) as e:
        p100.CreateCardRequest(external_user_id="u-1", label="Travel", pin=7319)
    assert e.value.field == "pin"
    assert not holds(str(e.value), "7319")
    with pytest.raises(p100.ValidationError) as e:
        p100.CreateCardRequest(["not", "a", "dict"])
    assert e.value.field == "fields"


def test_a_response_model_can_be_built_for_a_test_double() -> None:
    t = p100.Transaction(id="t-1", type="exchange", amount="99.50", currency="eur")
    assert (t.id, t.amount, t.status) == ("t-1", Decimal("99.50"), None)
    assert t == p100.Transaction(t.to_dict())


def test_a_method_takes_the_request_object(client: p100.Client) -> None:
    uid = active_user(client)
    funded = client.transfers.create(
        p100.TransferRequest(destination_external_user_id=uid, amount="1.25", currency="eur")
    )
    done = client.transfers.wait_for(funded.transfer_id, timeout=10, interval=0.02)
    assert (done.status, done.amount) == ("SUCCESSFUL", Decimal("1.25"))
    card = client.cards.create(
        p100.CreateCardRequest(external_user_id=uid, label="Travel", pin="7319")
    )
    assert card.card_id
    # A keyword adds a field the object leaves unset.
    partial = p100.TransferRequest(destination_external_user_id=uid, currency="eur", amount="1")
    again = client.transfers.create(partial)
    assert again.transfer_id != funded.transfer_id


def test_an_object_and_a_keyword_for_one_field_is_refused_before_sending(
    client: p100.Client,
) -> None:
    request = p100.TransferRequest(
        destination_external_user_id=new_id(), amount="5", currency="eur"
    )
    with pytest.raises(p100.ValidationError) as e:
        client.transfers.create(request, amount=Decimal("500"))
    assert e.value.field == "amount"
    assert e.value.outcome == "not_sent"
    # A model of another class where a request is expected is refused, naming both classes,
    # even when its fields would fit (a user transfer given as the partner's).
    with pytest.raises(p100.ValidationError) as e:
        client.transfers.create(p100.Transaction(id="t-1"))
    assert (e.value.field, e.value.outcome) == ("fields", "not_sent")
    assert "p100.TransferRequest" in str(e.value) and "p100.Transaction" in str(e.value)
    partner = p100.PartnerSepaTransferRequest(
        amount="1.00",
        currency="eur",
        destination_iban="DE89370400440532013000",
        transfer_title="x",
    )
    with pytest.raises(p100.ValidationError) as e:
        client.sepa.user_transfer(partner, source_external_user_id=new_id())
    assert e.value.field == "fields"


WITHDRAWAL = {
    "currency": "btc",
    "wallet_address": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
    "name": "Request Object",
    "wallet_type": "NON_CUSTODIAL",
    "receiver_type": "NATURAL",
}


def test_amounts_the_wire_writes_as_numbers_go_through_a_request_object() -> None:
    # Crypto withdrawals, exchanges and card limits write amounts as JSON numbers; the object
    # still goes where its dict would, its amounts exact (outside review: it was refused).
    w = p100.PartnerCryptoWithdrawalRequest(WITHDRAWAL, amount="0.5")
    assert json.loads(w.to_json())["amount"] == 0.5
    again = p100.PartnerCryptoWithdrawalRequest(w)
    assert again == w and again.amount == Decimal("0.5")
    limits = p100.UpdateCardLimitsRequest(
        external_user_id="u-1", card_id="c-1", daily_trx_all="100.00"
    )
    assert p100.UpdateCardLimitsRequest(limits).daily_trx_all == Decimal("100.00")


def test_a_crypto_withdrawal_object_reaches_the_api(client: p100.Client) -> None:
    request = p100.PartnerCryptoWithdrawalRequest(WITHDRAWAL, amount=Decimal("0.0005"))
    created = client.crypto.partner_withdrawal(request)
    done = client.crypto.wait_for(created.withdrawal_id, timeout=10, interval=0.02)
    assert done.amount == Decimal("0.0005"), done
