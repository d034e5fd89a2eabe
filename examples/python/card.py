"""Issue a virtual card, show it on a "secure screen", block it and change its limits.

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python card.py``
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from create_user import create_verified_user

import p100


def main() -> None:
    client = p100.Client()
    user = f"example-{secrets.token_hex(4)}"
    create_verified_user(client, user)

    card = client.cards.create(external_user_id=user, label="Shopping", pin="1234")
    # repr() never shows the card number or the CVV...
    print(card)
    # ...but the attributes hold them, for the screen that must show them.
    print(f"card **** **** **** {card.card_number[-4:]} expires {card.exp}")

    for summary in client.cards.list(user).cards:
        print(f"{summary.card_id}: {summary.label} ({summary.status})")

    client.cards.block(external_user_id=user, card_id=card.card_id)
    print("status after block:", client.cards.details(user, card.card_id).status)
    client.cards.unblock(external_user_id=user, card_id=card.card_id)

    client.cards.update_limits(
        external_user_id=user, card_id=card.card_id, daily_trx_all=Decimal("500")
    )
    limits = client.cards.limits(user, card.card_id)
    print(f"daily limit {limits.daily_trx_all}, monthly {limits.monthly_trx_all}")

    try:
        client.cards.update_pin(external_user_id=user, card_id=card.card_id, pin="12345")
    except p100.ValidationError as e:
        print(f"refused: {e}")  # the message never repeats the PIN


if __name__ == "__main__":
    main()
