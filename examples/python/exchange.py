"""Exchange EUR to BTC for a user with a locked rate, and wait for the outcome.

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python exchange.py``
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

    # Fund the user from the partner's balance (an internal transfer), and wait for it.
    funding = client.transfers.create(
        destination_external_user_id=user, amount=Decimal("250.00"), currency="eur"
    )
    client.transfers.wait_for(funding.transfer_id, timeout=30)

    lock = client.exchange.user_lock(user)  # use it before lock.valid_until
    print(f"locked 1 BTC = {lock.rates['btc']} EUR, fee {lock.fee_percentage}%")
    created = client.exchange.user_execute(
        source_external_user_id=user,
        amount=Decimal("100.00"),
        currency_from="eur",
        currency_to="btc",
        lock_id=lock.lock_id,
    )
    # Accepted, then processed: follow it (or wait for the exchange webhook).
    done = client.exchange.wait_for(created.exchange_id, timeout=60)
    print(f"exchange {done.exchange_id}: {done.status}, received {done.received_amount} BTC")

    balances = client.users.balances(user)
    eur, btc = balances.fiat("eur"), balances.crypto("btc")
    print(f"now {eur.amount if eur else '-'} EUR and {btc.amount if btc else '-'} BTC")


if __name__ == "__main__":
    main()
