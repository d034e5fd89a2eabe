"""Outside review: what bindings-python/README.md, docs/content/ and examples/python promise,
checked against what the package does. Each test names the sentence it checks (file:line) or the
user expectation it stands for. Everything runs against in-process sandboxes on 127.0.0.1
(``p100.testing.Sandbox``), stopped at the end."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import copy
import dataclasses
import http.server
import io
import json
import logging
import os
import pickle
import queue
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import p100
from conftest import active_user, holds
from p100 import webhooks
from p100.testing import Sandbox

ROOT = Path(__file__).resolve().parents[2]
FAST: dict[str, Any] = {"max_retries": 0, "timeout": 5}
PAN_RE = re.compile(r"(?<!\d)\d{13,19}(?!\d)")


# ---- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    s = Sandbox(settle=0.1)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture()
def client(sb: Sandbox) -> Iterator[p100.Client]:
    sb.clear_faults()
    with sb.client(**FAST) as c:
        yield c
    sb.clear_faults()


@pytest.fixture(scope="module")
def card_user(sb: Sandbox) -> str:
    with sb.client() as c:
        uid = active_user(c)
    sb.fund(currency="eur", amount="100.00", external_user_id=uid)
    return uid


@pytest.fixture(scope="module")
def card(sb: Sandbox, card_user: str) -> Any:
    # One card for the module: the sandbox allows 10 cards per user.
    with sb.client(**FAST) as c:
        return c.cards.create(external_user_id=card_user, label="Shopping", pin="1234")


def plain_user(client: p100.Client) -> str:
    uid = "rv-" + secrets.token_hex(5)
    client.users.create_without_kyc(
        external_user_id=uid,
        email=f"{uid}@example.com",
        first_name="Anna",
        last_name="Nowak",
        address="ul. Prosta 1",
        city="Warszawa",
        country="PL",
    )
    return uid


def unique_amount() -> Decimal:
    return Decimal(f"1.{secrets.randbelow(900_000) + 100_000}")  # 6 decimals: usdc


def secrets_of(card: Any) -> list[str]:
    return [card.card_number, card.cvv]


def assert_hidden(text: str, card: Any) -> None:
    text = text.replace(card.card_id, "")
    assert card.card_number not in text, text
    assert card.card_number[-8:] not in text, text
    assert f"'{card.cvv}'" not in text and f'"{card.cvv}"' not in text, text


# ---- secrets in printed / serialized results (README.md:171-177, DESIGN principle 8) ------------


def test_card_repr_matches_the_readme_sample(card: Any) -> None:
    # README.md:176  print(card) ->
    #   CardCreated(card_id='...', card_number='[REDACTED]', cvv='[REDACTED]', exp='11/29')
    text = repr(card)
    assert text.startswith("CardCreated(card_id=")
    assert "card_number='[REDACTED]'" in text and "cvv='[REDACTED]'" in text
    assert_hidden(text, card)
    assert len(card.card_number) >= 12 and card.card_number.isdigit()  # README.md:177


def test_str_format_and_fstrings_hide_card_data(card: Any) -> None:
    for text in (
        str(card),
        f"{card}",
        f"{card!s}",
        f"{card!r}",
        f"{card}",
        f"{card}",
        f"{card!r}",
        str([card]),
        str({"c": card}),
        str((card,)),
    ):
        assert_hidden(text, card)


def test_logging_percent_r_and_percent_s_hide_card_data(
    card: Any, caplog: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("review.app")
    with caplog.at_level(logging.INFO, logger="review.app"):
        log.info("issued %r", card)
        log.info("issued %s", card)
        log.info("issued %s", {"card": card})
        log.info("issued", extra={"card": card})
    assert_hidden(caplog.text, card)
    for record in caplog.records:
        assert_hidden(record.getMessage(), card)


def test_json_dumps_of_a_model_does_not_leak(card: Any) -> None:
    # A user naturally tries json.dumps(model); it may be refused, but must not print the PAN.
    try:
        text = json.dumps(card)
    except TypeError as e:
        text = str(e)
    assert_hidden(text, card)
    try:
        text = json.dumps(card, default=str)
    except TypeError as e:
        text = str(e)
    assert_hidden(text, card)


def test_vars_and_dataclasses_asdict_do_not_leak(card: Any) -> None:
    for fn in (vars, dataclasses.asdict):
        try:
            text = repr(fn(card))
        except TypeError as e:
            text = str(e)
        assert_hidden(text, card)
    assert card.card_number not in repr(dir(card))


@pytest.mark.parametrize("how", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
def test_copy_and_deepcopy_of_a_result(card: Any, how: Any) -> None:
    # README: results are read-only values; copying one (or a structure holding one) works.
    again = how(card)
    assert again == card and again.card_number == card.card_number
    nested = how({"card": card, "list": [card]})
    assert nested["card"] == card and nested["list"][0] == card


def test_a_result_is_not_picklable_its_wire_json_is(card: Any) -> None:
    # README: results are not picklable (a pickle would hold card data in clear without anyone
    # asking for it); store `to_json()` or `to_dict()` instead.
    with pytest.raises(TypeError, match=type(card).__name__):
        pickle.dumps(card)
    assert json.loads(card.to_json())["cardId"] == card.card_id


def test_error_raw_body_str_repr_hide_card_data_after_a_malformed_card_reply(
    sb: Sandbox, client: p100.Client, card_user: str
) -> None:
    # README.md:205-209: raw_body never contains card data; DESIGN 7: a 2xx body that cannot be
    # read is "accepted".
    before = {c.card_id for c in client.cards.list(card_user).cards}
    sb.inject_fault("malformed", operation="cards.create")
    with pytest.raises(p100.P100Error) as info:
        client.cards.create(external_user_id=card_user, label="Broken", pin="4821")
    e = info.value
    assert isinstance(e, p100.DecodeError), repr(e)
    assert e.outcome == "accepted" and e.accepted is True
    new = [c for c in client.cards.list(card_user).cards if c.card_id not in before]
    assert len(new) == 1
    full = client.cards.details(card_user, new[0].card_id)
    for text in (
        str(e),
        repr(e),
        e.raw_body or "",
        json.dumps(e.fingerprint, default=str),
        repr(pickle.loads(pickle.dumps(e))),
        repr(e.args),
    ):
        assert full.card_number not in text and full.card_number[-8:] not in text, text
        assert not holds(text, "4821") and f'"{full.cvv}"' not in text, text


def test_error_pickle_keeps_every_documented_attribute(sb: Sandbox, client: p100.Client) -> None:
    uid = plain_user(client)
    sb.inject_fault("process-then-drop", operation="transfers.create")
    with pytest.raises(p100.P100Error) as info:
        client.transfers.create(
            destination_external_user_id=uid, amount=unique_amount(), currency="usdc"
        )
    e = info.value
    for clone in (pickle.loads(pickle.dumps(e)), copy.deepcopy(e), copy.copy(e)):
        assert type(clone) is type(e)
        for name in (
            "code",
            "status",
            "request_id",
            "retryable",
            "field",
            "kind",
            "outcome",
            "accepted",
            "fingerprint",
            "raw_body",
            "operation",
        ):
            assert getattr(clone, name) == getattr(e, name), name
    assert client.reconcile(pickle.loads(pickle.dumps(e))).result == "found"


def test_clients_sandbox_and_verifier_never_show_the_key(sb: Sandbox) -> None:
    key = "sk_live_" + secrets.token_hex(12)
    c = p100.Client(api_key=key, base_url=sb.url)
    a = p100.AsyncClient(api_key=key, base_url=sb.url)
    rec = c.recording()
    opt = c.with_options(timeout=3)
    for obj in (c, a, rec, opt, c.partner, a.sepa):
        for text in (repr(obj), str(obj), f"{obj}"):
            assert key not in text
        with contextlib.suppress(TypeError):
            assert key not in repr(vars(obj))
    assert sb.api_key not in repr(sb) and sb.api_key not in str(sb)
    with pytest.raises(p100.AuthenticationError) as info:
        c.partner.balances()
    for text in (str(info.value), repr(info.value), info.value.raw_body or ""):
        assert key not in text


def test_logs_never_hold_the_key_pin_or_card_data(
    sb: Sandbox, card_user: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # README.md:294-300: one record per attempt to logging.getLogger("p100"), never the key,
    # bodies or card data; facts as p100_* attributes.
    monkeypatch.setenv("P100_LOG", "debug")
    with caplog.at_level(logging.DEBUG, logger="p100"), sb.client(**FAST) as c:
        card = c.cards.create(external_user_id=card_user, label="Logged", pin="7319")
        details = c.cards.details(card_user, card.card_id)
        with contextlib.suppress(p100.ValidationError):
            c.cards.update_pin(external_user_id=card_user, card_id=card.card_id, pin="73190")
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not any(
            getattr(r, "p100_operation", None) == "cards.details" for r in caplog.records
        ):
            time.sleep(0.02)
    records = [r for r in caplog.records if r.name == "p100"]
    assert records, "no p100 log record with P100_LOG=debug"
    ops = {getattr(r, "p100_operation", None) for r in records}
    assert "cards.create" in ops and "cards.details" in ops
    for r in records:
        for attr in (
            "p100_operation",
            "p100_method",
            "p100_path",
            "p100_attempt",
            "p100_outcome",
            "p100_status",
            "p100_elapsed_ms",
            "p100_kind",
            "p100_retry_in_ms",
            "p100_request_id",
        ):
            assert hasattr(r, attr), attr
        text = r.getMessage() + repr(vars(r))
        for secret in (sb.api_key, details.card_number, details.cvv and f"'{details.cvv}'", "7319"):
            if secret:
                assert not holds(text, secret), (secret, text)


# ---- money (README.md:180-186, docs money.md) ----------------------------------------------


def test_float_amount_refused_before_sending(sb: Sandbox, client: p100.Client) -> None:
    before = sb.ops().get("transfers.create", 0)
    for bad in (0.5, 10.0, float("nan")):
        with pytest.raises(p100.ValidationError) as info:
            client.transfers.create(destination_external_user_id="u1", amount=bad, currency="eur")
        assert info.value.field == "amount" and info.value.outcome == "not_sent"
        assert info.value.status is None
    assert sb.ops().get("transfers.create", 0) == before


def test_decimal_nan_infinity_and_bool_amounts_refused(client: p100.Client) -> None:
    # README.md:182 "Amounts accept Decimal, str or int": True is an int to Python, but a
    # boolean sent as 1.00 EUR is not what anyone meant.
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), "1e400", True):
        with pytest.raises(p100.ValidationError) as info:
            client.transfers.create(destination_external_user_id="u1", amount=bad, currency="eur")
        assert info.value.field == "amount", bad


def test_too_many_decimals_refused(client: p100.Client) -> None:
    for amount, currency in (
        (Decimal("1.001"), "eur"),
        ("0.0000001", "usdc"),
        (Decimal("0.000000001"), "btc"),
    ):
        with pytest.raises(p100.ValidationError) as info:
            client.transfers.create(
                destination_external_user_id="u1", amount=amount, currency=currency
            )
        assert info.value.field == "amount"


def test_str_and_int_amounts_are_accepted_exactly(sb: Sandbox, client: p100.Client) -> None:
    uid = plain_user(client)
    for amount in ("10.50", 3, Decimal("0.01")):
        t = client.transfers.create(destination_external_user_id=uid, amount=amount, currency="eur")
        assert client.transfers.details(t.transfer_id).amount == Decimal(str(amount))


def test_request_escape_hatch_refuses_a_float_anywhere(client: p100.Client) -> None:
    # README.md:184-185 "the body of client.request(), which has no types, refuses a float anywhere"
    with pytest.raises(p100.ValidationError) as info:
        client.request(
            "POST",
            "/v1/partner/transfers",
            {
                "destinationExternalUserId": "u1",
                "meta": [{"x": 0.1}],
                "amount": "1.00",
                "currency": "eur",
            },
        )
    assert info.value.outcome == "not_sent"
    assert info.value.field is not None and "meta" in info.value.field


def test_sandbox_fund_refuses_a_float(sb: Sandbox) -> None:
    # README.md:381-382
    with pytest.raises(p100.ValidationError) as info:
        sb.fund(currency="eur", amount=1.5)
    assert info.value.field == "amount"


def test_readme_quickstart_print_matches_its_comment(sb: Sandbox, client: p100.Client) -> None:
    # README.md:72 print(eur.amount, eur.iban)   # 100000.00 LT...  (amount is a Decimal)
    eur = client.partner.balances().fiat("eur")
    assert eur is not None and isinstance(eur.amount, Decimal)
    out = io.StringIO()
    print(eur.amount, eur.iban, file=out)
    assert out.getvalue().startswith(f"{eur.amount} LT"), out.getvalue()


# ---- bad input: named, before sending (README.md:93-99, DESIGN principle 5) -----------------


def test_unknown_keyword_names_its_wire_name_and_repeats_no_value(client: p100.Client) -> None:
    with pytest.raises(p100.ValidationError) as info:
        client.sepa.partner_transfer(
            amount=Decimal("1.00"),
            currency="eur",
            destination_ibann="DE89370400440532013000",
            transfer_title="x",
        )
    assert info.value.field == "destinationIbann"
    assert "DE89370400440532013000" not in str(info.value)
    with pytest.raises(p100.ValidationError):
        client.users.create_without_kyc(
            external_user_id="a",
            externalUserId="a",
            email="x@example.com",
            first_name="A",
            last_name="B",
            address="x",
            city="y",
            country="PL",
        )


def test_none_for_a_required_request_field_names_it(sb: Sandbox, client: p100.Client) -> None:
    before = sb.ops().get("transfers.create", 0)
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.create(destination_external_user_id="u1", amount=None, currency="eur")
    assert info.value.field == "amount" and info.value.outcome == "not_sent"
    assert sb.ops().get("transfers.create", 0) == before


def test_none_for_a_positional_id_is_a_validation_error(client: p100.Client) -> None:
    # DESIGN 5 ("an error naming the field, nothing sent"); README.md:93 (ids are positional).
    for call in (
        lambda: client.users.balances(None),
        lambda: client.transfers.details(None),
        lambda: client.transfers.wait_for(None, timeout=1),
    ):
        with pytest.raises(p100.ValidationError):
            call()


def test_empty_id_is_a_validation_error_not_sent(client: p100.Client) -> None:
    # docs errors.md:38-39: an empty id is a validation error naming it, not_sent.
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.wait_for("", timeout=1)
    assert info.value.outcome == "not_sent" and info.value.field


# ---- options: names, bounds, units (README.md:107-112, settings.rs table) ------------------


def test_default_options_are_the_documented_ones(sb: Sandbox) -> None:
    c = p100.Client(api_key="k", base_url=sb.url)
    assert c.timeout == 60 and c.max_retries == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_retries": 11}, "max_retries"),
        ({"max_retries": -1}, "max_retries"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"connect_timeout": 0}, "connect_timeout"),
        ({"retry_initial_delay": -0.5}, "retry_initial_delay"),
        ({"retry_max_delay": float("nan")}, "retry_max_delay"),
        ({"environment": "prod-eu", "base_url": None}, "environment"),
    ],
)
def test_out_of_bounds_options_are_config_errors_naming_them(
    sb: Sandbox, kwargs: dict[str, Any], field: str
) -> None:
    kwargs = {"base_url": sb.url, **kwargs}
    with pytest.raises(p100.ConfigError) as info:
        p100.Client(api_key="k", **kwargs)
    assert info.value.field == field
    assert info.value.outcome == "not_sent"


def test_max_retries_ten_is_allowed(sb: Sandbox) -> None:
    assert p100.Client(api_key="k", base_url=sb.url, max_retries=10).max_retries == 10


def test_unknown_option_name_is_refused(sb: Sandbox) -> None:
    # docs getting-started/node.md:110-111 + README.md:112 ("The names and bounds ... the same
    # in every language"): a misspelt option must not be ignored.
    for kwargs in ({"timeout_ms": 5}, {"maxRetries": 0}, {"base_URL": sb.url}):
        with pytest.raises((TypeError, p100.ConfigError)):
            p100.Client(api_key="k", base_url=sb.url, **kwargs)
    with pytest.raises((TypeError, p100.ConfigError)):
        p100.Client(api_key="k", base_url=sb.url).with_options(connect_timeout=1)


def test_user_agent_option_documented_in_production_guide(sb: Sandbox) -> None:
    # docs production.md:402-403 "(your user_agent/userAgent text first, when given)"
    sb.control("DELETE", "/_sandbox/requests")
    p100.Client(api_key=sb.api_key, base_url=sb.url, user_agent="review-app/1.0").partner.balances()
    sent = json.dumps(sb.control("GET", "/_sandbox/requests"))
    assert "review-app/1.0 p100-sdk/" in sent, sent
    with pytest.raises(p100.ConfigError) as info:
        p100.Client(api_key=sb.api_key, base_url=sb.url, user_agent="bad\r\nx-injected: 1")
    assert info.value.field == "user_agent"


def test_timeout_is_in_seconds(sb: Sandbox) -> None:
    sb.inject_fault("delay", delay_ms=3000, operation="partner.balances")
    try:
        c = sb.client(timeout=0.3, max_retries=0)
        t0 = time.monotonic()
        with pytest.raises(p100.TimeoutError) as info:
            c.partner.balances()
        assert time.monotonic() - t0 < 2.0
        assert not isinstance(info.value, builtins.TimeoutError)
        assert not isinstance(info.value, OSError)
        assert info.value.outcome == "unknown"
    finally:
        sb.clear_faults()


def test_with_options_timeout_applies_per_call(sb: Sandbox) -> None:
    c = sb.client(timeout=10, max_retries=0)
    sb.inject_fault("delay", delay_ms=3000, operation="partner.balances")
    try:
        t0 = time.monotonic()
        with pytest.raises(p100.TimeoutError):
            c.with_options(timeout=0.3).partner.balances()
        assert time.monotonic() - t0 < 2.0
    finally:
        sb.clear_faults()


def test_with_options_refuses_the_clients_own_headers_naming_them(client: p100.Client) -> None:
    # README.md:308-310
    for name in ("x-api-key", "Authorization", "user-agent"):
        with pytest.raises(p100.P100Error) as info:
            client.with_options(headers={name: "secret-header-value"})
        assert (
            info.value.field == f"headers.{name.lower()}" or info.value.field == f"headers.{name}"
        )
        assert "secret-header-value" not in str(info.value)


def test_with_options_extra_header_and_recording(sb: Sandbox, client: p100.Client) -> None:
    # README.md:308-312
    rec = client.recording()
    assert rec.last_response is None
    assert client.last_response is None
    rec.with_options(headers={"x-correlation-id": "job-42"}).partner.balances()
    rec.partner.balances()
    meta = rec.last_response
    assert meta is not None
    assert set(meta) == {"request_id", "status", "headers", "elapsed", "attempts"}
    assert meta["status"] == 200 and meta["attempts"] == 1
    assert isinstance(meta["elapsed"], float) and meta["elapsed"] < 10
    assert sb.api_key not in repr(meta)
    assert client.last_response is None


def test_production_environment_and_http_refused(sb: Sandbox) -> None:
    # docs production.md:323-335
    c = p100.Client(api_key="sk_live_x", environment="production")
    assert c.base_url == "https://partner-api.p100.io"
    with pytest.raises(p100.ConfigError) as info:
        p100.Client(api_key="sk_live_from_your_secret_store", base_url="http://partner-api.p100.io")
    assert "sk_live_from_your_secret_store" not in str(info.value)


# ---- errors and outcomes per fault (README.md:188-225) -------------------------------------


def check_common(e: p100.P100Error) -> None:
    for name in (
        "code",
        "status",
        "request_id",
        "retryable",
        "field",
        "kind",
        "outcome",
        "accepted",
        "fingerprint",
        "raw_body",
    ):
        assert hasattr(e, name), name
    assert e.outcome in p100.OUTCOMES
    assert e.accepted == (e.outcome == "accepted")
    # README.md:223 "e.retryable is true only for not_sent and 429"
    assert e.retryable == (e.outcome == "not_sent" or e.status == 429), repr(e)


@pytest.mark.parametrize(
    ("fault", "extra", "cls", "outcome", "status"),
    [
        ("500", {}, p100.UnavailableError, "unknown", 500),
        ("503", {}, p100.UnavailableError, "unknown", 503),
        ("p500", {}, p100.P100Error, "unknown", None),
        ("drop", {}, p100.NetworkError, "unknown", None),
        ("process-then-drop", {}, p100.NetworkError, "unknown", None),
        ("malformed", {}, p100.DecodeError, "accepted", None),
        ("429", {"retry_after": 1}, p100.RateLimitError, "rejected", 429),
        ("delay", {"delay_ms": 3000}, p100.TimeoutError, "unknown", None),
    ],
)
def test_money_call_outcome_per_fault_and_never_sent_twice(
    sb: Sandbox, fault: str, extra: dict[str, Any], cls: type, outcome: str, status: int | None
) -> None:
    with sb.client(max_retries=3, timeout=1, retry_initial_delay=0.01, retry_max_delay=0.05) as c:
        uid = plain_user(c)
        amount = unique_amount()
        before = sb.ops().get("transfers.create", 0)
        sb.inject_fault(fault, count=4, operation="transfers.create", **extra)
        try:
            with pytest.raises(p100.P100Error) as info:
                c.transfers.create(destination_external_user_id=uid, amount=amount, currency="usdc")
        finally:
            sb.clear_faults()
        e = info.value
        assert isinstance(e, cls), repr(e)
        assert e.outcome == outcome, repr(e)
        if status is not None:
            assert e.status == status
        check_common(e)
        if outcome in ("unknown", "accepted"):
            fp = e.fingerprint
            assert fp is not None and fp["amount"] == amount and fp["currency"] == "usdc"
            assert fp["operation"] == "transfers.create"
            assert set(fp) >= {
                "operation",
                "amount",
                "currency",
                "destination",
                "external_user_id",
                "sent_at_ms",
                "title",
                "network",
            }
        else:
            assert e.fingerprint is None
        if fault == "429":
            assert e.retry_after == 1.0
        # DESIGN 6: a money call is never carried out twice, whatever max_retries says.
        assert sb.ops().get("transfers.create", 0) - before <= 1


def test_connection_refused_is_not_sent_and_retryable() -> None:
    with socket_closed_port() as port:
        c = p100.Client(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=0)
        with pytest.raises(p100.NetworkError) as info:
            c.transfers.create(destination_external_user_id="u", amount="1.00", currency="eur")
    e = info.value
    assert e.outcome == "not_sent" and e.retryable is True and e.fingerprint is None
    assert not isinstance(e, (ConnectionError, OSError))


@contextlib.contextmanager
def socket_closed_port() -> Iterator[int]:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    yield port


def test_api_error_p412(client: p100.Client) -> None:
    with pytest.raises(p100.ApiError) as info:
        client.users.balances("no-such-user-" + secrets.token_hex(3))
    e = info.value
    assert e.code == "P412" and e.status and e.outcome == "rejected" and not e.retryable
    assert e.error_name and e.kind == "api"


def test_validation_error_is_a_value_error(client: p100.Client) -> None:
    with pytest.raises(ValueError):
        client.transfers.create(destination_external_user_id="u1", amount=0.1, currency="eur")


# ---- reconcile (README.md:227-257, docs errors.md:148-206) ---------------------------------


def test_docs_reconcile_sample_runs() -> None:
    # docs errors.md:172-197, verbatim apart from a unique user id
    with Sandbox(settle=0.1) as s, s.client(max_retries=0) as client:
        uid = "user-7-" + secrets.token_hex(3)
        client.users.create_without_kyc(
            external_user_id=uid,
            email="anna@example.com",
            first_name="Anna",
            last_name="Nowak",
            address="ul. Prosta 1",
            city="Warszawa",
            country="PL",
        )
        s.inject_fault("process-then-drop")
        with pytest.raises(p100.P100Error) as info:
            client.transfers.create(
                destination_external_user_id=uid, amount=Decimal("5.25"), currency="usdc"
            )
        e = info.value
        assert e.outcome == "unknown", e.outcome
        assert e.fingerprint is not None
        answer = client.reconcile(e)
        assert answer.result == "found" and answer.id
        assert client.transfers.details(answer.id).status


def test_reconcile_a_stored_fingerprint_camel_case_and_str_amount(
    sb: Sandbox, client: p100.Client
) -> None:
    # README.md:244-245: reconcile takes the fingerprint dict alone (snake_case or camelCase
    # keys, amount as Decimal or str), e.g. stored as JSON before a restart.
    uid = plain_user(client)
    sb.inject_fault("process-then-drop", operation="transfers.create")
    with pytest.raises(p100.P100Error) as info:
        client.transfers.create(
            destination_external_user_id=uid, amount=unique_amount(), currency="usdc"
        )
    fp = info.value.fingerprint
    assert fp is not None
    stored = json.loads(json.dumps(fp, default=str))
    camel = {re.sub(r"_(\w)", lambda m: m.group(1).upper(), k): v for k, v in stored.items()}
    assert client.reconcile(stored).result == "found"
    assert client.reconcile(camel).result == "found"


def test_reconcile_rejected_is_not_found_at_once(sb: Sandbox, client: p100.Client) -> None:
    with pytest.raises(p100.ApiError) as info:
        client.transfers.create(
            destination_external_user_id="nobody-" + secrets.token_hex(3),
            amount="1.00",
            currency="eur",
        )
    before = dict(sb.ops())
    answer = client.reconcile(info.value)
    assert answer.result == "not_found"
    assert dict(sb.ops()) == before  # "without asking"


def test_reconcile_unknown_non_money_call_is_validation_error_field_error(
    sb: Sandbox, client: p100.Client
) -> None:
    sb.inject_fault("500", operation="partner.balances")
    with pytest.raises(p100.UnavailableError) as info:
        client.partner.balances()
    with pytest.raises(p100.ValidationError) as v:
        client.reconcile(info.value)
    assert v.value.field == "error"


def test_card_issuing_reconcile_is_cannot_tell(
    sb: Sandbox, client: p100.Client, card_user: str
) -> None:
    sb.inject_fault("process-then-drop", operation="cards.create")
    with pytest.raises(p100.P100Error) as info:
        client.cards.create(external_user_id=card_user, label="Lost", pin="5555")
    e = info.value
    assert e.outcome == "unknown" and e.fingerprint is not None
    assert not holds(json.dumps(e.fingerprint, default=str), "5555")
    answer = client.reconcile(e)
    assert answer.result == "cannot_tell" and answer.reason


# ---- wait_for (README.md:100-102, docs errors.md:35-39) ------------------------------------


def test_wait_for_timeout_is_accepted_outcome() -> None:
    with Sandbox(settle=3600) as s, s.client(max_retries=0) as c:
        t = c.sepa.partner_transfer(
            amount=Decimal("1.00"),
            currency="eur",
            destination_iban="DE89370400440532013000",
            transfer_title="wait",
        )
        t0 = time.monotonic()
        with pytest.raises(p100.TimeoutError) as info:
            c.sepa.wait_for(t.transfer_id, timeout=0.4, interval=0.05, max_interval=0.1)
        assert time.monotonic() - t0 < 3
        assert info.value.outcome == "accepted"
        s.advance(3601)
        assert c.sepa.wait_for(t.transfer_id, timeout=5, interval=0.05).status == "SUCCESSFUL"


def test_wait_for_unknown_id_is_accepted(client: p100.Client) -> None:
    for bad in ("no-such-transfer-" + secrets.token_hex(3), "a/b"):
        with pytest.raises(p100.P100Error) as info:
            client.transfers.wait_for(bad, timeout=0.5, interval=0.05)
        assert info.value.outcome == "accepted", (bad, repr(info.value))


def test_wait_for_bad_durations_name_them(client: p100.Client) -> None:
    for kwargs, field in (
        ({"timeout": 0}, "timeout"),
        ({"interval": -1}, "interval"),
        ({"max_interval": 0}, "max_interval"),
    ):
        with pytest.raises(p100.P100Error) as info:
            client.transfers.wait_for("x", **kwargs)
        assert info.value.field == field


# ---- take_cancelled (README.md:138-162) ----------------------------------------------------


def test_take_cancelled_after_asyncio_wait_for(sb: Sandbox) -> None:
    async def main() -> tuple[list[Any], list[Any], Decimal]:
        async with sb.async_client(max_retries=0, timeout=10) as c:
            uid = plain_user_sync(sb)
            amount = unique_amount()
            sb.inject_fault("delay", delay_ms=1500, operation="transfers.create")
            try:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(
                        c.transfers.create(
                            destination_external_user_id=uid, amount=amount, currency="usdc"
                        ),
                        0.3,
                    )
            finally:
                sb.clear_faults()
            await asyncio.sleep(0.1)
            return c.take_cancelled(), c.take_cancelled(), amount

    first, second, amount = asyncio.run(main())
    assert second == []
    assert len(first) == 1
    e = first[0]
    assert isinstance(e, p100.AbortError) and e.outcome == "unknown"
    assert e.fingerprint is not None and e.fingerprint["amount"] == amount


def plain_user_sync(sb: Sandbox) -> str:
    with sb.client() as c:
        return plain_user(c)


# ---- webhooks (README.md:327-348, docs webhooks.md) ----------------------------------------


def test_verify_raw_and_bearer_and_refusals() -> None:
    token = "whsec-" + secrets.token_hex(8)
    webhooks.verify(token, token)
    webhooks.verify(f"Bearer {token}", token)
    for bad in (None, "", token + "x", f"Bearer {token[:-1]}", f"Basic {token}"):
        with pytest.raises(p100.WebhookUnauthorizedError) as info:
            webhooks.verify(bad, token)
        e = info.value
        assert e.status == 401 and e.kind == "webhook_unauthorized"
        for text in (str(e), repr(e), e.raw_body or ""):
            assert token[6:] not in text and token[6:-1] not in text
    with pytest.raises(p100.ConfigError):
        webhooks.verify("x", "")
    v = webhooks.Verifier(token)
    assert token not in repr(v) and token not in str(v)
    with pytest.raises(p100.WebhookUnauthorizedError):
        v.verify_and_parse("nope", b'{"externalUserId": "u1", "status": "ACTIVE"}')


def test_event_names_and_typed_events() -> None:
    cases = {
        '{"externalUserId": "u1", "status": "ACTIVE"}': (p100.UserStatusEvent, "user_status"),
        '{"cardId": "c1", "code": "493021", "amount": "12.00"}': (
            p100.Card3dsCodeEvent,
            "card_3ds_code",
        ),
        '{"something": "new"}': (p100.UnknownEvent, "unknown"),
    }
    for body, (cls, name) in cases.items():
        event = webhooks.parse(body)
        assert isinstance(event, cls), (body, event)
        assert webhooks.event_name(event) == name
    coded = webhooks.parse('{"cardId": "c1", "code": "493021", "amount": "12.00"}')
    for text in (repr(coded), str(coded), f"{coded}"):
        assert "493021" not in text
    with pytest.raises(p100.DecodeError):
        webhooks.parse(b"not json")


def test_unknown_event_with_card_data_hidden_everywhere() -> None:
    body = '{"pan": "4111111111111111", "cvv": "737"}'
    event = webhooks.parse(body)
    assert isinstance(event, p100.UnknownEvent)
    assert event.raw == body
    for text in (repr(event), str(event), f"{event}"):
        assert "4111111111111111" not in text


def test_docs_webhook_sample_with_real_delivery() -> None:
    # docs webhooks.md:268-307
    token = "whsec-docs-example"
    received: queue.Queue[Any] = queue.Queue()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            try:
                event = webhooks.verify_and_parse(
                    self.headers.get("authorization"), body, token=token
                )
            except p100.WebhookUnauthorizedError:
                self.send_response(401)
                self.end_headers()
                return
            received.put(event)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/webhooks"
    try:
        with Sandbox(webhook_url=url, webhook_token=token) as s:
            s.trigger("sepa_transfer")
            event = received.get(timeout=10)
            assert isinstance(event, p100.SepaTransferEvent), event
            assert webhooks.event_name(event) == "sepa_transfer"
            s.trigger("card_3ds_code")
            coded = received.get(timeout=10)
            assert isinstance(coded, p100.Card3dsCodeEvent)
            assert coded.code not in repr(coded).replace(str(coded.card_id), "")
            for d in s.deliveries():
                assert token not in json.dumps(d, default=str)
    finally:
        server.shutdown()


# ---- the sandbox itself (README.md:350-396) -------------------------------------------------


def test_readme_pytest_snippet(p100_sandbox: Sandbox) -> None:
    p100_sandbox.fund(currency="eur", amount=Decimal("50"))
    with p100_sandbox.client() as client:
        eur = client.partner.balances().fiat("eur")
    assert eur is not None and eur.amount == Decimal("100050.00")
    p100_sandbox.inject_fault("500", count=5)
    with pytest.raises(p100.P100Error) as info:
        p100_sandbox.client(max_retries=0).partner.balances()
    assert info.value.status == 500


@pytest.mark.p100_sandbox(settle=3600)
def test_marker_passes_arguments(p100_sandbox: Sandbox) -> None:
    with p100_sandbox.client() as c:
        t = c.sepa.partner_transfer(
            amount="1.00",
            currency="eur",
            destination_iban="DE89370400440532013000",
            transfer_title="marker",
        )
        time.sleep(0.3)
        assert c.sepa.details(t.transfer_id).status == "PENDING"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda sb: sb.inject_fault("no-such-fault"), "kind"),
        (lambda sb: sb.inject_fault("500", count=-1), "count"),
        (lambda sb: sb.inject_fault("429", retry_after=-1), "retryAfter"),
        (lambda sb: sb.inject_fault("5xx-with-code", status=200), "status"),
        (lambda sb: sb.set_time_scale(-1), "time_scale"),
        (lambda sb: sb.fund(currency="eur", amount="abc"), "amount"),
        (lambda sb: sb.fund(currency="eur", amount=None), "amount"),
    ],
    ids=[
        "kind",
        "count-negative",
        "retry_after",
        "status",
        "time_scale",
        "amount-text",
        "amount-none",
    ],
)
def test_sandbox_bad_arguments_are_validation_errors_naming_the_field(
    sb: Sandbox, call: Any, field: str
) -> None:
    # README.md:396 "Bad arguments raise p100.ValidationError naming the field"
    try:
        with pytest.raises(p100.ValidationError) as info:
            call(sb)
        norm = lambda t: t.lower().replace("_", "")  # noqa: E731
        assert info.value.field and norm(field) in norm(info.value.field), info.value.field
    finally:
        sb.clear_faults()


def test_closed_sandbox_is_config_error() -> None:
    s = Sandbox()
    s.close()
    s.close()
    with pytest.raises(p100.ConfigError):
        s.fund(currency="eur", amount="1")


# ---- examples print what they say (examples/python) ----------------------------------------


def run_example(sb: Sandbox, name: str) -> str:
    env = dict(os.environ, P100_API_KEY=sb.api_key, P100_BASE_URL=sb.url)
    env.pop("P100_LOG", None)
    done = subprocess.run(
        [sys.executable, name],
        cwd=ROOT / "examples" / "python",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_example_card_prints_no_card_number(sb: Sandbox) -> None:
    out = run_example(sb, "card.py")
    assert "card_number='[REDACTED]'" in out
    assert PAN_RE.search(out) is None, out
    assert "12345" not in out  # "the message never repeats the PIN"


def test_example_errors_reconciles_the_lost_transfer(sb: Sandbox) -> None:
    out = run_example(sb, "errors.py")
    assert "API error P412" in out
    assert "validation error (amount)" in out
    assert "validation error (urgent)" in out
    assert "outcome=not_sent, retryable=True" in out
    assert "unknown: reconcile says found" in out
    assert "transfer id: None" not in out


# ---- more of the client surface -------------------------------------------------------------


def test_client_from_environment(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # README.md:68 p100.Client(): reads P100_API_KEY, then P100_BASE_URL or P100_ENVIRONMENT
    monkeypatch.setenv("P100_API_KEY", sb.api_key)
    monkeypatch.setenv("P100_BASE_URL", sb.url)
    with p100.Client() as c:
        assert c.partner.balances().fiat("eur") is not None
    monkeypatch.delenv("P100_BASE_URL")
    monkeypatch.setenv("P100_ENVIRONMENT", "production")
    assert p100.Client().base_url == "https://partner-api.p100.io"
    monkeypatch.delenv("P100_API_KEY")
    with pytest.raises(p100.ConfigError):
        p100.Client()


def test_closed_client_is_config_error_and_take_cancelled_still_works(sb: Sandbox) -> None:
    c = sb.client()
    c.close()
    assert c.closed
    with pytest.raises(p100.ConfigError):
        c.partner.balances()
    assert c.take_cancelled() == []  # README.md:143 "also after close()"


def test_async_client_has_exactly_the_methods_of_client(sb: Sandbox) -> None:
    # README.md:133
    c, a = sb.client(), sb.async_client()
    for group in (
        "partner",
        "users",
        "kyc",
        "exchange",
        "sepa",
        "crypto",
        "transfers",
        "cards",
        "orders",
        "payment_links",
    ):
        sync = {m for m in dir(getattr(c, group)) if not m.startswith("_")}
        aio = {m for m in dir(getattr(a, group)) if not m.startswith("_")}
        assert sync == aio, (group, sync ^ aio)
    assert {m for m in dir(c) if not m.startswith("_")} - {
        m for m in dir(a) if not m.startswith("_")
    } == set()


def test_escape_hatch_returns_decimal_amounts(client: p100.Client) -> None:
    # README.md:104-106
    reply = client.request("GET", "/v1/partner/balances")
    text = json.dumps(reply, default=repr)
    assert "Decimal(" in text and "float" not in text

    def walk(v: Any) -> None:
        assert not isinstance(v, float), v
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        if isinstance(v, list):
            for x in v:
                walk(x)

    walk(reply)


def test_traceback_of_an_error_holds_no_secret(sb: Sandbox, client: p100.Client) -> None:
    import traceback

    key = "sk_live_" + secrets.token_hex(10)
    try:
        p100.Client(api_key=key, base_url=sb.url, max_retries=0).partner.balances()
    except p100.P100Error as e:
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        assert key not in text
    pin = str(98765)
    try:
        client.cards.update_pin(external_user_id="u1", card_id="c1", pin=pin)
    except p100.ValidationError as e:
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        assert pin not in text


def test_amount_in_exponent_notation_is_the_exact_value(client: p100.Client) -> None:
    # An amount in exponent notation is an exact decimal too (`str(Decimal("1E+2"))` writes
    # one): "1e2" is sent as 100, exactly; the refusal message says exponents are allowed.
    uid = plain_user(client)
    t = client.transfers.create(destination_external_user_id=uid, amount="1e2", currency="eur")
    assert client.transfers.details(t.transfer_id).amount == Decimal(100)
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.create(destination_external_user_id=uid, amount="1,00", currency="eur")
    assert info.value.field == "amount" and "exponent" in str(info.value)
