"""The format-neutral banner model every banner reader produces.

One :class:`Banner` describes what a consent-banner configuration (orestbida
cookieconsent v3, Klaro, the native form), a Google Consent Mode default or a
Google Tag Manager container export *configures*. It follows section 7 of the
banner-formats research report, trimmed to what the banner rules judge.

Conventions:

* Every node a finding can point at carries ``location``: file, 1-based line
  and column (in characters), and a JSON pointer into the configuration object
  (RFC 6901). ``None`` means the value was not written and a library default
  applies (the reader documents which default).
* Values the reader saw but could not know without running code (a function,
  a variable, a template literal with substitutions, a spread) are listed in
  :attr:`Banner.dynamic`; the field itself then holds the library default or
  ``None`` and never a guess.
* Cookie patterns come from untrusted configurations: see
  :class:`CookiePattern` for how they are bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from .._messages import Location

__all__ = [
    "MAX_COOKIE_NAME_LENGTH",
    "MAX_PATTERN_LENGTH",
    "Banner",
    "BannerFormat",
    "BannerMode",
    "BannerSource",
    "Button",
    "ButtonRole",
    "Category",
    "CategoryKind",
    "ConsentMode",
    "ConsentModeDefault",
    "ConsentRecord",
    "ConsentStatus",
    "CookiePattern",
    "CookieRef",
    "DynamicValue",
    "GrantState",
    "GtmTag",
    "ImpliedConsent",
    "ImpliedTrigger",
    "LanguageLayer",
    "LegitimateInterestClaim",
    "ReaderNote",
    "Reconsent",
    "Reopen",
    "Service",
    "TagLoad",
    "Withdrawal",
]

BannerFormat: TypeAlias = Literal["cookieconsent", "klaro", "gtag", "gtm", "native"]
BannerMode: TypeAlias = Literal["opt-in", "opt-out", "notice-only"]
ImpliedTrigger: TypeAlias = Literal["scroll", "timeout", "click-anywhere", "navigation"]
ButtonRole: TypeAlias = Literal[
    "accept_all",  # accepts every category/service
    "reject_all",  # rejects everything that is not necessary (cc3 acceptNecessaryBtn)
    "accept_selected",  # saves the current toggles (pre-ticked ones included)
    "settings",  # opens the second layer
    "close_rejects",  # an X that closes the layer and rejects (cc3 box layout)
    "dismiss",  # closes the notice without a choice
]
CategoryKind: TypeAlias = Literal[
    "necessary", "functional", "analytics", "marketing", "personalization", "security", "other"
]
GrantState: TypeAlias = Literal["granted", "denied"]
NoteKind: TypeAlias = Literal[
    "unknown-key",  # a key the library ignores (gtag consent object)
    "texts-at-run-time",  # first-layer texts loaded at run time: buttons not checked
    "server-container",  # a server-side GTM container: what its check does not cover
    "custom-html-unreadable",  # a GTM Custom HTML tag whose script could not be parsed
    "modified-after-literal",  # a property of the config object assigned after its literal
]
ConsentStatus: TypeAlias = Literal["NEEDED", "NOT_SET", "NOT_NEEDED"]

#: Longest cookie pattern (regex source) accepted from a configuration.
MAX_PATTERN_LENGTH = 256
#: Longest cookie name a pattern is ever run against. Browsers cap a whole
#: cookie at 4096 bytes, but tracker cookie names are short (under 40
#: characters); a longer name simply does not match.
MAX_COOKIE_NAME_LENGTH = 128

_FROZEN = ConfigDict(frozen=True, extra="forbid")
#: Memory RE2 may use for one compiled pattern (its default is 8 MiB too; stated, not assumed).
_RE2_MAX_MEM = 8 << 20


class BannerSource(BaseModel):
    """Which reader produced the model and from which file (the ``source`` name)."""

    model_config = _FROZEN

    format: BannerFormat
    file: str
    format_version: str | None = None


class DynamicValue(BaseModel):
    """A value that is present but only known at run time (function, variable, spread ...).

    ``path`` is the JSON pointer of the value in the configuration; ``kind`` is
    the JavaScript construct found (``"function"``, ``"identifier"``,
    ``"call"``, ``"spread"``, ``"template"``, ``"computed-key"`` ...).
    """

    model_config = _FROZEN

    path: str
    kind: str
    location: Location | None = None


class ReaderNote(BaseModel):
    """Something the reader saw and did not judge, said so instead of passed silently.

    ``kind`` says what (see :data:`NoteKind`); ``subject`` names the key, tag,
    language or file concerned.
    """

    model_config = _FROZEN

    kind: NoteKind
    subject: str
    location: Location | None = None


class Reopen(BaseModel):
    """One way the visitor can reopen the banner's choices (to withdraw consent).

    ``means`` is what was found, as written: ``data-cc="show-preferencesModal"``,
    ``CookieConsent.showPreferences()``, ``klaro.show()`` ...
    """

    model_config = _FROZEN

    means: str
    location: Location | None = None


class Withdrawal(BaseModel):
    """What the input shows of the way to withdraw consent (GDPR Art. 7(3)).

    Set only when the input can show it (a page with a body, or a native file
    that says); ``reopen`` then lists what was found, and an empty tuple means
    the page offers no way back to the choices.
    """

    model_config = _FROZEN

    reopen: tuple[Reopen, ...] = ()
    location: Location | None = None


class TagLoad(BaseModel):
    """A Google tag loaded before any choice, next to Consent Mode defaults (advanced mode).

    ``setting`` names what loads it as written (``gtag('config', 'G-1')``, a
    ``<script src=".../gtag/js">``, a GTM tag with consent status ``NOT_SET``).
    """

    model_config = _FROZEN

    setting: str
    location: Location | None = None


class ImpliedConsent(BaseModel):
    """One way the configuration takes consent without a click on a consent button."""

    model_config = _FROZEN

    trigger: ImpliedTrigger
    location: Location | None = None


class ConsentRecord(BaseModel):
    """Where the visitor's choice is stored and for how long.

    ``lifetime_days`` is ``None`` when the lifetime is dynamic (a function, see
    :attr:`Banner.dynamic`), and ``math.inf`` when the record never expires
    (Klaro's ``localStorage`` store). ``lifetime_is_default`` says the configuration did
    not set it and the library default was used (cc3: 182, Klaro: 120);
    ``location`` then is ``None``.
    """

    model_config = _FROZEN

    name: str | None = None
    storage: Literal["cookie", "localStorage", "sessionStorage"] | None = None
    lifetime_days: int | float | None = None
    lifetime_is_default: bool = False
    location: Location | None = None


class Reconsent(BaseModel):
    """When stored consent stops being valid and visitors are asked again.

    ``revision`` is the configured revision number (cc3 ``revision``; ``None``
    for formats without one, such as Klaro). ``revision_set`` is false when
    the configuration wrote none and the library default (cc3: 0) applies. ``triggers`` names the events the
    library re-prompts on: ``"revision"``, ``"new-service"``.
    """

    model_config = _FROZEN

    revision: int | None = None
    revision_set: bool = True
    triggers: tuple[Literal["revision", "new-service"], ...] = ()
    revision_message_present: bool = False
    location: Location | None = None


class Button(BaseModel):
    """A button drawn on a layer; ``label`` is ``None`` when the library supplies it."""

    model_config = _FROZEN

    role: ButtonRole
    label: str | None = None
    location: Location | None = None


class LanguageLayer(BaseModel):
    """The first layer (the notice) in one language.

    ``buttons`` are those the library actually draws for this language (cc3
    draws a button only if its text exists). ``equal_weight`` is the format's
    "accept and reject look the same" switch, ``None`` where it has none.
    ``location`` points at the language's texts (or the banner config).
    """

    model_config = _FROZEN

    lang: str
    shown: bool = True
    buttons: tuple[Button, ...] = ()
    equal_weight: bool | None = None
    equal_weight_location: Location | None = None
    second_layer_reachable: bool | None = None
    location: Location | None = None

    def button(self, role: ButtonRole) -> Button | None:
        """The first button with ``role``, or ``None``."""
        return next((b for b in self.buttons if b.role == role), None)

    @property
    def has_accept(self) -> bool:
        """Whether the layer offers an accept-all button."""
        return self.button("accept_all") is not None

    @property
    def has_reject(self) -> bool:
        """Whether the layer offers a one-click refusal (reject all, or an X that rejects)."""
        return self.button("reject_all") is not None or self.button("close_rejects") is not None

    @property
    def reject_equally_available(self) -> bool:
        """Refusing is as available as accepting on this layer.

        True when there is no accept button, or when a reject button sits next
        to it and the format does not say it is styled with less weight
        (``equal_weight`` is not ``False``).
        """
        if not self.has_accept:
            return True
        return self.has_reject and self.equal_weight is not False


class CookiePattern(BaseModel):
    """A cookie-name regular expression from a configuration (untrusted).

    ``source`` is the regex body and ``flags`` its JavaScript flags. Patterns
    are matched with RE2 (google-re2), whose matching time is linear in the
    name, so no pattern can backtrack catastrophically; patterns are at most
    :data:`MAX_PATTERN_LENGTH` characters and a match is only tried against
    names up to :data:`MAX_COOKIE_NAME_LENGTH` characters (longer names are
    treated as not matching). RE2 lacks backreferences and lookaround: such a
    pattern has ``compiles`` false and never matches; rules must not treat
    that as "no match found" evidence.
    """

    model_config = _FROZEN

    source: str = Field(max_length=MAX_PATTERN_LENGTH)
    flags: str = ""

    @cached_property
    def _compiled(self) -> Any:
        import re2  # imported on the first pattern: most configs have none

        options = re2.Options()
        options.log_errors = False  # a refused pattern is data, not a message on stderr
        options.max_mem = _RE2_MAX_MEM
        options.case_sensitive = "i" not in self.flags
        options.dot_nl = "s" in self.flags
        prefix = "(?m)" if "m" in self.flags else ""
        try:
            return re2.compile(prefix + self.source, options)
        except re2.error:
            return None

    @property
    def compiles(self) -> bool:
        """Whether RE2 accepts the pattern (no backreferences or lookaround)."""
        return self._compiled is not None

    def matches(self, name: str) -> bool:
        """Whether the pattern finds a match in ``name`` (JavaScript ``test`` semantics)."""
        compiled = self._compiled
        if compiled is None or len(name) > MAX_COOKIE_NAME_LENGTH:
            return False
        return compiled.search(name) is not None

    def __str__(self) -> str:
        return f"/{self.source}/{self.flags}"


class CookieRef(BaseModel):
    """A cookie a category or service declares: an exact ``name`` or a ``pattern``."""

    model_config = _FROZEN

    name: str | None = None
    pattern: CookiePattern | None = None
    domain: str | None = None
    path: str | None = None
    location: Location | None = None

    def matches(self, cookie_name: str) -> bool:
        """Whether a concrete cookie name is covered by this reference."""
        if self.name is not None:
            return self.name == cookie_name
        if self.pattern is not None:
            return self.pattern.matches(cookie_name)
        return False

    @property
    def display(self) -> str:
        """The name, or the pattern as ``/source/flags``."""
        if self.name is not None:
            return self.name
        return str(self.pattern) if self.pattern is not None else ""


class Category(BaseModel):
    """A consent category (cc3 category, Klaro purpose, native category).

    ``kind`` is what the category is for, from its id (``necessary``,
    ``essential`` -> necessary; ``analytics``, ``statistics``, ``performance``
    -> analytics; ``marketing``, ``ads``, ``targeting`` -> marketing ...); an
    unknown id is ``other``. ``read_only`` means the visitor cannot switch it
    off; ``default_enabled`` means its toggle is on before any choice;
    ``runs_before_consent`` means its scripts run before any choice.
    """

    model_config = _FROZEN

    id: str
    label: str | None = None
    kind: CategoryKind = "other"
    read_only: bool = False
    default_enabled: bool = False
    runs_before_consent: bool = False
    auto_clear: bool = False
    service_ids: tuple[str, ...] = ()
    cookies: tuple[CookieRef, ...] = ()
    location: Location | None = None
    default_enabled_location: Location | None = None


class Service(BaseModel):
    """A tracker or script the banner manages (cc3 service, Klaro service).

    ``required`` services cannot be refused. ``vendor`` and ``tracker`` are
    guesses from the bundled tracker table (by cookie, then by id), ``None``
    when nothing matched.
    """

    model_config = _FROZEN

    id: str
    label: str | None = None
    vendor: str | None = None
    tracker: str | None = None
    category_ids: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    required: bool = False
    default_enabled: bool = False
    runs_before_consent: bool = False
    cookies: tuple[CookieRef, ...] = ()
    location: Location | None = None
    default_enabled_location: Location | None = None

    def all_cookies(self) -> Iterator[CookieRef]:
        """The service's cookies (a convenience for symmetry with categories)."""
        return iter(self.cookies)


class ConsentModeDefault(BaseModel):
    """One ``gtag('consent', 'default', {...})`` call (or an update run on page load).

    ``region`` is ``None`` when the call has no ``region`` key (it applies
    everywhere), else the ISO 3166-1/-2 codes as written (upper-cased).
    ``types`` maps each consent type written with a literal value to its
    state; ``type_locations`` holds each type's location. ``unknown_types``
    are the types written with a value known only at run time (listed in
    :attr:`Banner.dynamic`): set, but to an unknown state.
    """

    model_config = _FROZEN

    region: tuple[str, ...] | None = None
    types: dict[str, GrantState] = Field(default_factory=dict)
    type_locations: dict[str, Location] = Field(default_factory=dict)
    unknown_types: tuple[str, ...] = ()
    wait_for_update: int | float | None = None
    location: Location | None = None


class ConsentMode(BaseModel):
    """Google Consent Mode settings found in the file.

    ``updates_on_load`` are ``gtag('consent', 'update', {...})`` calls written
    outside any function and condition: they run on every page load, before
    any choice, and override the defaults everywhere (their ``region`` is
    ``None``). ``unread_defaults`` counts default commands whose settings or
    region are known only at run time (listed in :attr:`Banner.dynamic`) and
    so are not in ``defaults``.
    """

    model_config = _FROZEN

    defaults: tuple[ConsentModeDefault, ...] = ()
    updates_on_load: tuple[ConsentModeDefault, ...] = ()
    unread_defaults: int = 0
    ads_data_redaction: bool | None = None
    url_passthrough: bool | None = None
    category_to_types: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    tag_loads: tuple[TagLoad, ...] = ()
    location: Location | None = None


class GtmTag(BaseModel):
    """One tag of a GTM container export.

    ``consent_status`` is upper-cased; a tag without ``consentSettings`` is
    ``NOT_SET``. ``built_in_consent_check`` is true for Google tag types that
    read Consent Mode themselves (GA4, Google Ads, Floodlight, conversion
    linker ...). ``vendor`` and ``tracker`` are guesses from the tag type and
    custom HTML (for ``html`` tags), ``None`` when unknown.
    """

    model_config = _FROZEN

    id: str | None = None
    name: str
    type: str
    vendor: str | None = None
    tracker: str | None = None
    consent_status: ConsentStatus = "NOT_SET"
    consent_types: tuple[str, ...] = ()
    built_in_consent_check: bool = False
    paused: bool = False
    location: Location | None = None


class LegitimateInterestClaim(BaseModel):
    """A claim of legitimate interest for cookies or for a TCF purpose.

    ``kind`` ``"tcf-purpose"`` carries ``purpose`` (1..11); ``"category"`` and
    ``"service"`` name the category or service id in ``subject``.
    """

    model_config = _FROZEN

    kind: Literal["tcf-purpose", "category", "service"]
    purpose: int | None = None
    subject: str | None = None
    location: Location | None = None


class Banner(BaseModel):
    """The normalized banner model (see the module docstring).

    ``mode`` is ``None`` for Consent Mode and GTM files, which configure no
    banner. ``manages_trackers`` says whether the file is a banner
    configuration whose tracker set can be compared with the policy's
    inventory (cc3, Klaro, native). ``withdrawal`` is ``None`` when the input
    cannot show how consent is withdrawn (a configuration without its page).
    ``server_side`` marks a server-side GTM container. ``notes`` are what the
    reader could not judge besides run-time values (``dynamic``).
    """

    model_config = _FROZEN

    source: BannerSource
    location: Location | None = None
    mode: BannerMode | None = None
    mode_location: Location | None = None
    implied_consent: tuple[ImpliedConsent, ...] = ()
    auto_show: bool | None = None
    blocks_page: bool = False
    blocks_page_location: Location | None = None
    consent_record: ConsentRecord | None = None
    reconsent: Reconsent | None = None
    default_language: str | None = None
    languages: tuple[LanguageLayer, ...] = ()
    categories: tuple[Category, ...] = ()
    services: tuple[Service, ...] = ()
    consent_mode: ConsentMode | None = None
    gtm_tags: tuple[GtmTag, ...] = ()
    legitimate_interest: tuple[LegitimateInterestClaim, ...] = ()
    withdrawal: Withdrawal | None = None
    server_side: bool = False
    notes: tuple[ReaderNote, ...] = ()
    dynamic: tuple[DynamicValue, ...] = ()

    @property
    def manages_trackers(self) -> bool:
        """Whether the file is a banner configuration (cc3, Klaro, native)."""
        return self.source.format in ("cookieconsent", "klaro", "native")

    def category(self, category_id: str) -> Category | None:
        """The category with this id, or ``None``."""
        return next((c for c in self.categories if c.id == category_id), None)

    def service(self, service_id: str) -> Service | None:
        """The service with this id, or ``None``."""
        return next((s for s in self.services if s.id == service_id), None)

    def categories_of(self, service: Service) -> tuple[Category, ...]:
        """The categories a service belongs to, in model order."""
        return tuple(c for c in self.categories if c.id in service.category_ids)

    def is_dynamic(self, path: str) -> bool:
        """Whether the value at ``path`` may be set at run time.

        True when the value itself is dynamic, or an object containing it has a
        dynamic part (a spread or computed key at ``/`` covers everything).
        """
        return any(
            d.path in ("", "/") or path == d.path or path.startswith(d.path + "/")
            for d in self.dynamic
        )
