"""Coroutine helpers of the native module (internal)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Callable, NoReturn, Protocol, TypeVar

T = TypeVar("T")


class _Handed(Protocol):
    def ran(self) -> None: ...


async def run(start: Callable[[], tuple[Awaitable[T], Callable[[], None]]]) -> T:
    """Starts the native call when awaited and returns its result. A task cancelled after the
    result landed (asyncio then drops it) tells the native side, which keeps a call that changes
    something for ``client.take_cancelled()``."""
    future, undelivered = start()
    try:
        result = await future
    except asyncio.CancelledError:
        if isinstance(future, asyncio.Future) and future.done() and not future.cancelled():
            undelivered()
        raise
    except Exception:
        # The call's own error reached its caller. (Not `GeneratorExit`: a task destroyed while
        # it waits, its loop closed, never took the result.)
        _taken(future)
        raise
    _taken(future)
    return result


def _taken(future: object) -> None:
    """Marks the hand-over token ``settle`` left on ``future``: the result reached its caller."""
    handed = getattr(future, "_p100_handed", None)
    if handed is not None:
        handed.ran()


async def fail(error: BaseException) -> NoReturn:
    """Raises ``error`` when awaited: an async method's bad argument or closed client, raised
    where its coroutine runs, as for an ``async def``."""
    raise error


async def value(result: T) -> T:
    """Returns ``result`` (for ``__aenter__`` and friends)."""
    return result


def settle(future: asyncio.Future[object], ok: bool, value: object, handed: _Handed) -> None:
    """Completes ``future`` with a native call's result (on its loop), unless it was cancelled
    meanwhile. ``handed`` is the native side's hand-over token: it rides on the future until
    ``run`` takes the result and marks it. A token dropped unmarked (a loop closed with this
    callback still queued, or before the awaiting task resumed) keeps the call."""
    if future.done():
        handed.ran()
        return
    future._p100_handed = handed  # type: ignore[attr-defined]
    if ok:
        future.set_result(value)
    else:
        assert isinstance(value, BaseException)
        future.set_exception(value)


__all__: list[str] = []
