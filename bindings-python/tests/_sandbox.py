"""Starts and drives a local P100 sandbox (crate ``p100-sandbox``) for the tests."""

from __future__ import annotations

import json
import os
import secrets
import select
import subprocess
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

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


def sandbox_binary() -> Path:
    """The sandbox executable: ``$P100_SANDBOX_BIN``, or the workspace's release build (built
    here when missing)."""
    env = os.environ.get("P100_SANDBOX_BIN")
    if env:
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "p100-sandbox"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-p", "p100-sandbox", "--release"], cwd=ROOT, check=True)
    return binary


class Sandbox:
    """One sandbox process on a free loopback port."""

    def __init__(self, settle_ms: int = 100, time_scale: float = 1.0) -> None:
        self.api_key = "py-test-" + secrets.token_hex(8)
        self.proc = subprocess.Popen(
            [
                str(sandbox_binary()),
                "--port",
                "0",
                "--api-key",
                self.api_key,
                "--settle-ms",
                str(settle_ms),
                "--time-scale",
                str(time_scale),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.base_url = self._wait_for_url(timeout=30.0)

    def _wait_for_url(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"p100-sandbox exited with {self.proc.returncode}")
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline()
                marker = "listening on "
                if marker in line:
                    return line.split(marker, 1)[1].strip()
        self.stop()
        raise RuntimeError("p100-sandbox did not start in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

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
