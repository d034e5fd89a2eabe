"""Runs the shared, language-neutral scenarios of ``tests/scenarios/*.json`` through the Python
SDK, with the rules of ``tests/scenarios/README.md`` (the Rust runner,
``sandbox/tests/scenarios.rs``, is the reference)."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import threading
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

import pytest

import p100
from _sandbox import ROOT, Sandbox
from conftest import FAST, SUMMARY

# P100_PRISM="<prism binary>|<spec>": every SDK call goes through Prism (@stoplight/prism-cli)
# as a validating proxy (--errors) in front of the scenario's sandbox, so a request the SDK sends
# or a reply it accepts that the OpenAPI description does not allow fails the step with Prism's
# report (bindings-python/test.sh). Sandbox controls go to the sandbox directly; uploads too
# (Prism's proxy rebuilds a multipart body as text and corrupts the files). P100_SCENARIOS="a,b"
# runs only those files.
PRISM = os.environ.get("P100_PRISM")
ONLY = {n for n in os.environ.get("P100_SCENARIOS", "").split(",") if n}
SCENARIOS = [
    p for p in sorted((ROOT / "tests" / "scenarios").glob("*.json")) if not ONLY or p.stem in ONLY
]


class Prism:
    """Prism in validating-proxy mode in front of ``upstream`` on a free 127.0.0.1 port."""

    def __init__(self, upstream: str) -> None:
        assert PRISM is not None
        binary, spec = PRISM.split("|")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [binary, "proxy", "--errors", "-h", "127.0.0.1", "-p", str(port), spec, upstream],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                if "Prism is listening" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(60):
            self.stop()
            raise RuntimeError("prism did not start: " + "".join(self.lines))

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


UNDEFINED = object()

MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff\xe0",
    "jpg": b"\xff\xd8\xff\xe0",
    "pdf": b"%PDF-1.7\n",
}


def test_scenarios_exist() -> None:
    assert SCENARIOS, "no scenario files in tests/scenarios"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path) -> None:
    doc = json.loads(path.read_text(), parse_float=Decimal)
    assert doc["format"] == "p100-scenario/1"
    settings = doc.get("sandbox") or {}
    sandbox = Sandbox(
        settle_ms=int(settings.get("settleMs", 100)),
        time_scale=float(settings.get("timeScale", 1)),
    )
    steps = doc["steps"]
    cells, cell_of = cells_of(doc)
    passed: set[int] = set()
    failures: list[str] = []
    failed_cells: set[str] = set()
    runner: Runner | None = None
    prism: Prism | None = None
    try:
        prism = Prism(sandbox.base_url) if PRISM else None
        runner = Runner(sandbox, prism.url if prism else None)
        for i, step in enumerate(steps):
            cell = cell_of(step)
            if cell is not None and cell in failed_cells:
                continue  # the rest of a failed cell
            label = f'{doc["name"]} step {i + 1} "{step.get("name", "?")}" ({step["op"]})'
            try:
                runner.run_step(step)
                passed.add(i)
            except AssertionError as e:
                failures.append(f"{label} failed: {e}")
                # The first failing step fails the scenario. Outside a matrix cell nothing
                # after it runs; in a matrix the rest of that cell is skipped, faults it may
                # have left queued are cleared, and the next cell runs (the summary shows all).
                if cell is None:
                    break
                failed_cells.add(cell)
                sandbox.http("DELETE", "/_sandbox/faults")
    finally:
        report(doc, cells, cell_of, passed, failed_cells)
        if prism is not None:
            prism.stop()
        sandbox.stop()
    if failures:
        more = f" (and {len(failures) - 1} more failing steps)" if len(failures) > 1 else ""
        raise AssertionError(failures[0] + more)
    assert runner is not None and runner.steps_run == len(steps)


def cells_of(doc: dict[str, Any]) -> tuple[set[str], Callable[[dict[str, Any]], str | None]]:
    """The cells of a matrix scenario, and the cell of a step: a cell is its call step (the one
    with ``"cell"``) and every step named after it (``"<cell>: ..."``)."""
    cells = {str(s["cell"]) for s in doc["steps"] if "cell" in s}
    if "cells" in doc:
        assert int(doc["cells"]) == len(cells), "the file's cell count disagrees with its steps"

    def cell_of(step: dict[str, Any]) -> str | None:
        if "cell" in step:
            return str(step["cell"])
        prefix = str(step.get("name", "")).split(": ", 1)[0]
        return prefix if prefix in cells else None

    return cells, cell_of


def report(
    doc: dict[str, Any],
    cells: set[str],
    cell_of: Callable[[dict[str, Any]], str | None],
    passed: set[int],
    failed_cells: set[str],
) -> None:
    """Records how much of the scenario passed (printed at the end of the session): steps, and
    for a matrix its cells (a cell passed when every step of it did)."""
    steps = doc["steps"]
    bad = {cell_of(s) for i, s in enumerate(steps) if i not in passed} | failed_cells
    line = f"scenario {doc['name']}: {len(passed)}/{len(steps)} steps passed"
    if cells:
        line += f"; matrix {len(cells - bad)}/{len(cells)} cells passed"
    SUMMARY.append(line)
    if cells & bad:
        SUMMARY.append("  failed cells: " + "; ".join(sorted(cells & bad)))


# ---- the runner ------------------------------------------------------------------------------

Outcome = tuple[bool, Any]  # (ok, result JSON or error JSON)


def plain(value: Any) -> Any:
    """Python JSON values with Decimals turned into their text (as the wire would carry)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def error_json(e: p100.P100Error) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    raw = getattr(e, "raw_body", None)
    if PRISM and isinstance(raw, str) and "stoplight.io/prism/errors" in raw:
        # Prism refused what the spec does not allow: its report is the reply's body.
        extra["prism"] = json.loads(raw).get("validation", raw)
    return extra | {
        "kind": e.kind,
        "code": e.code,
        "status": e.status,
        "field": e.field,
        "errorName": e.error_name,
        "retryable": e.retryable,
        "outcome": e.outcome,
        "accepted": e.accepted,
        "message": str(e),
        # Not JSON: the exception itself, for "noSecrets" and "reconcile".
        "_exception": e,
    }


def texts_of(e: p100.P100Error) -> dict[str, str]:
    """Every text of an error a secret could hide in (README: ``noSecrets``)."""
    return {
        "message": e.message,
        "str()": str(e),
        "repr()": repr(e),
        "args": repr(e.args),
        "raw_body": e.raw_body or "",
        "fingerprint": json.dumps(plain(e.fingerprint)),
    }


def result_json(result: Any) -> Any:
    if result is None:
        return None
    return json.loads(result.to_json(), parse_float=Decimal)


def file_bytes(spec: dict[str, Any]) -> tuple[str, bytes]:
    kind = spec.get("kind", "png")
    size = int(spec.get("size", 1000))
    magic = MAGIC.get(kind, b"")
    data = magic + (b"\x00" if magic else b"a") * max(0, size - len(magic))
    return spec.get("fileName", "file"), data


#: The operations of the core's operation table, by name (``tests/operations.json``).
OPERATIONS = {
    op["operation"]: op
    for op in json.loads((ROOT / "tests" / "operations.json").read_text())["operations"]
}


class Runner:
    def __init__(self, sandbox: Sandbox, sdk_url: str | None = None) -> None:
        self.sandbox = sandbox
        self.sdk_url = sdk_url or sandbox.base_url
        self.client = p100.Client(sandbox.api_key, self.sdk_url, **FAST)
        self.direct = p100.Client(sandbox.api_key, sandbox.base_url, **FAST)
        self.clients: dict[str, p100.Client] = {}
        self.vars: dict[str, Any] = {
            "run": secrets.token_hex(4),
            "sandboxUrl": sandbox.base_url,
        }
        self.steps_run = 0

    def fill(self, v: Any) -> Any:
        if isinstance(v, str):
            m = re.fullmatch(r"\{\{([^{}]+)\}\}", v)
            if m and m.group(1) in self.vars:
                return self.vars[m.group(1)]
            for k, val in self.vars.items():
                pat = "{{" + k + "}}"
                if pat in v:
                    text = val if isinstance(val, str) else json.dumps(plain(val))
                    v = v.replace(pat, text)
            return v
        if isinstance(v, list):
            return [self.fill(x) for x in v]
        if isinstance(v, dict):
            return {k: self.fill(x) for k, x in v.items()}
        return v

    def run_step(self, step: dict[str, Any]) -> None:
        op = step["op"]
        inp = self.fill(step.get("input", {}))
        client = self.client_for(self.fill(step["client"])) if "client" in step else self.client
        if (
            client is self.client
            and OPERATIONS.get(op, {}).get("input", {}).get("shape") == "upload"
        ):
            client = self.direct  # not through Prism (see PRISM)
        if "poll" in step:
            poll = self.fill(step["poll"])
            timeout = int(poll.get("timeoutMs", 10000)) / 1000
            every = int(poll.get("intervalMs", 50)) / 1000
            until = poll.get("until", {})
            start = time.monotonic()
            while True:
                outcome = self.exec(client, op, inp)
                ok, value = outcome
                if ok and all(matches(resolve(value, p), m) is None for p, m in until.items()):
                    break
                assert time.monotonic() - start <= timeout, (
                    f"poll timed out after {timeout}s; last outcome: {outcome}"
                )
                time.sleep(every)
        else:
            outcome = self.exec(client, op, inp)
        if "expect" in step:
            check_expect(outcome, self.fill(step["expect"]), client)
        else:
            assert outcome[0], f"unexpected error {outcome[1]}"
        if outcome[0]:
            for var, path in (step.get("save") or {}).items():
                value = resolve(outcome[1], path)
                assert value is not UNDEFINED, f"save: {path} not found in {outcome[1]}"
                self.vars[var] = value
        self.steps_run += 1

    def client_for(self, settings: dict[str, Any]) -> p100.Client:
        """A client with the step's settings (README: ``client``); the others as usual."""
        known = {"apiKey", "baseUrl", "timeoutMs", "connectTimeoutMs", "maxRetries"}
        assert set(settings) <= known, f"unknown client settings {set(settings) - known}"
        key = json.dumps(settings, sort_keys=True)
        if key not in self.clients:
            options: dict[str, Any] = dict(FAST)
            if "timeoutMs" in settings:
                options["timeout"] = int(settings["timeoutMs"]) / 1000
            if "connectTimeoutMs" in settings:
                options["connect_timeout"] = int(settings["connectTimeoutMs"]) / 1000
            if "maxRetries" in settings:
                options["max_retries"] = int(settings["maxRetries"])
            self.clients[key] = p100.Client(
                settings.get("apiKey", self.sandbox.api_key),
                settings.get("baseUrl", self.sdk_url),
                **options,
            )
        return self.clients[key]

    def exec(self, client: p100.Client, op: str, inp: Any) -> Outcome:
        if op == "sleep":
            time.sleep(int(inp.get("ms", 0)) / 1000)
            return True, None
        if op == "http":
            status, body = self.sandbox.http(
                inp.get("method", "GET"),
                inp.get("path", "/"),
                inp.get("body"),
                inp.get("headers") or {},
            )
            return True, {"status": status, "body": body}
        if op == "_sandbox.faults.list":
            return self.control("GET", "faults", None)
        if op == "_sandbox.deliveries":
            return self.control("GET", "webhooks/deliveries", None)
        if op == "_sandbox.ops":
            return self.control("GET", "ops", None)
        if op == "_sandbox.ops.reset":
            return self.control("DELETE", "ops", None)
        if op.startswith("_sandbox."):
            return self.control("POST", op[len("_sandbox.") :], inp)
        try:
            if op == "webhooks.parse":
                return True, self.webhook(inp)
            if op == "request":
                return True, plain(
                    client.request(inp.get("method", "GET"), inp.get("path", "/"), inp.get("body"))
                )
            return True, result_json(self.call(client, op, dict(inp)))
        except p100.P100Error as e:
            return False, error_json(e)

    def control(self, method: str, name: str, body: Any) -> Outcome:
        status, reply = self.sandbox.http(
            method, f"/_sandbox/{name}", body if method == "POST" else None
        )
        if 200 <= status < 300:
            return True, reply
        return False, {"kind": "sandbox", "status": status, "message": json.dumps(reply)}

    def webhook(self, inp: dict[str, Any]) -> Any:
        body = inp.get("body")
        text = body if isinstance(body, str) else json.dumps(plain(body), separators=(",", ":"))
        verifier = p100.webhooks.Verifier(inp.get("token") or "")
        event = verifier.verify_and_parse(inp.get("authorization"), text)
        name = p100.webhooks.event_name(event)
        if isinstance(event, p100.UnknownEvent):
            return {"event": name, "data": {"event_type": event.event_type, "raw": event.raw}}
        return {"event": name, "data": result_json(event)}

    @staticmethod
    def call(client: p100.Client, op: str, inp: dict[str, Any]) -> Any:
        """Calls the operation by the Python name the manifest gives it: the ids of its path
        positionally (unless its request carries them), then the rest as one dict."""
        spec = OPERATIONS.get(op)
        assert spec is not None, f"{op} is not an operation of tests/operations.json"
        fn: Any = client
        for part in spec["names"]["python"].split(".")[1:]:
            fn = getattr(fn, part)
        args = []
        if spec["input"]["shape"].startswith("ids"):
            for key in spec["params"]:
                assert key in inp, f"scenario input lacks {key}: {inp}"
                args.append(inp.pop(key))
        if spec["input"]["type"] is None:
            return fn(*args)
        if "files" in inp:
            inp["files"] = [file_bytes(f) for f in inp["files"]]
        return fn(*args, inp)


# ---- expectations ----------------------------------------------------------------------------


def resolve(v: Any, path: str) -> Any:
    cur = v
    for seg in path.split("."):
        name, sel = seg, None
        if "[" in seg and seg.endswith("]"):
            i = seg.index("[")
            name, sel = seg[:i], seg[i + 1 : -1]
        if name:
            if not isinstance(cur, dict) or name not in cur:
                return UNDEFINED
            cur = cur[name]
        if sel is not None:
            if not isinstance(cur, list):
                return UNDEFINED
            if "=" not in sel:
                try:
                    cur = cur[int(sel)]
                except (ValueError, IndexError):
                    return UNDEFINED
                continue
            key, want = sel.split("=", 1)
            found = UNDEFINED
            for item in cur:
                if isinstance(item, dict) and key in item:
                    got = item[key]
                    text = got if isinstance(got, str) else json.dumps(plain(got))
                    if text == want:
                        found = item
                        break
            if found is UNDEFINED:
                return UNDEFINED
            cur = found
    return cur


def as_dec(v: Any) -> Decimal | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, Decimal)):
        return Decimal(v)
    if isinstance(v, str):
        t = v.strip()
        if not t or not all(c.isdigit() or c in ".-+eE" for c in t):
            return None
        try:
            return Decimal(t)
        except InvalidOperation:
            return None
    return None


def equal(a: Any, b: Any) -> bool:
    da, db = as_dec(a), as_dec(b)
    if da is not None and db is not None:
        return da == db
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(plain(a) == plain(b))


def matches(actual: Any, m: Any) -> str | None:
    """``None`` when ``actual`` matches ``m``, else why not."""
    if isinstance(m, dict):
        if "exists" in m:
            exists = actual is not UNDEFINED and actual is not None
            return None if exists == m["exists"] else f"exists is {exists}, expected {m['exists']}"
        if "oneOf" in m:
            if actual is UNDEFINED:
                return "undefined"
            return None if any(equal(actual, x) for x in m["oneOf"]) else f"{actual!r} not in {m}"
        if "gt" in m:
            a, lim = as_dec(actual), as_dec(m["gt"])
            ok = a is not None and lim is not None and a > lim
            return None if ok else f"{actual!r} is not greater than {m['gt']}"
        if "length" in m:
            if not isinstance(actual, (list, str)):
                return f"{actual!r} has no length"
            n = len(actual)
            return None if n == int(m["length"]) else f"length {n}, expected {m['length']}"
    if actual is UNDEFINED:
        return f"undefined, expected {m!r}"
    return None if equal(actual, m) else f"{actual!r} != expected {m!r}"


def check_expect(outcome: Outcome, expect: dict[str, Any], client: p100.Client) -> None:
    ok, value = outcome
    if "error" in expect:
        want = expect["error"]
        assert not ok, f"expected an error {want}, got ok {value}"
        shown = {k: v for k, v in value.items() if not k.startswith("_")}
        exc = value.get("_exception")
        for k, m in want.items():
            if k == "messageContains":
                assert m in value["message"], f"error message {value['message']!r} lacks {m!r}"
                continue
            if k == "noSecrets":
                assert isinstance(exc, p100.P100Error), f"noSecrets needs an SDK error: {shown}"
                for where, text in texts_of(exc).items():
                    for secret in m:
                        assert secret not in text, f"{secret!r} shows in the error's {where}"
                continue
            if k == "reconcile":
                assert isinstance(exc, p100.P100Error), f"reconcile needs an SDK error: {shown}"
                try:
                    answer = client.reconcile(exc)
                except p100.P100Error as e:
                    raise AssertionError(f"reconcile: expected {m!r}, got {e!r}") from None
                assert answer.result == m, f"reconcile: {answer} is not {m!r} (error was {shown})"
                continue
            why = matches(value.get(k, UNDEFINED), m)
            assert why is None, f"error.{k}: {why} (error was {shown})"
        return
    assert ok, f"expected success, got error {value}"
    for p, m in (expect.get("fields") or {}).items():
        why = matches(resolve(value, p), m)
        assert why is None, f"{p}: {why} (result was {value})"
