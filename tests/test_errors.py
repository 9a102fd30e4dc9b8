from __future__ import annotations

import pickle

import pytest

from gdpr_policy import GdprPolicyError, InputError, Issue, PolicyError, UsageError
from gdpr_policy._errors import HostileInputError, RecordError


def test_issue_formats_file_line_column_path_expected_found() -> None:
    issue = Issue(
        "inmeta.yaml",
        42,
        7,
        "retention[0].after",
        "expected an ISO 8601 duration such as P2Y",
        "'two years'",
    )
    assert (
        str(issue)
        == "inmeta.yaml:42:7: retention[0].after: expected an ISO 8601 duration such as P2Y, got 'two years'"
    )


def test_issue_uses_json_pointer_without_line() -> None:
    issue = Issue(
        "contacts.json",
        None,
        None,
        "email",
        "expected a string",
        "3",
        pointer="/results/4/properties/email",
    )
    assert (
        str(issue) == "contacts.json#/results/4/properties/email: email: expected a string, got 3"
    )


def test_input_error_needs_an_issue_and_joins_lines() -> None:
    with pytest.raises(ValueError, match="at least one issue"):
        InputError([])
    err = PolicyError([Issue("a", 1, 1, "x", "expected 1"), Issue("a", 2, 3, "y", "expected 2")])
    assert str(err).splitlines() == ["a:1:1: x: expected 1", "a:2:3: y: expected 2"]
    assert isinstance(err, InputError)
    assert isinstance(err, GdprPolicyError)


def test_usage_error_is_a_library_error() -> None:
    assert issubclass(UsageError, GdprPolicyError)
    assert issubclass(PolicyError, ValueError)


@pytest.mark.parametrize("cls", [InputError, RecordError, PolicyError, HostileInputError])
def test_located_errors_survive_pickling(cls: type[InputError]) -> None:
    # an error raised in a worker process of the audit reaches the parent by pickle
    err = cls.at("s.jsonl", 3, 7, "status", "SUBSCRIBED or NOT_SUBSCRIBED", "'x'", pointer=None)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert back.issues == err.issues
    assert str(back) == str(err) == "s.jsonl:3:7: status: SUBSCRIBED or NOT_SUBSCRIBED, got 'x'"
