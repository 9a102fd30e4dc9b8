"""The report every findings-producing command hands to a renderer.

A :class:`Report` is what ``lint``, ``banner`` and ``audit`` know at the end of
a run: the tool, the policy version judged against, the sorted findings, which
rules were evaluated, and for each input file how many records were read,
evaluated and rejected (with the reason for every rejection). The summary is
derived from those, never given, so it cannot disagree with them.

Findings are kept in the documented stable order (:meth:`Finding.sort_key`:
file, line, column, pointer, rule, subject); findings equal on that key are
ordered by their canonical JSON, so the order of records in an input never
changes the output.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from .._errors import UsageError
from .._rules import Finding, Severity
from .._version import __version__

if TYPE_CHECKING:
    from .._policy import PolicyVersion

__all__ = [
    "EXIT_CLEAN",
    "EXIT_FINDINGS",
    "EXIT_REJECTED",
    "FailOn",
    "InputStats",
    "PolicyRef",
    "Rejection",
    "Report",
    "Summary",
    "ToolInfo",
    "audit_exit_code",
    "exit_code",
]

FailOn = Literal["error", "warning", "never"]

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_REJECTED = 3

TOOL_NAME = "gdpr-policy"
NO_FILE = "<input>"


class ToolInfo(BaseModel):
    """The tool that made the report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = TOOL_NAME
    version: str = __version__
    #: the audit engine that folded the send log (``python``, ``duckdb``, an Ibis backend's
    #: name); ``None`` for commands that have no engine to choose
    engine: str | None = None


class PolicyRef(BaseModel):
    """The policy version a report judged against.

    ``source`` says where the policy came from, for the first line of the text
    report: the path given with ``--policy``, or ``None`` for the bundled one
    (``given`` false). It is not part of the JSON documents.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    version: str
    source: str | None = Field(default=None, exclude=True)
    given: bool | None = Field(default=None, exclude=True)
    #: promise -> the clauses of this version's statement that make it (for the rule
    #: metadata of rules that did not fire); the JSON documents name only id and version
    promised: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    #: the countries of the version's jurisdictions, whose national law a rule's
    #: metadata cites (``Rule.legal_for``); empty for a report read back from JSON
    countries: tuple[str, ...] = ()

    @classmethod
    def of(cls, policy: PolicyVersion, source: str | None = None, *, given: bool | None = None) -> PolicyRef:
        """The reference of a loaded policy version (``given``: named on the command line)."""
        from .._refs import Promise

        promised = {
            p.value: tuple(str(c) for c in policy.clauses_for((p,))) for p in Promise
        }
        countries = tuple(sorted({j.code for j in policy.jurisdictions}))
        return cls(id=policy.id, version=policy.version, source=source, given=given,
                   promised=promised, countries=countries)

    def __eq__(self, other: object) -> bool:
        # ``promised`` is derived from the policy the id and version name, and a report read
        # back from JSON has none: two references to the same version are equal.
        if not isinstance(other, PolicyRef):
            return NotImplemented
        return (self.id, self.version, self.source, self.given) == (
            other.id, other.version, other.source, other.given)

    def __hash__(self) -> int:
        return hash((self.id, self.version, self.source, self.given))

    def clauses(self, promises: tuple[str, ...]) -> tuple[str, ...]:
        """The clauses that make these promises, cited as the policy version cites them."""
        from .._refs import in_promise_order

        return in_promise_order(self.promised.get(p, ()) for p in promises)


class Rejection(BaseModel):
    """A record that could not be evaluated: where it is and why.

    ``reason`` is the one-line text of the :class:`~gdpr_policy.RecordError`
    (field, expected, found); it is shown as given.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: int | None = Field(default=None, ge=1)
    column: int | None = Field(default=None, ge=1)
    pointer: str | None = None
    reason: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """File, line, column, pointer, reason."""
        return (self.file, self.line or 0, self.column or 0, self.pointer or "", self.reason)


class InputStats(BaseModel):
    """The reconciliation of one input file: ``read == evaluated + rejected``.

    Every rejected record has at least one :class:`Rejection` in ``problems``
    (a record may have more than one), and a file with no rejected record has
    none, so nothing is dropped silently.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    read: int = Field(ge=0)
    evaluated: int = Field(ge=0)
    rejected: int = Field(ge=0)
    problems: tuple[Rejection, ...] = ()

    @field_validator("problems")
    @classmethod
    def _sort_problems(cls, value: tuple[Rejection, ...]) -> tuple[Rejection, ...]:
        return tuple(sorted(value, key=Rejection.sort_key))

    @model_validator(mode="after")
    def _reconcile(self) -> InputStats:
        if self.read != self.evaluated + self.rejected:
            raise ValueError(
                f"{self.file}: records do not reconcile: read {self.read} != "
                f"evaluated {self.evaluated} + rejected {self.rejected}"
            )
        if self.rejected and not self.problems:
            raise ValueError(f"{self.file}: {self.rejected} records rejected with no reason given")
        if self.problems and not self.rejected:
            raise ValueError(f"{self.file}: problems listed but no record rejected")
        for problem in self.problems:
            if problem.file != self.file:
                raise ValueError(f"{self.file}: a problem of {problem.file} listed under it")
        return self


class Summary(BaseModel):
    """Counts derived from a report: by severity, by rule, files, and records.

    ``by_rule`` has every evaluated rule, with 0 for those that did not fire;
    ``files`` counts the input files and the files findings point at;
    ``files_with_findings`` the latter (findings without a file are in neither).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    command: str
    findings: int
    by_severity: dict[str, int]
    by_rule: dict[str, int]
    files: int
    files_with_findings: int
    read: int
    evaluated: int
    rejected: int


class _Tiebreak:
    """Orders findings equal on ``sort_key`` by their canonical JSON, computed only then."""

    __slots__ = ("_finding", "_text")

    def __init__(self, finding: Finding) -> None:
        self._finding = finding
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = canonical_json(self._finding.model_dump(mode="python"))
        return self._text

    def __lt__(self, other: _Tiebreak) -> bool:
        return self.text < other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Tiebreak) and self.text == other.text

    __hash__ = None  # type: ignore[assignment]


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings in the documented stable order, independent of input order."""
    return tuple(sorted(findings, key=lambda f: (f.sort_key(), _Tiebreak(f))))


class Report(BaseModel):
    """Everything a renderer needs: tool, policy, command, findings, rules and inputs.

    ``rules`` lists the ids of the rules that were evaluated (the command's
    area), so that JUnit and SARIF can show the rules that passed; the ids of
    the findings are always added to it. ``inputs`` holds one
    :class:`InputStats` per input file, sorted by file. Build reports with the
    constructor or ``model_validate``: ``model_copy(update=...)`` skips the
    validation that sorts findings and completes ``rules``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: ToolInfo = Field(default_factory=ToolInfo)
    policy: PolicyRef
    command: str
    findings: tuple[Finding, ...] = ()
    # validated even when left out, so that it always holds the findings' rules
    rules: tuple[str, ...] = Field(default=(), validate_default=True)
    inputs: tuple[InputStats, ...] = ()
    #: the controller's IANA time zone: the reports for people show times in it
    timezone: str | None = None
    #: an audit's requests by how they stand against their deadlines (``early``, ``on-time``,
    #: ``late``, ``overdue``, ``open``, ``withdrawn``; see
    #: :func:`gdpr_policy.requests.answer_timing`); ``None`` when no request log was judged
    request_timing: dict[str, int] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            from .._zones import zone_of

            try:
                zone_of(value)
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _check_given_summary(cls, data: Any, handler: ModelWrapValidatorHandler[Report]) -> Report:
        # A dumped report carries its summary; accept it back only if it is the derived one.
        given = None
        if isinstance(data, Mapping) and "summary" in data:
            data = dict(data)
            given = data.pop("summary")
        report = handler(data)
        if given is not None:
            derived = report.summary
            if not isinstance(given, Summary):
                given = Summary.model_validate(given)
            if given != derived:
                raise ValueError("the summary is derived from the findings and inputs; it differs")
        return report

    @field_validator("findings")
    @classmethod
    def _sort_findings(cls, value: tuple[Finding, ...]) -> tuple[Finding, ...]:
        return sort_findings(value)

    @field_validator("inputs")
    @classmethod
    def _sort_inputs(cls, value: tuple[InputStats, ...]) -> tuple[InputStats, ...]:
        files = [i.file for i in value]
        if len(set(files)) != len(files):
            raise ValueError("each input file may be listed once")
        return tuple(sorted(value, key=lambda i: i.file))

    @field_validator("rules")
    @classmethod
    def _complete_rules(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        findings: tuple[Finding, ...] = info.data.get("findings", ())
        return tuple(sorted(set(value) | {f.rule for f in findings}))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> Summary:
        """Counts by severity and rule, file counts and record totals.

        Computed on each access (not cached), so a ``model_copy(update=...)``
        can never carry a stale summary; read it once per rendering.
        """
        by_sev = Counter(f.severity.value for f in self.findings)
        by_rule = Counter(f.rule for f in self.findings)
        # a finding without a file (about the policy as a whole) names no file to count
        finding_files = {f.location.file for f in self.findings if f.location and f.location.file}
        all_files = finding_files | {i.file for i in self.inputs}
        return Summary(
            command=self.command,
            findings=len(self.findings),
            by_severity={s.value: by_sev.get(s.value, 0) for s in Severity},
            by_rule={r: by_rule.get(r, 0) for r in self.rules},
            files=len(all_files),
            files_with_findings=len(finding_files),
            read=sum(i.read for i in self.inputs),
            evaluated=sum(i.evaluated for i in self.inputs),
            rejected=sum(i.rejected for i in self.inputs),
        )

    @property
    def nothing_read(self) -> bool:
        """Whether the report had inputs but evaluated none of their records."""
        return bool(self.inputs) and not any(i.evaluated for i in self.inputs)

    @property
    def problems(self) -> tuple[Rejection, ...]:
        """Every rejected record's problem, by file then line."""
        return tuple(p for i in self.inputs for p in i.problems)

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of the report (inputs and finding locations), sorted."""
        return tuple(
            sorted({i.file for i in self.inputs} | {finding_file(f) for f in self.findings})
        )


def finding_file(finding: Finding) -> str:
    """The file of a finding, or ``<input>`` when it has none."""
    if finding.location is None or not finding.location.file:
        return NO_FILE
    return finding.location.file


def failing(fail_on: FailOn) -> Callable[[Finding], bool]:
    """Whether a finding reaches ``fail_on`` (``never``: none does); a bad value is refused.

    The one reading of ``--fail-on``: the exit code and JUnit's failed test cases
    agree because both ask it.
    """
    if fail_on not in get_args(FailOn):
        raise UsageError(f"fail-on must be one of error, warning, never, got {fail_on!r}")
    if fail_on == "never":
        return lambda f: False
    threshold = Severity(fail_on).rank
    return lambda f: f.severity.rank >= threshold


def exit_code(report: Report, fail_on: FailOn = "error") -> int:
    """0 when no finding reaches ``fail_on``, 1 when one does; ``never`` always gives 0."""
    fails = failing(fail_on)
    return EXIT_FINDINGS if any(map(fails, report.findings)) else EXIT_CLEAN


def audit_exit_code(report: Report, fail_on: FailOn = "error") -> int:
    """The audit's exit code: 3 when any record was rejected or none was evaluated, else as
    :func:`exit_code`.

    Rejections win over findings: the findings for the other records are still
    reported, but the answer is incomplete, which CI must not mistake for a
    plain failure (1) or a pass (0). Inputs that held no record at all (an
    empty send log, a header-only export) are no answer either: nothing was
    judged, so "no findings" would be a pass nobody earned. ``fail_on``
    silences neither.
    """
    code = exit_code(report, fail_on)
    if any(i.rejected for i in report.inputs) or report.nothing_read:
        return EXIT_REJECTED
    return code


_PLAIN = frozenset({str, int, bool, type(None)})
_STR = frozenset({str})


def jsonable(value: Any) -> Any:
    """A message or evidence value as plain JSON: ISO dates, sorted keys, finite numbers."""
    kind = type(value)
    if kind in _PLAIN:  # the common cases first, without a call per item: an audit's
        return value  # report holds tens of thousands of evidence dicts
    if kind is dict and set(map(type, value)) <= _STR:
        return {k: v if type(v) in _PLAIN else jsonable(v) for k, v in sorted(value.items())}
    if (kind is list or kind is tuple) and set(map(type, value)) <= _PLAIN:
        return list(value)
    if kind is dt.datetime or kind is dt.date:
        return value.isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    # subclasses (enums ...) as their plain value; bool before int, as bool is an int
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        # NaN and infinity are not JSON; keep them readable instead of failing
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        if isinstance(value, set | frozenset):
            items.sort(key=canonical_json)
        return items
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump(mode="python"))
    return str(value)


# one encoder for every call (json.dumps with options builds a new one each time)
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def canonical_json(value: Any) -> str:
    """One compact, key-sorted JSON text of a value (for ordering and comparison)."""
    return _CANONICAL(jsonable(value))
