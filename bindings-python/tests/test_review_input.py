"""Outside review (stop 40) of bad input: an id argument that is not text, or that holds a lone
surrogate, raised a raw `TypeError` / `UnicodeEncodeError` (no kind, field or outcome), where
every other language gives a `ValidationError` naming the id. Nothing is sent either way."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import p100
from p100.testing import Sandbox


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c, v: c.sepa.details(v), "transferId"),
        (lambda c, v: c.users.balances(v), "externalUserId"),
        (lambda c, v: c.cards.details("u-1", v), "cardId"),
        (lambda c, v: c.crypto.wait_for(v, timeout=1), "withdrawalId"),
    ],
)
@pytest.mark.parametrize("bad", [5, ["x"], b"id", "tr-\ud800"])
def test_an_id_that_is_not_text_is_a_validation_error_naming_it(
    call: Any, field: str, bad: Any
) -> None:
    with Sandbox() as sb, sb.client(max_retries=0) as c:
        before = dict(sb.ops())
        with pytest.raises(p100.ValidationError) as info:
            call(c, bad)
        e = info.value
        assert e.field == field, repr(e)
        assert e.outcome == "not_sent"
        assert "\ud800" not in str(e) and "tr-" not in str(e)
        assert dict(sb.ops()) == before


def test_the_async_client_refuses_them_alike() -> None:
    with Sandbox() as sb:

        async def main() -> p100.P100Error:
            async with p100.AsyncClient(sb.api_key, sb.url, max_retries=0) as c:
                try:
                    await c.sepa.details(5)  # type: ignore[arg-type]
                except p100.P100Error as e:
                    return e
            raise AssertionError("not refused")

        e = asyncio.run(main())
        assert isinstance(e, p100.ValidationError) and e.field == "transferId", repr(e)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"timeout": "5"}, "timeout"), ({"retry_initial_delay": [1]}, "retry_initial_delay")],
)
def test_a_client_setting_of_the_wrong_type_names_its_field(
    kwargs: dict[str, object], field: str
) -> None:
    """A constructor argument of the wrong type is a `ConfigError` naming it, as Node's
    (`timeoutMs`) and Kotlin's do; its `field` was `None`."""
    with pytest.raises(p100.ConfigError) as info:
        p100.Client("k", "http://127.0.0.1:1", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field, info.value
    assert str(info.value).startswith(f"{field}: ")


def test_a_webhook_header_as_bytes_is_read_and_one_that_is_not_text_is_refused() -> None:
    """ASGI hands raw headers over as bytes: `verify(b"Bearer tok", ...)` raised a bare
    `TypeError` (a handler catching `P100Error` answered 500). Bytes are read as UTF-8 now, in
    every entry point; anything else is a `ValidationError` naming `authorization`, never a
    pass."""
    from p100 import webhooks

    body = '{"externalUserId": "u1", "status": "ACTIVE"}'
    webhooks.verify(b"Bearer tok", "tok")
    webhooks.Verifier("tok").verify(bytearray(b"tok"))
    event = webhooks.verify_and_parse(b"Bearer tok", body, "tok")
    assert isinstance(event, p100.UserStatusEvent)
    with pytest.raises(p100.WebhookUnauthorizedError):
        webhooks.verify(b"Bearer other", "tok")
    # Bytes that are not UTF-8 cannot be the token: unauthorized (test_review_stop44.py).
    for bad in (5, ["tok"]):
        with pytest.raises(p100.ValidationError) as info:
            webhooks.Verifier("tok").verify_and_parse(bad, body)  # type: ignore[arg-type]
        assert info.value.field == "authorization"
