"""The banner rules: what a consent-banner configuration must not do.

Each rule judges one normalized :class:`~gdpr_policy.banner.Banner` (any
format) against a policy version; :func:`evaluate_banner` runs them all.
Findings point at the offending value (its own location where the reader
kept one, else the element's, else the banner's).

What each format is judged on:

* banner configurations (cookieconsent, Klaro, native) on their mode,
  defaults, layers, categories and services, and on whether they manage every
  tracker of the policy inventory that needs consent (``undeclared-tracker``);
* Consent Mode and GTM files on what they configure: Consent Mode defaults,
  and the consent settings and trackers of GTM tags. They are never asked to
  manage the inventory.

**Tracker identity.** A banner service is the policy tracker ``T`` when one
of its cookies covers one of ``T``'s cookies, when both resolve to the same
entry of the bundled tracker table (:mod:`gdpr_policy.banner._trackers`), or
when their ids are the same word sequence. A tracker *needs consent* when the
table files it outside "necessary" or a matched policy tracker says
``consent_required``; either is enough (a policy that calls an analytics
cookie necessary does not make it so).

**Where the policy applies** for Consent Mode: the EEA (the EU's 27 states,
Iceland, Liechtenstein, Norway) and every jurisdiction of the policy. A
default with no ``region`` applies everywhere. For each country the most
specific default that sets a type wins (subdivision, then country, then
global), as Google documents; a subdivision default is judged for its
subdivision only. A regulated type that no default sets for a country is
granted there (Google: a type with no state is granted), and an ``update``
run on every page load overrides every default.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .._messages import Location, Message, MessageValue
from .._national import NATIONAL_LAW
from .._rules import Context, Finding, Rule, Severity, rule
from ._model import (
    Banner,
    Category,
    ConsentModeDefault,
    CookieRef,
    GtmTag,
    LanguageLayer,
    Service,
)
from ._trackers import KnownTracker, guess_tracker, tracker_by_id, trackers_for_cookie

if TYPE_CHECKING:
    from .._policy import CookieSpec, PolicyVersion, Tracker

__all__ = [
    "BANNER_RULES",
    "CONSENT_MODE_REGULATED_TYPES",
    "EEA_COUNTRIES",
    "evaluate_banner",
]

#: EU member states plus Iceland, Liechtenstein and Norway (ISO 3166-1 alpha-2).
EEA_COUNTRIES: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        "IS", "LI", "NO",
    }
)  # fmt: skip
#: The Consent Mode types that must default to denied where the policy applies.
CONSENT_MODE_REGULATED_TYPES: tuple[str, ...] = (
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
)
#: TCF purposes that may never stand on legitimate interest: 1 (store/access
#: information on a device, taskforce para 24) and 3 to 6 (profiles; TCF v2.2).
_TCF_CONSENT_ONLY = frozenset({1, 3, 4, 5, 6})
_NECESSARY_KINDS = frozenset({"necessary", "security"})
#: Category kinds that always need consent: such a category may never be read-only.
_CONSENT_KINDS = frozenset({"analytics", "marketing"})
#: The national cookie rules beside the ePrivacy Directive, which binds the states, not
#: controllers (the national-law table); a finding keeps those of the policy's countries.
#: The catalog names the Norwegian and Swedish acts; a finding under a policy of other
#: countries cites theirs too (``Rule.legal_for`` adds them beside the directive).
_NATIONAL = tuple(NATIONAL_LAW[c].cookie_rule for c in ("NO", "SE"))


# --- locations and small helpers --------------------------------------------------------


def _where(banner: Banner, *candidates: Location | None) -> Location:
    """The first known location, else the banner's, else the file itself."""
    for loc in (*candidates, banner.location):
        if loc is not None:
            return loc
    return Location(file=banner.source.file)


def _words(text: str) -> str:
    """A comparable form of an id: lower-case words joined by ``-`` (``metaPixel`` = ``meta-pixel``)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return "-".join(w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w)


def _category_is_necessary(category: Category) -> bool:
    return category.kind in _NECESSARY_KINDS


def _refusable(category: Category) -> bool:
    """Whether the visitor can switch the category off."""
    return not category.read_only


def _sits_in_necessary(banner: Banner, service: Service) -> Category | None:
    """The necessary or read-only category a service belongs to, if any."""
    return next(
        (c for c in banner.categories_of(service) if c.read_only or _category_is_necessary(c)),
        None,
    )


def _claimed_necessary(banner: Banner, service: Service) -> bool:
    """Whether the configuration presents the service as not needing consent."""
    return service.required or _sits_in_necessary(banner, service) is not None


# --- tracker identity -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Identity:
    """What a banner element is: its table entry and the policy trackers it matches."""

    known: KnownTracker | None
    policy: tuple[Tracker, ...]

    @property
    def needs_consent(self) -> bool:
        table = self.known is not None and self.known.category != "necessary"
        return table or any(t.consent_required for t in self.policy)

    @property
    def label(self) -> str | None:
        if self.policy:
            return self.policy[0].id
        return self.known.id if self.known is not None else None

    @property
    def vendor(self) -> str | None:
        if self.known is not None:
            return self.known.vendor
        return self.policy[0].provider if self.policy else None


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # the policy loader validates patterns; be safe anyway
        return None


def _spec_samples(spec: CookieSpec) -> tuple[str, ...]:
    """Concrete cookie names standing for a policy cookie (its name, or table examples)."""
    if spec.name is not None:
        return (spec.name,)
    if spec.pattern is None:
        return ()
    compiled = _compiled(spec.pattern)
    if compiled is None:
        return ()
    from ._trackers import TRACKERS

    return tuple(
        name for t in TRACKERS for name in t.all_examples() if compiled.search(name) is not None
    )


def _spec_matches_name(spec: CookieSpec, name: str) -> bool:
    if spec.name is not None:
        return spec.name == name
    compiled = _compiled(spec.pattern) if spec.pattern is not None else None
    return compiled is not None and compiled.search(name) is not None


def _ref_covers_spec(ref: CookieRef, spec: CookieSpec) -> bool:
    """Whether a configuration cookie reference covers a cookie the policy declares."""
    if ref.name is not None:
        return _spec_matches_name(spec, ref.name)
    return any(ref.matches(sample) for sample in _spec_samples(spec))


@cache
def _policy_identity(tracker: Tracker) -> KnownTracker | None:
    """The table entry a policy tracker is: by id, then by its cookies, id and provider."""
    exact = tracker_by_id(tracker.id)
    if exact is not None:
        return exact
    refs = [CookieRef(name=spec.name) for spec in tracker.cookies if spec.name is not None]
    return guess_tracker(tracker.id, tracker.provider, refs)


def _match_trackers(
    trackers: Sequence[Tracker],
    *,
    ids: Iterable[str] = (),
    known: KnownTracker | None = None,
    cookies: Sequence[CookieRef] = (),
) -> tuple[Tracker, ...]:
    """The policy trackers an element is (see the module docstring)."""
    id_words = {_words(i) for i in ids if i}
    found: list[Tracker] = []
    for tracker in trackers:
        same_id = _words(tracker.id) in id_words
        same_entry = known is not None and _policy_identity(tracker) is known
        shared_cookie = any(_ref_covers_spec(r, s) for r in cookies for s in tracker.cookies)
        if same_id or same_entry or shared_cookie:
            found.append(tracker)
    return tuple(found)


def _service_known(service: Service) -> KnownTracker | None:
    known = tracker_by_id(service.tracker)
    return known or guess_tracker(service.id, service.label, service.cookies)


def _service_identity(service: Service, trackers: Sequence[Tracker]) -> _Identity:
    known = _service_known(service)
    return _Identity(
        known=known,
        policy=_match_trackers(trackers, ids=(service.id,), known=known, cookies=service.cookies),
    )


def _cookie_identity(ref: CookieRef, trackers: Sequence[Tracker]) -> _Identity:
    hits = trackers_for_cookie(ref)
    non_necessary = [t for t in hits if t.category != "necessary"]
    known = non_necessary[0] if non_necessary else (hits[0] if hits else None)
    return _Identity(known=known, policy=_match_trackers(trackers, cookies=(ref,)))


def _tag_identity(tag: GtmTag, trackers: Sequence[Tracker]) -> _Identity:
    known = tracker_by_id(tag.tracker)
    if known is None:
        return _Identity(known=None, policy=())
    return _Identity(known=known, policy=_match_trackers(trackers, known=known))


def _loose_category_cookies(banner: Banner) -> Iterator[tuple[Category, CookieRef]]:
    """Cookies a category declares that none of its services declares."""
    for category in banner.categories:
        services = [banner.service(s) for s in category.service_ids]
        owned = [r for s in services if s is not None for r in s.cookies]
        for ref in category.cookies:
            if not any(_same_ref(ref, o) for o in owned):
                yield category, ref


def _same_ref(a: CookieRef, b: CookieRef) -> bool:
    if a.name is not None and b.name is not None:
        return a.name == b.name
    if a.pattern is not None and b.pattern is not None:
        return str(a.pattern) == str(b.pattern)
    if a.pattern is not None and b.name is not None:
        return a.pattern.matches(b.name)
    if a.name is not None and b.pattern is not None:
        return b.pattern.matches(a.name)
    return False


def _with_message(found: Finding, code: str, values: dict[str, MessageValue]) -> Finding:
    """The finding with another message of the same rule (a variant of its template)."""
    return found.model_copy(update={"message": Message(code=code, values=values)})


# --- the rules --------------------------------------------------------------------------


def _runs_before_consent(banner: Banner) -> list[tuple[str, str, Location | None]]:
    """Non-necessary, refusable categories and services that run before any choice.

    A service is reported for itself. A category is reported only when none of
    its services runs early: a category that runs early because of a service
    the banner marks required is ``banner.tracker-in-necessary``'s business.
    """
    out: list[tuple[str, str, Location | None]] = []
    for c in banner.categories:
        if not (c.runs_before_consent and _refusable(c) and not _category_is_necessary(c)):
            continue
        members = [banner.service(i) for i in c.service_ids]
        if any(m is not None and m.runs_before_consent for m in members):
            continue
        out.append(("category", c.id, c.default_enabled_location or c.location))
    for s in banner.services:
        if s.runs_before_consent and not _claimed_necessary(banner, s):
            out.append(("service", s.id, s.default_enabled_location or s.location))
    return out


@rule(
    "banner.opt-out-mode",
    legal=[
        "ePrivacy Directive Art. 5(3)", *_NATIONAL,
        "GDPR Recital 32",
        "EDPB Cookie Banner Taskforce report practice A",
    ],
    promises=["consent-forbidden-forms", "cookie-banner"],
)
def banner_opt_out_mode(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """Trackers run before the visitor chooses (cc3 ``mode: 'opt-out'``, Klaro ``optOut``).

    In opt-out mode one finding on the mode names what runs early; otherwise
    each category or service that runs before a choice is its own finding.
    """
    running = _runs_before_consent(banner)
    if banner.mode == "opt-out":
        yield banner_opt_out_mode.finding(
            ctx,
            "banner",
            location=_where(banner, banner.mode_location),
            evidence={
                "mode": "opt-out",
                "runs_before_consent": [f"{k}:{i}" for k, i, _ in running],
            },
        )
        return
    for kind, ident, loc in running:
        found = banner_opt_out_mode.finding(
            ctx,
            f"{kind}:{ident}",
            location=_where(banner, loc),
            evidence={"mode": banner.mode, kind: ident, "runs_before_consent": True},
        )
        yield _with_message(found, f"banner.opt-out-mode.{kind}", {kind: ident})


def _holds_tracker(banner: Banner, category: Category, ctx: Context) -> bool:
    """Whether a service or cookie of the category is a tracker that needs consent."""
    trackers = ctx.policy.trackers
    for service_id in category.service_ids:
        service = banner.service(service_id)
        if service is not None and _service_identity(service, trackers).needs_consent:
            return True
    return any(_cookie_identity(ref, trackers).needs_consent for ref in category.cookies)


@rule(
    "banner.preselected",
    legal=[
        "GDPR Recital 32",
        "CJEU C-673/17 Planet49",
        "EDPB Cookie Banner Taskforce report practice B",
    ],
    promises=["consent-forbidden-forms"],
)
def banner_preselected(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """A non-necessary category or service the visitor can refuse is on by default.

    Services are reported on their own only when their category is not
    already reported (a pre-ticked category pre-ticks its services). A
    read-only category whose kind is analytics or marketing (by its id or
    label) is always on and cannot be refused at all: reported too, unless a
    tracker in it is already ``banner.tracker-in-necessary``'s finding.
    """
    reported: set[str] = set()
    for c in banner.categories:
        if c.default_enabled and _refusable(c) and not _category_is_necessary(c):
            reported.add(c.id)
            yield banner_preselected.finding(
                ctx,
                f"category:{c.id}",
                location=_where(banner, c.default_enabled_location, c.location),
                evidence={"category": c.id, "kind": c.kind, "default_enabled": True},
                category=c.id,
            )
        elif c.read_only and c.kind in _CONSENT_KINDS and not _holds_tracker(banner, c, ctx):
            reported.add(c.id)
            found = banner_preselected.finding(
                ctx,
                f"category:{c.id}",
                location=_where(banner, c.default_enabled_location, c.location),
                evidence={"category": c.id, "kind": c.kind, "read_only": True},
                category=c.id,
            )
            yield _with_message(
                found, "banner.preselected.read-only", {"category": c.id, "kind": c.kind}
            )
    for s in banner.services:
        if not s.default_enabled or _claimed_necessary(banner, s):
            continue
        if any(cid in reported for cid in s.category_ids):
            continue
        found = banner_preselected.finding(
            ctx,
            f"service:{s.id}",
            location=_where(banner, s.default_enabled_location, s.location),
            evidence={"service": s.id, "categories": list(s.category_ids), "default_enabled": True},
        )
        yield _with_message(found, "banner.preselected.service", {"service": s.id})


@rule(
    "banner.no-reject-first-layer",
    legal=[
        "EDPB Cookie Banner Taskforce report practice A",
        "GDPR Recital 42",
        "ePrivacy Directive Art. 5(3)",
        *_NATIONAL,
    ],
    promises=["consent-voluntary", "cookie-banner"],
)
def banner_no_reject_first_layer(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """A language's first layer has accept but no reject at all (checked per language).

    A reject that exists but is styled with less weight is
    ``banner.reject-less-prominent``, not this.
    """
    for layer in banner.languages:
        if not layer.shown or not layer.has_accept or layer.has_reject:
            continue
        accept = layer.button("accept_all")
        yield banner_no_reject_first_layer.finding(
            ctx,
            f"lang:{layer.lang}",
            location=_where(banner, layer.location, accept.location if accept else None),
            evidence={
                "lang": layer.lang,
                "buttons": [b.role for b in layer.buttons],
                "has_reject": False,
                "equal_weight": layer.equal_weight,
            },
            lang=layer.lang,
        )


@rule(
    "banner.reject-less-prominent",
    severity=Severity.WARNING,
    legal=[
        "EDPB Cookie Banner Taskforce report practice D",
        "EDPB Cookie Banner Taskforce report practice E",
        "EDPB Guidelines 03/2022",
        "GDPR Art. 4(11)",
    ],
    promises=["consent-voluntary", "cookie-banner"],
)
def banner_reject_less_prominent(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """The first layer has a reject button, styled with less weight than accept.

    Judged where the format has a switch for it (cookieconsent
    ``guiOptions.consentModal.equalWeightButtons: false``, native
    ``equal_weight: false``); colours and sizes in CSS are not read.
    """
    for layer in banner.languages:
        if not layer.shown or not layer.has_accept or not layer.has_reject:
            continue
        if layer.equal_weight is not False:
            continue
        yield banner_reject_less_prominent.finding(
            ctx,
            f"lang:{layer.lang}",
            location=_where(banner, layer.equal_weight_location, layer.location),
            evidence={
                "lang": layer.lang,
                "buttons": [b.role for b in layer.buttons],
                "equal_weight": False,
            },
            lang=layer.lang,
        )


@rule(
    "banner.tracker-in-necessary",
    legal=["EDPB Cookie Banner Taskforce report practice I", "ePrivacy Directive Art. 5(3)", *_NATIONAL],
    promises=["tracker-inventory"],
)
def banner_tracker_in_necessary(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """A tracker that needs consent sits in a necessary, read-only or required place."""
    for s in banner.services:
        home = _sits_in_necessary(banner, s)
        if home is None and not s.required:
            continue
        ident = _service_identity(s, ctx.policy.trackers)
        if not ident.needs_consent:
            continue
        evidence: dict[str, MessageValue] = {
            "service": s.id,
            "tracker": ident.label,
            "vendor": ident.vendor,
            "table_category": ident.known.category if ident.known else None,
            "policy_trackers": [t.id for t in ident.policy],
            "category": home.id if home else None,
            "required": s.required,
        }
        found = banner_tracker_in_necessary.finding(
            ctx,
            f"service:{s.id}", location=_where(banner, s.location), evidence=evidence
        )
        if home is not None:
            yield _with_message(
                found,
                "banner.tracker-in-necessary",
                {"service": s.id, "tracker": ident.label, "category": home.id},
            )
        else:
            yield _with_message(
                found,
                "banner.tracker-in-necessary.required",
                {"service": s.id, "tracker": ident.label},
            )
    for category, ref in _loose_category_cookies(banner):
        if not (category.read_only or _category_is_necessary(category)):
            continue
        ident = _cookie_identity(ref, ctx.policy.trackers)
        if not ident.needs_consent:
            continue
        found = banner_tracker_in_necessary.finding(
            ctx,
            f"category:{category.id}",
            location=_where(banner, ref.location, category.location),
            evidence={
                "category": category.id,
                "cookie": ref.display,
                "tracker": ident.label,
                "vendor": ident.vendor,
                "policy_trackers": [t.id for t in ident.policy],
            },
        )
        yield _with_message(
            found,
            "banner.tracker-in-necessary.cookie",
            {"cookie": ref.display, "tracker": ident.label, "category": category.id},
        )


def _manages(banner: Banner, tracker: Tracker) -> bool:
    """Whether some service or category cookie of the banner is this policy tracker."""
    if any(_service_identity(s, (tracker,)).policy for s in banner.services):
        return True
    return any(
        _ref_covers_spec(ref, spec)
        for c in banner.categories
        for ref in c.cookies
        for spec in tracker.cookies
    )


@rule(
    "banner.undeclared-tracker",
    legal=["ePrivacy Directive Art. 5(3)", *_NATIONAL, "GDPR Art. 7(1)"],
    promises=["tracker-inventory"],
)
def banner_undeclared_tracker(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """A tracker of the policy inventory that needs consent is not managed by the banner.

    Judged on banner configurations only (cookieconsent, Klaro, native).
    """
    if not banner.manages_trackers:
        return
    for tracker in ctx.policy.trackers:
        if not tracker.consent_required or _manages(banner, tracker):
            continue
        yield banner_undeclared_tracker.finding(
            ctx,
            f"tracker:{tracker.id}",
            location=_where(banner),
            evidence={
                "tracker": tracker.id,
                "provider": tracker.provider,
                "category": tracker.category,
                "cookies": [s.name or s.pattern or "" for s in tracker.cookies],
                "banner_services": sorted(s.id for s in banner.services),
            },
            tracker=tracker.id,
            provider=tracker.provider,
        )


@rule(
    "banner.unknown-tracker",
    severity=Severity.WARNING,
    legal=["GDPR Art. 13(1)(e)", "EDPB Cookie Banner Taskforce report practice I"],
    promises=["tracker-inventory"],
)
def banner_unknown_tracker(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """The banner (or a GTM tag) handles a tracker the policy does not declare."""
    policy_version = ctx.policy.version
    for s in banner.services:
        ident = _service_identity(s, ctx.policy.trackers)
        if ident.policy:
            continue
        yield banner_unknown_tracker.finding(
            ctx,
            f"service:{s.id}",
            location=_where(banner, s.location),
            evidence={
                "service": s.id,
                "tracker": ident.known.id if ident.known else None,
                "vendor": ident.vendor,
                "cookies": [r.display for r in s.cookies],
            },
            service=s.id,
            policy_version=policy_version,
        )
    for category, ref in _loose_category_cookies(banner):
        ident = _cookie_identity(ref, ctx.policy.trackers)
        if ident.policy:
            continue
        found = banner_unknown_tracker.finding(
            ctx,
            f"cookie:{ref.display}",
            location=_where(banner, ref.location, category.location),
            evidence={
                "category": category.id,
                "cookie": ref.display,
                "tracker": ident.known.id if ident.known else None,
            },
        )
        yield _with_message(
            found,
            "banner.unknown-tracker.cookie",
            {"cookie": ref.display, "category": category.id, "policy_version": policy_version},
        )
    for tag in banner.gtm_tags:
        ident = _tag_identity(tag, ctx.policy.trackers)
        if ident.known is None or ident.policy or ident.known.category == "necessary":
            continue
        found = banner_unknown_tracker.finding(
            ctx,
            f"tag:{tag.name}",
            location=_where(banner, tag.location),
            evidence={"tag": tag.name, "type": tag.type, "tracker": ident.known.id},
        )
        yield _with_message(
            found,
            "banner.unknown-tracker.tag",
            {"tag": tag.name, "tracker": ident.known.id, "policy_version": policy_version},
        )


def _policy_area(policy: PolicyVersion) -> frozenset[str]:
    return EEA_COUNTRIES | {j.code for j in policy.jurisdictions}


def _covers(default: ConsentModeDefault, country: str) -> int | None:
    """How specifically a default covers a country: 0 global, 1 the country, else ``None``."""
    if default.region is None:
        return 0
    return 1 if country in default.region else None


def _granting_defaults(
    defaults: Sequence[ConsentModeDefault], area: frozenset[str]
) -> dict[tuple[int, str], list[str]]:
    """``(default index, type) -> regions`` where that default's grant is the effective one."""
    hits: dict[tuple[int, str], list[str]] = {}

    def effective(candidates: list[tuple[int, int]], ctype: str) -> list[int]:
        """The defaults setting ``ctype`` at the highest specificity (all of them on a tie)."""
        setting = [(spec, i) for spec, i in candidates if ctype in defaults[i].types]
        if not setting:
            return []
        top = max(spec for spec, _ in setting)
        return [i for spec, i in setting if spec == top]

    for country in sorted(area):
        base = [
            (spec, i) for i, d in enumerate(defaults) if (spec := _covers(d, country)) is not None
        ]
        for ctype in CONSENT_MODE_REGULATED_TYPES:
            for i in effective(base, ctype):
                if defaults[i].types[ctype] == "granted":
                    hits.setdefault((i, ctype), []).append(country)
        # Subdivision defaults (NO-03, SE-AB ...) for their subdivision only.
        subdivisions = sorted(
            {
                r
                for d in defaults
                if d.region is not None
                for r in d.region
                if r.startswith(country + "-")
            }
        )
        for sub in subdivisions:
            cands = base + [
                (2, i) for i, d in enumerate(defaults) if d.region is not None and sub in d.region
            ]
            for ctype in CONSENT_MODE_REGULATED_TYPES:
                for i in effective(cands, ctype):
                    if defaults[i].types[ctype] == "granted":
                        regions = hits.setdefault((i, ctype), [])
                        if country not in regions:
                            regions.append(sub)
    return hits


def _unset_types(
    defaults: Sequence[ConsentModeDefault], area: frozenset[str]
) -> dict[str, list[str]]:
    """``type -> countries`` of the area where no default sets the type (so it is granted).

    A country is covered by the defaults without a region and those naming it;
    a subdivision default leaves the rest of its country unset, so it does not
    count. A type with a run-time value counts as set.
    """
    unset: dict[str, list[str]] = {}
    for country in sorted(area):
        covering = [d for d in defaults if _covers(d, country) is not None]
        for ctype in CONSENT_MODE_REGULATED_TYPES:
            if not any(ctype in d.types or ctype in d.unknown_types for d in covering):
                unset.setdefault(ctype, []).append(country)
    return unset


@rule(
    "banner.consent-mode-default-granted",
    legal=["ePrivacy Directive Art. 5(3)", *_NATIONAL, "EDPB Cookie Banner Taskforce report practice A"],
    promises=["consent-forbidden-forms", "cookie-banner"],
)
def banner_consent_mode_default_granted(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """A Consent Mode type is granted before any choice where the policy applies.

    Three ways: a default grants it; no default sets it there (Google treats a
    type with no state as granted: a default limited to other regions, a
    region code that is not ISO 3166 such as ``EU``, or a default that omits
    the type); or an ``update`` run on every page load grants it. Unset types
    are judged only when the file sets some default and every default could be
    read (one with a run-time region or object is a ``banner.not-judged`` note);
    a type written with a run-time value counts as set.
    """
    mode = banner.consent_mode
    if mode is None:
        return
    defaults = mode.defaults
    area = _policy_area(ctx.policy)
    for (index, ctype), regions in sorted(_granting_defaults(defaults, area).items()):
        default = defaults[index]
        location = _where(banner, default.type_locations.get(ctype), default.location)
        evidence: dict[str, MessageValue] = {
            "type": ctype,
            "state": "granted",
            "default_index": index,
            "region": list(default.region) if default.region is not None else None,
            "affected": sorted(regions),
        }
        found = banner_consent_mode_default_granted.finding(
            ctx,
            f"consent-mode:{ctype}", location=location, evidence=evidence
        )
        if default.region is None:
            yield _with_message(
                found, "banner.consent-mode-default-granted.everywhere", {"type": ctype}
            )
        else:
            yield _with_message(
                found,
                "banner.consent-mode-default-granted",
                {"type": ctype, "regions": sorted(regions)},
            )
    if defaults and not mode.unread_defaults:
        for ctype, regions in _unset_types(defaults, area).items():
            found = banner_consent_mode_default_granted.finding(
                ctx,
                f"consent-mode-unset:{ctype}",
                location=_where(banner, mode.location),
                evidence={"type": ctype, "state": "unset", "affected": regions},
            )
            if set(regions) == area:
                yield _with_message(
                    found, "banner.consent-mode-default-granted.unset-area", {"type": ctype}
                )
            else:
                yield _with_message(
                    found,
                    "banner.consent-mode-default-granted.unset",
                    {"type": ctype, "regions": regions},
                )
    for index, update in enumerate(mode.updates_on_load):
        for ctype in CONSENT_MODE_REGULATED_TYPES:
            if update.types.get(ctype) != "granted":
                continue
            found = banner_consent_mode_default_granted.finding(
                ctx,
                f"consent-mode-update:{ctype}",
                location=_where(banner, update.type_locations.get(ctype), update.location),
                evidence={"type": ctype, "state": "granted", "update_index": index},
            )
            yield _with_message(
                found, "banner.consent-mode-default-granted.update", {"type": ctype}
            )


@rule(
    "banner.tag-not-consent-gated",
    legal=["ePrivacy Directive Art. 5(3)", *_NATIONAL, "GDPR Art. 6(1)(a)"],
    promises=["consent-forbidden-forms", "cookie-banner"],
)
def banner_tag_not_consent_gated(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """A GTM tag of a tracker that needs consent fires without any consent check.

    ``NOT_SET`` and ``NOT_NEEDED`` both leave a tag without its own check; a
    tag whose tracker is unknown is not judged.
    """
    for tag in banner.gtm_tags:
        if tag.paused or tag.built_in_consent_check or tag.consent_status == "NEEDED":
            continue
        ident = _tag_identity(tag, ctx.policy.trackers)
        if ident.known is None or not ident.needs_consent:
            continue
        yield banner_tag_not_consent_gated.finding(
            ctx,
            f"tag:{tag.name}",
            location=_where(banner, tag.location),
            evidence={
                "tag": tag.name,
                "type": tag.type,
                "consent_status": tag.consent_status,
                "built_in_consent_check": False,
                "tracker": ident.known.id,
                "policy_trackers": [t.id for t in ident.policy],
            },
            tag=tag.name,
            tracker=ident.known.id,
            status=tag.consent_status,
        )


@rule(
    "banner.legitimate-interest",
    legal=["EDPB Cookie Banner Taskforce report practice H", "ePrivacy Directive Art. 5(3)", *_NATIONAL],
    promises=["cookie-banner"],
)
def banner_legitimate_interest(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """Cookies, or TCF purposes 1 and 3 to 6, claimed on legitimate interest."""
    for claim in banner.legitimate_interest:
        location = _where(banner, claim.location)
        if claim.kind == "tcf-purpose":
            if claim.purpose is None or claim.purpose not in _TCF_CONSENT_ONLY:
                continue
            yield banner_legitimate_interest.finding(
                ctx,
                f"tcf-purpose:{claim.purpose}",
                location=location,
                evidence={"kind": claim.kind, "purpose": claim.purpose},
                purpose=claim.purpose,
            )
        else:
            subject = claim.subject or "-"
            found = banner_legitimate_interest.finding(
                ctx,
                f"{claim.kind}:{subject}",
                location=location,
                evidence={"kind": claim.kind, "subject": subject},
            )
            yield _with_message(found, "banner.legitimate-interest.cookies", {"subject": subject})


@rule(
    "banner.implied-consent",
    legal=["GDPR Recital 32", "EDPB Guidelines 05/2020 Example 16"],
    promises=["consent-forbidden-forms", "consent-request-clear"],
)
def banner_implied_consent(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """Consent taken on scroll, timeout, a click anywhere or navigation."""
    for implied in banner.implied_consent:
        yield banner_implied_consent.finding(
            ctx,
            f"implied:{implied.trigger}",
            location=_where(banner, implied.location),
            evidence={"trigger": implied.trigger},
            trigger=implied.trigger,
        )


def _can_refuse(banner: Banner, layer: LanguageLayer) -> bool:
    """Whether a visitor facing this blocking layer can get through without consenting.

    A reject button does it; so does the second layer, if reachable; so does
    saving the toggles when nothing refusable is switched on by default.
    """
    if layer.has_reject or layer.second_layer_reachable is True:
        return True
    nothing_preselected = not any(
        c.default_enabled and _refusable(c) and not _category_is_necessary(c)
        for c in banner.categories
    ) and not any(s.default_enabled and not _claimed_necessary(banner, s) for s in banner.services)
    return layer.button("accept_selected") is not None and nothing_preselected


@rule(
    "banner.cookie-wall",
    legal=["EDPB Guidelines 05/2020 Example 6a", "GDPR Art. 7(4)"],
    promises=["no-cookie-wall"],
)
def banner_cookie_wall(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """The page is blocked until the visitor chooses, with no way to refuse."""
    if not banner.blocks_page:
        return
    shown = [layer for layer in banner.languages if layer.shown]
    location = _where(banner, banner.blocks_page_location)
    if not shown:
        found = banner_cookie_wall.finding(
            ctx,
            "banner", location=location, evidence={"blocks_page": True, "languages": []}
        )
        yield _with_message(found, "banner.cookie-wall.no-layer", {})
        return
    walled = [layer.lang for layer in shown if not _can_refuse(banner, layer)]
    if walled:
        yield banner_cookie_wall.finding(
            ctx,
            "banner",
            location=location,
            evidence={"blocks_page": True, "languages": walled},
            languages=walled,
        )


def _add(day: dt.date, duration_years: int, months: int, days: int) -> dt.date:
    from dateutil.relativedelta import relativedelta  # only for consent lifetimes

    result: dt.date = day + relativedelta(years=duration_years, months=months, days=days)
    return result


@rule(
    "banner.consent-lifetime",
    severity=Severity.WARNING,
    legal=["EDPB Guidelines 05/2020"],
    promises=["cookie-banner"],
)
def banner_consent_lifetime(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """The stored choice lives longer than the policy's ``consent.max_lifetime``.

    The comparison is made for a consent given on the ``as_of`` day: it
    expires ``lifetime_days`` later; the policy allows until ``as_of`` plus
    the maximum (calendar months added as calendar months, month ends
    clamped). A record that never expires (Klaro's ``localStorage`` store) is
    longer than any maximum; a lifetime computed at run time is a
    ``banner.not-judged`` note instead.
    """
    maximum = ctx.policy.consent.max_lifetime
    record = banner.consent_record
    if maximum is None or record is None or record.lifetime_days is None:
        return
    start = ctx.as_of_date
    extra = maximum.hours * 3600 + maximum.minutes * 60 + maximum.seconds
    allowed = _add(start, maximum.years, maximum.months, maximum.total_days + extra // 86_400)
    days = record.lifetime_days
    if days <= 0:
        return  # a choice kept for no time (or less): never longer than the maximum
    expires: dt.date | None
    # compared as given (an int may exceed any float: 1e400 days is a number, not an error)
    if (isinstance(days, float) and not math.isfinite(days)) or days > (dt.date.max - start).days:
        expires = None  # beyond any calendar (1e20 days, Infinity): longer than any maximum
    else:
        expires = start + dt.timedelta(days=math.ceil(days))
        if expires <= allowed:
            return
    found = banner_consent_lifetime.finding(
        ctx,
        "consent-record",
        location=_where(banner, record.location),
        evidence={
            "lifetime_days": record.lifetime_days,
            "library_default": record.lifetime_is_default,
            "max_lifetime": str(maximum),
            "given": start,
            "expires": expires,
            "allowed_until": allowed,
        },
        days=record.lifetime_days,
        max=str(maximum),
        given=start,
        expires=expires,
        allowed_until=allowed,
    )
    if days == math.inf:
        # A record the library never expires (Klaro's localStorage store), not a number of days.
        found = _with_message(
            found,
            "banner.consent-lifetime.unbounded",
            {"storage": record.storage or "-", "max": str(maximum)},
        )
    yield found


@rule(
    "banner.stale-revision",
    legal=["GDPR Art. 4(11)", "GDPR Art. 7(1)"],
    promises=["consent-explicit", "consent-per-purpose"],
)
def banner_stale_revision(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """The banner's revision is older than the one the policy version requires.

    Judged only where the format re-asks on a revision bump (cookieconsent,
    native with a revision); an unset revision of such a format is the
    library default 0.
    """
    required = ctx.policy.consent.banner_revision
    reconsent = banner.reconsent
    if required is None or reconsent is None:
        return
    if reconsent.revision is None and "revision" not in reconsent.triggers:
        return
    revision = reconsent.revision if reconsent.revision is not None else 0
    if revision >= required:
        return
    found = banner_stale_revision.finding(
        ctx,
        "revision",
        location=_where(banner, reconsent.location),
        evidence={
            "revision": revision,
            "revision_set": reconsent.revision_set,
            "required": required,
            "policy_version": ctx.policy.version,
        },
        revision=revision,
        required=required,
        policy_version=ctx.policy.version,
    )
    if not reconsent.revision_set:
        # No revision at all is the library's default, not an old number someone wrote.
        found = _with_message(
            found,
            "banner.stale-revision.unset",
            {"required": required, "policy_version": ctx.policy.version},
        )
    yield found


@rule(
    "banner.no-withdrawal",
    legal=["GDPR Art. 7(3)", "EDPB Cookie Banner Taskforce report practice K"],
    promises=["cookie-withdrawal-declaration", "cookie-banner"],
)
def banner_no_withdrawal(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """The page offers no way to reopen the choices, so withdrawing is harder than consenting.

    Judged on banner configurations (cookieconsent, Klaro, native). A reopen
    link or call (``data-cc="show-preferencesModal"``,
    ``CookieConsent.showPreferences()``, ``klaro.show()``) found anywhere in
    the input is enough. Only a page (HTML with a body) or a native file can
    show that there is none: for a configuration on its own the finding is a
    note that the check was not made.
    """
    if not banner.manages_trackers:
        return
    withdrawal = banner.withdrawal
    if withdrawal is None:
        found = banner_no_withdrawal.finding(
            ctx,
            "withdrawal",
            location=_where(banner),
            evidence={"shown": False},
            severity=Severity.NOTE,
        )
        yield _with_message(found, "banner.no-withdrawal.not-shown", {})
        return
    if withdrawal.reopen:
        return
    yield banner_no_withdrawal.finding(
        ctx,
        "withdrawal",
        location=_where(banner, withdrawal.location),
        evidence={"shown": True, "reopen": []},
    )


@rule(
    "banner.consent-mode-advanced",
    severity=Severity.WARNING,
    legal=["ePrivacy Directive Art. 5(3)", *_NATIONAL],
    promises=["consent-forbidden-forms", "cookie-banner"],
)
def banner_consent_mode_advanced(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """Google tags load before the choice and send cookieless pings (Consent Mode "advanced").

    Found where a file with Consent Mode defaults also loads Google's tags
    before any choice: a top-level ``gtag('config', ...)``, an executable
    ``gtag/js`` or ``gtm.js`` script, or a GTM Google tag whose consent
    status is not ``NEEDED``. Whether those pings need consent is unsettled,
    so this is a warning recommending basic mode, not an error.
    """
    mode = banner.consent_mode
    if mode is None or not mode.defaults:
        return
    for load in mode.tag_loads:
        yield banner_consent_mode_advanced.finding(
            ctx,
            f"tag-load:{load.setting}",
            location=_where(banner, load.location),
            evidence={"setting": load.setting},
            setting=load.setting,
        )


@rule(
    "banner.not-judged",
    severity=Severity.NOTE,
    legal=["GDPR Art. 7(1)"],
    promises=["cookie-banner"],
)
def banner_not_judged(banner: Banner, ctx: Context) -> Iterable[Finding]:
    """What the reader could not judge: run-time values, ignored keys, run-time texts.

    Never a pass: each says what was left out, so that a person can check it.
    """
    for dyn in banner.dynamic:
        yield banner_not_judged.finding(
            ctx,
            f"dynamic:{dyn.path or '/'}",
            location=_where(banner, dyn.location),
            evidence={"path": dyn.path or "/", "kind": dyn.kind},
            path=dyn.path or "/",
            kind=dyn.kind,
        )
    for note in banner.notes:
        found = banner_not_judged.finding(
            ctx,
            f"{note.kind}:{note.subject}",
            location=_where(banner, note.location),
            evidence={"kind": note.kind, "subject": note.subject},
        )
        yield _with_message(found, f"banner.not-judged.{note.kind}", {"subject": note.subject})


#: The banner rules, in id order.
BANNER_RULES: tuple[Rule[Banner], ...] = tuple(
    sorted(
        (
            banner_consent_lifetime,
            banner_consent_mode_advanced,
            banner_consent_mode_default_granted,
            banner_cookie_wall,
            banner_implied_consent,
            banner_legitimate_interest,
            banner_no_reject_first_layer,
            banner_no_withdrawal,
            banner_not_judged,
            banner_opt_out_mode,
            banner_preselected,
            banner_reject_less_prominent,
            banner_stale_revision,
            banner_tag_not_consent_gated,
            banner_tracker_in_necessary,
            banner_undeclared_tracker,
            banner_unknown_tracker,
        ),
        key=lambda r: r.id,
    )
)


def _context(policy: PolicyVersion, as_of: dt.date | dt.datetime) -> Context:
    """A rule context for one evaluation."""
    return Context(policy=policy, as_of=as_of)


def evaluate_banner(
    banner: Banner, policy: PolicyVersion, as_of: dt.date | dt.datetime
) -> list[Finding]:
    """Every finding of the banner rules on one banner, in the stable finding order."""
    ctx = _context(policy, as_of)
    findings = [f for r in BANNER_RULES for f in r.evaluate(banner, ctx)]
    return sorted(findings, key=Finding.sort_key)
