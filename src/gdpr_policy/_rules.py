"""Rules, findings and the registry every area adds its rules to.

A :class:`Rule` is metadata (id, severity, message code, legal references and the
statement promises it checks, an optional effective window) plus one pure ``check`` function
``check(subject, ctx) -> Iterable[Finding]``. ``check`` reads nothing but its
arguments: the policy version and ``as_of`` come in the :class:`Context`.

Areas register their rules at import time with :func:`rule`; the registry is
the single list the catalog, SARIF metadata and ``gdpr-policy rules`` read.
Rule ids are ``area.kebab-name``; message codes default to the rule id, and
the catalogs also hold ``<id>.title`` and ``<id>.help``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, PrivateAttr, field_validator

from ._errors import EvaluationError, GdprPolicyError, UsageError
from ._messages import Location, Message, MessageValue
from ._national import EPRIVACY_COOKIES, NATIONAL_LAW
from ._policy import PolicyVersion
from ._refs import LegalRef, Promise, StatementRef

__all__ = [
    "REGISTRY",
    "Context",
    "Finding",
    "Registry",
    "Rule",
    "Severity",
    "rule",
]

_RULE_ID = re.compile(r"^[a-z]+(?:-[a-z]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")

T = TypeVar("T")


class Severity(StrEnum):
    """How bad a finding is; ``error`` fails CI by default."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """Higher is more severe: note 1, warning 2, error 3."""
        return {"note": 1, "warning": 2, "error": 3}[self.value]


class Finding(BaseModel):
    """One violation or observation: what fired, about what, where, why, and the law.

    ``evidence`` holds the fields and dates that made the rule fire, so that a
    reader can check the conclusion without re-running the rule.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    severity: Severity
    subject: str
    message: Message
    location: Location | None = None
    evidence: dict[str, MessageValue] = Field(default_factory=dict)
    legal: tuple[LegalRef, ...] = ()
    statement: tuple[StatementRef, ...] = ()

    def sort_key(self) -> tuple[Any, ...]:
        """The documented, stable order of findings: file, line, column, rule, subject."""
        loc = self.location or Location()
        return (
            loc.file or "",
            loc.line or 0,
            loc.column or 0,
            loc.pointer or "",
            self.rule,
            self.subject,
        )


class Context(BaseModel):
    """What a rule may know besides its subject: the policy version and the time.

    ``as_of`` is always explicit; the library has no clock. ``policy`` is taken
    as it is: pydantic runs a model's after-validators again on an instance
    passed to a field, and re-checking a whole policy version cost 0.4 ms per
    context (one per request in the audit, one per consent decision).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    policy: InstanceOf[PolicyVersion]
    as_of: dt.date | dt.datetime
    source: str | None = None

    @property
    def as_of_date(self) -> dt.date:
        """``as_of`` as a date (a date-time is taken on its own calendar day)."""
        if isinstance(self.as_of, dt.datetime):
            return self.as_of.date()
        return self.as_of


class Rule(BaseModel, Generic[T]):
    """A rule: metadata plus a pure ``check(subject, ctx)`` that yields findings."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    id: str
    severity: Severity
    legal: tuple[LegalRef, ...]
    promises: tuple[Promise, ...] = ()
    message: str = ""
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    check: Callable[[T, Context], Iterable[Finding]] = Field(exclude=True, repr=False)
    _legal_cache: dict[frozenset[str], tuple[LegalRef, ...]] = PrivateAttr(default_factory=dict)
    _legal_last: tuple[object, tuple[LegalRef, ...]] | None = PrivateAttr(default=None)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _RULE_ID.match(value):
            raise ValueError(f"rule ids are 'area.kebab-name', got {value!r}")
        return value

    @property
    def area(self) -> str:
        """The part of the id before the dot: ``consent``, ``banner``, ``request`` ..."""
        return self.id.split(".", 1)[0]

    @property
    def message_code(self) -> str:
        """The code of the finding message (the rule id unless set)."""
        return self.message or self.id

    @property
    def title_code(self) -> str:
        """The code of the rule's short title in the catalogs."""
        return f"{self.id}.title"

    @property
    def help_code(self) -> str:
        """The code of the rule's help text in the catalogs."""
        return f"{self.id}.help"

    def in_force(self, on: dt.date) -> bool:
        """Whether the rule applies on a day (its effective window, if any)."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return not (self.effective_until is not None and on > self.effective_until)

    def clauses(self, policy: PolicyVersion) -> tuple[StatementRef, ...]:
        """The clauses of ``policy``'s statement that make this rule's promises."""
        return policy.clauses_for(self.promises)

    def legal_for(self, policy: PolicyVersion) -> tuple[LegalRef, ...]:
        """The rule's citations that apply under ``policy``: EU law, and the national law
        of the countries the policy's jurisdictions name (a Swedish-only policy is not
        judged under the Norwegian act), and beside the ePrivacy Directive's cookie rule the
        act that carries it in each of the policy's countries (``DE TDDDG § 25``)."""
        # Asked once per finding (73k in the audit benchmark): the last answer is kept with
        # the jurisdictions it was worked out from, which a copy of the policy shares
        last = self._legal_last
        if last is not None and last[0] is policy.jurisdictions:
            return last[1]
        found = self.legal_in(j.code for j in policy.jurisdictions)
        self._legal_last = (policy.jurisdictions, found)
        return found

    def legal_in(self, countries: Iterable[str]) -> tuple[LegalRef, ...]:
        """The rule's citations of EU law and of the national law of ``countries``."""
        key = frozenset(countries)
        found = self._legal_cache.get(key)
        if found is None:
            found = self._legal_cache[key] = self._legal_under(tuple(sorted(key)))
        return found

    def _legal_under(self, countries: tuple[str, ...]) -> tuple[LegalRef, ...]:
        # A rule that cites the national acts carrying the ePrivacy Directive's cookie rule
        # (the banner rules) cites that act of each of the policy's countries, after the
        # directive; a rule citing only the directive stays as it is.
        cited = {str(r) for r in self.legal}
        acts = {law.cookie_rule for law in NATIONAL_LAW.values()} - {EPRIVACY_COOKIES}
        national = not cited.isdisjoint(acts)
        out: list[LegalRef] = []
        for r in self.legal:
            if r.country is not None and r.country not in countries:
                continue
            out.append(r)
            if national and str(r) == EPRIVACY_COOKIES:
                for code in sorted(countries):
                    act = NATIONAL_LAW[code].cookie_rule if code in NATIONAL_LAW else None
                    if act is not None and act not in cited and act != EPRIVACY_COOKIES:
                        out.append(LegalRef.parse(act))
        return tuple(out)

    def finding(
        self,
        ctx: Context | PolicyVersion,
        subject: str,
        *,
        location: Location | None = None,
        evidence: Mapping[str, MessageValue] | None = None,
        severity: Severity | None = None,
        message_code: str | None = None,
        **values: MessageValue,
    ) -> Finding:
        """Build a finding of this rule with its message values and evidence.

        ``message_code`` names a variant of the rule's message (``<rule>.<variant>``)
        when one rule says different things in different cases. The finding cites
        the clauses that make the rule's promises in the policy version judged
        under (``ctx.policy``, or ``ctx`` itself when a version is given).
        """
        policy = ctx.policy if isinstance(ctx, Context) else ctx
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            subject=subject,
            message=Message(code=message_code or self.message_code, values=dict(values)),
            location=location,
            evidence=dict(evidence or {}),
            legal=self.legal_for(policy),
            statement=policy.clauses_for(self.promises),
        )

    def evaluate(self, subject: T, ctx: Context) -> list[Finding]:
        """Run the rule on one subject; an unexpected failure becomes ``EvaluationError``."""
        if not self.in_force(ctx.as_of_date):
            return []
        try:
            return list(self.check(subject, ctx))
        except GdprPolicyError:
            raise
        except Exception as exc:  # a bug in a rule must not look like a clean result
            raise EvaluationError(f"rule {self.id} failed: {exc!r}") from exc


class Registry:
    """The ordered set of rules, keyed by id; ids are unique."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule[Any]] = {}

    def add(self, new: Rule[Any]) -> Rule[Any]:
        """Register a rule; a second rule with the same id is a programming error."""
        if new.id in self._rules:
            raise UsageError(f"rule {new.id} is registered twice")
        self._rules[new.id] = new
        return new

    def __getitem__(self, rule_id: str) -> Rule[Any]:
        try:
            return self._rules[rule_id]
        except KeyError:
            raise UsageError(f"no rule with id {rule_id!r}") from None

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[Rule[Any]]:
        return iter(sorted(self._rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self._rules)

    def area(self, name: str) -> list[Rule[Any]]:
        """The rules of one area, sorted by id."""
        return [r for r in self if r.area == name]


#: The registry of every rule in the library.
REGISTRY = Registry()


def rule(
    rule_id: str,
    *,
    severity: Severity = Severity.ERROR,
    legal: Sequence[str | LegalRef],
    promises: Sequence[str] = (),
    message: str = "",
    effective_from: dt.date | None = None,
    effective_until: dt.date | None = None,
    registry: Registry = REGISTRY,
) -> Callable[[Callable[[T, Context], Iterable[Finding]]], Rule[T]]:
    """Declare a rule around its check function and register it.

    ``legal`` takes compact citations (``"GDPR Art. 7(3)"``); they are parsed
    and validated here, so a bad citation fails at import, in every test run.
    """

    def wrap(check: Callable[[T, Context], Iterable[Finding]]) -> Rule[T]:
        made: Rule[T] = Rule(
            id=rule_id,
            severity=severity,
            legal=tuple(x if isinstance(x, LegalRef) else LegalRef.parse(x) for x in legal),
            promises=tuple(Promise(p) for p in promises),
            message=message,
            effective_from=effective_from,
            effective_until=effective_until,
            check=check,
        )
        registry.add(made)
        return made

    return wrap
