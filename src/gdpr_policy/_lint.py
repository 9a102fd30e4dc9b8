"""Checks of a policy's meaning, beyond what loading validates (``gdpr-policy lint``).

Loading already rejects what is malformed or refers to nothing; these rules
find a policy that is well-formed but contradicts itself or the law: a
consent-based purpose nobody can withdraw from, a consent-requiring tracker
filed under a purpose without consent, a tracker category at odds with its
purposes, contact details that disagree with their own links.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ._messages import Location
from ._policy import Policy, PolicyVersion, Purpose
from ._rules import REGISTRY, Context, Finding, Severity, rule

__all__ = ["PolicyUnderLint", "lint_policy"]


@dataclass(frozen=True, slots=True)
class PolicyUnderLint:
    """One version of a loaded policy, with the way back to its source positions."""

    policy: Policy
    index: int

    @property
    def version(self) -> PolicyVersion:
        """The version being linted."""
        return self.policy.versions[self.index]

    def loc(self, *path: str | int) -> Location:
        """The source position of a path inside this version."""
        return self.policy.location(("versions", self.index, *path))

    def subject(self, what: str) -> str:
        """A subject id: ``<policy>@<version>:<what>``."""
        return f"{self.policy.id}@{self.version.version}:{what}"


# Which purpose kinds fit which tracker category. A tracker contradicts its
# category when one of its purposes is of a kind the category cannot serve.
_CATEGORY_FITS: dict[str, frozenset[str]] = {
    "necessary": frozenset({"service", "security", "legal"}),
    "functional": frozenset({"service", "functional", "security"}),
    "analytics": frozenset({"analytics", "profiling"}),
    "marketing": frozenset({"marketing", "profiling", "analytics"}),
}


@rule(
    "policy.consent-without-withdrawal",
    severity=Severity.ERROR,
    legal=["GDPR Art. 7(3)", "EDPB Guidelines 05/2020 section 5.2"],
    statement=["S04", "S33", "S35"],
)
def _consent_without_withdrawal(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    v = subject.version
    general = v.consent.withdrawal_channels
    for i, p in enumerate(v.purposes):
        if "consent" in (p.basis.value, *p.national_basis) and not p.withdrawal_channels:
            yield _consent_without_withdrawal.finding(
                subject.subject(f"purposes/{p.id}"),
                location=subject.loc("purposes", i),
                evidence={
                    "purpose": p.id,
                    "basis": p.basis.value,
                    "consent_withdrawal_channels": list(general),
                },
                purpose=p.id,
            )


@rule(
    "policy.tracker-basis-mismatch",
    severity=Severity.ERROR,
    legal=[
        "ePrivacy Directive Art. 5(3)",
        "EDPB Cookie Banner Taskforce report practice H",
        "GDPR Art. 6(1)(a)",
    ],
    statement=["S04", "S06"],
)
def _tracker_basis_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    v = subject.version
    purposes = {p.id: p for p in v.purposes}
    for i, t in enumerate(v.trackers):
        if not t.consent_required:
            continue
        for j, pid in enumerate(t.purposes):
            p = purposes[pid]
            if p.basis.value != "consent":
                yield _tracker_basis_mismatch.finding(
                    subject.subject(f"trackers/{t.id}"),
                    location=subject.loc("trackers", i, "purposes", j),
                    evidence={"tracker": t.id, "purpose": p.id, "basis": p.basis.value},
                    tracker=t.id,
                    purpose=p.id,
                    basis=p.basis.value,
                )


def _misfits(category: str, purposes: list[Purpose]) -> list[str]:
    fits = _CATEGORY_FITS[category]
    return [p.id for p in purposes if p.kind not in fits]


@rule(
    "policy.tracker-category-mismatch",
    severity=Severity.ERROR,
    legal=["ePrivacy Directive Art. 5(3)", "EDPB Cookie Banner Taskforce report practice I"],
    statement=["S06"],
)
def _tracker_category_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    v = subject.version
    purposes = {p.id: p for p in v.purposes}
    for i, t in enumerate(v.trackers):
        misfits = _misfits(t.category, [purposes[pid] for pid in t.purposes])
        if misfits:
            yield _tracker_category_mismatch.finding(
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i, "category"),
                evidence={"tracker": t.id, "category": t.category, "purposes": misfits},
                tracker=t.id,
                category=t.category,
                purposes=misfits,
            )
        elif t.category != "necessary" and not t.consent_required:
            # Only strictly necessary storage is exempt from consent (ePD Art. 5(3)).
            yield _tracker_category_mismatch.finding(
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i, "consent_required"),
                evidence={"tracker": t.id, "category": t.category, "consent_required": False},
                tracker=t.id,
                category=t.category,
                purposes=list(t.purposes),
            )


@rule(
    "policy.channel-mismatch",
    severity=Severity.WARNING,
    legal=["GDPR Art. 12(1)", "GDPR Art. 12(2)"],
    statement=["S01", "S34"],
)
def _channel_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    v = subject.version
    for i, ch in enumerate(v.controller.channels):
        if ch.kind != "email" or ch.href is None:
            continue
        target = ch.href.removeprefix("mailto:").split("?", 1)[0]
        if target.lower() != ch.value.lower():
            yield _channel_mismatch.finding(
                subject.subject(f"controller/channels/{ch.id}"),
                location=subject.loc("controller", "channels", i, "href"),
                evidence={"channel": ch.id, "shown": ch.value, "linked": target},
                channel=ch.id,
                shown=ch.value,
                linked=target,
            )


def lint_policy(policy: Policy) -> list[Finding]:
    """Run every ``policy.*`` rule on every version of ``policy``; findings in stable order."""
    findings: list[Finding] = []
    for index, version in enumerate(policy.versions):
        ctx = Context(policy=version, as_of=version.effective_from)
        under = PolicyUnderLint(policy, index)
        for r in REGISTRY.area("policy"):
            findings.extend(r.evaluate(under, ctx))
    return sorted(findings, key=Finding.sort_key)
