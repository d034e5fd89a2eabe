"""Outside review: cancelling a money-moving call never loses track of the money.

Checks README.md "Cancelling a money-moving call" (bindings-python/README.md:136-165) and the
core's `take_cancelled` (core/src/client/mod.rs, core/src/client/cancel.rs) against an
in-process sandbox (`p100.testing.Sandbox`, loopback only). Each test compares what the sandbox
ran (`ops()`) with what the SDK reports (the call's result, its error, or
`client.take_cancelled()`): every money call the sandbox ran must be reported somewhere, never
as `not_sent`, and never sent twice.

Timing: the moments of cancellation are set by the sandbox's faults (`delay`, `slow-body`,
`process-then-drop`) and by waiting until the sandbox has taken the queued fault (the request
has arrived), not by fixed sleeps. The "finished in the instant it was cancelled" tests block
the event loop with `time.sleep` while the runtime finishes the call (as the existing tests in
test_errors.py do); the sleep is 1 s against replies that take milliseconds on loopback.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

import p100
from conftest import active_user, holds
from p100.testing import Sandbox

OP = "transfers.create"


@dataclass
class World:
    sb: Sandbox
    client: p100.Client
    uid: str

    def ran(self, op: str = OP) -> int:
        """How many times the sandbox ran `op` since the world was made."""
        return int(self.sb.ops().get(op, 0)) - self.base.get(op, 0)

    def __post_init__(self) -> None:
        self.base = {k: int(v) for k, v in self.sb.ops().items()}

    def faults_left(self) -> int:
        return sum(f["remaining"] for f in self.sb.control("GET", "/_sandbox/faults")["faults"])

    def async_client(self, **options: Any) -> p100.AsyncClient:
        return p100.AsyncClient(self.sb.api_key, self.sb.url, **{"max_retries": 0, **options})

    def blocking_client(self, **options: Any) -> p100.Client:
        return p100.Client(self.sb.api_key, self.sb.url, **{"max_retries": 0, **options})


@pytest.fixture()
def world() -> Iterator[World]:
    """A sandbox of its own (so `ops()` counts only this test), a verified user, and money on
    both sides."""
    with Sandbox(settle=0.2) as sb, sb.client(max_retries=0) as client:
        uid = active_user(client)
        sb.fund(currency="eur", amount=Decimal("100000"))
        sb.fund(currency="eur", amount=Decimal("1000"), external_user_id=uid)
        yield World(sb, client, uid)


def transfer_kwargs(w: World, amount: str) -> dict[str, Any]:
    return {"destination_external_user_id": w.uid, "amount": amount, "currency": "eur"}


async def until_arrived(w: World, timeout: float = 10.0) -> None:
    """Waits (without blocking the loop) until every queued fault was taken: the requests
    reached the sandbox."""
    deadline = time.monotonic() + timeout
    while w.faults_left() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert not w.faults_left(), "the requests never reached the sandbox"


async def until_processed(w: World, n: int, timeout: float = 10.0) -> None:
    """Waits until the sandbox has run `n` calls: under `slow-body` it then sends each reply's
    head at once, so a cancellation after that is "accepted", not "unknown"."""
    deadline = time.monotonic() + timeout
    while w.ran() < n and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert w.ran() == n, "the sandbox did not run every call"


def until_arrived_blocking(w: World, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while w.faults_left() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not w.faults_left(), "the requests never reached the sandbox"


async def cancelled(fut: asyncio.Future[Any]) -> None:
    """Cancels `fut` and checks that awaiting it raises `CancelledError`."""
    fut.cancel()
    with pytest.raises(asyncio.CancelledError):
        await fut


def assert_kept(e: p100.P100Error, amount: str, outcome: str = "unknown") -> None:
    assert isinstance(e, p100.AbortError), repr(e)
    assert e.kind == "aborted" and e.outcome == outcome and not e.retryable, repr(e)
    assert e.operation == OP
    assert e.fingerprint is not None and e.fingerprint["amount"] == Decimal(amount), e.fingerprint


# ---- 1. cancelled at each moment ------------------------------------------------------------


def test_cancelled_before_it_was_sent_runs_nothing_and_keeps_nothing(world: World) -> None:
    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            task = asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "1.01")))
            await cancelled(task)  # before the task ever ran: nothing left
            # A coroutine never awaited sends nothing either.
            c.transfers.create(**transfer_kwargs(world, "1.02")).close()
            await asyncio.sleep(0.3)
            return c.take_cancelled()

    assert asyncio.run(main()) == []
    assert world.ran() == 0


@pytest.mark.parametrize("how", ["task.cancel", "wait_for", "asyncio.timeout"])
def test_cancelled_while_the_reply_is_delayed_is_kept_and_matches_what_ran(
    world: World, how: str
) -> None:
    """The sandbox holds the reply back 1.5 s *before* running the handler: whether it still
    runs once the client went away is the server's business; the SDK must report `unknown`,
    and reconcile must agree with what the sandbox did."""
    if how == "asyncio.timeout" and not hasattr(asyncio, "timeout"):
        pytest.skip("asyncio.timeout needs Python 3.11")
    world.sb.inject_fault("delay", delay_ms=1500, operation=OP)

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            call = c.transfers.create(**transfer_kwargs(world, "2.03"))
            if how == "task.cancel":
                task = asyncio.ensure_future(call)
                await until_arrived(world)
                await cancelled(task)
            elif how == "wait_for":
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(call, 0.5)
            else:
                with pytest.raises(TimeoutError):
                    async with asyncio.timeout(0.5):  # type: ignore[attr-defined]
                        await call
            return c.take_cancelled()

    kept = asyncio.run(main())
    assert len(kept) == 1, kept
    assert_kept(kept[0], "2.03")
    time.sleep(1.5)  # whatever the sandbox will do with it, it has done now
    ran = world.ran()
    found = world.client.reconcile(kept[0])
    assert found.result == ("found" if ran else "not_found"), (ran, found)


def test_cancelled_while_the_body_trickles_after_the_handler_ran_is_kept(world: World) -> None:
    world.sb.inject_fault("slow-body", delay_ms=3000, operation=OP)

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            task = asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "3.04")))
            await until_arrived(world)
            await asyncio.sleep(0.2)  # the head has arrived; the body is still coming
            await cancelled(task)
            return c.take_cancelled()

    kept = asyncio.run(main())
    assert world.ran() == 1
    assert len(kept) == 1, kept
    # Its 2xx status had come: it happened (it was kept as "unknown" before stop 45).
    assert_kept(kept[0], "3.04", outcome="accepted")
    assert kept[0].status == 201 and kept[0].fingerprint["accepted"] is True
    assert world.client.reconcile(kept[0]).result == "found"


@pytest.mark.parametrize("kind", ["process-then-drop", "cut-body", "malformed"])
def test_a_call_that_ended_in_an_ambiguous_error_as_it_was_cancelled_is_kept(
    world: World, kind: str
) -> None:
    """The handler ran, the reply was lost or broken; the call ended with that error while the
    event loop was busy, then the task was cancelled: README "kept too: as the error it ended
    with (when it may have happened)"."""
    world.sb.inject_fault(kind, operation=OP)

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            task = asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "4.05")))
            await asyncio.sleep(0)  # the call starts
            time.sleep(1.0)  # the loop is busy: the call ends meanwhile
            await cancelled(task)
            return c.take_cancelled()

    kept = asyncio.run(main())
    assert world.ran() == 1
    assert len(kept) == 1, kept
    assert kept[0].outcome in ("unknown", "accepted"), repr(kept[0])
    assert kept[0].operation == OP


@pytest.mark.parametrize("where", ["before the hand-over", "after the hand-over"])
def test_a_call_that_succeeded_as_it_was_cancelled_is_kept_as_accepted(
    world: World, where: str
) -> None:
    async def main() -> tuple[str, list[p100.P100Error]]:
        async with world.async_client() as c:
            loop = asyncio.get_running_loop()
            task = asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "5.06")))
            await asyncio.sleep(0)
            time.sleep(1.0)  # the reply arrives meanwhile
            if where == "before the hand-over":
                task.cancel()
            else:
                loop.call_soon(task.cancel)
            try:
                await task
                return "returned", c.take_cancelled()
            except asyncio.CancelledError:
                return "cancelled", c.take_cancelled()

    seen, kept = asyncio.run(main())
    assert world.ran() == 1
    assert seen == "cancelled"
    assert [(k.kind, k.outcome) for k in kept] == [("aborted", "accepted")], kept
    ids = json.loads(kept[0].raw_body or "{}")
    assert ids.get("transferId"), kept[0].raw_body
    assert world.client.transfers.details(ids["transferId"]).amount == Decimal("5.06")


@pytest.mark.parametrize("steps", [0, 1])
def test_a_loop_closed_after_the_reply_landed_but_before_it_ran_again_keeps_the_call(
    world: World, steps: int
) -> None:
    """Outside review (stop 40): the result was queued on the loop (`call_soon_threadsafe`),
    then the loop was closed without running again, which drops the queued callback: the
    transfer had happened and `take_cancelled()` was empty. It is kept as `accepted`. The diff
    review: also when the loop ran one more step (the result set on the future) and was closed
    before the awaiting task resumed."""
    c = world.async_client()
    world.sb.control("POST", "/_sandbox/faults", {"kind": "delay", "delayMs": 300, "count": 1})
    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(c.transfers.create(**transfer_kwargs(world, "5.07")))
        loop.run_until_complete(asyncio.sleep(0.1))  # the request is out
        deadline = time.monotonic() + 10
        while world.ran() < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(1.0)  # the reply lands while the loop does not run
        for _ in range(steps):
            loop.call_soon(loop.stop)
            loop.run_forever()
        assert not task.done()
    finally:
        loop.close()
    del task
    gc.collect()
    kept = c.take_cancelled()
    assert world.ran() == 1
    assert [(k.kind, k.outcome) for k in kept] == [("aborted", "accepted")], kept
    ids = json.loads(kept[0].raw_body or "{}")
    assert world.client.transfers.details(ids["transferId"]).amount == Decimal("5.07")


def test_cancelling_a_finished_task_whose_result_was_taken_keeps_nothing(world: World) -> None:
    async def main() -> tuple[Any, list[p100.P100Error]]:
        async with world.async_client() as c:
            task = asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "6.07")))
            result = await task
            task.cancel()  # too late: the caller has the result
            return result, c.take_cancelled()

    result, kept = asyncio.run(main())
    assert result.transfer_id and kept == []
    assert world.ran() == 1


@pytest.mark.parametrize("kind", ["process-then-drop", "malformed"])
def test_an_error_that_reached_its_caller_is_not_also_kept(world: World, kind: str) -> None:
    """The final read (stop 40): `run()` marks the hand-over token when it takes an error as well
    as a result. Unmarked, the token, once let go, kept the call a second time: its caller had
    the error, and `take_cancelled()` returned it too (to be reconciled twice)."""
    world.sb.control("POST", "/_sandbox/faults", {"kind": kind, "count": 1})
    c = world.async_client()

    async def main() -> str:
        try:
            await c.transfers.create(**transfer_kwargs(world, "6.08"))
        except p100.P100Error as e:
            return e.outcome
        raise AssertionError("no error")

    assert asyncio.run(main()) in ("unknown", "accepted")
    gc.collect()  # the loop and the call's frames are gone: a token left unmarked acts now
    assert c.take_cancelled() == []


def test_cancelled_while_waiting_to_retry_after_a_429_sends_nothing_twice(world: World) -> None:
    """A 429 is not processed; the money call waits to retry it; cancelled during that wait:
    nothing ran, nothing is kept, and no retry leaves afterwards."""
    world.sb.inject_fault("429", retry_after=2, operation=OP)

    async def main() -> list[p100.P100Error]:
        async with world.async_client(max_retries=2) as c:
            task = asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "7.08")))
            await until_arrived(world)
            await asyncio.sleep(0.3)
            await cancelled(task)
            await asyncio.sleep(2.5)  # past the Retry-After: a leftover retry would land now
            return c.take_cancelled()

    assert asyncio.run(main()) == []
    assert world.ran() == 0


@pytest.mark.parametrize(
    "kind",
    ["process-then-drop", "cut-body", "malformed", "drop", "500", "503", "p500", "499", "delay"],
)
def test_a_money_call_with_retries_is_never_sent_twice(world: World, kind: str) -> None:
    """With retries allowed, a failure that may have been processed is never sent again; and
    whatever the failure, if the sandbox ran the call the error does not say it did not."""
    extra = {"delay_ms": 1500} if kind == "delay" else {}
    world.sb.inject_fault(kind, operation=OP, **extra)
    with p100.Client(
        world.sb.api_key, world.sb.url, max_retries=3, timeout=0.5, retry_initial_delay=0.01
    ) as c:
        try:
            c.transfers.create(**transfer_kwargs(world, "8.09"))
            outcome = "ok"
        except p100.P100Error as e:
            outcome = e.outcome
    time.sleep(1.6 if kind == "delay" else 0.1)
    ran = world.ran()
    assert ran <= 1, f"{kind}: sent {ran} times"
    if ran:
        assert outcome in ("ok", "unknown", "accepted"), f"{kind}: ran, reported {outcome}"


def test_ctrl_c_on_a_blocking_call_whose_reply_is_delayed_is_kept(world: World) -> None:
    import signal

    world.sb.inject_fault("delay", delay_ms=1500, operation=OP)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)

    def interrupt() -> None:
        until_arrived_blocking(world)
        time.sleep(0.2)
        signal.raise_signal(signal.SIGINT)

    threading.Thread(target=interrupt).start()
    c = world.blocking_client()
    try:
        with pytest.raises(KeyboardInterrupt):
            c.transfers.create(**transfer_kwargs(world, "9.10"))
    finally:
        signal.signal(signal.SIGINT, old)
    kept = c.take_cancelled()
    assert len(kept) == 1, kept
    assert_kept(kept[0], "9.10")
    time.sleep(1.5)
    assert world.client.reconcile(kept[0]).result == ("found" if world.ran() else "not_found")


def test_a_with_options_client_shares_the_cancelled_list(world: World) -> None:
    """README: the list is "shared with `with_options` clients"."""
    world.sb.inject_fault("slow-body", delay_ms=3000, operation=OP)

    async def main() -> tuple[list[p100.P100Error], list[p100.P100Error]]:
        async with world.async_client() as c:
            other = c.with_options(timeout=30)
            task = asyncio.ensure_future(other.transfers.create(**transfer_kwargs(world, "10.11")))
            await until_arrived(world)
            await asyncio.sleep(0.2)
            await cancelled(task)
            return c.take_cancelled(), other.take_cancelled()

    from_parent, from_other = asyncio.run(main())
    assert len(from_parent) == 1 and from_other == [], (from_parent, from_other)
    assert world.ran() == 1


def test_a_fire_and_forget_task_cancelled_by_asyncio_run_at_exit_is_kept(world: World) -> None:
    """`asyncio.run` cancels the tasks still running when its coroutine returns: a money call
    left running that way is a cancelled task like any other."""
    world.sb.inject_fault("slow-body", delay_ms=3000, operation=OP)
    c = world.async_client()

    left: list[asyncio.Future[Any]] = []

    async def main() -> None:
        left.append(asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "11.12"))))
        await until_arrived(world)
        await asyncio.sleep(0.2)

    asyncio.run(main())
    assert left[0].cancelled()
    kept = c.take_cancelled()
    assert world.ran() == 1
    assert len(kept) == 1, kept
    assert_kept(kept[0], "11.12", outcome="accepted")  # its 2xx status had come


# ---- 2. many calls cancelled together -------------------------------------------------------

N = 20


def amounts(n: int = N) -> list[str]:
    return [f"12.{i:02d}" for i in range(1, n + 1)]


@pytest.mark.parametrize("kind", ["delay", "slow-body"])
def test_a_gather_of_money_calls_cancelled_together_keeps_every_one(
    world: World, kind: str
) -> None:
    world.sb.inject_fault(kind, N, delay_ms=1500, operation=OP)

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            calls = [c.transfers.create(**transfer_kwargs(world, a)) for a in amounts()]
            gathered = asyncio.gather(*calls)
            await until_arrived(world)
            if kind == "slow-body":
                await until_processed(world, N)
            await asyncio.sleep(0.2)
            await cancelled(gathered)
            return c.take_cancelled()

    kept = asyncio.run(main())
    time.sleep(1.5)
    ran = world.ran()
    if kind == "slow-body":
        assert ran == N
    assert len(kept) == N, f"{len(kept)} kept, the sandbox ran {ran}"
    assert sorted(k.fingerprint["amount"] for k in kept) == sorted(map(Decimal, amounts()))
    # Before any reply (`delay`): unknown; after the 2xx status came (`slow-body`): accepted.
    assert all(k.outcome == ("unknown" if kind == "delay" else "accepted") for k in kept)
    found = [world.client.reconcile(k).result for k in kept]
    assert found.count("found") == ran, (found, ran)


def test_a_gather_whose_calls_all_finished_as_it_was_cancelled_keeps_every_one(
    world: World,
) -> None:
    """Every call finishes on the runtime while the loop is busy; the gather is then cancelled:
    none of the results reaches the caller, so each is kept (as accepted)."""

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            gathered = asyncio.gather(
                *(c.transfers.create(**transfer_kwargs(world, a)) for a in amounts())
            )
            await asyncio.sleep(0)  # the gather's tasks are scheduled
            await asyncio.sleep(0)  # ... and have started their calls
            time.sleep(1.5)
            await cancelled(gathered)
            return c.take_cancelled()

    kept = asyncio.run(main())
    assert world.ran() == N
    assert len(kept) == N, [(k.kind, k.outcome) for k in kept]
    assert all(k.outcome == "accepted" and json.loads(k.raw_body or "{}") for k in kept)


def test_wait_for_on_a_gather_of_money_calls_keeps_every_one_that_was_out(world: World) -> None:
    world.sb.inject_fault("slow-body", N, delay_ms=3000, operation=OP)

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(
                        *(c.transfers.create(**transfer_kwargs(world, a)) for a in amounts())
                    ),
                    1.0,
                )
            return c.take_cancelled()

    kept = asyncio.run(main())
    ran = world.ran()
    assert ran == N
    assert len(kept) == N, f"{len(kept)} kept, the sandbox ran {ran}"


# ---- 3. closing the client with money calls in flight ---------------------------------------


def test_aclose_with_money_calls_in_flight_loses_none(world: World) -> None:
    world.sb.inject_fault("delay", 5, delay_ms=800, operation=OP)

    async def main() -> tuple[list[Any], list[p100.P100Error]]:
        c = world.async_client()
        tasks = [
            asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, f"13.0{i}")))
            for i in range(1, 6)
        ]
        await until_arrived(world)
        await c.aclose()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        return results, c.take_cancelled()

    results, kept = asyncio.run(main())
    ran = world.ran()
    delivered = [r for r in results if isinstance(r, p100.TransferCreated)]
    ambiguous = [r for r in results if isinstance(r, p100.P100Error) and r.outcome != "rejected"]
    assert ran == 5
    assert len(delivered) + len(ambiguous) + len(kept) >= ran, (results, kept)
    for r in results:
        assert not isinstance(r, p100.P100Error) or r.outcome != "not_sent", repr(r)


def test_leaving_async_with_by_cancellation_keeps_the_calls_and_the_list_outlives_close(
    world: World,
) -> None:
    world.sb.inject_fault("slow-body", 3, delay_ms=3000, operation=OP)
    holder: dict[str, p100.AsyncClient] = {}

    async def body() -> None:
        async with world.async_client() as c:
            holder["c"] = c
            await asyncio.gather(
                *(c.transfers.create(**transfer_kwargs(world, f"14.0{i}")) for i in range(1, 4))
            )

    async def main() -> None:
        task = asyncio.ensure_future(body())
        await until_arrived(world)
        await asyncio.sleep(0.2)
        await cancelled(task)

    asyncio.run(main())
    c = holder["c"]
    assert c.closed
    kept = c.take_cancelled()
    assert world.ran() == 3
    assert len(kept) == 3, kept
    # The kept records still work once the client is closed: reconcile on another client.
    assert [world.client.reconcile(k).result for k in kept] == ["found"] * 3


def test_close_from_another_thread_while_a_blocking_money_call_is_out(world: World) -> None:
    world.sb.inject_fault("delay", delay_ms=800, operation=OP)
    c = world.blocking_client()
    out: dict[str, Any] = {}

    def call() -> None:
        try:
            out["result"] = c.transfers.create(**transfer_kwargs(world, "15.01"))
        except p100.P100Error as e:
            out["error"] = e

    t = threading.Thread(target=call)
    t.start()
    until_arrived_blocking(world)
    c.close()
    t.join(10)
    assert world.ran() == 1
    if "error" in out:
        assert out["error"].outcome in ("unknown", "accepted"), repr(out["error"])
    else:
        assert out["result"].transfer_id
    assert c.take_cancelled() == []


# ---- 4. the kept records: no secrets, usable after close -------------------------------------

PIN = "7391"


def card_kwargs(w: World) -> dict[str, Any]:
    return {"external_user_id": w.uid, "label": "Review", "pin": PIN}


def shown(e: p100.P100Error) -> str:
    return " ".join(
        [repr(e), str(e), e.raw_body or "", repr(e.fingerprint), repr(e.args), repr(vars(e))]
    )


@pytest.mark.parametrize("via", ["typed method", "escape hatch"])
def test_a_card_kept_as_accepted_shows_no_pan_cvv_or_pin(world: World, via: str) -> None:
    body = {"externalUserId": world.uid, "label": "Review", "pin": PIN}

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            call = (
                c.cards.create(**card_kwargs(world))
                if via == "typed method"
                else c.request("POST", "/v1/card/virtual", body)
            )
            task = asyncio.ensure_future(call)
            await asyncio.sleep(0)
            time.sleep(1.0)
            await cancelled(task)
            return c.take_cancelled()

    kept = asyncio.run(main())
    assert world.ran("cards.create") == 1
    assert [(k.kind, k.outcome) for k in kept] == [("aborted", "accepted")], kept
    ids = json.loads(kept[0].raw_body or "{}")
    assert ids.get("cardId"), kept[0].raw_body
    details = world.client.cards.details(world.uid, ids["cardId"])
    text = shown(kept[0])
    for secret in (details.card_number, details.card_number[-8:], PIN, world.sb.api_key):
        assert not holds(text, secret), f"{secret!r} in {text}"
    assert f"'{details.cvv}'" not in text and f'"{details.cvv}"' not in text, text


def test_a_card_cancelled_in_flight_is_kept_without_secrets_nor_in_the_log(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P100_LOG", "debug")
    world.sb.inject_fault("slow-body", delay_ms=3000, operation="cards.create")

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:
            task = asyncio.ensure_future(c.cards.create(**card_kwargs(world)))
            await until_arrived(world)
            await asyncio.sleep(0.2)
            await cancelled(task)
            return c.take_cancelled()

    with caplog.at_level(logging.DEBUG, logger="p100"):
        kept = asyncio.run(main())
    assert world.ran("cards.create") == 1
    assert len(kept) == 1 and kept[0].outcome == "accepted", kept  # its 2xx status had come
    cards = world.client.cards.list(world.uid).cards
    details = world.client.cards.details(world.uid, cards[-1].card_id)
    logs = " ".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "aborted" in logs or "cancel" in logs.lower(), "the cancelled call was not logged"
    for text in (shown(kept[0]), logs):
        for secret in (details.card_number, PIN, world.sb.api_key):
            assert not holds(text, secret), f"{secret!r} in {text}"


def test_kept_records_work_after_the_client_is_closed(world: World) -> None:
    world.sb.inject_fault("slow-body", delay_ms=3000, operation=OP)

    async def main() -> p100.AsyncClient:
        async with world.async_client() as c:
            task = asyncio.ensure_future(c.transfers.create(**transfer_kwargs(world, "16.01")))
            await until_arrived(world)
            await asyncio.sleep(0.2)
            await cancelled(task)
        return c

    c = asyncio.run(main())
    assert c.closed
    kept = c.take_cancelled()
    assert len(kept) == 1
    e = kept[0]
    assert repr(e) and str(e)
    assert_kept(e, "16.01", outcome="accepted")  # its 2xx status had come
    # As an error object: raisable, and its fingerprint reconciles on another client (also as
    # a plain dict, e.g. stored and read back).
    with pytest.raises(p100.AbortError):
        raise e
    assert world.client.reconcile(e).result == "found"
    assert world.client.reconcile(dict(e.fingerprint)).result == "found"
    assert c.take_cancelled() == []


# ---- Ctrl-C on a blocking call that finishes before the SDK looks at signals -------------------


@pytest.mark.parametrize("body_ms", [50, 1000])
def test_ctrl_c_while_a_blocking_money_call_is_out_is_kept_even_when_the_call_is_quick(
    world: World, body_ms: int
) -> None:
    """The sandbox runs the transfer and sends the reply's head at once; its body trickles over
    `body_ms`. Ctrl-C comes ~5 ms after the request reached the sandbox, i.e. while the reply is
    still coming. README: the client keeps every call that changes something cancelled while
    its request was out (Ctrl-C on a blocking call included). The blocking client looks at
    signals only every 100 ms (runtime.rs SIGNAL_CHECK); a call that finishes before its next
    look returns normally and Python raises the pending KeyboardInterrupt right after the call
    returns: the transfer happened, its result is dropped, nothing is kept. With 1000 ms the
    SDK's look comes first (the baseline, kept as unknown); with 50 ms it does not. Timing:
    deterministic as long as the request reaches the sandbox and the signal is raised within
    ~40 ms of the call (~10 ms here on loopback)."""
    import signal

    world.sb.inject_fault("slow-body", delay_ms=body_ms, operation=OP)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)

    def interrupt() -> None:
        deadline = time.monotonic() + 10
        while world.faults_left() and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(0.005)
        signal.raise_signal(signal.SIGINT)

    c = world.blocking_client()
    seen = "returned"
    thread = threading.Thread(target=interrupt)
    try:
        thread.start()
        try:
            c.transfers.create(**transfer_kwargs(world, "17.01"))
            time.sleep(0.5)  # a signal that was not delivered during the call lands here
        except KeyboardInterrupt:
            seen = "interrupted"
    finally:
        thread.join()
        signal.signal(signal.SIGINT, old)
    assert world.ran() == 1
    assert seen == "interrupted"
    kept = c.take_cancelled()
    # The transfer happened and the caller saw only a KeyboardInterrupt: it must be kept
    # (unknown when cancelled while out, or accepted when it had just finished).
    assert len(kept) == 1, f"the transfer ran, the caller saw a KeyboardInterrupt, kept {kept}"
    assert kept[0].outcome in ("unknown", "accepted")


def test_a_task_group_cancelling_its_money_calls_after_one_failed_keeps_them(world: World) -> None:
    """asyncio.TaskGroup (3.11+): one call fails, the group cancels its siblings while their
    requests are out: each sibling is kept."""
    if not hasattr(asyncio, "TaskGroup"):
        pytest.skip("asyncio.TaskGroup needs Python 3.11")
    world.sb.inject_fault("slow-body", 3, delay_ms=3000, operation=OP)

    async def main() -> list[p100.P100Error]:
        async with world.async_client() as c:

            async def failing() -> None:
                await until_arrived(world)
                await until_processed(world, 3)
                await asyncio.sleep(0.2)
                raise RuntimeError("boom")

            with pytest.raises(BaseExceptionGroup):  # type: ignore[name-defined]  # noqa: F821
                async with asyncio.TaskGroup() as tg:  # type: ignore[attr-defined]
                    for i in range(1, 4):
                        tg.create_task(c.transfers.create(**transfer_kwargs(world, f"18.0{i}")))
                    tg.create_task(failing())
            return c.take_cancelled()

    kept = asyncio.run(main())
    assert world.ran() == 3
    assert len(kept) == 3, kept
    assert all(k.outcome == "accepted" and k.fingerprint for k in kept)  # 2xx status had come
