"""Starts and drives a local P100 sandbox (``p100.testing.Sandbox``, in-process) for the tests."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import p100.testing

ROOT = Path(__file__).resolve().parents[2]


def dumps(value: Any) -> str:
    """JSON text; a ``Decimal`` is written as a JSON number with its exact text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


class Sandbox:
    """One sandbox on a free loopback port, in this process (``p100.testing.Sandbox``), with
    plain-HTTP helpers for the tests that look at the wire."""

    def __init__(self, settle_ms: int = 100, time_scale: float = 1.0) -> None:
        self.api_key = "py-test-" + secrets.token_hex(8)
        self.inner = p100.testing.Sandbox(
            self.api_key, settle=settle_ms / 1000, time_scale=time_scale
        )
        self.base_url = self.inner.url

    def stop(self) -> None:
        self.inner.close()

    def http(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """A plain HTTP call (no SDK): ``(status, JSON body or text)``."""
        data = None if body is None else dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            req.add_header("content-type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text, parse_float=Decimal)
        except ValueError:
            return status, text

    def control(self, name: str, body: Any = None, method: str = "POST") -> Any:
        """``/_sandbox/<name>``; raises on a non-2xx reply."""
        status, reply = self.http(
            method, f"/_sandbox/{name}", {} if body is None and method == "POST" else body
        )
        if not 200 <= status < 300:
            raise RuntimeError(f"/_sandbox/{name}: HTTP {status}: {reply}")
        return reply
