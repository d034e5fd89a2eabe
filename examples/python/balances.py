"""The partner's balances and today's indicative rates, as exact decimals.

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python balances.py``
"""

from __future__ import annotations

from decimal import Decimal

import p100


def main() -> None:
    total_eur = report()
    # Decimal arithmetic is exact; round only for display.
    print(f"total ≈ {total_eur.quantize(Decimal('0.01'))} EUR")


def report() -> Decimal:
    """Prints each balance; returns their total in EUR. The ``with`` block closes the client's
    connections (and never swallows an exception: mypy --strict sees the return)."""
    with p100.Client() as client:
        balances = client.partner.balances()
        rates = client.exchange.rates()

        total_eur = Decimal(0)
        for fiat in balances.fiat_balances:
            print(
                f"{fiat.name.upper():>5} {fiat.amount:>20}  {fiat.status or ''}  {fiat.iban or ''}"
            )
            total_eur += fiat.amount
        for crypto in balances.crypto_balances:
            rate = rates.rate(crypto.name)  # EUR per unit, exact
            value = crypto.amount * rate if rate is not None else Decimal(0)
            print(f"{crypto.name.upper():>5} {crypto.amount:>20}  ≈ {value:.2f} EUR")
            for network, config in crypto.network_config.items():
                fee = config.withdrawal.fee_withdrawal if config.withdrawal else None
                print(f"        {network}: withdrawal fee {fee}")
            total_eur += value
        return total_eur


if __name__ == "__main__":
    main()
