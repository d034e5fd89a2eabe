"""Error handling: one exception hierarchy, with the P-code, HTTP status and retry advice, and
the answer to "did the money move?" (``e.outcome``, ``client.reconcile(e)``).

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python errors.py``
(against a local sandbox it also provokes a lost reply to show reconciling it).
"""

from __future__ import annotations

import json
import secrets
import urllib.request
from decimal import Decimal

import p100


class CheckLater(Exception):
    """It may still have happened: reconcile again later, never send it again before."""


def send_once(client: p100.Client, amount: Decimal, user: str) -> str | None:
    """An internal transfer that is never sent twice: the id of the transfer, or ``None``
    when it provably did not happen (and may be sent again). ``CheckLater`` when the history
    does not list it yet: P100 may still be processing it, so sending it again could pay
    twice."""
    try:
        return client.transfers.create(
            destination_external_user_id=user, amount=amount, currency="usdc"
        ).transfer_id
    except p100.P100Error as e:
        if e.outcome in ("not_sent", "rejected"):
            print(f"  {e.outcome}: nothing happened ({e})")
            return None
        # "unknown" (sent, no usable reply) or "accepted" (a 2xx that could not be read):
        # never send it again blindly; look for it in the history first.
        answer = client.reconcile(e)
        print(f"  {e.outcome}: reconcile says {answer.result}")
        if answer.result == "found":
            return answer.id
        if answer.result == "not_found":
            # Not in the history *yet*: P100 may still be processing it. Reconcile again later
            # (keep the error's fingerprint); only then decide to send it again.
            raise CheckLater("not in the transaction history yet: reconcile again later") from e
        raise RuntimeError(f"check by hand: {answer.reason}") from e


def sandbox_fault(client: p100.Client, fault: dict[str, object]) -> bool:
    """Asks a local sandbox to misbehave once (nothing is done against a real environment)."""
    if not client.base_url.startswith("http://127.0.0.1"):
        return False
    request = urllib.request.Request(
        client.base_url + "/_sandbox/faults",
        data=json.dumps(fault).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()
    return True


def main() -> None:
    client = p100.Client()

    # Business errors carry the documented P-code.
    try:
        client.users.balances("no-such-user")
    except p100.ApiError as e:
        print(f"API error {e.code} ({e.error_name}), HTTP {e.status}, request id {e.request_id}")

    # Money is never a float: the SDK refuses it before anything is sent.
    try:
        # (mypy and pyright flag the float too, through the typed keyword arguments of the stubs)
        client.transfers.create(  # type: ignore[call-overload]
            destination_external_user_id="someone",
            amount=0.1,  # pyright: ignore[reportArgumentType]
            currency="eur",
        )
    except p100.ValidationError as e:
        print(f"validation error ({e.field}): {e}")

    # Unknown keywords are caught as well.
    try:
        client.sepa.partner_transfer(
            {
                "amount": Decimal("1.00"),
                "destination_iban": "DE89370400440532013000",
                "transfer_title": "x",
                "currency": "eur",
                "urgent": True,
            }
        )
    except p100.ValidationError as e:
        print(f"validation error ({e.field}): {e}")

    # Every error is a P100Error: decide on `retryable`, and for calls that move money on
    # `outcome` (did it happen?).
    try:
        p100.Client(base_url="http://127.0.0.1:9", max_retries=0).partner.balances()
    except p100.NetworkError as e:
        print(f"network error, outcome={e.outcome}, retryable={e.retryable}")
    except p100.P100Error as e:
        print(f"{type(e).__name__}: {e}")

    # A transfer whose reply is lost after the server carried it out: the outcome is "unknown",
    # and reconcile finds it in the history instead of sending it a second time.
    user = f"errors-example-{secrets.token_hex(4)}"
    client.users.create_without_kyc(
        external_user_id=user,
        email=f"{user}@example.com",
        first_name="Anna",
        last_name="Nowak",
        address="ul. Prosta 1",
        city="Warszawa",
        country="PL",
    )
    if sandbox_fault(client, {"kind": "process-then-drop", "operation": "transfers.create"}):
        print("a transfer whose reply is lost:")
        # (An amount of its own: reconcile tells equal transfers sent close together apart
        # by amount and currency only.)
        amount = Decimal(f"1.{secrets.randbelow(900) + 100}")
        transfer_id = send_once(client, amount, user)
        print(f"  transfer id: {transfer_id}")


if __name__ == "__main__":
    main()
