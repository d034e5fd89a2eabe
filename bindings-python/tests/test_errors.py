"""Every exception class, raised for real (sandbox faults, bad input, bad keys), with its
attributes."""

from __future__ import annotations

import asyncio
import builtins
import json
import pickle
import signal
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

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


def funded_user(sandbox: Sandbox, client: p100.Client) -> str:
    """A verified user with 10.00 EUR, and no fault queued."""
    uid = active_user(client)
    fund(client, uid, "10.00")
    sandbox.http("DELETE", "/_sandbox/faults")
    return uid


def test_hierarchy() -> None:
    for cls in ALL:
        assert issubclass(cls, p100.P100Error)
        assert cls.__module__ == "p100._errors"
    assert issubclass(p100.P100Error, Exception)
    # Deliberate: usable where the built-in meaning is expected.
    assert issubclass(p100.ValidationError, ValueError)
    assert p100.TimeoutError is not builtins.TimeoutError


@pytest.mark.parametrize("cls", [p100.P100Error, *ALL], ids=lambda c: c.__name__)
def test_no_error_is_a_builtin_that_retry_helpers_retry(cls: type[p100.P100Error]) -> None:
    # Generic retry helpers (tenacity predicates, backoff.on_exception, urllib3-style loops)
    # retry TimeoutError/ConnectionError/OSError; an "unknown" money call must not be resent
    # blindly, so no SDK error may be one of them.
    for builtin in (builtins.TimeoutError, ConnectionError, OSError, IOError, EnvironmentError):
        assert not issubclass(cls, builtin), f"{cls.__name__} is a {builtin.__name__}"
    err = cls("x")
    try:
        raise err
    except (builtins.TimeoutError, ConnectionError, OSError):
        pytest.fail(f"{cls.__name__} was caught as a built-in network error")
    except p100.P100Error as caught:
        assert caught is err


def test_every_error_has_an_outcome_and_accepted_agrees() -> None:
    assert p100.OUTCOMES == ("not_sent", "rejected", "unknown", "accepted")
    for cls in ALL:
        e = cls("x")
        assert e.outcome == "unknown" and not e.accepted and e.fingerprint is None
        a = cls("x", outcome="accepted")
        assert a.accepted and a.outcome == "accepted"
        assert cls("x", accepted=True).outcome == "accepted"  # the old keyword still works


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
    assert e.outcome == "not_sent" and e.fingerprint is None
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
    assert e.status == 401 and e.kind == "authentication" and e.outcome == "rejected"
    assert "xo2" in str(e)
    assert "wrong-key" not in str(e) and "wrong-key" not in repr(e)


def test_api_error_has_code_status_and_name(client: p100.Client) -> None:
    with pytest.raises(p100.ApiError) as info:
        client.users.balances("nobody-here")
    e = info.value
    assert e.code == "P412" and e.status == 400 and e.error_name == "invalid-user"
    assert e.kind == "api" and not e.retryable and e.outcome == "rejected"
    assert e.raw_body and "P412" in e.raw_body
    assert "P412" in str(e)


def test_rate_limit_error(sandbox: Sandbox, no_retry: p100.Client) -> None:
    fault(sandbox, "429", retryAfter=3)
    with pytest.raises(p100.RateLimitError) as info:
        no_retry.partner.balances()
    e = info.value
    assert e.status == 429 and e.retryable and e.kind == "rate_limited"
    assert e.retry_after == 3.0 and e.outcome == "rejected"


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
    uid = funded_user(sandbox, client)
    fault(sandbox, "500", count=1)
    with pytest.raises(p100.UnavailableError) as info:
        client.transfers.create(source_external_user_id=uid, amount="1.17", currency="eur")
    e = info.value
    assert not e.retryable  # ambiguous: reconcile, never resend blindly
    assert e.outcome == "unknown" and e.status == 500
    assert e.fingerprint is not None
    # The typed dict declares exactly the keys the core gives (no drift between the two).
    assert set(e.fingerprint) == set(p100.Fingerprint.__annotations__)
    assert e.fingerprint["operation"] == "transfers.create"
    assert e.fingerprint["amount"] == Decimal("1.17")
    assert e.fingerprint["currency"] == "eur"
    assert e.fingerprint["external_user_id"] == uid
    assert isinstance(e.fingerprint["sent_at_ms"], int)
    # A transfer has no SEPA title and no crypto network.
    assert e.fingerprint["title"] is None and e.fingerprint["network"] is None
    # The 500 came before the handler ran: the history shows nothing.
    assert client.reconcile(e) == p100.Reconciliation("not_found")


def test_a_money_call_cancelled_while_out_is_kept_for_reconcile(
    sandbox: Sandbox, client: p100.Client
) -> None:
    """A cancelled task carries no outcome: the client keeps the call, and reconcile finds it."""
    uid = funded_user(sandbox, client)
    # Processed at once; the reply's body then trickles out for 3 s.
    fault(sandbox, "slow-body", operation="transfers.create", delayMs=3000)

    async def cancel_it() -> list[p100.AbortError]:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, max_retries=0) as c:
            call = c.transfers.create(source_external_user_id=uid, amount="3.21", currency="eur")
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(call, 0.5)
            # Kept by the time the cancellation is seen; taking empties the list.
            kept = c.take_cancelled()
            assert c.take_cancelled() == []
            return kept

    kept = asyncio.run(cancel_it())
    assert len(kept) == 1, kept
    e = kept[0]
    assert isinstance(e, p100.AbortError) and e.kind == "aborted"
    # Cancelled after its 2xx status came (the body still trickling): it happened.
    assert e.outcome == "accepted" and e.status == 201 and not e.retryable
    assert e.fingerprint is not None and e.fingerprint["amount"] == Decimal("3.21")
    found = client.reconcile(e)
    assert found.result == "found" and found.id
    # A read cancelled the same way is not kept: nothing of it can have happened.
    fault(sandbox, "delay", operation="partner.balances", delayMs=3000)

    async def cancel_a_read() -> list[p100.AbortError]:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, max_retries=0) as c:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(c.partner.balances(), 0.3)
            return c.take_cancelled()

    assert asyncio.run(cancel_a_read()) == []
    sandbox.http("DELETE", "/_sandbox/faults")


def eur(client: p100.Client, uid: str) -> Decimal:
    balance = client.users.balances(uid).fiat("eur")
    assert balance is not None
    return balance.amount


def test_a_money_call_finished_but_cancelled_before_its_result_landed_is_kept(
    sandbox: Sandbox, client: p100.Client
) -> None:
    """The transfer completes on the runtime while the event loop is busy; the task is then
    cancelled before the result reaches it: the call is kept as accepted."""
    uid = funded_user(sandbox, client)
    before = eur(client, uid)

    async def main() -> list[p100.AbortError]:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, max_retries=0) as c:
            task = asyncio.ensure_future(
                c.transfers.create(source_external_user_id=uid, amount="1.23", currency="eur")
            )
            await asyncio.sleep(0)  # the call starts
            time.sleep(1.0)  # the loop is busy: the reply arrives meanwhile
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        # Readable after the client is closed, too.
        return c.take_cancelled()

    kept = asyncio.run(main())
    assert eur(client, uid) == before - Decimal("1.23")  # it happened
    assert len(kept) == 1, kept
    assert kept[0].kind == "aborted" and kept[0].outcome == "accepted"
    assert kept[0].operation == "transfers.create"
    # Its ids, to tell which call it was and follow it.
    ids = json.loads(kept[0].raw_body or "{}")
    assert set(ids) <= {"transferId", "status"} and ids["transferId"], ids
    assert client.transfers.details(ids["transferId"]).amount == Decimal("1.23")
    # No fingerprint (its ids say which it was), and the error says so: not "it moved no
    # money" (outside review, stop 49).
    assert kept[0].fingerprint is None
    with pytest.raises(p100.ValidationError) as info:
        p100.fingerprint_to_json(kept[0])
    assert info.value.field == "error" and "raw_body" in str(info.value), info.value
    assert "moved no money" not in str(info.value)
    # One refused before sending: nothing happened, and the error says that.
    with pytest.raises(p100.ValidationError) as refused:
        client.transfers.create(source_external_user_id=uid, amount="-1", currency="eur")
    with pytest.raises(p100.ValidationError) as info:
        p100.fingerprint_to_json(refused.value)
    assert "nothing happened" in str(info.value), info.value


def test_a_task_cancelled_after_its_result_landed_keeps_the_call(
    sandbox: Sandbox, client: p100.Client
) -> None:
    """The result is on the future, but the task is cancelled before it wakes up to take it:
    asyncio raises CancelledError and drops the result (what a deadline of `asyncio.timeout`,
    and so `wait_for` from Python 3.12, can do)."""
    uid = funded_user(sandbox, client)
    before = eur(client, uid)

    async def main() -> tuple[str, list[p100.P100Error]]:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url, max_retries=0) as c:
            loop = asyncio.get_running_loop()
            task = asyncio.ensure_future(
                c.transfers.create(source_external_user_id=uid, amount="1.22", currency="eur")
            )
            await asyncio.sleep(0)  # the call starts
            time.sleep(1.0)  # the reply arrives: the hand-over to the loop is queued
            loop.call_soon(task.cancel)  # after the hand-over, before the task's wake-up
            try:
                await task
                return "returned", c.take_cancelled()
            except asyncio.CancelledError:
                return "cancelled", c.take_cancelled()

    seen, kept = asyncio.run(main())
    assert eur(client, uid) == before - Decimal("1.22")
    assert seen == "cancelled"
    assert [(k.kind, k.outcome) for k in kept] == [("aborted", "accepted")], kept
    transfer = json.loads(kept[0].raw_body or "{}")["transferId"]
    assert client.transfers.details(transfer).amount == Decimal("1.22")


def ctrl_c_once_the_request_arrived(sandbox: Sandbox, after: float) -> None:
    """Ctrl-C `after` seconds once the queued fault was taken, i.e. the request reached the
    sandbox. Not on a fixed timer: on a loaded machine the signal could land before the call
    started (in Python code outside `pytest.raises`)."""

    def run() -> None:
        deadline = time.monotonic() + 10
        while sandbox.control("faults", method="GET")["faults"] and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(after)
        signal.raise_signal(signal.SIGINT)

    threading.Thread(target=run).start()


def test_ctrl_c_on_a_blocking_money_call_is_a_keyboard_interrupt_and_keeps_the_call(
    sandbox: Sandbox, client: p100.Client
) -> None:
    uid = funded_user(sandbox, client)
    fault(sandbox, "slow-body", operation="transfers.create", delayMs=3000)
    # Python's own Ctrl-C handler, even when the test runner was started with SIGINT ignored
    # (a background job of a non-interactive shell is).
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    ctrl_c_once_the_request_arrived(sandbox, after=0.2)  # its body is held back for 3 s
    try:
        with (
            p100.Client(sandbox.api_key, sandbox.base_url, max_retries=0) as c,
            pytest.raises(KeyboardInterrupt),
        ):
            c.transfers.create(source_external_user_id=uid, amount="4.56", currency="eur")
    finally:
        signal.signal(signal.SIGINT, old)
    kept = c.take_cancelled()
    assert len(kept) == 1, kept
    # Its 2xx status had come (the body still trickling): it happened.
    assert kept[0].outcome == "accepted" and kept[0].fingerprint is not None
    assert client.reconcile(kept[0]).result == "found"
    sandbox.http("DELETE", "/_sandbox/faults")


def test_ctrl_c_when_the_blocking_call_had_just_finished_keeps_it(
    sandbox: Sandbox, client: p100.Client
) -> None:
    """The reply arrives while the Ctrl-C handler runs: the result is not handed over."""
    uid = funded_user(sandbox, client)
    fault(sandbox, "delay", operation="transfers.create", delayMs=300)
    before = eur(client, uid)

    def slow_handler(signum: int, frame: object) -> None:
        time.sleep(0.6)
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGINT, slow_handler)
    ctrl_c_once_the_request_arrived(sandbox, after=0.0)  # its reply comes 0.3 s later
    c = p100.Client(sandbox.api_key, sandbox.base_url, max_retries=0)
    try:
        with pytest.raises(KeyboardInterrupt):
            c.transfers.create(source_external_user_id=uid, amount="2.34", currency="eur")
    finally:
        signal.signal(signal.SIGINT, old)
    assert eur(client, uid) == before - Decimal("2.34")
    kept = c.take_cancelled()
    assert [(k.kind, k.outcome) for k in kept] == [("aborted", "accepted")], kept
    transfer = json.loads(kept[0].raw_body or "{}")["transferId"]
    assert client.transfers.details(transfer).amount == Decimal("2.34")


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
    assert info.value.retryable and info.value.outcome == "not_sent"


def test_timeout_error(sandbox: Sandbox) -> None:
    sandbox.http("DELETE", "/_sandbox/faults")
    fault(sandbox, "delay", delayMs=2000)
    with (
        p100.Client(sandbox.api_key, sandbox.base_url, timeout=0.2, max_retries=0) as c,
        pytest.raises(p100.TimeoutError) as info,
    ):
        c.partner.balances()
    assert info.value.kind == "timeout" and info.value.outcome == "unknown"
    assert not isinstance(info.value, builtins.TimeoutError)
    sandbox.http("DELETE", "/_sandbox/faults")


def test_decode_error(sandbox: Sandbox, no_retry: p100.Client) -> None:
    fault(sandbox, "malformed")
    with pytest.raises(p100.DecodeError) as info:
        no_retry.partner.balances()
    assert info.value.kind == "decode"


def test_decode_error_of_an_accepted_money_call(sandbox: Sandbox, client: p100.Client) -> None:
    uid = funded_user(sandbox, client)
    fault(sandbox, "malformed")
    with pytest.raises(p100.DecodeError) as info:
        client.transfers.create(source_external_user_id=uid, amount="1.29", currency="eur")
    e = info.value
    assert e.accepted and not e.retryable and e.outcome == "accepted"
    assert e.status in (200, 201) and e.fingerprint is not None
    # It happened: reconcile finds it in the history, with its id (the amount is unique in
    # this test session: reconcile matches kind, amount and currency since the call).
    answer = client.reconcile(e)
    assert answer.result == "found" and answer.found and answer.id
    assert client.transfers.details(answer.id).transfer_id == answer.id


def test_reconcile_after_processed_then_dropped(sandbox: Sandbox, client: p100.Client) -> None:
    uid = funded_user(sandbox, client)
    fault(sandbox, "process-then-drop", operation="transfers.create")
    with pytest.raises(p100.P100Error) as info:
        client.transfers.create(source_external_user_id=uid, amount="2.34", currency="eur")
    e = info.value
    assert e.outcome == "unknown" and not e.retryable and e.fingerprint is not None
    found = client.reconcile(e)
    assert found.result == "found" and found.id
    # The fingerprint alone (e.g. stored as JSON before a restart) gives the same answer.
    stored = json.loads(json.dumps(e.fingerprint, default=str))
    assert client.reconcile(stored) == found
    camel = {
        "operation": stored["operation"],
        "amount": stored["amount"],
        "currency": stored["currency"],
        "destination": stored["destination"],
        "externalUserId": stored["external_user_id"],
        "sentAtMs": stored["sent_at_ms"],
    }
    assert client.reconcile(camel) == found
    assert found.to_dict() == {"result": "found", "id": found.id, "status": found.status}
    assert stored["accepted"] is False
    # A stored fingerprint of an accepted call (it happened) is never `not_found`, even when
    # the history does not list it (yet): here, one of another amount.
    missing = {**stored, "amount": "2.35"}
    assert client.reconcile(missing).result == "not_found"
    answer = client.reconcile({**missing, "accepted": True})
    assert answer.result == "cannot_tell" and "do not send it again" in (answer.reason or "")


def test_reconcile_answers_without_asking_when_nothing_happened(client: p100.Client) -> None:
    with pytest.raises(p100.ValidationError) as info:
        client.transfers.create(amount="1.001", currency="eur")
    assert info.value.outcome == "not_sent"
    assert client.reconcile(info.value) == p100.Reconciliation("not_found")
    with pytest.raises(p100.ApiError) as api:
        client.users.balances("nobody-here")
    assert client.reconcile(api.value).result == "not_found"  # rejected


def test_reconcile_refuses_what_it_cannot_reconcile(
    sandbox: Sandbox, no_retry: p100.Client
) -> None:
    fault(sandbox, "500")
    with pytest.raises(p100.UnavailableError) as info:
        no_retry.partner.balances()  # unknown, but moves no money: no fingerprint
    assert info.value.outcome == "unknown" and info.value.fingerprint is None
    with pytest.raises(p100.ValidationError) as refused:
        no_retry.reconcile(info.value)
    assert refused.value.field == "error" and "fingerprint" in str(refused.value)
    with pytest.raises(p100.ValidationError):
        no_retry.reconcile("not an error")  # type: ignore[arg-type]
    with pytest.raises(p100.ValidationError) as bad:
        no_retry.reconcile({"operation": "transfers.create", "sent_at_ms": 1, "colour": "red"})
    assert "colour" in str(bad.value)


def test_async_reconcile(sandbox: Sandbox, client: p100.Client) -> None:
    uid = funded_user(sandbox, client)

    async def main() -> None:
        async with p100.AsyncClient(sandbox.api_key, sandbox.base_url) as c:
            fault(sandbox, "wrong-shape", operation="transfers.create")
            with pytest.raises(p100.DecodeError) as info:
                await c.transfers.create(source_external_user_id=uid, amount="3.21", currency="eur")
            assert info.value.outcome == "accepted"
            answer = await c.reconcile(info.value)
            assert isinstance(answer, p100.Reconciliation) and answer.result == "found"

    asyncio.run(main())


def test_connect_timeout_is_not_sent(sandbox: Sandbox) -> None:
    hole = sandbox.control("blackhole")["url"]
    with p100.Client(sandbox.api_key, hole, connect_timeout=0.2, timeout=5, max_retries=0) as c:
        start = time.monotonic()
        with pytest.raises(p100.NetworkError) as info:
            c.transfers.create(destination_external_user_id="x", amount="1.00", currency="eur")
        assert time.monotonic() - start < 3  # the connect timeout, not the request timeout
    assert info.value.outcome == "not_sent" and info.value.retryable
    with pytest.raises(p100.ConfigError) as bad:
        p100.Client("k", "http://127.0.0.1:1", connect_timeout=0)
    assert bad.value.field == "connect_timeout"


def test_a_panic_is_an_internal_error_not_a_crash_or_a_hang() -> None:
    # A debug hook of the native module panics inside the runtime, like a bug in the SDK would.
    from p100 import _native

    with pytest.raises(p100.P100Error) as info:
        _native._panic_for_tests(False)
    e = info.value
    assert type(e) is p100.P100Error and e.kind == "internal" and e.outcome == "unknown"
    assert "deliberate test panic" in str(e)
    assert "4111 1111 1111 1111" not in str(e) and "4111" not in repr(e)  # masked

    async def main() -> None:
        # Before: the coroutine never completed. Now it raises, well within the timeout.
        with pytest.raises(p100.P100Error) as info:
            await asyncio.wait_for(_native._panic_for_tests(True), timeout=10)
        assert info.value.kind == "internal"

    asyncio.run(main())


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
    assert (copy.outcome, copy.fingerprint) == (e.outcome, e.fingerprint)
    assert repr(e).startswith("ApiError(") and "code='P412'" in repr(e)
    assert "raw_body" not in repr(e)
    # Constructible by users (e.g. in their own tests).
    mine = p100.RateLimitError("slow down", status=429, retryable=True)
    assert mine.kind == "rate_limited" and mine.code is None and mine.status == 429


def test_a_panic_with_standard_error_closed_is_still_an_internal_error() -> None:
    """The panic hook writes a line on standard error. With that closed (a daemon started with
    `2>&-`), `eprintln!` panicked inside the hook, and a panic in a panic hook aborts the
    process; the line is now left out and the call raises as usual."""
    import subprocess
    import sys

    script = (
        "import os\n"
        "os.close(2)\n"
        "import p100\n"
        "from p100 import _native\n"
        "try:\n"
        "    _native._panic_for_tests(False)\n"
        "except p100.P100Error as e:\n"
        "    print('raised', e.kind)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, (done.returncode, done.stdout)
    assert done.stdout.strip() == "raised internal"
