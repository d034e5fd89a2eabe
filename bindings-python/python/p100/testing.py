"""A P100 sandbox for tests, running inside this process: no Rust toolchain, no server binary.

.. code-block:: python

    from decimal import Decimal
    from p100.testing import Sandbox

    with Sandbox(settle=0.1) as sb:
        sb.fund(currency="eur", amount=Decimal("100"))
        with sb.client() as client:
            print(client.partner.balances().fiat("eur"))

:class:`Sandbox` is the sandbox crate (``p100-sandbox``) started on the package's own tokio
runtime, on a free port of 127.0.0.1: stateful users, KYC, balances, asynchronous SEPA and
crypto operations, exchanges, orders, cards and webhooks, with test controls (``fund``,
``inject_fault``, ``set_time_scale``, ``advance``, ``trigger``, ``deliveries``, ``reset``).
``close()`` (or leaving the ``with`` block) stops it and frees its port.

With pytest, the fixture ``p100_sandbox`` (registered by the installed package) gives each test
a fresh sandbox; ``@pytest.mark.p100_sandbox(settle=..., time_scale=..., webhook_url=...,
webhook_token=...)`` sets its arguments.
"""

from __future__ import annotations

from ._native import Sandbox as Sandbox

__all__ = ["Sandbox"]
