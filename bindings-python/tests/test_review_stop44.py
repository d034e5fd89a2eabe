"""Outside review (stop 44) of the pip package as a product: each test shows a defect of the
code before it."""

from __future__ import annotations

import copy
import pickle
import re
from pathlib import Path
from typing import Any

import pytest

import p100
from p100 import _native

STUB = Path(p100.__file__).with_name("_native.pyi")


def test_a_reconciliation_copies_and_pickles() -> None:
    """copy, deepcopy and pickle (a Celery task, a cache) raised AttributeError: the class
    forbids assignment, and their default protocol assigns."""
    r = p100.Reconciliation("found", id="tr_1", status="SUCCESSFUL")
    for twin in (copy.copy(r), copy.deepcopy(r), pickle.loads(pickle.dumps(r))):
        assert twin == r
        assert (twin.result, twin.id, twin.status, twin.reason) == (
            "found",
            "tr_1",
            "SUCCESSFUL",
            None,
        )
        with pytest.raises(AttributeError):
            twin.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize("bad", ["5", True, [1]])
def test_a_wait_option_that_is_no_number_is_a_validation_error(bad: Any) -> None:
    """`wait_for(id, timeout="5")` raised a bare TypeError, without field or outcome."""
    client = p100.Client(api_key="test-key-123", base_url="http://127.0.0.1:9")
    with pytest.raises(p100.ValidationError) as info:
        client.sepa.wait_for("tr_1", timeout=bad)
    assert info.value.field == "timeout"
    assert info.value.outcome == "accepted"  # the id names an accepted operation


@pytest.mark.parametrize("bad", [{"x-a": 5}, {"x-a": None}, {1: "v"}, ["x-a"]])
def test_headers_that_are_no_text_are_a_validation_error(bad: Any) -> None:
    """`with_options(headers={"x-a": 5})` raised a bare TypeError."""
    client = p100.Client(api_key="test-key-123", base_url="http://127.0.0.1:9")
    with pytest.raises(p100.ValidationError) as info:
        client.with_options(headers=bad)
    assert info.value.field == "headers"


def test_a_misspelled_environment_next_to_a_base_url_is_refused() -> None:
    """`environment="prod"` was ignored when a base URL was given too."""
    with pytest.raises(p100.ConfigError) as info:
        p100.Client(api_key="test-key-123", base_url="http://127.0.0.1:9", environment="prod")
    assert info.value.field == "environment"
    # A valid one: the base URL overrides it, as documented.
    c = p100.Client(api_key="test-key-123", base_url="http://127.0.0.1:9", environment="staging")
    assert c.base_url.startswith("http://127.0.0.1:9")


def test_the_stub_says_what_exit_and_hash_do() -> None:
    """`__exit__ -> bool` told mypy and pyright that `with client:` may swallow exceptions
    ("Missing return statement" on correct code); models are unhashable, and the stub let a
    checker accept `{balance}`."""
    stub = STUB.read_text()
    assert "-> bool: ..." not in stub.split("def __exit__", 1)[1].split("\n", 1)[0]
    assert (
        p100.Client(api_key="test-key-123", base_url="http://127.0.0.1:9").__exit__(
            None, None, None
        )
        is False
    )
    unhashable = re.findall(
        r"^class (\w+):\n(?:(?!^class ).)*?^    __hash__: ClassVar\[None\]", stub, re.S | re.M
    )
    assert len(unhashable) > 50
    for name in unhashable:
        assert getattr(_native, name).__hash__ is None, name
    with pytest.raises(TypeError):
        hash(p100.CardRef(external_user_id="u-1", card_id="c-1"))  # type: ignore[misc]


@pytest.mark.parametrize("token", [None, b"tok", 5])
def test_a_webhook_token_that_is_no_text_is_a_config_error(token: Any) -> None:
    """Python raised TypeError where Node raises ConfigError (outside review of webhooks)."""
    with pytest.raises(p100.ConfigError) as info:
        p100.webhooks.verify("tok", token)
    assert info.value.field == "token"
    with pytest.raises(p100.ConfigError):
        p100.webhooks.Verifier(token)


def test_an_authorization_header_that_is_no_utf8_is_unauthorized() -> None:
    """ASGI's raw header bytes that are not UTF-8 raised ValidationError before the token check:
    a handler that catches WebhookUnauthorizedError answered 500 to an unauthenticated request."""
    with pytest.raises(p100.WebhookUnauthorizedError):
        p100.webhooks.verify(b"\xff\xfe", "tok")
    with pytest.raises(p100.WebhookUnauthorizedError):
        p100.webhooks.Verifier("tok").verify_and_parse(b"Bearer \xff", b"{}")
    p100.webhooks.verify(b"Bearer tok", "tok")  # bytes that are the token still pass
