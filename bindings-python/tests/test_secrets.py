"""Secrets never show in repr(), str() or error messages, but the caller can read them."""

from __future__ import annotations

import pytest

import p100
from _sandbox import Sandbox
from conftest import USER_FIELDS, active_user


def test_card_data_readable_but_not_in_repr(client: p100.Client) -> None:
    uid = active_user(client)
    card = client.cards.create(external_user_id=uid, label="Shopping", pin="1234")
    assert isinstance(card, p100.CardCreated)
    assert len(card.card_number) == 16 and card.card_number.isdigit()
    assert len(card.cvv) == 3
    for text in (repr(card), str(card)):
        assert card.card_id in text  # non-secret fields still show
        # Without the card id: its random hex digits may hold the CVV's three by chance.
        text = text.replace(card.card_id, "")
        assert card.card_number not in text
        assert card.cvv not in text
        assert "[REDACTED]" in text
    # to_dict / to_json are explicit requests for the data.
    assert card.to_dict()["card_number"] == card.card_number

    details = client.cards.details(uid, card.card_id)
    assert details.card_number == card.card_number
    shown = repr(details).replace(card.card_id, "")
    assert card.card_number not in shown and card.cvv not in shown
    # Inside containers the element repr is used, so secrets stay hidden there too.
    assert card.card_number not in repr([details]) and card.card_number not in repr({"d": details})


def test_pin_never_in_errors(client: p100.Client) -> None:
    for pin in ("12345", "12a4", 98765):
        with pytest.raises(p100.ValidationError) as info:
            client.cards.create(external_user_id="u1", label="Shopping", pin=pin)
        assert info.value.field == "pin"
        for text in (str(info.value), repr(info.value)):
            assert str(pin) not in text


def test_identity_data_not_in_type_errors(client: p100.Client) -> None:
    with pytest.raises(p100.ValidationError) as info:
        client.users.create(external_user_id="u", **{**USER_FIELDS, "birth_date": 19900515})
    assert info.value.field == "birthDate"
    assert "19900515" not in str(info.value)


def test_api_key_and_webhook_token_never_shown(sandbox: Sandbox) -> None:
    c = p100.Client(sandbox.api_key, sandbox.base_url)
    a = p100.AsyncClient(sandbox.api_key, sandbox.base_url)
    for text in (repr(c), repr(a), repr(c.partner), repr(a.cards), str(c)):
        assert sandbox.api_key not in text
    v = p100.webhooks.Verifier("whsec-very-secret")
    assert "very-secret" not in repr(v) and "very-secret" not in str(v)
    with pytest.raises(p100.WebhookUnauthorizedError) as info:
        v.verify("whsec-very-secreT")
    assert "very-secret" not in str(info.value) and "very-secret" not in repr(info.value)


def test_request_models_redact_too() -> None:
    # Events carrying card codes (3-D Secure) redact them in repr as well.
    event = p100.webhooks.parse('{"cardId": "c1", "code": "493021", "amount": "12.00"}')
    assert isinstance(event, p100.Card3dsCodeEvent)
    assert "493021" not in repr(event)
    assert event.to_dict()["code"] == "493021"


def test_unknown_event_repr_hides_the_body() -> None:
    event = p100.webhooks.parse('{"pan": "4111111111111111"}')
    assert isinstance(event, p100.UnknownEvent)
    assert "4111" not in repr(event)
    assert event.raw == '{"pan": "4111111111111111"}'
