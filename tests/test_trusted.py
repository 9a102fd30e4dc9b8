"""construct(): a model built without validation equals the validated one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gdpr_policy import _trusted
from gdpr_policy._messages import Location, Message
from gdpr_policy._rules import Finding, Severity

FIELDS: list[tuple[type[Any], dict[str, Any]]] = [
    (Location, {"file": "c.jsonl", "line": 3, "column": None, "pointer": None}),
    (Message, {"code": "audit.x", "values": {"n": 2, "at": dt.date(2024, 2, 29)}}),
    (
        Finding,
        {
            "rule": "marketing.no-basis",
            "severity": Severity.ERROR,
            "subject": "record:1",
            "message": Message(code="audit.x", values={"n": 2}),
            "location": Location(file="c.jsonl", line=3),
            "evidence": {"send_ids": ["S1", "S2"], "first_send_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
            "legal": (),
            "statement": (),
        },
    ),
]


def test_the_direct_way_is_taken_with_this_pydantic() -> None:
    # if a pydantic upgrade turns this off, audits get slower, never wrong
    assert _trusted.DIRECT
    assert _trusted.construct is _trusted._direct


@pytest.mark.parametrize("build", [_trusted._direct, _trusted._public])
@pytest.mark.parametrize(("cls", "fields"), FIELDS, ids=lambda v: getattr(v, "__name__", ""))
def test_construct_equals_the_validated_model(build: Any, cls: type[Any], fields: dict[str, Any]) -> None:
    fast, slow = build(cls, dict(fields)), cls(**fields)
    assert fast == slow
    if cls is Location:  # the others hold dicts: unhashable either way
        assert hash(fast) == hash(slow)
    assert fast.model_dump_json() == slow.model_dump_json()
    assert list(fast.model_dump()) == list(slow.model_dump())  # the same field order
    assert fast.model_fields_set == slow.model_fields_set
    assert repr(fast) == repr(slow)


def test_the_fields_set_is_shared_and_never_changed_in_place() -> None:
    a = _trusted.construct(Location, {"file": "a", "line": 1, "column": None, "pointer": None})
    b = _trusted.construct(Location, {"file": "b", "line": 2, "column": None, "pointer": None})
    assert a.model_fields_set == {"file", "line", "column", "pointer"}
    shared = set(a.model_fields_set)
    c = a.model_copy(update={"line": 5})
    d = a.model_copy(deep=True)
    assert (c.line, d.line) == (5, 1)
    assert a.model_fields_set == b.model_fields_set == shared
    assert c.model_fields_set is not a.model_fields_set


def test_a_probe_that_differs_turns_the_direct_way_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(cls: type[Any], fields: dict[str, Any]) -> Any:
        m = _trusted._direct(cls, fields)
        object.__setattr__(m, "__pydantic_fields_set__", set())
        return m

    monkeypatch.setattr(_trusted, "_direct", broken)
    assert not _trusted._direct_works()
