"""Coroutine helpers of the native module (internal)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Callable, TypeVar

T = TypeVar("T")


async def run(start: Callable[[], Awaitable[T]]) -> T:
    """Starts the native call when awaited and returns its result."""
    return await start()


async def value(result: T) -> T:
    """Returns ``result`` (for ``__aenter__`` and friends)."""
    return result


__all__: list[str] = []
