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
    ``True`` when sending the same call again cannot cause a duplicate operation.
``field``
    the request field at fault, for validation errors (the wire name, e.g.
    ``"destinationIban"``, the same in every language of the SDK).
``kind``
    the kind as a stable lower-case string (``"rate_limited"``…).
``accepted``
    ``True`` when the server accepted the operation although this error is raised (e.g. its
    reply could not be decoded): do not send it again, check the details call instead.
``raw_body``
    the raw reply body of API and decode errors (not part of ``str()`` or ``repr()``).

Messages never contain the API key, the webhook token, card data or other secrets.

Two classes also derive from the built-in exception of the same meaning, so that generic code
catches them too: :class:`ValidationError` is a ``ValueError`` and :class:`TimeoutError` is the
built-in ``TimeoutError`` (``p100.TimeoutError`` is a subclass of ``builtins.TimeoutError``, so
``except TimeoutError`` catches it whichever of the two names is in scope).
"""

from __future__ import annotations

import builtins
from typing import Any

__all__ = [
    "P100Error",
    "ValidationError",
    "AuthenticationError",
    "ApiError",
    "RateLimitError",
    "UnavailableError",
    "NetworkError",
    "TimeoutError",
    "DecodeError",
    "ConfigError",
    "WebhookUnauthorizedError",
]


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
    accepted: bool
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
        self.accepted = accepted
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
        if self.retryable:
            parts.append("retryable=True")
        if self.accepted:
            parts.append("accepted=True")
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
    outcome is unknown: check the details call before sending it again."""

    default_kind = "unavailable"


class NetworkError(P100Error):
    """The request could not be completed on the network (refused, reset, DNS, TLS)."""

    default_kind = "network"


class TimeoutError(P100Error, builtins.TimeoutError):
    """No reply within the timeout, or a ``wait_for`` that ran out of time. Also the built-in
    ``TimeoutError``."""

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
