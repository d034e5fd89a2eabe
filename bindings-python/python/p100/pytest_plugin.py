"""pytest plugin of the ``p100`` package (entry point ``pytest11``): the fixture ``p100_sandbox``.

.. code-block:: python

    def test_balance(p100_sandbox):
        p100_sandbox.fund(currency="eur", amount="10")
        with p100_sandbox.client() as client:
            assert client.partner.balances().fiat("eur") is not None

Each test gets a fresh in-process :class:`p100.testing.Sandbox` (started in milliseconds),
closed after the test. ``@pytest.mark.p100_sandbox(**kwargs)`` passes arguments to it
(``settle``, ``time_scale``, ``webhook_url``, ``webhook_token``, ``api_key``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from p100.testing import Sandbox


def pytest_configure(config: pytest.Config) -> None:
    """pytest's hook: registers the ``p100_sandbox`` marker (``pytest --strict-markers``)."""
    config.addinivalue_line(
        "markers",
        "p100_sandbox(**kwargs): arguments of the p100_sandbox fixture's p100.testing.Sandbox",
    )


@pytest.fixture()
def p100_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A fresh in-process P100 sandbox for this test, closed afterwards."""
    kwargs: dict[str, Any] = {}
    marker = request.node.get_closest_marker("p100_sandbox")
    if marker is not None:
        kwargs.update(marker.kwargs)
    with Sandbox(**kwargs) as sb:
        yield sb
