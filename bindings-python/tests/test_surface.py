"""The Python surface covers the core: every model, every operation of the manifest, fresh stubs."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from typing import Any

import pytest

import p100
from _sandbox import ROOT

CORE = ROOT / "core" / "src"
HERE = ROOT / "bindings-python"
# Every operation of the API, with its name in each language (from core/src/routes.rs).
MANIFEST = ROOT / "tests" / "operations.json"


def core_models() -> set[str]:
    names: set[str] = set()
    for path in [*list((CORE / "models").glob("*.rs")), CORE / "webhooks" / "events.rs"]:
        names.update(
            re.findall(
                r"model!\s*\{(?:\s*///[^\n]*|\s*#\[[^\]]*\])*\s*pub struct (\w+)", path.read_text()
            )
        )
    return names


def test_every_model_is_exported() -> None:
    models = core_models()
    assert len(models) > 70
    for name in sorted(models):
        cls = getattr(p100, name)
        assert cls.__module__ == "p100" and cls.__name__ == name
        assert name in p100.__all__
    for name in (
        "Balances",
        "TransactionHistory",
        "ExchangeRates",
        "OrderRates",
        "SepaContacts",
        "UnknownEvent",
        "Client",
        "AsyncClient",
    ):
        assert name in p100.__all__ and hasattr(p100, name)


def operations() -> list[dict[str, Any]]:
    """The operations of the manifest (generated from the core's operation table)."""
    ops: list[dict[str, Any]] = json.loads(MANIFEST.read_text())["operations"]
    assert len(ops) > 50
    return ops


def wait_helpers() -> list[tuple[str, str]]:
    """(operation, Python name of its group's ``wait_for``) of every operation that has one."""
    ops = operations()
    group_path = {op["group"]: op["names"]["python"].rsplit(".", 1)[0] for op in ops}
    out = []
    for op in ops:
        if op["waitFor"]:
            group, helper = op["waitFor"].split(".")
            assert helper == "wait_for", op["waitFor"]
            out.append((op["operation"], f"{group_path[group]}.wait_for"))
    assert out
    return out


def resolve(client: object, name: str) -> object:
    """``client.sepa.partner_transfer`` on ``client``; raises AttributeError."""
    head, *path = name.split(".")
    assert head == "client" and path, name
    obj = client
    for part in path:
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("client_class", [p100.Client, p100.AsyncClient])
def test_every_operation_of_the_manifest_is_bound(client_class: type[p100.Client]) -> None:
    client = client_class("key", "http://127.0.0.1:1")
    wanted = [(op["operation"], op["names"]["python"]) for op in operations()] + wait_helpers()
    missing = []
    for operation, name in wanted:
        try:
            method = resolve(client, name)
        except AttributeError:
            missing.append(f"{operation}: {name} is missing")
            continue
        if not callable(method):
            missing.append(f"{operation}: {name} is not callable")
    assert missing == [], f"{client_class.__name__}: " + "; ".join(missing)


def stub_classes() -> dict[str, ast.ClassDef]:
    """The classes of the shipped stub ``p100/_native.pyi``, by name."""
    import importlib.resources

    text = importlib.resources.files("p100").joinpath("_native.pyi").read_text()
    tree = ast.parse(text)
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


@pytest.mark.parametrize("client_class", ["Client", "AsyncClient"])
def test_the_stub_declares_every_operation_of_the_manifest(client_class: str) -> None:
    """``client.<group>`` is a property typed with a group class that declares the method
    (``async def`` on ``AsyncClient``)."""
    classes = stub_classes()
    want = ast.AsyncFunctionDef if client_class == "AsyncClient" else ast.FunctionDef

    def members(cls: ast.ClassDef) -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
        out: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        for node in cls.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.setdefault(node.name, []).append(node)
        return out

    def declared(name: str) -> str | None:
        """Why ``name`` is not declared, or None."""
        _client, *path = name.split(".")
        cls = classes[client_class]
        for i, part in enumerate(path):
            defs = members(cls).get(part)
            if not defs:
                return f"{cls.name} declares no {part}"
            if i == len(path) - 1:
                if not all(isinstance(d, want) for d in defs):
                    return f"{cls.name}.{part} is not an {want.__name__}"
                return None
            prop = defs[0]
            decorators = {d.id for d in prop.decorator_list if isinstance(d, ast.Name)}
            returns = prop.returns
            if "property" not in decorators or not isinstance(returns, ast.Name):
                return f"{cls.name}.{part} is not a property typed with a class"
            if returns.id not in classes:
                return f"{cls.name}.{part} is typed {returns.id}, which the stub does not declare"
            cls = classes[returns.id]
        return None

    wanted = [(op["operation"], op["names"]["python"]) for op in operations()] + wait_helpers()
    problems = [f"{op}: {why}" for op, name in wanted if (why := declared(name))]
    assert problems == [], "; ".join(problems)


def test_generated_stubs_are_up_to_date() -> None:
    r = subprocess.run(
        [sys.executable, str(HERE / "scripts" / "gen_stubs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_typed_package() -> None:
    import importlib.resources

    files = importlib.resources.files("p100")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("_native.pyi").is_file()


def test_kinds_outcomes_and_events_match_the_manifest() -> None:
    """Error kinds, outcomes and webhook event names are the core's (listed in the manifest)."""
    manifest = json.loads(MANIFEST.read_text())
    assert list(p100.OUTCOMES) == manifest["outcomes"]
    kinds = {
        getattr(p100, name).default_kind
        for name in dir(p100)
        if isinstance(getattr(p100, name), type) and issubclass(getattr(p100, name), p100.P100Error)
    }
    assert set(manifest["errorKinds"]) <= kinds
    events = [n for n in p100.webhooks.EVENT_NAMES.values() if n != "unknown"]
    assert events == manifest["webhookEvents"]


def test_star_import_hides_no_builtin() -> None:
    """`from p100 import *` must leave `TimeoutError` the built-in one (which `asyncio.wait_for`
    raises); `p100.TimeoutError` is still there by its qualified name."""
    import builtins

    scope: dict[str, Any] = {}
    exec("from p100 import *", scope)
    shadowed = sorted(n for n in scope if not n.startswith("__") and hasattr(builtins, n))
    assert shadowed == [], shadowed
    assert issubclass(p100.TimeoutError, p100.P100Error)
    assert not issubclass(p100.TimeoutError, builtins.TimeoutError)
    assert all(hasattr(p100, name) for name in p100.__all__)


def test_import_p100_leaves_typing_for_first_use() -> None:
    """`typing` (with the `re` and `enum` it imports) took half the time of `import p100`: the
    package imports it only when `p100.types`, `p100.Outcome`, `p100.Fingerprint` or
    `p100.webhooks.WebhookEvent` is first used, and each of them is then the typed object."""
    code = """
import sys
import p100, p100.webhooks
lazy = [m for m in ("typing", "re", "enum", "decimal", "p100.types") if m in sys.modules]
assert not lazy, f"imported by `import p100`: {lazy}"
import typing
assert typing.get_args(p100.Outcome) == tuple(
    typing.Literal[o] for o in ("not_sent", "rejected", "unknown", "accepted")
), p100.Outcome
assert p100.Fingerprint.__required_keys__ >= {"operation", "amount", "sent_at_ms"}
assert p100.Fingerprint.__optional_keys__ == {"accepted"}, p100.Fingerprint.__optional_keys__
assert p100.types.Outcome is p100.Outcome and p100.types.Fingerprint is p100.Fingerprint
events = typing.get_args(p100.webhooks.WebhookEvent)
assert events == tuple(p100.webhooks.EVENT_NAMES), events
namespace = {}
exec("from p100 import *; from p100.webhooks import *", namespace)
assert {"Outcome", "Fingerprint", "types", "WebhookEvent", "Client"} <= set(namespace)
try:
    p100.Clinet
except AttributeError as e:
    assert "Clinet" in str(e)
else:
    raise AssertionError("p100.Clinet did not raise AttributeError")
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_module_imports_with_the_typing_of_python_3_9() -> None:
    """The package says it runs on Python 3.9 (`requires-python`), and CI has only a newer
    Python: so every module is imported here with `typing` as 3.9 has it (the names it gained
    since removed). `p100.types` imported `NotRequired` (3.11), which failed on 3.9 and 3.10."""
    code = """
import importlib, sys, types, typing
newer = (
    "NotRequired", "Required", "Self", "LiteralString", "Never", "assert_never", "assert_type",
    "reveal_type", "TypeVarTuple", "Unpack", "dataclass_transform", "get_overloads",
    "clear_overloads", "TypeAlias", "ParamSpec", "ParamSpecArgs", "ParamSpecKwargs",
    "Concatenate", "TypeGuard", "is_typeddict", "TypeAliasType", "TypeIs", "ReadOnly",
    "override", "get_protocol_members", "is_protocol", "NoDefault", "evaluate_forward_ref",
)
import pytest  # (what the pytest plugin imports: not ours, imported with the real `typing`)
# A copy of `typing` without them stands in for it (`typing` itself keeps using them).
as_in_3_9 = types.ModuleType("typing")
as_in_3_9.__dict__.update({k: v for k, v in vars(typing).items() if k not in newer})
sys.modules["typing"] = as_in_3_9
try:
    from typing import NotRequired
except ImportError:
    pass
else:
    raise AssertionError("typing.NotRequired still importable")
import p100
for module in ("types", "webhooks", "testing", "pytest_plugin", "_aio", "_errors"):
    importlib.import_module(f"p100.{module}")
assert p100.Fingerprint.__optional_keys__ == {"accepted"}
assert p100.Outcome is not None
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
