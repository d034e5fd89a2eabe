"""The same SDK with asyncio: one AsyncClient, many calls in flight at once.

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python async_example.py``
"""

from __future__ import annotations

import asyncio
import secrets
from decimal import Decimal

import p100


async def main() -> None:
    async with p100.AsyncClient() as client:
        # Independent reads at the same time.
        balances, rates = await asyncio.gather(client.partner.balances(), client.exchange.rates())
        eur = balances.fiat("eur")
        print(f"partner EUR {eur.amount if eur else '-'}; 1 BTC = {rates.rate('btc')} EUR")

        # Three users created concurrently (non-KYC model: no verification step).
        users = [f"example-{secrets.token_hex(4)}" for _ in range(3)]
        await asyncio.gather(
            *(
                client.users.create_without_kyc(
                    external_user_id=u,
                    email=f"{u}@example.com",
                    first_name="Anna",
                    last_name="Nowak",
                    address="ul. Prosta 1",
                    city="Warszawa",
                    country="PL",
                )
                for u in users
            )
        )

        # Fund each with a little USDC from the partner, then wait for all transfers.
        created = await asyncio.gather(
            *(
                client.transfers.create(
                    destination_external_user_id=u, amount=Decimal("1.5"), currency="usdc"
                )
                for u in users
            )
        )
        done = await asyncio.gather(
            *(client.transfers.wait_for(t.transfer_id, timeout=60) for t in created)
        )
        for user, transfer in zip(users, done):
            usdc = (await client.users.balances(user)).crypto("usdc")
            print(f"{user}: transfer {transfer.status}, USDC {usdc.amount if usdc else '-'}")

        # Errors are the same exception classes as with the blocking client.
        try:
            await client.users.balances("no-such-user")
        except p100.ApiError as e:
            print(f"{e.code}: {e.error_name}")


if __name__ == "__main__":
    asyncio.run(main())
