"""The Python surface covers the core: every model, every resource method, fresh stubs."""

from __future__ import annotations

import re
import subprocess
import sys

import p100
from _sandbox import ROOT

CORE = ROOT / "core" / "src"
HERE = ROOT / "bindings-python"


def core_models() -> set[str]:
    names: set[str] = set()
    for path in [*list((CORE / "models").glob("*.rs")), CORE / "webhooks" / "events.rs"]:
        names.update(
            re.findall(
                r"model!\s*\{(?:\s*///[^\n]*|\s*#\[[^\]]*\])*\s*pub struct (\w+)", path.read_text()
            )
        )
    return names


def core_methods() -> dict[str, set[str]]:
    src = (CORE / "client" / "resources.rs").read_text()
    accessor = dict(re.findall(r"group!\(\s*(?:///[^\n]*\n\s*)*(\w+),\s*(\w+)\s*\)", src))
    out: dict[str, set[str]] = {}
    for struct, body in re.findall(r"(?ms)^impl (\w+)<'_> \{(.*?)^\}", src):
        out[accessor[struct]] = set(re.findall(r"pub async fn (\w+)", body))
    return out


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


def test_every_resource_method_is_bound_in_both_clients() -> None:
    methods = core_methods()
    assert len(methods) == 10 and sum(map(len, methods.values())) > 50
    sync = p100.Client("key", "http://127.0.0.1:1")
    aio = p100.AsyncClient("key", "http://127.0.0.1:1")
    for group, names in methods.items():
        for name in names:
            assert callable(getattr(getattr(sync, group), name)), f"{group}.{name}"
            assert callable(getattr(getattr(aio, group), name)), f"{group}.{name}"


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
