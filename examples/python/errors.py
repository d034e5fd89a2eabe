"""Error handling: one exception hierarchy, with the P-code, HTTP status and retry advice.

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python errors.py``
"""

from __future__ import annotations

from decimal import Decimal

import p100


def main() -> None:
    client = p100.Client()

    # Business errors carry the documented P-code.
    try:
        client.users.balances("no-such-user")
    except p100.ApiError as e:
        print(f"API error {e.code} ({e.error_name}), HTTP {e.status}, request id {e.request_id}")

    # Money is never a float: the SDK refuses it before anything is sent.
    try:
        # (mypy flags the float too, through the typed keyword arguments of the stubs)
        client.transfers.create(  # type: ignore[call-overload]
            destination_external_user_id="someone",
            amount=0.1,
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
    # `accepted` (the server took it: check the details call instead of sending it again).
    try:
        p100.Client(base_url="http://127.0.0.1:9", max_retries=0).partner.balances()
    except p100.NetworkError as e:
        print(f"network error, retryable={e.retryable}")
    except p100.P100Error as e:
        print(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
