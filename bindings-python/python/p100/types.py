"""Type aliases of the SDK's inputs, for code that wraps it with type hints."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import TypedDict, Union

#: An amount as the SDK accepts it: exact, never a float.
Amount = Union[Decimal, str, int]

#: A file to upload: its bytes, a ``(file_name, bytes)`` pair, or a path.
FileInput = Union[bytes, bytearray, "tuple[str, bytes]", "os.PathLike[str]", str]


class ResponseInfo(TypedDict):
    """What came back with a successful call (``client.recording()`` / ``last_response``)."""

    #: The server's request id, for support tickets.
    request_id: str | None
    #: The HTTP status (200, 201, ...).
    status: int
    #: The reply's headers, lower-case names; values that may carry credentials are redacted.
    headers: dict[str, str]
    #: Seconds from the first attempt to the reply, retries included.
    elapsed: float
    #: Attempts made (1 when the first one succeeded).
    attempts: int


__all__ = ["Amount", "FileInput", "ResponseInfo"]
