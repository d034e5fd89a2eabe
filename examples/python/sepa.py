"""Send EUR by SEPA from the partner's balance and follow the transfer to its final status.

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python sepa.py``
"""

from __future__ import annotations

from decimal import Decimal

import p100


def main() -> None:
    client = p100.Client()

    # A bad IBAN never leaves the machine: the SDK checks it first and names the field.
    try:
        client.sepa.partner_transfer(
            amount=Decimal("10.00"),
            currency="eur",
            destination_iban="DE00370400440532013000",
            transfer_title="Invoice 41",
        )
    except p100.ValidationError as e:
        print(f"refused locally ({e.field}): {e}")

    created = client.sepa.partner_transfer(
        amount=Decimal("25.50"),
        currency="eur",
        destination_iban="DE89370400440532013000",
        transfer_title="Invoice 42",
    )
    print(f"SEPA transfer {created.transfer_id} accepted")
    try:
        details = client.sepa.wait_for(created.transfer_id, timeout=60)
    except p100.TimeoutError:
        print("still processing; the SEPA webhook will tell the outcome")
        return
    if details.status == "SUCCESSFUL":
        print(f"sent {details.amount} EUR to {details.destination_iban}, fee {details.fee}")
    else:
        reason = details.error.error_name if details.error else "unknown"
        print(f"transfer {details.status}: {reason}")


if __name__ == "__main__":
    main()
