"""The core reads no clock, no environment and no files.

Two tests, which complement each other:

* at run time, every core call is made again with the clock
  (``datetime.now/utcnow/today``, ``date.today``, ``time.time``), file opening
  (``open``, ``io.open``) and the environment (``os.environ``, hence
  ``os.getenv``) made to raise, and must give the same results as before. The
  calls run once unpatched first: package data (the message catalogs, Babel's
  locale data, the bundled policy text) is read on first use and cached, which
  is allowed; reading anything per call is not;
* statically, no module of the core (everything but the CLI modules and the
  catalog compiler) contains a call to ``open``, ``.now``, ``.utcnow``,
  ``.today``, ``time.time`` or a use of ``os.environ``/``os.getenv``, so that
  a cached clock read cannot hide from the run-time test either.

``datetime.date`` is a C type whose methods cannot be replaced, so each
``gdpr_policy`` module's ``dt`` is swapped for a copy of the module whose
``date`` and ``datetime`` are subclasses with poisoned class methods; a
metaclass keeps ``isinstance`` checks against real dates working.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import datetime as real_dt
import io
import os
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import gdpr_policy
from gdpr_policy import (
    compute_deadline,
    evaluate_banner,
    evaluate_consent,
    evaluate_request,
    is_consent_valid,
    lint_policy,
    load_policy,
    parse_consent_record,
    parse_request,
    read_banner,
    render_message,
)
from gdpr_policy._policy import bundled_policy_text
from gdpr_policy.report import FORMATS, PolicyRef, Report, render

SRC = Path(gdpr_policy.__file__).resolve().parent
ROOT = SRC.parent.parent
EXAMPLES = ROOT / "examples" / "banners"
#: Modules that may touch files, streams, the clock and the environment.
ALLOWED = {"cli.py", "_cli_deadline.py", "i18n/compile.py"}
AS_OF = real_dt.date(2026, 11, 30)
AS_OF_TIME = real_dt.datetime(2026, 11, 30, 12, 0, tzinfo=real_dt.UTC)


class Impure(AssertionError):
    """The core reached for the clock, a file or the environment."""


def _refuse(what: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> Any:
        raise Impure(f"core called {what}")

    return refuse


class _RealCheck(type):
    """isinstance/issubclass against the poisoned class test against the real one."""

    real: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls.real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls.real)


class _PoisonedDate(real_dt.date, metaclass=_RealCheck):
    real = real_dt.date
    today = classmethod(_refuse("datetime.date.today()"))  # type: ignore[assignment]


class _PoisonedDateTime(real_dt.datetime, metaclass=_RealCheck):
    real = real_dt.datetime
    today = classmethod(_refuse("datetime.datetime.today()"))  # type: ignore[assignment]
    now = classmethod(_refuse("datetime.datetime.now()"))  # type: ignore[assignment]
    utcnow = classmethod(_refuse("datetime.datetime.utcnow()"))  # type: ignore[assignment]


def _poisoned_datetime_module() -> types.ModuleType:
    module = types.ModuleType("datetime")
    module.__dict__.update(vars(real_dt))
    module.date = _PoisonedDate  # type: ignore[attr-defined]
    module.datetime = _PoisonedDateTime  # type: ignore[attr-defined]
    return module


class _NoEnvironment(dict[str, str]):
    """os.environ that refuses every access."""

    def __getitem__(self, key: str) -> str:
        raise Impure(f"core read os.environ[{key!r}]")

    def get(self, key: str, default: Any = None) -> Any:
        raise Impure(f"core read os.environ.get({key!r})")

    def __contains__(self, key: object) -> bool:
        raise Impure(f"core tested {key!r} in os.environ")

    def __iter__(self) -> Iterator[str]:
        raise Impure("core iterated os.environ")


@contextlib.contextmanager
def poisoned() -> Iterator[None]:
    """Clock, files and environment raise :class:`Impure` inside the block.

    Not a fixture: pytest itself writes ``os.environ`` between test phases, so
    everything is restored when the block ends.
    """
    fake_dt = _poisoned_datetime_module()
    with pytest.MonkeyPatch.context() as mp:
        for name, module in list(sys.modules.items()):
            if (name == "gdpr_policy" or name.startswith("gdpr_policy.")) and module is not None:
                for attr in ("dt", "datetime"):
                    if getattr(module, attr, None) is real_dt:
                        mp.setattr(module, attr, fake_dt)
        mp.setattr(time, "time", _refuse("time.time()"))
        mp.setattr(time, "time_ns", _refuse("time.time_ns()"))
        mp.setattr(builtins, "open", _refuse("open()"))
        mp.setattr(io, "open", _refuse("io.open()"))
        mp.setattr(os, "environ", _NoEnvironment())
        yield


def _core_calls() -> list[Any]:
    """Every core entry point on realistic input; inputs are read before, results returned."""
    results: list[Any] = []
    policy = load_policy(POLICY_TEXT, source="inmeta.yaml")
    version = policy.at(AS_OF)
    lint = lint_policy(policy)
    results += [policy.latest.id, lint]
    findings = list(lint)
    for name, data in BANNERS.items():
        banner = read_banner(data, source=name)
        banner_findings = evaluate_banner(banner, version, AS_OF)
        results += [banner, banner_findings]
        findings += banner_findings
    for received in (real_dt.date(2026, 3, 2), real_dt.datetime(2026, 3, 1, 23, 30, tzinfo=real_dt.UTC)):
        deadline = compute_deadline(received, version)
        results += [deadline, [render_message(s, lang) for s in deadline.steps for lang in ("en", "nb", "sv")]]
    request = parse_request(REQUEST, source="requests.json", pointer="/requests/0")
    results += [request, evaluate_request(request, version, AS_OF), evaluate_request(request, version, AS_OF_TIME)]
    record = parse_consent_record(CONSENT, source="consents.json", pointer="/records/0")
    results += [record, evaluate_consent(record, version, AS_OF_TIME), is_consent_valid(record, version, AS_OF_TIME)]
    report = Report(policy=PolicyRef.of(version), command="banner", findings=tuple(findings))
    for fmt in FORMATS:
        for lang in ("en", "nb", "sv"):
            results.append(render(report, fmt, lang))
    return results


POLICY_TEXT = bundled_policy_text()
BANNERS = {
    p.relative_to(ROOT).as_posix(): p.read_bytes()
    for p in sorted(EXAMPLES.rglob("*"))
    if p.suffix in (".js", ".json", ".yaml")
}
REQUEST = {
    "id": "r1",
    "type": "access",
    "channel": "email",
    "received_at": "2026-03-02T10:00+01:00",
    "subject": {"name": "Kari Nordmann", "email": "kari@example.no"},
    "record": {"matches": 1, "name": "Kari Nordmann", "emails": ["kari@example.no"]},
}


CONSENT = {
    "subject": "contact-1",
    "id": "rec-1",
    "given_at": "2025-03-01T10:00:00+01:00",
    "purposes": ["analytics", "email-marketing"],
    "method": "ticked-box",
    "pre_ticked": False,
    "separate_choices": True,
    "notice": {
        "id": "signup-form",
        "version": "3",
        "controller_identity": True,
        "purposes": ["analytics"],  # leaves one out: a finding to render
        "data_types": ["name", "email"],
        "right_to_withdraw": True,
    },
    "processing": [{"at": "2026-11-29T09:00+01:00", "purpose": "email-marketing"}],
}


def test_the_poison_detects_each_kind_of_access() -> None:
    from gdpr_policy import cli

    with poisoned():
        with pytest.raises(Impure, match=r"date\.today"):
            cli.parse_as_of(None)  # the CLI's own clock read, through a gdpr_policy module
        with pytest.raises(Impure, match="now"):
            cli.dt.datetime.now()
        with pytest.raises(Impure, match=r"time\.time"):
            time.time()
        with pytest.raises(Impure, match="open"):
            open(__file__)  # noqa: SIM115
        with pytest.raises(Impure, match="environ"):
            os.getenv("HOME")
        # Dates still behave as dates.
        assert isinstance(real_dt.date(2026, 1, 1), cli.dt.date)
        assert cli.dt.date.fromisoformat("2026-03-02") == real_dt.date(2026, 3, 2)
    assert os.environ is not None and callable(time.time)


def test_core_calls_are_pure() -> None:
    expected = _core_calls()  # warm-up: package data is read and cached here
    with poisoned():
        actual = _core_calls()
    assert actual == expected
    assert len(expected) > 40


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def _impure_uses(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in ("open", "io.open", "os.open", "builtins.open", "time.time", "time.time_ns", "os.getenv"):
                yield node.lineno, f"{name}("
            elif isinstance(node.func, ast.Attribute) and node.func.attr in ("now", "utcnow", "today"):
                yield node.lineno, f".{node.func.attr}("
        elif isinstance(node, ast.Attribute) and _dotted(node) in ("os.environ", "os.environb"):
            yield node.lineno, _dotted(node)
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "time"):
            for alias in node.names:
                if alias.name in ("environ", "getenv", "time", "time_ns"):
                    yield node.lineno, f"from {node.module} import {alias.name}"


CORE_MODULES = sorted(
    p for p in SRC.rglob("*.py") if p.relative_to(SRC).as_posix() not in ALLOWED
)


def test_the_static_scan_finds_what_it_looks_for() -> None:
    source = (
        "import os, time, datetime as dt\nopen('x')\ndt.date.today()\nx = os.environ\n"
        "time.time()\nos.getenv('A')\ndt.datetime.now(dt.UTC)\nfrom os import environ\n"
    )
    assert sorted(line for line, _ in _impure_uses(ast.parse(source))) == [2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_core_module_has_no_clock_file_or_environment_access(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in _impure_uses(tree)]
    assert not found, "\n".join(found)
