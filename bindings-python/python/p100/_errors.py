"""The exceptions of the P100 SDK.

Every failure is a :class:`P100Error`; its subclass tells the kind. All of them carry the same
attributes, ``None`` or ``False`` when they do not apply:

``code``
    the P-code of an API error (``"P412"``…).
``status``
    the HTTP status, when a reply was received.
``request_id``
    the server's request id, when it sent one.
``retryable``
    ``True`` when sending the same call again cannot cause a duplicate operation and may
    pass next time (never bad input, which is ``"not_sent"`` but fails again until fixed).
``field``
    the request field at fault, for validation errors (the wire name, e.g.
    ``"destinationIban"``, the same in every language of the SDK).
``kind``
    the kind as a stable lower-case string (``"rate_limited"``…).
``outcome``
    did the operation happen? ``"not_sent"``, ``"rejected"``, ``"unknown"`` or
    ``"accepted"`` (see :data:`Outcome`).
``accepted``
    ``outcome == "accepted"``: the server accepted the operation although this error is raised
    (its reply could not be read): do not send it again, check the details call instead.
``fingerprint``
    what a money-moving call sent, on ``"unknown"`` and ``"accepted"`` errors: the input of
    ``client.reconcile(e)`` (a :class:`Fingerprint` dict), else ``None``.
``raw_body``
    the raw reply body of API and decode errors (not part of ``str()`` or ``repr()``).

Messages never contain the API key, the webhook token, card data or other secrets.

:class:`ValidationError` is also a ``ValueError``. No class derives from the built-in
``TimeoutError``, ``ConnectionError`` or ``OSError``: generic retry helpers retry those, and
an ``"unknown"`` money-moving call must not be sent again blindly.

A bug inside the SDK (a Rust panic) raises a plain :class:`P100Error` of kind ``"internal"``
with outcome ``"unknown"``.
"""

from __future__ import annotations

# `typing` (with the `re` and `enum` it imports) took half the time of `import p100`. Only type
# checkers read these imports (mypy treats a `TYPE_CHECKING` name as true); `Outcome` and
# `Fingerprint` are defined in `p100.types`, which `p100` loads on first use.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

    from .types import Fingerprint, Outcome

__all__ = [
    "OUTCOMES",
    "Reconciliation",
    "P100Error",
    "ValidationError",
    "AuthenticationError",
    "ApiError",
    "RateLimitError",
    "UnavailableError",
    "NetworkError",
    # "TimeoutError" is not starred: it would hide the built-in that asyncio raises.
    "DecodeError",
    "ConfigError",
    "WebhookUnauthorizedError",
    "AbortError",
]


#: Every outcome, in that order.
OUTCOMES: tuple[Outcome, ...] = ("not_sent", "rejected", "unknown", "accepted")


class Reconciliation:
    """The answer of ``client.reconcile(e)``: did the operation of an ``"unknown"`` call happen?

    ``result`` is

    ``"found"``
        it happened: ``id`` (for the details call and ``wait_for``) and its ``status``;
    ``"not_found"``
        the transaction history does not show it *yet*: P100 may record it later, so check
        again after a while before sending the call again;
    ``"cannot_tell"``
        the history cannot answer (several equal operations, or one it does not list, such as
        card issuing and orders): ``reason`` says what to check instead.
    """

    # A frozen value class written out (not @dataclass): importing `dataclasses` (and with it
    # `inspect`, `ast`, `dis`, `tokenize`) was a fifth of the time of `import p100`.
    __slots__ = ("id", "reason", "result", "status")

    result: Literal["found", "not_found", "cannot_tell"]
    id: str | None
    status: str | None
    reason: str | None

    def __init__(
        self,
        result: Literal["found", "not_found", "cannot_tell"],
        id: str | None = None,
        status: str | None = None,
        reason: str | None = None,
    ) -> None:
        object.__setattr__(self, "result", result)
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "reason", reason)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Reconciliation is immutable: cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Reconciliation is immutable: cannot delete field {name!r}")

    def _values(self) -> tuple[str, str | None, str | None, str | None]:
        return (self.result, self.id, self.status, self.reason)

    def __reduce__(
        self,
    ) -> tuple[type[Reconciliation], tuple[str, str | None, str | None, str | None]]:
        # Rebuilt through __init__: copy, deepcopy and pickle (a Celery task, a cache) work
        # although the fields cannot be assigned.
        return (Reconciliation, self._values())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Reconciliation)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (
            f"Reconciliation(result={self.result!r}, id={self.id!r}, status={self.status!r}, "
            f"reason={self.reason!r})"
        )

    @property
    def found(self) -> bool:
        """``result == "found"``."""
        return self.result == "found"

    def to_dict(self) -> dict[str, Any]:
        """The answer as the other languages serialize it (``{"result": "found", ...}``)."""
        out: dict[str, Any] = {"result": self.result}
        if self.result == "found":
            out.update(id=self.id, status=self.status)
        elif self.result == "cannot_tell":
            out["reason"] = self.reason
        return out


class P100Error(Exception):
    """Base class of every error raised by the SDK."""

    #: Default kind of the class (instances raised by the SDK always set ``kind``).
    default_kind = "p100"

    message: str
    kind: str
    code: str | None
    error_name: str | None
    status: int | None
    request_id: str | None
    retryable: bool
    field: str | None
    outcome: Outcome
    accepted: bool
    fingerprint: Fingerprint | None
    raw_body: str | None
    retry_after: float | None
    operation: str | None

    def __init__(
        self,
        message: str = "",
        *,
        kind: str | None = None,
        code: str | None = None,
        error_name: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        retryable: bool = False,
        field: str | None = None,
        accepted: bool = False,
        raw_body: str | None = None,
        retry_after: float | None = None,
        operation: str | None = None,
        outcome: Outcome | None = None,
        fingerprint: Fingerprint | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind if kind is not None else type(self).default_kind
        self.code = code
        self.error_name = error_name
        self.status = status
        self.request_id = request_id
        self.retryable = retryable
        self.field = field
        if outcome is None:
            outcome = "accepted" if accepted else "unknown"
        self.outcome = outcome
        self.accepted = outcome == "accepted"
        self.fingerprint = fingerprint
        self.raw_body = raw_body
        self.retry_after = retry_after
        self.operation = operation

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        for name in ("code", "status", "field", "request_id"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        parts.append(f"outcome={self.outcome!r}")
        if self.retryable:
            parts.append("retryable=True")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keeps the keyword-only attributes when pickled (multiprocessing, logging handlers).
        return (_rebuild, (type(self), self.message, self._attributes()))

    def _attributes(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "error_name": self.error_name,
            "status": self.status,
            "request_id": self.request_id,
            "retryable": self.retryable,
            "field": self.field,
            "accepted": self.accepted,
            "raw_body": self.raw_body,
            "retry_after": self.retry_after,
            "operation": self.operation,
            "outcome": self.outcome,
            "fingerprint": self.fingerprint,
        }


def _rebuild(cls: type[P100Error], message: str, attributes: dict[str, Any]) -> P100Error:
    return cls(message, **attributes)


class ValidationError(P100Error, ValueError):
    """Bad input caught before anything was sent (or a ``P403`` from the API). ``field`` names
    the field at fault. Also a ``ValueError``."""

    default_kind = "validation"


class AuthenticationError(P100Error):
    """401: API key missing, wrong, or the caller's IP is not allowed."""

    default_kind = "authentication"


class ApiError(P100Error):
    """A business error from the API with a P-code: ``e.code == "P412"``."""

    default_kind = "api"


class RateLimitError(P100Error):
    """429: too many requests. ``retry_after`` is the wait the server asked for (seconds)."""

    default_kind = "rate_limited"


class UnavailableError(P100Error):
    """``P501`` or an HTTP 5xx: the service is unavailable. For a call that moves money the
    outcome is ``"unknown"``: ``client.reconcile(e)`` before sending it again."""

    default_kind = "unavailable"


class NetworkError(P100Error):
    """The request could not be completed on the network (refused, reset, DNS, TLS). Not a
    ``ConnectionError``/``OSError``: ``outcome`` says whether it may have been sent."""

    default_kind = "network"


class TimeoutError(P100Error):
    """No reply within the timeout, or a ``wait_for`` that ran out of time. Not a subclass of
    the built-in ``TimeoutError`` (nor ``OSError``), so generic retry helpers do not resend a
    call whose outcome is ``"unknown"``: catch ``p100.TimeoutError`` (or ``p100.P100Error``)."""

    default_kind = "timeout"


class DecodeError(P100Error):
    """A reply that could not be read. ``accepted`` tells whether the operation was accepted."""

    default_kind = "decode"


class ConfigError(P100Error):
    """The client is misconfigured (no API key, bad base URL, closed client, ...)."""

    default_kind = "config"


class WebhookUnauthorizedError(P100Error):
    """A webhook delivery without the right ``Authorization`` token: answer it with 401."""

    default_kind = "webhook_unauthorized"


class AbortError(P100Error):
    """The caller aborted the call; ``outcome`` says whether it may have reached P100.

    The core's error kind ``"aborted"``, raised where a language has a caller's abort signal
    (the npm package's ``AbortSignal``). In Python, cancel an ``asyncio`` task instead: the
    call stops with :class:`asyncio.CancelledError`; a call that changes something cancelled
    while its request was out is then kept as an ``AbortError`` (``outcome`` ``"unknown"``,
    with its ``fingerprint``) for ``client.take_cancelled()``.
    """

    default_kind = "aborted"
