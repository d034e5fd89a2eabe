"""The clients: configuration, resource groups, typed results, context managers, escape hatch."""

from __future__ import annotations

import asyncio
import inspect
import json
from decimal import Decimal

import pytest

import p100
from _sandbox import Sandbox
from conftest import FAST, USER_FIELDS, active_user, fund, new_id


def test_configuration_and_repr_hide_the_key(sandbox: Sandbox) -> None:
    c = p100.Client(sandbox.api_key, sandbox.base_url + "/", timeout=12.5, max_retries=4)
    assert c.base_url == sandbox.base_url
    assert c.timeout == 12.5
    assert c.max_retries == 4
    assert not c.closed
    for text in (repr(c), str(c), repr(c.users), repr(c.with_options(timeout=1))):
        assert sandbox.api_key not in text
    assert "Client" in repr(c)
    assert c.with_options(timeout=2.0, max_retries=0).timeout == 2.0
    assert c.with_options(max_retries=0).max_retries == 0


def test_defaults_and_environment_variables(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P100_API_KEY", sandbox.api_key)
    monkeypatch.setenv("P100_BASE_URL", sandbox.base_url)
    c = p100.Client()
    assert c.base_url == sandbox.base_url
    assert c.timeout == 60.0 and c.max_retries == 2
    assert c.partner.balances().fiat("eur") is not None
    # As in the core and every binding: P100_BASE_URL wins over P100_ENVIRONMENT, so a
    # sandbox URL is never silently replaced by production.
    monkeypatch.setenv("P100_ENVIRONMENT", "production")
    assert p100.Client().base_url == sandbox.base_url
    monkeypatch.delenv("P100_ENVIRONMENT")
    monkeypatch.delenv("P100_BASE_URL")
    assert p100.Client(environment="production").base_url == "https://partner-api.p100.io"
    assert p100.Client().base_url == "https://partner-api-stage.p100.io"
    monkeypatch.delenv("P100_API_KEY")
    with pytest.raises(p100.ConfigError, match="API key"):
        p100.Client(base_url=sandbox.base_url)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"base_url": "http://example.com"}, "base_url"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"base_url": "https://partner-api.p100.io/v1"}, "base_url"),
        ({"environment": "moon"}, "environment"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"max_retries": 11}, "max_retries"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 2**64}, "max_retries"),
        ({"max_retries": -(2**70)}, "max_retries"),
        ({"retry_initial_delay": -1}, "retry_initial_delay"),
        # Text settings that are no str (a bare TypeError naming neither: review, stop 49).
        ({"base_url": b"http://127.0.0.1:1"}, "base_url"),
        ({"environment": 1}, "environment"),
        ({"user_agent": ["app"]}, "user_agent"),
    ],
)
def test_bad_configuration_is_a_config_error(kwargs: dict, field: str | None) -> None:
    with pytest.raises(p100.ConfigError) as info:
        p100.Client("key", **kwargs)
    assert info.value.kind == "config"
    if field:
        assert info.value.field == field


def test_a_bad_key_is_named_as_python_spells_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """`api_key` whether it is missing, empty (it was `apiKey` when empty) or no `str` (a
    `TypeError` naming neither the argument nor the field; its value is not repeated)."""
    monkeypatch.delenv("P100_API_KEY", raising=False)
    with pytest.raises(p100.ConfigError) as info:
        p100.Client(b"sk_live_bytes_key_1234")  # type: ignore[arg-type]
    assert info.value.field == "api_key" and "sk_live" not in str(info.value)
    for args in ((), ("",), (" ",)):
        with pytest.raises(p100.ConfigError) as info:
            p100.Client(*args)
        assert info.value.field == "api_key", (args, info.value)


def test_with_options_refuses_a_bad_setting_as_a_validation_error(sandbox: Sandbox) -> None:
    """As in Node, Kotlin and Swift (the core's per-call settings): was a ConfigError here."""
    with p100.Client(sandbox.api_key, sandbox.base_url) as c:
        for kwargs, field in (
            ({"max_retries": 2**70}, "max_retries"),
            ({"timeout": -1}, "timeout"),
            ({"headers": {"x-api-key": "other"}}, "headers.x-api-key"),
        ):
            with pytest.raises(p100.ValidationError) as info:
                c.with_options(**kwargs)  # type: ignore[arg-type]
            assert info.value.field == field
            assert info.value.outcome == "not_sent"
        # A value of the wrong type names its option too (it was a bare TypeError).
        with pytest.raises(p100.ValidationError) as info:
            c.with_options(max_retries="2")  # type: ignore[arg-type]
        assert info.value.field == "max_retries"


def test_api_key_with_whitespace_is_refused_without_echo() -> None:
    with pytest.raises(p100.ConfigError) as info:
        p100.Client("sk live secret", "http://127.0.0.1:1")
    assert "sk live secret" not in str(info.value)
    assert "sk live secret" not in repr(info.value)


def test_sync_context_manager_closes(sandbox: Sandbox) -> None:
    with p100.Client(sandbox.api_key, sandbox.base_url) as c:
        assert c.partner.balances().fiat_balances
    assert c.closed
    assert "closed" in repr(c)
    with pytest.raises(p100.ConfigError, match="closed"):
        c.partner.balances()


def test_async_context_manager_and_coroutines(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, **FAST) as c:
            call = c.partner.balances()
            assert inspect.iscoroutine(call)
            balances = await call
            assert isinstance(balances, p100.Balances)
            # Real coroutines: tasks work too.
            task = asyncio.create_task(c.exchange.rates())
            rates = await task
            assert rates.rate("BTC") == Decimal("102178.03394219")
        assert c.closed
        with pytest.raises(p100.ConfigError, match="closed"):
            await c.partner.balances()

    asyncio.run(main())
    # A coroutine can also be the whole program.
    c = p100.AsyncClient(sandbox.api_key, sandbox.base_url)
    assert asyncio.run(c.partner.balances()).fiat("eur") is not None
    asyncio.run(c.aclose())
    assert c.closed


def test_same_surface_sync_and_async(sandbox: Sandbox) -> None:
    s = p100.Client(sandbox.api_key, sandbox.base_url)
    a = p100.AsyncClient(sandbox.api_key, sandbox.base_url)
    groups = [
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
    ]
    for g in groups:
        sync_methods = {m for m in dir(getattr(s, g)) if not m.startswith("_")}
        async_methods = {m for m in dir(getattr(a, g)) if not m.startswith("_")}
        assert sync_methods == async_methods, g
        assert sync_methods, g
        for m in sync_methods:
            assert (
                getattr(getattr(s, g), m).__text_signature__
                == getattr(getattr(a, g), m).__text_signature__
            ), f"{g}.{m}"


def test_typed_results(client: p100.Client) -> None:
    balances = client.partner.balances()
    assert isinstance(balances, p100.Balances)
    eur = balances.fiat("EUR")
    assert isinstance(eur, p100.FiatBalance)
    assert eur.amount == Decimal("100000.00") and isinstance(eur.amount, Decimal)
    assert str(eur.amount) == "100000.00"  # the scale as sent
    assert eur.name == "eur" and eur.status == "ACTIVE"
    btc = balances.crypto("btc")
    assert btc is not None and btc.amount == Decimal("2.5")
    cfg = btc.network_config["btc"]
    assert isinstance(cfg, p100.NetworkConfig)
    assert cfg.withdrawal is not None and isinstance(cfg.withdrawal.fee_withdrawal, Decimal)
    assert balances.fiat("xyz") is None

    d = balances.to_dict()
    assert d["fiat_balances"][0]["amount"] == Decimal("100000.00")
    assert isinstance(d["crypto_balances"][0]["network_config"], dict)
    wire = json.loads(balances.to_json())
    assert wire["fiatBalances"][0]["amount"] == "100000.00"

    # Frozen, comparable.
    assert client.partner.balances() == balances
    with pytest.raises(AttributeError):
        eur.amount = Decimal(1)  # type: ignore[misc]
    assert "FiatBalance(" in repr(eur) and "amount=Decimal('100000.00')" in repr(eur)


def test_user_lifecycle_with_kwargs_and_dicts(client: p100.Client) -> None:
    uid = new_id()
    created = client.users.create({"external_user_id": uid, **USER_FIELDS})
    assert isinstance(created, p100.CreateUserResponse) and created.user_id
    # camelCase keys (the wire names) are accepted as well.
    with pytest.raises(p100.ApiError) as info:
        client.users.create(
            {"externalUserId": uid, "firstName": "Jan"},
            **{k: v for k, v in USER_FIELDS.items() if k != "first_name"},
        )
    assert info.value.code == "P411"
    assert client.users.balances(uid).fiat("eur").status == "WAITING_TO_BE_ACTIVATED"
    assert client.users.update(uid, city="Kraków") is None
    assert client.users.delete(uid) is None


def test_unknown_enum_values_come_back_as_text() -> None:
    event = p100.webhooks.parse(
        '{"externalUserId": "u1", "verificationId": "v1", "verificationStatus": "SOMETHING_NEW"}'
    )
    assert isinstance(event, p100.KycVerificationEvent)
    assert event.verification_status == "SOMETHING_NEW"
    assert isinstance(event.verification_status, str)
    cards = p100.webhooks.parse(
        '{"transferId": "t", "destinationIban": "DE89", '
        '"status": "weird_status", "currency": "XYZ"}'
    )
    assert isinstance(cards, p100.SepaTransferEvent)
    assert cards.status == "weird_status" and cards.currency == "XYZ"


def test_escape_hatch_request(client: p100.Client) -> None:
    reply = client.request("GET", "/v1/partner/balances")
    assert isinstance(reply, dict)
    eur = next(b for b in reply["fiatBalances"] if b["name"] == "eur")
    assert eur["amount"] == "100000.00"
    rates = client.request("GET", "/v1/exchange/get-rate")
    assert rates["btc"] == Decimal("102178.03394219")  # a JSON number, exactly
    with pytest.raises(p100.ValidationError) as info:
        client.request("GET", "https://elsewhere.example/v1/x")
    assert info.value.field == "path"
    with pytest.raises(p100.ApiError) as api:
        client.request("POST", "/v1/transfer", {"amount": "10.00", "currency": "eur"})
    assert api.value.code == "P424"


def test_full_flow_with_wait_helpers(client: p100.Client) -> None:
    uid = active_user(client)
    fund(client, uid, "250.00")
    lock = client.exchange.user_lock(uid)
    assert isinstance(lock, p100.ExchangeLock) and lock.rates["btc"] > 0
    ex = client.exchange.user_execute(
        source_external_user_id=uid,
        amount="100.00",
        currency_from="eur",
        currency_to="btc",
        lock_id=lock.lock_id,
    )
    done = client.exchange.wait_for(ex.exchange_id, timeout=10, interval=0.02)
    assert done.status == "COMPLETED" and done.received_amount > 0
    sepa = client.sepa.user_transfer(
        source_external_user_id=uid,
        amount=Decimal("50"),
        currency="eur",
        destination_iban="DE89370400440532013000",
        transfer_title="Rent",
    )
    details = client.sepa.wait_for(sepa.transfer_id, timeout=10, interval=0.02)
    assert details.status == "SUCCESSFUL" and details.amount == Decimal("50.00")
    assert client.users.balances(uid).fiat("eur").amount == Decimal("99.00")


def test_wait_for_times_out_with_timeout_error(client: p100.Client, sandbox: Sandbox) -> None:
    uid = active_user(client)
    fund(client, uid, "20.00")
    sandbox.control("time-scale", {"scale": 1000})
    try:
        t = client.transfers.create(destination_external_user_id=uid, amount=1, currency="eur")
        with pytest.raises(p100.TimeoutError) as info:
            client.transfers.wait_for(t.transfer_id, timeout=0.05, interval=0.01)
        # Accepted, so never "retryable" (a retry around the transfer would pay twice); the
        # message says to wait again instead.
        assert not info.value.retryable and info.value.outcome == "accepted"
        assert "do not send it again" in str(info.value)
    finally:
        sandbox.control("time-scale", {"scale": 1})
    with pytest.raises(p100.ValidationError) as bad:
        client.transfers.wait_for("x", timeout=-1)
    assert bad.value.field == "timeout"


def test_uploads_take_bytes_pairs_and_paths(client: p100.Client, tmp_path) -> None:
    uid = new_id()
    client.users.create(external_user_id=uid, **USER_FIELDS)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000
    path = tmp_path / "selfie.png"
    path.write_bytes(png)
    result = client.kyc.upload_files(
        external_user_id=uid,
        document_type="ID_CARD",
        files=[("front.png", png), bytearray(png), path],
    )
    assert result is None
    assert (
        client.kyc.upload_poa(
            external_user_id=uid, files=[("bill.pdf", b"%PDF-1.7\n" + b"x" * 100)]
        )
        is None
    )
    with pytest.raises(p100.ValidationError) as info:
        client.kyc.upload_poa(
            external_user_id=uid, files=[("big.pdf", b"%PDF-1.7\n" + b"x" * (6 << 20))]
        )
    assert info.value.field is not None and info.value.field.startswith("files")
    with pytest.raises(p100.ValidationError) as info:
        client.kyc.upload_poa(external_user_id=uid, files=[tmp_path / "missing.pdf"])
    assert info.value.field == "files[0]" and "missing.pdf" in str(info.value)
    # A str is a path; one that is the file's contents (base64 of an ID photo) is not repeated.
    contents = "/9j/4AAQSkZJRgABAQ" + "A" * 5000
    with pytest.raises(p100.ValidationError) as info:
        client.kyc.upload_poa(external_user_id=uid, files=[contents])
    assert info.value.field == "files[0]" and "contents as bytes" in str(info.value)
    assert "4AAQ" not in str(info.value) and len(str(info.value)) < 300, str(info.value)
