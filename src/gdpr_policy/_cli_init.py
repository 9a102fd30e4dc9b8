"""The ``init --from-banner`` subcommand: a starting policy for any site, from its banner files.

Checked against the bundled Inmeta policy, another site's clean banner fails
with ``undeclared-tracker`` and ``stale-revision`` errors: the inventory and
the revision are Inmeta's. ``gdpr-policy init --from-banner FILE...`` writes a
policy whose tracker inventory, cookies, categories and revision are those
the banner files configure, so that ``gdpr-policy lint`` and
``gdpr-policy banner --policy`` pass on those files; every value a person must
decide (the controller, the site, contact channels, lawful bases) is a
placeholder marked ``# TODO``.

What the files give:

* one tracker per banner service (cookieconsent service, Klaro service, native
  service), id from the service id, cookies from the service's cookies; the
  category from the service's category kind (necessary, functional,
  analytics, marketing; anything else is functional with a TODO);
* one tracker per category for cookies a category declares that none of its
  services does (``<category>-cookies``);
* one tracker per GTM tag of a known tracker (its table id and vendor);
* ``consent.banner_revision`` from cookieconsent's ``revision`` (the highest);
* ``consent.max_lifetime`` 13 months, or the longest consent lifetime of the
  files when that is longer (with a TODO: 13 months is the usual ceiling).

Nothing is guessed beyond that: a tracker's purpose is its category's
purpose, and every consent purpose is withdrawn through the cookie banner.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._errors import InputError, UsageError

if TYPE_CHECKING:
    from .banner import Banner, CookieRef

__all__ = ["configure", "policy_from_banners", "run"]

#: Tracker category -> (purpose id, purpose kind, lawful basis, English description).
_PURPOSES: dict[str, tuple[str, str, str, str]] = {
    "necessary": ("site-operation", "service", "legitimate-interest",
                  "Running the site: sessions, security and remembering the cookie choice"),
    "functional": ("functional", "functional", "consent",
                   "Remembering the visitor's settings and optional features"),
    "analytics": ("analytics", "analytics", "consent",
                  "Measuring how the site is used"),
    "marketing": ("marketing", "marketing", "consent",
                  "Advertising and marketing, including audiences and campaign measurement"),
}
_KIND_TO_CATEGORY = {
    "necessary": "necessary",
    "security": "necessary",
    "functional": "functional",
    "personalization": "functional",
    "analytics": "analytics",
    "marketing": "marketing",
}
#: Thirteen months, the usual supervisory ceiling for a stored cookie choice.
_DEFAULT_MAX_DAYS = 395


@dataclass
class _Tracker:
    id: str
    provider: str
    category: str
    todo: list[str] = field(default_factory=list)
    cookies: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _policy_id(text: str) -> str:
    """A policy id (lower-case letters, digits, ``-``) from any name: ``metaPixel`` -> ``meta-pixel``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    words = [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]
    return "-".join(words) or "tracker"


def _cookie(ref: CookieRef) -> dict[str, str] | None:
    out: dict[str, str] = {}
    if ref.name is not None:
        out["name"] = ref.name
    elif ref.pattern is not None:
        # The banner's JavaScript pattern; the policy reads it as a Python regex, which
        # agrees for the patterns cookie names use (anchors, classes, groups).
        out["pattern"] = ("(?i)" if "i" in ref.pattern.flags else "") + ref.pattern.source
    else:
        return None
    if ref.domain:
        out["domain"] = ref.domain
        # A banner names a cookie's domain for cookies another site sets (LinkedIn's
        # .linkedin.com); the site's own are listed by name. The lint checks the party
        # against the sites once the TODO site is filled in.
        out["party"] = "third"
    return out


def _category_of(banner: Banner, category_ids: Sequence[str], required: bool) -> tuple[str, list[str]]:
    if required:
        return "necessary", []
    kinds = [c.kind for c in banner.categories if c.id in category_ids]
    for kind in kinds:
        if kind in _KIND_TO_CATEGORY:
            return _KIND_TO_CATEGORY[kind], []
    named = ", ".join(category_ids) or "none"
    return "functional", [
        f"the banner's category ({named}) does not say what this tracker is for: "
        "choose functional, analytics or marketing"
    ]


def _collect(banners: Sequence[Banner]) -> dict[str, _Tracker]:
    from .banner import tracker_by_id
    from .banner.rules import _loose_category_cookies, _service_known

    trackers: dict[str, _Tracker] = {}

    def add(tracker_id: str, provider: str, category: str, todo: list[str],
            cookies: list[dict[str, str]], source: str) -> None:
        found = trackers.get(tracker_id)
        if found is None:
            found = trackers[tracker_id] = _Tracker(tracker_id, provider, category, list(todo))
        for cookie in cookies:
            if cookie not in found.cookies:
                found.cookies.append(cookie)
        if source not in found.sources:
            found.sources.append(source)

    for banner in banners:
        source = banner.source.file
        for service in banner.services:
            known = _service_known(service)
            category, todo = _category_of(banner, service.category_ids, service.required)
            provider = known.vendor if known is not None else (service.label or service.id)
            if known is None:
                todo = [*todo, "provider: who runs this service?"]
            cookies = [c for c in map(_cookie, service.cookies) if c is not None]
            add(_policy_id(service.id), provider, category, todo, cookies, source)
        loose: dict[str, list[dict[str, str]]] = {}
        for category_obj, ref in _loose_category_cookies(banner):
            cookie = _cookie(ref)
            if cookie is not None:
                loose.setdefault(category_obj.id, []).append(cookie)
        for category_id, cookies in loose.items():
            category, todo = _category_of(banner, (category_id,), False)
            holder = banner.category(category_id)
            if holder is not None and holder.read_only:
                category = "necessary"
            add(f"{_policy_id(category_id)}-cookies", "TODO", category,
                [*todo, "cookies the banner lists under a category, not a service: "
                 "name the service that sets them and its provider"], cookies, source)
        for tag in banner.gtm_tags:
            known = tracker_by_id(tag.tracker) if tag.tracker else None
            if known is None or known.category == "necessary":
                continue
            add(known.id, known.vendor, known.category if known.category in _PURPOSES
                else "marketing", [], [], source)
    return trackers


def _yaml(value: object) -> str:
    """A scalar as YAML (JSON strings are YAML flow scalars)."""
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    """A file name fit for a YAML comment: what YAML cannot print written as ``\\udcff``.

    A line break would end the comment (and could add keys); a name that is not
    UTF-8 reaches here surrogate-escaped (:func:`os.fsdecode`), which YAML refuses.
    """
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def policy_from_banners(banners: Sequence[Banner], as_of: dt.date, policy_id: str) -> str:
    """The text of a starting policy (YAML with TODO comments) for the given banners."""
    trackers = _collect(banners)
    revisions = [
        b.reconsent.revision for b in banners
        if b.reconsent is not None and b.reconsent.revision is not None
        and "revision" in b.reconsent.triggers and b.reconsent.revision_set
    ]
    unset_revision = [
        b.source.file for b in banners
        if b.reconsent is not None and "revision" in b.reconsent.triggers
        and not b.reconsent.revision_set
    ]
    lifetimes = [
        float(b.consent_record.lifetime_days) for b in banners
        if b.consent_record is not None and b.consent_record.lifetime_days is not None
    ]
    longest = max(lifetimes, default=0.0)
    used = {t.category for t in trackers.values()} | {"necessary"}
    lines = [
        "# A starting policy written by `gdpr-policy init --from-banner` from:",
        *[f"#   {_comment(b.source.file)}" for b in banners],
        "# Its trackers, cookies, categories and banner revision are those the files configure.",
        "# Every `TODO` is a decision for a person: replace the placeholder, then run",
        "#   gdpr-policy lint THIS_FILE",
        "#   gdpr-policy banner --policy THIS_FILE <the banner files>",
        f"id: {_yaml(policy_id)}",
        "title:",
        f"  en: {_yaml('Privacy statement')}  # TODO: the statement's title",
        "versions:",
        f"  - version: {_yaml(as_of.isoformat())}",
        f"    effective_from: {as_of.isoformat()}  # TODO: the day the statement takes effect",
        "    language: en  # TODO: the statement's language (en, nb or sv)",
        "    controller:",
        "      legal_name: TODO Company AS  # TODO: the controller's registered name",
        "      # TODO: the organisation number (000 000 000 is a placeholder that passes the check)",
        '      organisation_number: "000 000 000"',
        '      country: "NO"  # TODO: NO or SE',
        "      channels:",
        "        - id: email",
        "          kind: email",
        "          value: privacy@example.invalid  # TODO: where people send privacy requests",
        "          uses: [general, rights-requests, opt-out, consent-withdrawal]",
        "        - id: cookie-banner",
        "          kind: cookie-banner",
        "          value: the cookie banner on the site  # TODO: and how it is reopened",
        "          uses: [consent-withdrawal]",
        "    sites:",
        '      - domain: example.invalid  # TODO: the site these banner files are for',
        '        jurisdiction: "NO"  # TODO: NO or SE',
        "    jurisdictions:",
        '      - code: "NO"  # TODO: NO (Europe/Oslo) or SE (Europe/Stockholm)',
        "        timezone: Europe/Oslo",
        '        calendar: "NO"',
        "    purposes:",
    ]
    for category in ("necessary", "functional", "analytics", "marketing"):
        if category not in used:
            continue
        pid, kind, basis, text = _PURPOSES[category]
        lines += [
            f"      - id: {pid}",
            f"        description: {{en: {_yaml(text)}}}  # TODO: as the statement says it",
            f"        kind: {kind}",
            f"        basis: {basis}" + ("  # TODO: check the lawful basis" if basis != "consent"
                                        else ""),
        ]
        if basis == "consent":
            lines.append("        withdrawal_channels: [cookie-banner]")
    # a banner that names no tracker (Consent Mode sets only consent states) gives an
    # empty list: a bare `trackers:` would be YAML null, which does not load
    lines.append("    trackers:" if trackers else "    trackers: []")
    for tracker in sorted(trackers.values(), key=lambda t: t.id):
        pid = _PURPOSES[tracker.category][0]
        lines.append(f"      - id: {tracker.id}  # from {_comment(', '.join(tracker.sources))}")
        provider_todo = "  # TODO: the provider" if tracker.provider == "TODO" else ""
        lines.append(f"        provider: {_yaml(tracker.provider)}{provider_todo}")
        for todo in tracker.todo:
            if not todo.startswith("provider"):
                lines.append(f"        # TODO: {todo}")
        lines += [
            f"        category: {tracker.category}",
            f"        purposes: [{pid}]",
            f"        consent_required: {'false' if tracker.category == 'necessary' else 'true'}",
        ]
        if tracker.cookies:
            lines.append("        cookies:")
            for cookie in tracker.cookies:
                body = ", ".join(f"{k}: {_yaml(v)}" for k, v in cookie.items())
                lines.append(f"          - {{{body}}}")
    lines += [
        "    disclosure:",
        "      third_parties: false  # TODO: are personal data disclosed to third parties?",
        "    rights:",
        "      # TODO: the rights the statement promises (here the law's list, assumed below)",
        "      rights: [access, rectification, erasure, restriction, portability, objection, consent-withdrawal]",
        "      response_period: P1M  # GDPR Art. 12(3); TODO: the statement's period, if shorter",
        "      extension: P2M",
        "      extension_notice_within: P1M",
        "      channels: [email]",
        "      identity:",
        "        clock: none  # TODO: does an identity question stop the clock?",
        "        prompt_within: P3D",
        "        triggers: [address-not-on-record, representative, several-matches]",
        "    consent:",
        "      # TODO: what the statement promises of consent (here the law's floor, assumed below)",
        "      criteria: [freely-given, specific, informed, unambiguous, clear-affirmative-act, personal]",
        "      forbidden_forms: [silence, inactivity, scrolling, pre-ticked, precondition, browser-settings]",
        "      notice_must_include: [controller-identity, purposes, data-types, right-to-withdraw]",
        "      withdrawal_as_easy_as_giving: true",
        "      withdrawal_channels: [cookie-banner]",
    ]
    if longest > _DEFAULT_MAX_DAYS:
        lines.append(
            "      # TODO: the banner keeps the choice longer than 13 months, the usual ceiling;"
        )
        lines.append(
            "      # shorten the banner's lifetime and this value, or keep it knowingly."
        )
        lines.append(f"      max_lifetime: P{int(longest) + (longest % 1 > 0)}D")
    else:
        lines.append("      max_lifetime: P13M  # the usual ceiling for a stored cookie choice")
    if revisions:
        lines.append(
            f"      banner_revision: {max(revisions)}  # bump it with the banner's revision "
            "when this policy changes"
        )
    elif unset_revision:
        lines.append(
            "      # TODO: the banner sets no revision (the library default 0); set one in "
            "the banner and here, so that a policy change asks returning visitors again"
        )
    lines += [
        "    marketing:",
        "      opt_out_channels: [email]  # TODO: how people opt out of marketing",
        # the law's floor (Art. 21(2)): the objection covers the marketing and its profiling
        "      opt_out_covers: [email-marketing, profiling]",
        "    # Values no statement was read for: the lint reports each as a note (policy.assumed-value)",
        "    # until the statement says it; then remove the entry.",
        "    assumed:",
        "      - field: rights.identity.clock",
        "        reason: the deadline runs from receipt unless the statement says an identity "
        "question stops it",
        "      - field: rights.identity.prompt_within",
        "        reason: an identity question asked within three days, without undue delay",
        "      - field: consent.max_lifetime",
        "        reason: how long a stored cookie choice is relied on before asking again",
        # the law's floor written as the statement's promises: until someone has read the
        # statement, a clean policy.consent-below-law says nothing about it
        "      - field: rights.rights",
        "        reason: the rights the GDPR gives (Art. 15-22, 7(3)), not read from the statement",
        "      - field: consent.criteria",
        "        reason: the GDPR's definition of consent (Art. 4(11)), not read from the statement",
        "      - field: consent.forbidden_forms",
        "        reason: the forms the law refuses (Recital 32, Art. 7(4), ekomloven § 3-15), "
        "not read from the statement",
        "      - field: consent.notice_must_include",
        "        reason: what a consent request must say (Recital 42, Art. 7(3)), not read from "
        "the statement",
        "      - field: consent.withdrawal_as_easy_as_giving",
        "        reason: the law's requirement (Art. 7(3)), not read from the statement",
        "      - field: marketing.opt_out_covers",
        "        reason: what an objection to direct marketing stops (Art. 21(2)), not read from "
        "the statement",
    ]
    return "\n".join(lines) + "\n"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the ``init`` command's description and arguments to its parser.

    ``cli.py`` names the command and its one-line help, so that other commands
    do not import this module.
    """
    p.description = (
        "Write a starting policy (trackers, cookies, categories, banner revision; "
        "TODO comments where a person must decide) that lints and checks clean against the "
        "given banner files."
    )
    p.add_argument(
        "--from-banner", dest="from_banner", nargs="+", required=True, metavar="FILE",
        help="banner configuration files (JS, HTML, JSON or YAML)",
    )
    p.add_argument("--id", dest="policy_id", default="site", help="the policy id (default: site)")
    p.add_argument("--as-of", metavar="DATE", help="the version's date (default: today)")
    p.add_argument(
        "--output", "-o", metavar="FILE", help="write the policy to FILE (default: stdout)"
    )
    p.add_argument("--force", action="store_true", help="overwrite --output if it exists")


def run(args: argparse.Namespace, inputs: Mapping[str, bytes], as_of: dt.date) -> str:
    """The policy text for the banner files read by the CLI; it must load and lint clean.

    ``cli.py`` reads the files and writes the result (this module does no I/O).
    """
    from ._lint import lint_policy
    from ._policy import load_policy
    from .banner import read_banner

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", args.policy_id):
        raise UsageError(
            f"--id: expected a lower-case id (letters, digits, '-', '_'), got {args.policy_id!r}"
        )
    banners = [read_banner(data, source=path) for path, data in inputs.items()]
    text = policy_from_banners(banners, as_of, args.policy_id)
    # What is written must load and lint clean: a starting point that fails its own
    # check would teach the wrong lesson.
    try:
        policy = load_policy(text, source="<init>")
    except InputError as exc:  # a bug of the generator, never the user's input
        # nothing is written yet: a file:line would point into a file that does not exist
        issue = exc.issues[0]
        found = f", got {issue.found}" if issue.found is not None else ""
        raise UsageError(
            f"init: the starting policy made from the banner files does not load "
            f"({issue.path}: {issue.expected}{found}); nothing was written: please report "
            "this bug"
        ) from None
    errors = [f for f in lint_policy(policy) if f.severity.value == "error"]
    if errors:  # pragma: no cover - a bug of the generator, never the user's input
        first = errors[0]
        raise UsageError(
            f"init: the written policy does not lint clean: {first.rule} {dict(first.evidence)}"
        )
    return text
