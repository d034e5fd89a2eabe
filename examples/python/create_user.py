"""Create a user of the KYC model, verify them with "KYC by P100", then read their balances.

Run: ``P100_API_KEY=... P100_BASE_URL=http://127.0.0.1:8080 python create_user.py``
"""

from __future__ import annotations

import secrets
import time

import p100


def create_verified_user(client: p100.Client, external_user_id: str) -> None:
    """Creates the user (KYC model) and completes KYC by P100 for it."""
    try:
        created = client.users.create(
            external_user_id=external_user_id,
            email="jan.kowalski@example.pl",
            phone="486012334567",
            first_name="Jan",
            last_name="Kowalski",
            street="ul. Marszalkowska",
            number="123/5",
            city="Warszawa",
            post_code="00-001",
            country="PL",
            citizenship="PL",
            nationality="PL",
            birth_country="PL",
            birth_date="1990-05-15",
            has_accepted_p100_tc=True,
        )
        print(f"created user {external_user_id} (P100 id {created.user_id})")
    except p100.ApiError as e:
        if e.code != "P411":  # P411: this externalUserId exists already
            raise
        print(f"user {external_user_id} exists already")

    # KYC by P100: start a verification; the user completes it on the provider's page.
    verification = client.kyc.create_verification(
        external_user_id=external_user_id,
        document_type="ID_CARD",
        country="PL",
        income_source="SALARY",
        open_account_reason="CURRENCY_EXCHANGE",
        occupation="IT",
        additional_info="software developer",
    )
    print(f"verification {verification.verification_id} started")

    # Poll until the verification is decided (the KYC webhook tells you too).
    deadline = time.monotonic() + 30
    while True:
        status = client.kyc.status(verification.verification_id)
        if status.verification_status == "VERIFIED":
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"verification still {status.verification_status}")
        time.sleep(0.25)

    # Then send the document data: the balances are generated.
    client.kyc.add_verification(
        external_user_id=external_user_id,
        document_type="ID_CARD",
        document_number="CEV12630",
        document_country="PL",
    )


def main() -> None:
    with p100.Client() as client:  # P100_API_KEY, P100_BASE_URL / P100_ENVIRONMENT
        external_user_id = f"example-{secrets.token_hex(4)}"
        create_verified_user(client, external_user_id)
        eur = client.users.balances(external_user_id).fiat("eur")
        assert eur is not None
        print(f"EUR balance {eur.amount} status {eur.status} IBAN {eur.iban}")


if __name__ == "__main__":
    main()
