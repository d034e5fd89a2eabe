#!/usr/bin/env python3
"""Generates the type information of the ``p100`` package from the Rust sources.

The models are defined once, in the core (``core/src/models``, ``core/src/webhooks``, read
here from their ``model!`` declarations), and the operations once, in the core's operation
table, from which the native module generates its group classes
(``bindings-python/src/groups.rs``) and the core writes its manifest ``tests/operations.json``
(read here: names, ids, request and reply types, docs); this script turns them into

* ``python/p100/_native.pyi`` — the stub of the native module (every class, attribute and
  method, with keyword arguments typed from the request structs);
* the generated sections of ``python/p100/__init__.py`` and ``python/p100/webhooks.py``
  (the re-exports and ``__all__``).

    python3 scripts/gen_stubs.py           # rewrite the files
    python3 scripts/gen_stubs.py --check   # fail if they are not up to date (CI)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # bindings-python/
ROOT = HERE.parent
CORE = ROOT / "core" / "src"
PKG = HERE / "python" / "p100"
# The operation manifest (generated from core/src/routes.rs, drift-checked by the core's tests).
MANIFEST = ROOT / "tests" / "operations.json"

#: Exception names that are also built-in names: left out of ``__all__``.
SHADOWS_BUILTIN = {"TimeoutError"}

ERRORS = [
    "P100Error",
    "ValidationError",
    "AuthenticationError",
    "ApiError",
    "RateLimitError",
    "UnavailableError",
    "NetworkError",
    "TimeoutError",
    "DecodeError",
    "ConfigError",
    "WebhookUnauthorizedError",
    "AbortError",
]

# What happened to a call, and reconciling it (p100/_errors.py).
OUTCOME_NAMES = [
    "Outcome",
    "OUTCOMES",
    "Fingerprint",
    "Reconciliation",
    "fingerprint_to_json",
    "fingerprint_from_json",
    "fingerprint_of",
]

# Response models that decode themselves (`model! { @custom_decode … }`): their stubs, with their
# helper methods (`fiat`, `crypto`, `rate`), are written in HEADER below.
WRAPPERS = {"Balances", "TransactionHistory", "ExchangeRates", "OrderRates", "SepaContacts"}


@dataclass
class Field:
    name: str
    ty: str
    attrs: list[str]
    doc: str

    @property
    def has_default(self) -> bool:
        return any(re.search(r"\bdefault\b", a) for a in self.attrs if a.startswith("#[serde"))

    @property
    def skipped(self) -> bool:
        return any(re.search(r"serde\(\s*skip\s*\)", a) for a in self.attrs)


@dataclass
class Model:
    name: str
    doc: str
    fields: list[Field]


@dataclass
class Method:
    name: str
    args: list[str]
    req_type: str | None
    doc: str
    returns: str
    wait: bool = False
    #: Path ids carried in the request (``body``/``upload`` shapes): required keywords.
    body_ids: list[str] = field(default_factory=list)


@dataclass
class Group:
    name: str
    sync: str
    async_: str
    methods: list[Method] = field(default_factory=list)
    #: The group's doc line (``groups`` of the manifest).
    doc: str = ""


def balanced(text: str, start: int, open_: str = "{", close: str = "}") -> int:
    """Index of the bracket closing the one at ``start``."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if text.startswith("//", i):
            i = text.index("\n", i)
            continue
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced")


def first_sentence(doc_lines: list[str]) -> str:
    text = " ".join(line.strip() for line in doc_lines).strip()
    return text


def parse_fields(body: str) -> list[Field]:
    fields: list[Field] = []
    attrs: list[str] = []
    docs: list[str] = []
    i = 0
    while i < len(body):
        if body[i].isspace():
            i += 1
            continue
        if body.startswith("///", i):
            end = body.index("\n", i) if "\n" in body[i:] else len(body)
            docs.append(body[i + 3 : end].strip())
            i = end
            continue
        if body.startswith("//", i):
            i = body.index("\n", i)
            continue
        if body.startswith("#[", i):
            j = balanced(body, i + 1, "[", "]")
            attrs.append(re.sub(r"\s+", " ", body[i : j + 1]))
            i = j + 1
            continue
        m = re.match(r"pub\s+(?:r#)?(\w+)\s*:\s*", body[i:])
        if not m:
            raise ValueError(f"cannot parse field at: {body[i : i + 60]!r}")
        name = m.group(1)
        i += m.end()
        depth = 0
        j = i
        while j < len(body):
            c = body[j]
            if c in "<(":
                depth += 1
            elif c in ">)":
                depth -= 1
            elif c == "," and depth == 0:
                break
            j += 1
        ty = re.sub(r"\s+", "", body[i:j])
        fields.append(Field(name, ty, attrs, first_sentence(docs)))
        attrs, docs = [], []
        i = j + 1
    return fields


def parse_models(paths: list[Path]) -> dict[str, Model]:
    models: dict[str, Model] = {}
    for path in paths:
        src = path.read_text()
        for m in re.finditer(r"(?m)^\s*(?:crate::)?model!\s*\{", src):
            start = src.index("{", m.start())
            end = balanced(src, start)
            block = src[start + 1 : end]
            sm = re.search(r"pub struct (\w+)\s*\{", block)
            assert sm, block[:200]
            custom = block.lstrip().startswith("@custom_decode")
            if custom != (sm.group(1) in WRAPPERS):
                raise SystemExit(
                    f"gen_stubs: {sm.group(1)}: a `model! {{ @custom_decode … }}` must be in"
                    " WRAPPERS (its stub is written in HEADER), and only those"
                )
            if custom:
                continue
            doc_lines = [
                line.strip()[3:].strip()
                for line in block[: sm.start()].splitlines()
                if line.strip().startswith("///")
            ]
            doc = first_paragraph(doc_lines)
            body_start = block.index("{", sm.start())
            body_end = balanced(block, body_start)
            models[sm.group(1)] = Model(
                sm.group(1), doc, parse_fields(block[body_start + 1 : body_end])
            )
    return models


def first_paragraph(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if not line:
            break
        out.append(line)
    return " ".join(out)


def parse_enums(paths: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        names.update(re.findall(r"string_enum!\s*\{[^{]*?pub enum (\w+)", path.read_text()))
    return names


def snake(name: str) -> str:
    """``externalUserId`` -> ``external_user_id``."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def parse_groups() -> list[Group]:
    """The groups and their methods, from ``tests/operations.json``, in table order.

    Ids are positional ``str`` arguments (``params``), except where the request carries them
    (``body`` and ``upload`` shapes); a group with a ``waitFor`` gets ``wait_for``, which polls
    the group's ``details`` (so it returns what ``details`` returns). A reply the core does not
    use (``output`` null) is ``()``.
    """
    groups: dict[str, Group] = {}
    manifest = json.loads(MANIFEST.read_text())
    docs = {g["name"]: g["doc"].replace("`", "``") for g in manifest["groups"]}
    for op in manifest["operations"]:
        name = op["group"]
        cls = "".join(w.capitalize() for w in name.split("_"))
        group = groups.setdefault(name, Group(name, cls, "Async" + cls, doc=docs[name]))
        shape = op["input"]["shape"]
        ids = [snake(p) for p in op["params"]] if shape.startswith("ids") else []
        body_ids = [] if ids else [snake(p) for p in op["params"]]
        doc = op["doc"].replace("`", "``")
        group.methods.append(
            Method(op["name"], ids, op["input"]["type"], doc, op["output"] or "()", False, body_ids)
        )
        if op["waitFor"] and not any(m.wait for m in group.methods):
            group.methods.append(Method("wait_for", [], None, "", "", wait=True))
    for group in groups.values():
        for m in group.methods:
            if m.wait:
                details = next((d for d in group.methods if d.name == "details"), None)
                if details is None:
                    sys.exit(f"{MANIFEST.name}: {group.name}.wait_for has no details to poll")
                m.args, m.returns = details.args, details.returns
                m.doc = (
                    "Polls ``details`` until the operation is final (or ``timeout`` seconds "
                    "have passed); ``interval`` and ``max_interval`` (seconds) space the polls."
                )
    return list(groups.values())


class Types:
    def __init__(self, models: dict[str, Model], enums: set[str]) -> None:
        self.models = models
        self.enums = enums

    def split_generic(self, ty: str, outer: str) -> list[str] | None:
        if not (ty.startswith(outer + "<") and ty.endswith(">")):
            return None
        inner = ty[len(outer) + 1 : -1]
        parts, depth, cur = [], 0, ""
        for c in inner:
            if c == "<":
                depth += 1
            elif c == ">":
                depth -= 1
            if c == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += c
        parts.append(cur)
        return parts

    def out(self, ty: str) -> str:
        for outer, fmt in (("Option", "{} | None"), ("Vec", "list[{}]")):
            p = self.split_generic(ty, outer)
            if p:
                return fmt.format(self.out(p[0]))
        p = self.split_generic(ty, "HashMap")
        if p:
            return f"dict[str, {self.out(p[1])}]"
        return self.scalar(ty, output=True)

    def inp(self, ty: str) -> str:
        p = self.split_generic(ty, "Option")
        if p:
            return f"{self.inp(p[0])} | None"
        p = self.split_generic(ty, "Vec")
        if p:
            return f"Sequence[{self.inp(p[0])}]"
        p = self.split_generic(ty, "HashMap")
        if p:
            return f"Mapping[str, {self.inp(p[1])}]"
        return self.scalar(ty, output=False)

    def scalar(self, ty: str, output: bool) -> str:
        simple = {
            "String": "str",
            "bool": "bool",
            "SecretString": "str",
            "u8": "int",
            "u16": "int",
            "u32": "int",
            "u64": "int",
            "i32": "int",
            "i64": "int",
            "()": "None",
        }
        if ty in simple:
            return simple[ty]
        if ty == "Amount":
            return "Decimal" if output else "Amount"
        if ty == "FileUpload":
            return "tuple[str, bytes]" if output else "FileInput"
        if ty in self.enums:
            return "str"
        if ty in self.models or ty in WRAPPERS:
            return ty if output else "Mapping[str, Any]"
        if ty == "WebhookEvent":
            return "WebhookEvent"
        raise SystemExit(f"gen_stubs: no Python type for Rust type {ty!r}")


HEADER = '''\
# Generated by bindings-python/scripts/gen_stubs.py from the Rust sources: do not edit.
"""Native part of the ``p100`` package (import from ``p100``, not from here)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Literal, final, overload

from typing_extensions import Self

from p100._errors import P100Error, Reconciliation
from p100.types import Amount, FileInput, Fingerprint, ResponseInfo
from p100.webhooks import WebhookEvent

__all__ = [
{all_names}
]

__version__: str

class _Client:
    """What :class:`Client` and :class:`AsyncClient` share."""

    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Closes this client: later calls fail with ``ConfigError``. Clients made from it
        (``with_options``, ``recording``) share its connections and stay open until closed."""

@final
class Client(_Client):
    """The blocking client. Safe to share between threads; calls release the GIL.

    ``Client(api_key, base_url)``; without arguments, ``P100_API_KEY`` and ``P100_BASE_URL``
    (or ``P100_ENVIRONMENT``) are read from the environment.
    """

    def __new__(
        cls,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        environment: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_initial_delay: float | None = None,
        retry_max_delay: float | None = None,
        connect_timeout: float | None = None,
        user_agent: str | None = None,
        max_response_bytes: int | None = None,
    ) -> Self: ...
    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Client:
        """A client sharing this one's connections, with other settings for its calls:
        ``timeout``, ``max_retries``, and extra ``headers`` (not ``x-api-key``,
        ``authorization`` or ``user-agent``, which the client owns)."""
    def recording(self) -> Client:
        """A client whose successful calls keep their metadata (``last_response``)."""
    @property
    def last_response(self) -> ResponseInfo | None:
        """The last successful call of a ``recording()`` client."""
    def request(self, method: str, path: str, body: Any = None) -> Any:
        """The escape hatch: any call with auth, retries and error mapping. ``path`` starts
        with ``/v1/``; ``body`` is sent as given (wire names); the reply is plain JSON (dicts,
        lists, ``int``, ``Decimal``)."""
    def reconcile(self, error: P100Error | Fingerprint | Mapping[str, Any]) -> Reconciliation:
        """Did the operation of an ``"unknown"`` error happen? (``p100.Reconciliation``)"""
    def take_cancelled(self) -> list[P100Error]:
        """Calls that change something cancelled while out or just finished (reconcile them)."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...
{sync_groups}

@final
class AsyncClient(_Client):
    """The asyncio client: the same methods as :class:`Client`, as coroutines."""

    def __new__(
        cls,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        environment: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_initial_delay: float | None = None,
        retry_max_delay: float | None = None,
        connect_timeout: float | None = None,
        user_agent: str | None = None,
        max_response_bytes: int | None = None,
    ) -> Self: ...
    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsyncClient:
        """A client sharing this one's connections, with other settings for its calls:
        ``timeout``, ``max_retries``, and extra ``headers`` (not ``x-api-key``,
        ``authorization`` or ``user-agent``, which the client owns)."""
    def recording(self) -> AsyncClient:
        """A client whose successful calls keep their metadata (``last_response``)."""
    @property
    def last_response(self) -> ResponseInfo | None:
        """The last successful call of a ``recording()`` client."""
    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """The escape hatch: any call with auth, retries and error mapping. ``path`` starts
        with ``/v1/``; ``body`` is sent as given (wire names); the reply is plain JSON (dicts,
        lists, ``int``, ``Decimal``)."""
    async def reconcile(self, error: P100Error | Fingerprint | Mapping[str, Any]) -> Reconciliation:
        """Did the operation of an ``"unknown"`` error happen? (``p100.Reconciliation``)"""
    def take_cancelled(self) -> list[P100Error]:
        """Calls that change something cancelled while out or just finished (reconcile them)."""
    async def aclose(self) -> None:
        """Awaitable form of ``close()``."""
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> Literal[False]: ...
{async_groups}

@final
class Balances:
    """All balances of the partner or of a user."""

    def __new__(cls, fields: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Self: ...
    @property
    def fiat_balances(self) -> list[FiatBalance]: ...
    @property
    def crypto_balances(self) -> list[CryptoBalance]: ...
    def fiat(self, currency: str) -> FiatBalance | None:
        """The fiat balance in ``currency`` (any case), or ``None``."""
    def crypto(self, currency: str) -> CryptoBalance | None:
        """The crypto balance in ``currency`` (any case), or ``None``."""
    def to_dict(self) -> dict[str, Any]:
        """The attributes as a plain dict (nested models as dicts)."""
    def to_json(self) -> str:
        """The wire JSON (camelCase names, amounts as strings)."""
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...

@final
class TransactionHistory:
    """A transaction history."""

    def __new__(cls, fields: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Self: ...
    @property
    def transactions(self) -> list[Transaction]: ...
    def to_dict(self) -> dict[str, Any]:
        """The attributes as a plain dict (nested models as dicts)."""
    def to_json(self) -> str:
        """The wire JSON (camelCase names, amounts as strings)."""
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...

@final
class ExchangeRates:
    """Indicative EUR rates of every currency."""

    def __new__(cls, fields: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Self: ...
    @property
    def rates(self) -> dict[str, Decimal]: ...
    def rate(self, currency: str) -> Decimal | None:
        """The rate of ``currency`` (key matched in any case), or ``None``."""
    def to_dict(self) -> dict[str, Any]:
        """The attributes as a plain dict (nested models as dicts)."""
    def to_json(self) -> str:
        """The wire JSON (camelCase names, amounts as strings)."""
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...

@final
class OrderRates:
    """Current order rates."""

    def __new__(cls, fields: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Self: ...
    @property
    def rates(self) -> dict[str, Decimal]: ...
    def rate(self, currency: str) -> Decimal | None:
        """The rate of ``currency`` (key matched in any case), or ``None``."""
    def to_dict(self) -> dict[str, Any]:
        """The attributes as a plain dict (nested models as dicts)."""
    def to_json(self) -> str:
        """The wire JSON (camelCase names, amounts as strings)."""
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...

@final
class SepaContacts:
    """The whitelisted SEPA contacts."""

    def __new__(cls, fields: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Self: ...
    @property
    def contacts(self) -> list[SepaContact]: ...
    def to_dict(self) -> dict[str, Any]:
        """The attributes as a plain dict (nested models as dicts)."""
    def to_json(self) -> str:
        """The wire JSON (camelCase names, amounts as strings)."""
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...

@final
class UnknownEvent:
    """A webhook delivery the SDK does not recognise; ``repr()`` shows only its size."""

    @property
    def event_type(self) -> str | None: ...
    @property
    def raw(self) -> str: ...
    def to_dict(self) -> dict[str, Any]:
        """``{"event_type": ..., "raw": ...}``."""
    def to_json(self) -> str:
        """The body exactly as received (the wire JSON of the delivery)."""
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...

@final
class Verifier:
    """Checks webhook deliveries against the partner's webhook security token."""

    def __new__(cls, token: str) -> Self: ...
    def verify(self, authorization: str | bytes | None) -> None:
        """Checks the ``Authorization`` header value; raises ``WebhookUnauthorizedError``."""
    def verify_and_parse(
        self, authorization: str | bytes | None, body: str | bytes
    ) -> WebhookEvent:
        """Verifies, then parses the body into the typed event."""

@final
class Sandbox:
    """A P100 sandbox running in this process, on a free loopback port (``p100.testing``)."""

    def __new__(
        cls,
        api_key: str | None = None,
        *,
        settle: float | None = None,
        time_scale: float | None = None,
        webhook_url: str | None = None,
        webhook_token: str | None = None,
    ) -> Self: ...
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
    @property
    def api_key(self) -> str:
        """The API key the sandbox accepts."""
    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
    @property
    def time_scale(self) -> float:
        """The current time scale."""
    def client(
        self,
        *,
        environment: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_initial_delay: float | None = None,
        retry_max_delay: float | None = None,
        connect_timeout: float | None = None,
        user_agent: str | None = None,
        max_response_bytes: int | None = None,
    ) -> Client:
        """A ``p100.Client`` for this sandbox (short timeout, fast retries)."""
    def async_client(
        self,
        *,
        environment: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_initial_delay: float | None = None,
        retry_max_delay: float | None = None,
        connect_timeout: float | None = None,
        user_agent: str | None = None,
        max_response_bytes: int | None = None,
    ) -> AsyncClient:
        """A ``p100.AsyncClient`` for this sandbox (same presets as ``client()``)."""
    def fund(
        self, *, currency: str, amount: str | int | Decimal, external_user_id: str | None = None
    ) -> dict[str, Any]:
        """Credits a balance of the partner or of a user at once."""
    def inject_fault(
        self,
        kind: str,
        count: int = 1,
        *,
        retry_after: float | None = None,
        delay_ms: int | None = None,
        status: int | None = None,
        size_bytes: int | None = None,
        operation: str | None = None,
    ) -> None:
        """Queues a fault for the next ``count`` API requests (``operation``: only that one)."""
    def clear_faults(self) -> None:
        """Drops every queued fault."""
    def set_time_scale(self, scale: float) -> None:
        """Multiplies every delay (0.001 = 1000x faster)."""
    def advance(self, seconds: float) -> float:
        """Moves the sandbox's clock forward; returns its new time (seconds since the epoch)."""
    def now(self) -> float:
        """The sandbox's time, in seconds since the epoch."""
    def trigger(self, event: str, external_user_id: str | None = None) -> dict[str, Any]:
        """Emits a webhook event with realistic data; returns the payload sent."""
    def set_webhook(self, url: str | None = None, token: str | None = None) -> None:
        """Sets (or, without arguments, clears) the webhook target."""
    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery attempt so far."""
    def ops(self) -> dict[str, int]:
        """How many times each operation's handler ran."""
    def reset(self) -> None:
        """Back to the starting world."""
    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Calls any control ``/_sandbox/...``; returns its JSON reply."""
    def close(self) -> None:
        """Stops the sandbox and frees its port."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

def fingerprint_to_json(error: P100Error | Fingerprint | Mapping[str, Any]) -> str:
    """The JSON of an error's fingerprint, to store with the payment (every package reads it)."""
def fingerprint_from_json(text: str) -> Fingerprint:
    """A stored fingerprint (any package's JSON), for ``client.reconcile``."""
def fingerprint_of(
    operation: str, fields: Mapping[str, Any] | None = None, /, **kwargs: Any
) -> Fingerprint:
    """The fingerprint of a money call before it is sent (``"sepa.partner_transfer"`` and the
    call's arguments): store it first, send, and ``reconcile`` it after a crash."""
def webhook_verify(authorization: str | bytes | None, token: str) -> None: ...
def webhook_parse(body: str | bytes) -> tuple[str, WebhookEvent]: ...
def _panic_for_tests(asynchronous: bool) -> Any:
    """Test hook, not part of the API: a call that panics inside the runtime."""
'''


def doc_line(doc: str, indent: str) -> str:
    if not doc:
        return ""
    doc = doc.replace("\\", "\\\\").replace('"""', "'''")
    return f'{indent}"""{doc}"""\n'


def method_stub(types: Types, models: dict[str, Model], m: Method, is_async: bool) -> str:
    ind = "    "
    ret = types.out(m.returns)
    d = "async def" if is_async else "def"
    doc = doc_line(m.doc, ind * 2)
    body = f"\n{doc}" if doc else " ...\n"
    if m.wait:
        return (
            f"{ind}{d} {m.name}(\n{ind * 2}self,\n{ind * 2}{m.args[0]}: str,\n{ind * 2}*,\n"
            f"{ind * 2}timeout: float | None = None,\n"
            f"{ind * 2}interval: float | None = None,\n"
            f"{ind * 2}max_interval: float | None = None,\n{ind}) -> {ret}:{body}"
        )
    if m.req_type is None:
        params = "".join(f", {a}: str" for a in m.args)
        return f"{ind}{d} {m.name}(self{params}) -> {ret}:{body}"
    model = models[m.req_type]
    lead = "".join(f"{ind * 2}{a}: str,\n" for a in m.args)
    pos_only = f"{ind * 2}/,\n" if m.args else ""
    kw = field_params(types, model, m.body_ids, with_files=True)
    star = f"{ind * 2}*,\n" if kw else ""
    out = f"{ind}@overload\n"
    out += (
        f"{ind}{d} {m.name}(\n{ind * 2}self,\n{lead}"
        f"{ind * 2}fields: Mapping[str, Any] | {model.name} | None,\n"
        f"{ind * 2}/,\n{ind * 2}**kwargs: Any,\n{ind}) -> {ret}: ...\n"
    )
    out += f"{ind}@overload\n"
    out += f"{ind}{d} {m.name}(\n{ind * 2}self,\n{lead}{pos_only}{star}{kw}{ind}) -> {ret}:{body}"
    return out


def field_params(
    types: Types, model: Model, body_ids: Sequence[str] = (), with_files: bool = False
) -> str:
    """The keyword parameters of a model's fields, required ones first (8-space indent)."""
    ind = "    "
    required, optional = [], []
    for f in model.fields:
        if f.skipped:  # files of uploads: a method argument, not a constructor's
            if with_files:
                required.append(f"{ind * 2}{f.name}: Sequence[FileInput],\n")
            continue
        t = types.inp(f.ty)
        # A path id in the request is required even where the model defaults it (the sandbox
        # reads the body without it).
        if f.name not in body_ids and (f.ty.startswith("Option<") or f.has_default):
            if not t.endswith("| None"):
                t = f"{t} | None"
            optional.append(f"{ind * 2}{f.name}: {t} = None,\n")
        else:
            required.append(f"{ind * 2}{f.name}: {t},\n")
    return "".join(required + optional)


def model_stub(types: Types, model: Model) -> str:
    ind = "    "
    out = f"@final\nclass {model.name}:\n"
    out += doc_line(model.doc, "    ")
    if model.doc:
        out += "\n"
    kw = field_params(types, model)
    out += f"{ind}@overload\n"
    out += (
        f"{ind}def __new__(\n{ind * 2}cls,\n"
        f"{ind * 2}fields: Mapping[str, Any] | {model.name} | None,\n"
        f"{ind * 2}/,\n{ind * 2}**kwargs: Any,\n{ind}) -> Self: ...\n"
    )
    out += f"{ind}@overload\n"
    star = f"{ind * 2}*,\n" if kw else ""
    out += f"{ind}def __new__(\n{ind * 2}cls,\n{star}{kw}{ind}) -> Self:\n"
    out += (
        f'{ind * 2}"""Built from keyword arguments or a dict, read as methods read requests."""\n'
    )
    for f in model.fields:
        out += f"    @property\n    def {f.name}(self) -> {types.out(f.ty)}:"
        out += f"\n{doc_line(f.doc, '        ')}" if f.doc else " ...\n"
    out += "    def to_dict(self) -> dict[str, Any]:\n"
    out += '        """The attributes as a plain dict (nested models as dicts)."""\n'
    out += "    def to_json(self) -> str:\n"
    out += '        """The wire JSON (camelCase names, amounts as strings)."""\n'
    out += "    def __copy__(self) -> Self: ...\n"
    out += "    def __deepcopy__(self, memo: Any, /) -> Self: ...\n"
    # Compared by value and mutable (`with_*` aside): no hash, as at run time.
    out += "    __hash__: ClassVar[None]  # type: ignore[assignment]\n"
    return out


def parse_events(models: dict[str, Model]) -> list[tuple[str, str]]:
    """(event name, payload class) of every typed webhook event, in the core's order
    (``webhookEvents`` of ``tests/operations.json``; ``card_3ds_code`` -> ``Card3dsCodeEvent``)."""
    out = []
    for name in json.loads(MANIFEST.read_text())["webhookEvents"]:
        cls = "".join(w.capitalize() for w in name.split("_")) + "Event"
        if cls not in models:
            sys.exit(f"{MANIFEST.name}: webhook event {name!r} has no model {cls}")
        out.append((name, cls))
    return out


def generated(text: str, marker: str, content: str) -> str:
    begin = f"# BEGIN GENERATED {marker} (scripts/gen_stubs.py)\n"
    end = f"# END GENERATED {marker}\n"
    a = text.index(begin) + len(begin)
    b = text.index(end)
    return text[:a] + content + text[b:]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="fail when the files are stale")
    args = ap.parse_args()

    rs = [*sorted((CORE / "models").glob("*.rs")), CORE / "webhooks" / "events.rs"]
    models = parse_models(rs)
    enums = parse_enums(sorted(CORE.rglob("*.rs")))
    types = Types(models, enums)
    groups = parse_groups()
    events = parse_events(models)

    def group_block(is_async: bool) -> str:
        out = ""
        for g in groups:
            cls = g.async_ if is_async else g.sync
            out += f"\n@final\nclass {cls}:\n"
            doc = f"{g.doc} (The coroutines of ``{g.sync}``.)" if is_async else g.doc
            out += doc_line(doc, "    ") + ("\n" if doc else "")
            out += "".join(method_stub(types, models, m, is_async) for m in g.methods)
        return out

    def attrs(is_async: bool) -> str:
        out = ""
        for g in groups:
            cls = g.async_ if is_async else g.sync
            out += f"    @property\n    def {g.name}(self) -> {cls}: ...\n"
        return out

    stub = HEADER.replace("{sync_groups}", attrs(False)).replace("{async_groups}", attrs(True))
    native_names = [
        "__version__",
        "AsyncClient",
        "Client",
        *sorted([g.sync for g in groups] + [g.async_ for g in groups]),
        *sorted(models),
        *sorted(WRAPPERS | {"UnknownEvent"}),
        "Verifier",
        "Sandbox",
        "fingerprint_to_json",
        "fingerprint_from_json",
        "fingerprint_of",
        "webhook_verify",
        "webhook_parse",
        "_panic_for_tests",
    ]
    stub = stub.replace("{all_names}", "".join(f'    "{n}",\n' for n in native_names).rstrip("\n"))
    stub += group_block(False) + group_block(True)
    for model in models.values():
        stub += "\n" + model_stub(types, model)

    model_names = sorted(models) + sorted(WRAPPERS | {"UnknownEvent"})
    group_names = [g.sync for g in groups] + [g.async_ for g in groups]
    init_block = "from ._native import (\n"
    init_block += "".join(f"    {n} as {n},\n" for n in ["AsyncClient", "Client"])
    init_block += "".join(f"    {n} as {n},\n" for n in sorted(group_names))
    init_block += "".join(f"    {n} as {n},\n" for n in model_names)
    init_block += ")\n\n__all__ = [\n"
    # `p100.TimeoutError` stays out of `from p100 import *`: it would hide the built-in one,
    # which `asyncio.wait_for` raises, so `except TimeoutError:` would stop catching that.
    starred = [e for e in ERRORS if e not in SHADOWS_BUILTIN]
    fixed = ["webhooks", "types", "__version__", *OUTCOME_NAMES, *starred]
    init_block += "".join(f'    "{n}",\n' for n in fixed)
    init_block += "".join(f'    "{n}",\n' for n in ["AsyncClient", "Client", *sorted(group_names)])
    init_block += "".join(f'    "{n}",\n' for n in model_names)
    init_block += "]\n"

    hooks_block = "from ._native import (\n"
    hooks_block += "".join(f"    {cls} as {cls},\n" for _, cls in events)
    hooks_block += ")\n\n#: The snake_case name of every typed event, by class.\n"
    hooks_block += "EVENT_NAMES: dict[type, str] = {\n"
    hooks_block += "".join(f'    {cls}: "{name}",\n' for name, cls in events)
    hooks_block += '    UnknownEvent: "unknown",\n}\n\n'
    hooks_block += textwrap.dedent(
        """\
        # `typing` is for type checkers only (it was half the time of `import p100`): at run
        # time `WebhookEvent` is built on first use, from `EVENT_NAMES`, by `__getattr__` below.
        TYPE_CHECKING = False
        if TYPE_CHECKING:
            from typing import Union

            WebhookEvent = Union[
        """
    )
    hooks_block += "".join(f"        {cls},\n" for _, cls in events)
    hooks_block += "        UnknownEvent,\n    ]\n"

    outputs = {
        PKG / "_native.pyi": stub,
        PKG / "__init__.py": generated((PKG / "__init__.py").read_text(), "EXPORTS", init_block),
        PKG / "webhooks.py": generated((PKG / "webhooks.py").read_text(), "EVENTS", hooks_block),
    }
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text() != text]
    if args.check:
        if stale:
            print("stale generated files (run scripts/gen_stubs.py):", *stale, sep="\n  ")
            return 1
        print(f"gen_stubs: up to date ({len(models)} models, {len(groups)} groups)")
        return 0
    for p in stale:
        p.write_text(outputs[p])
        print("wrote", p.relative_to(HERE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
