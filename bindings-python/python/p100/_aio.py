"""Coroutine helpers of the native module (internal)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Callable, Protocol, TypeVar

T = TypeVar("T")


class _Handed(Protocol):
    def ran(self) -> None: ...


async def run(start: Callable[[], tuple[Awaitable[T], Callable[[], None]]]) -> T:
    """Starts the native call when awaited and returns its result. A task cancelled after the
    result landed (asyncio then drops it) tells the native side, which keeps a call that changes
    something for ``client.take_cancelled()``."""
    future, undelivered = start()
    try:
        return await future
    except asyncio.CancelledError:
        if isinstance(future, asyncio.Future) and future.done() and not future.cancelled():
            undelivered()
        raise


async def value(result: T) -> T:
    """Returns ``result`` (for ``__aenter__`` and friends)."""
    return result


def settle(future: asyncio.Future[object], ok: bool, value: object, handed: _Handed) -> None:
    """Completes ``future`` with a native call's result (on its loop), unless it was cancelled
    meanwhile. ``handed`` is the native side's hand-over token: marked once this runs, so that
    a loop closed with this callback still queued (which drops it unrun) keeps the call."""
    handed.ran()
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        assert isinstance(value, BaseException)
        future.set_exception(value)


__all__: list[str] = []
