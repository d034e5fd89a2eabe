"""Type aliases of the SDK's inputs and of its errors' ``outcome`` and ``fingerprint``, for code
that wraps it with type hints (also ``p100.Outcome`` and ``p100.Fingerprint``).

The only module of the package that imports :mod:`typing` at run time: ``import p100`` loads it
on first use of ``p100.types``, ``p100.Outcome`` or ``p100.Fingerprint``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Literal, TypedDict, Union

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


__all__ = ["Amount", "FileInput", "Fingerprint", "Outcome", "ResponseInfo"]


#: Did the operation happen? Every :class:`P100Error` answers in ``outcome``:
#:
#: ``"not_sent"``
#:     the request provably never left (bad input, connection refused, DNS, connect timeout):
#:     sending it again cannot duplicate anything.
#: ``"rejected"``
#:     a reply said no (4xx, P-codes, 401, 429): nothing happened.
#: ``"unknown"``
#:     sent, but no usable reply (timeout after sending, reset, 5xx): it may or may not have
#:     happened. ``client.reconcile(e)`` (or the details call) before sending it again.
#: ``"accepted"``
#:     a 2xx arrived but its body could not be read: it happened. Never send it again.
# (A Union of one-value Literals, the same type as Literal["not_sent", ...]: so stubtest sees
# the Union mypy sees.)
Outcome = Union[Literal["not_sent"], Literal["rejected"], Literal["unknown"], Literal["accepted"]]


# The keys every fingerprint has; `Fingerprint` adds the optional one. (Two classes rather than
# `NotRequired`, which `typing` has only from Python 3.11: the package supports 3.9.)
class _FingerprintKeys(TypedDict):
    """The keys of every :class:`Fingerprint`."""

    #: The operation (``"sepa.partner_transfer"``...).
    operation: str
    #: The amount sent, when the call had one.
    amount: Decimal | None
    #: The currency (sold currency for exchanges), lower case, when the call had one.
    currency: str | None
    #: Where the money went: IBAN, wallet address or user, when the call said; the bought
    #: currency (lower case) for exchanges.
    destination: str | None
    #: The user whose balance pays, if not the partner.
    external_user_id: str | None
    #: When the first attempt was sent, in milliseconds since 1970 (UTC).
    sent_at_ms: int
    #: The SEPA transfer's title, when the call had one.
    title: str | None
    #: The crypto withdrawal's network, lower case, when the call said.
    network: str | None


class Fingerprint(_FingerprintKeys, total=False):
    """What a money-moving call sent (``e.fingerprint``): the input of ``client.reconcile``.
    Holds no secret; keep it (e.g. as JSON, with the amount as a string) to reconcile later."""

    #: True when the call was accepted (a 2xx came; its reply could not be read): it happened,
    #: and ``reconcile`` never answers ``not_found`` for it, from a stored copy too.
    accepted: bool
