"""Webhooks: check the ``Authorization`` token and parse deliveries into typed events.

.. code-block:: python

    import p100
    from p100 import webhooks

    def handle(authorization: str | None, body: bytes) -> int:
        try:
            webhooks.verify(authorization, TOKEN)
        except p100.WebhookUnauthorizedError:
            return 401
        event = webhooks.parse(body)
        if isinstance(event, p100.SepaTransferEvent):
            print(event.id, event.status)   # "SUCCESSFUL", "FAILED", ...
        return 200

The token check runs in constant time in the core. :func:`parse` never fails on valid JSON: a
delivery the SDK does not recognise is an :class:`UnknownEvent` keeping the raw body, so it can
still be acknowledged. A body that is not JSON raises :class:`p100.DecodeError`.
"""

from __future__ import annotations

from ._native import (
    UnknownEvent as UnknownEvent,
    Verifier as Verifier,
    webhook_parse as _parse,
    webhook_verify as _verify,
)

# isort: off
# BEGIN GENERATED EVENTS (scripts/gen_stubs.py)
from ._native import (
    UserStatusEvent as UserStatusEvent,
    KycFileEvent as KycFileEvent,
    PoaVerificationEvent as PoaVerificationEvent,
    KycVerificationEvent as KycVerificationEvent,
    TransferEvent as TransferEvent,
    SepaTransferEvent as SepaTransferEvent,
    CryptoWithdrawalEvent as CryptoWithdrawalEvent,
    CryptoDepositEvent as CryptoDepositEvent,
    ExchangeEvent as ExchangeEvent,
    SepaDepositEvent as SepaDepositEvent,
    IbanStatusEvent as IbanStatusEvent,
    OrderStatusEvent as OrderStatusEvent,
    PaymentLinkEvent as PaymentLinkEvent,
    CardTransactionEvent as CardTransactionEvent,
    Card3dsCodeEvent as Card3dsCodeEvent,
    CardActivationCodeEvent as CardActivationCodeEvent,
    WalletCreatedEvent as WalletCreatedEvent,
)

#: The snake_case name of every typed event, by class.
EVENT_NAMES: dict[type, str] = {
    UserStatusEvent: "user_status",
    KycFileEvent: "kyc_file",
    PoaVerificationEvent: "poa_verification",
    KycVerificationEvent: "kyc_verification",
    TransferEvent: "transfer",
    SepaTransferEvent: "sepa_transfer",
    CryptoWithdrawalEvent: "crypto_withdrawal",
    CryptoDepositEvent: "crypto_deposit",
    ExchangeEvent: "exchange",
    SepaDepositEvent: "sepa_deposit",
    IbanStatusEvent: "iban_status",
    OrderStatusEvent: "order_status",
    PaymentLinkEvent: "payment_link",
    CardTransactionEvent: "card_transaction",
    Card3dsCodeEvent: "card_3ds_code",
    CardActivationCodeEvent: "card_activation_code",
    WalletCreatedEvent: "wallet_created",
    UnknownEvent: "unknown",
}

# `typing` is for type checkers only (it was half the time of `import p100`): at run
# time `WebhookEvent` is built on first use, from `EVENT_NAMES`, by `__getattr__` below.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Union

    WebhookEvent = Union[
        UserStatusEvent,
        KycFileEvent,
        PoaVerificationEvent,
        KycVerificationEvent,
        TransferEvent,
        SepaTransferEvent,
        CryptoWithdrawalEvent,
        CryptoDepositEvent,
        ExchangeEvent,
        SepaDepositEvent,
        IbanStatusEvent,
        OrderStatusEvent,
        PaymentLinkEvent,
        CardTransactionEvent,
        Card3dsCodeEvent,
        CardActivationCodeEvent,
        WalletCreatedEvent,
        UnknownEvent,
    ]
# END GENERATED EVENTS
# isort: on


if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        if name == "WebhookEvent":
            from typing import Union

            # The same classes, in the same order, as the static alias above; resolved once.
            value = Union[tuple(EVENT_NAMES)]
            globals()[name] = value
            return value
        raise AttributeError(f"module 'p100.webhooks' has no attribute {name!r}")


def verify(authorization: str | bytes | None, token: str) -> None:
    """Checks the ``Authorization`` header value of a delivery against ``token``.

    Both the raw token and ``Bearer <token>`` are accepted, as ``str`` or ``bytes`` (ASGI's raw
    headers). Raises :class:`p100.WebhookUnauthorizedError` (answer 401) when it is missing or
    wrong (bytes that are not UTF-8 included), :class:`p100.ValidationError` when it is neither
    ``str`` nor ``bytes``, and :class:`p100.ConfigError` when ``token`` is empty or not a ``str``.
    """
    try:
        _verify(authorization, token)
    finally:
        # Not left in this frame (a valid header holds the token too): a traceback that
        # records locals (pytest -l, rich, error trackers) would show it.
        del authorization, token


def parse(body: str | bytes) -> WebhookEvent:
    """Parses a delivery (flat payload or ``{"event_type", "data"}`` envelope) into its typed
    event (``SepaTransferEvent``…), or an :class:`UnknownEvent`."""
    return _parse(body)[1]


def parse_named(body: str | bytes) -> tuple[str, WebhookEvent]:
    """Like :func:`parse`, with the event's snake_case name (``"sepa_transfer"``…)."""
    return _parse(body)


def verify_and_parse(
    authorization: str | bytes | None, body: str | bytes, token: str
) -> WebhookEvent:
    """:func:`verify`, then :func:`parse`."""
    try:
        _verify(authorization, token)
    finally:
        del authorization, token  # as in verify(): never in a traceback's locals
    return _parse(body)[1]


def event_name(event: WebhookEvent) -> str:
    """The snake_case name of a parsed event (``"sepa_transfer"``, ``"unknown"``…)."""
    return EVENT_NAMES[type(event)]


__all__ = [
    "EVENT_NAMES",
    "UnknownEvent",
    "Verifier",
    "WebhookEvent",
    "event_name",
    "parse",
    "parse_named",
    "verify",
    "verify_and_parse",
]
