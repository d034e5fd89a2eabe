"""Every exception class, raised for real (sandbox faults, bad input, bad keys), with its
attributes."""

from __future__ import annotations

import asyncio
import builtins
import pickle
import socket
from collections.abc import Iterator

import pytest

import p100
from _sandbox import Sandbox
from conftest import active_user, fund

ALL = [
    p100.ValidationError,
    p100.AuthenticationError,
    p100.ApiError,
    p100.RateLimitError,
    p100.UnavailableError,
    p100.NetworkError,
    p100.TimeoutError,
    p100.DecodeError,
    p100.ConfigError,
    p100.WebhookUnauthorizedError,
]


@pytest.fixture()
def no_retry(sandbox: Sandbox) -> Iterator[p100.Client]:
    sandbox.http("DELETE", "/_sandbox/faults")
    with p100.Client(sandbox.api_key, sandbox.base_url, max_retries=0, timeout=5) as c:
        yield c
    sandbox.http("DELETE", "/_sandbox/faults")


def fault(sandbox: Sandbox, kind: str, count: int = 1, **extra: object) -> None:
    sandbox.control("faults", {"kind": kind, "count": count, **extra})


def test_hierarchy() -> None:
    for cls in ALL:
        assert issubclass(cls, p100.P100Error)
        assert cls.__module__ == "p100._errors"
    assert issubclass(p100.P100Error, Exception)
    # Deliberate: usable where the built-in meaning is expected.
    assert issubclass(p100.ValidationError, ValueError)
    assert issubclass(p100.TimeoutError, builtins.TimeoutError)
    assert p100.TimeoutError is not builtins.TimeoutError


def test_validation_error_names_the_field_and_sends_nothing(client: p100.Client) -> None:
    with pytest.raises(p100.ValidationError) as info:
        client.sepa.partner_transfer(
            amount="10.00",
            currency="eur",
            destination_iban="DE00370400440532013000",
            transfer_title="x",
        )
    e = info.value
    assert e.kind == "validation" and e.field == "destinationIban"
    assert e.status is None and e.code is None and not e.retryable
    assert isinstance(e, ValueError)
    with pytest.raises(p100.ValidationError) as info:
        client.users.balances("")
    assert info.value.field == "externalUserId"


def test_authentication_error(sandbox: Sandbox) -> None:
    with (
        p100.Client("wrong-key", sandbox.base_url) as c,
        pytest.raises(p100.AuthenticationError) as info,
    ):
        c.partner.balances()
    e = info.value
    assert e.status == 401 and e.kind == "authentication"
    assert "xo2" in str(e)
    assert "wrong-key" not in str(e) and "wrong-key" not in repr(e)


def test_api_error_has_code_status_and_name(client: p100.Client) -> None:
    with pytest.raises(p100.ApiError) as info:
        client.users.balances("nobody-here")
    e = info.value
    assert e.code == "P412" and e.status == 400 and e.error_name == "invalid-user"
    assert e.kind == "api" and not e.retryable
    assert e.raw_body and "P412" in e.raw_body
    assert "P412" in str(e)


def test_rate_limit_error(sandbox: Sandbox, no_retry: p100.Client) -> None:
    fault(sandbox, "429", retryAfter=3)
    with pytest.raises(p100.RateLimitError) as info:
        no_retry.partner.balances()
    e = info.value
    assert e.status == 429 and e.retryable and e.kind == "rate_limited"
    assert e.retry_after == 3.0


def test_rate_limit_is_retried_honouring_retry_after(sandbox: Sandbox, client: p100.Client) -> None:
    sandbox.http("DELETE", "/_sandbox/faults")
    fault(sandbox, "429", retryAfter=1)
    assert client.partner.balances().fiat("eur") is not None


@pytest.mark.parametrize("kind", ["503", "500"])
def test_unavailable_error(sandbox: Sandbox, no_retry: p100.Client, kind: str) -> None:
    fault(sandbox, kind)
    with pytest.raises(p100.UnavailableError) as info:
        no_retry.partner.balances()
    assert info.value.status == int(kind) and info.value.kind == "unavailable"


def test_money_moving_call_is_not_retried_after_a_5xx(
    sandbox: Sandbox, client: p100.Client
) -> None:
    uid = active_user(client)
    fund(client, uid, "10.00")
    sandbox.http("DELETE", "/_sandbox/faults")
    fault(sandbox, "500", count=1)
    with pytest.raises(p100.UnavailableError) as info:
        client.transfers.create(source_external_user_id=uid, amount="1.00", currency="eur")
    assert not info.value.retryable  # ambiguous: check the details call, never resend blindly


def test_network_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        p100.Client("key", f"http://127.0.0.1:{port}", max_retries=0) as c,
        pytest.raises(p100.NetworkError) as info,
    ):
        c.partner.balances()
    assert info.value.kind == "network" and info.value.status is None
    assert info.value.retryable


def test_timeout_error(sandbox: Sandbox) -> None:
    sandbox.http("DELETE", "/_sandbox/faults")
    fault(sandbox, "delay", delayMs=2000)
    with p100.Client(sandbox.api_key, sandbox.base_url, timeout=0.2, max_retries=0) as c:
        with pytest.raises(p100.TimeoutError) as info:
            c.partner.balances()
        with pytest.raises(TimeoutError):  # the built-in name catches it too
            fault(sandbox, "delay", delayMs=2000)
            c.partner.balances()
    assert info.value.kind == "timeout"
    sandbox.http("DELETE", "/_sandbox/faults")


def test_decode_error(sandbox: Sandbox, no_retry: p100.Client) -> None:
    fault(sandbox, "malformed")
    with pytest.raises(p100.DecodeError) as info:
        no_retry.partner.balances()
    assert info.value.kind == "decode"


def test_decode_error_of_an_accepted_money_call(sandbox: Sandbox, client: p100.Client) -> None:
    uid = active_user(client)
    fund(client, uid, "10.00")
    sandbox.http("DELETE", "/_sandbox/faults")
    fault(sandbox, "malformed")
    with pytest.raises(p100.DecodeError) as info:
        client.transfers.create(source_external_user_id=uid, amount="1.00", currency="eur")
    assert info.value.accepted and not info.value.retryable


def test_config_error() -> None:
    with pytest.raises(p100.ConfigError) as info:
        p100.Client("key", "http://example.com")
    assert info.value.kind == "config"


def test_webhook_unauthorized_error() -> None:
    with pytest.raises(p100.WebhookUnauthorizedError) as info:
        p100.webhooks.verify("nope", "s3cret-token")
    assert info.value.status == 401 and info.value.kind == "webhook_unauthorized"
    assert "s3cret" not in str(info.value)


def test_async_errors_are_the_same_classes(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url) as c:
            with pytest.raises(p100.ApiError) as info:
                await c.users.balances("nobody-here")
            assert info.value.code == "P412"
            with pytest.raises(p100.ValidationError):
                await c.sepa.partner_transfer(amount=1.5)  # type: ignore[call-overload]

    asyncio.run(main())


def test_errors_pickle_and_repr(client: p100.Client) -> None:
    with pytest.raises(p100.ApiError) as info:
        client.users.balances("nobody-here")
    e = info.value
    copy = pickle.loads(pickle.dumps(e))
    assert type(copy) is p100.ApiError
    assert (copy.code, copy.status, str(copy)) == (e.code, e.status, str(e))
    assert repr(e).startswith("ApiError(") and "code='P412'" in repr(e)
    assert "raw_body" not in repr(e)
    # Constructible by users (e.g. in their own tests).
    mine = p100.RateLimitError("slow down", status=429, retryable=True)
    assert mine.kind == "rate_limited" and mine.code is None and mine.status == 429
