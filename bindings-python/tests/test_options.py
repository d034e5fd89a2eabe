"""Per-call options: extra headers reach the server; the headers the client owns are refused
with the field named; the User-Agent names the SDK, Python and the platform."""

from __future__ import annotations

import platform

import pytest

import p100
from p100.testing import Sandbox


def test_extra_headers_reach_the_server_and_owned_ones_are_refused(p100_sandbox: Sandbox) -> None:
    with p100_sandbox.client() as client:
        traced = client.with_options(headers={"X-Correlation-Id": "job-42"}, max_retries=0)
        traced.partner.balances()
        client.partner.balances()
        for name in ("x-api-key", "Authorization", "user-agent"):
            with pytest.raises(p100.P100Error) as e:
                client.with_options(headers={name: "override-x9"})
            assert e.value.field == f"headers.{name.lower()}"
            assert "override-x9" not in str(e.value)
    seen = p100_sandbox.control("GET", "/_sandbox/requests")["requests"]
    first, second = seen[-2]["headers"], seen[-1]["headers"]
    assert first["x-correlation-id"] == "job-42"
    assert "x-correlation-id" not in second  # per call: the parent client is unchanged
    v = platform.python_version_tuple()
    assert first["user-agent"].startswith(f"p100-sdk/{p100.__version__} (python {'.'.join(v)}; ")


def test_recording_client_keeps_the_metadata_of_its_last_call(p100_sandbox: Sandbox) -> None:
    with p100_sandbox.client() as client:
        assert client.last_response is None
        p100_sandbox.inject_fault("429", retry_after=0)
        rec = client.recording()
        assert rec.last_response is None
        rec.partner.balances()
        info = rec.last_response
        assert info is not None
        assert (info["status"], info["attempts"]) == (200, 2)
        assert info["request_id"] and info["headers"]["x-request-id"] == info["request_id"]
        assert info["elapsed"] > 0
        assert client.last_response is None  # the parent does not record
    last = p100_sandbox.control("GET", "/_sandbox/requests")["requests"][-1]
    assert last["requestId"] == info["request_id"]
