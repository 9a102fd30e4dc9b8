"""The policy model: a privacy statement as typed, versioned data.

A policy document holds an id, a localized title and one or more versions;
:meth:`Policy.at` returns the version in force on a day. Versions are ordered
by ``effective_from``; each runs until the day before the next one starts, or
until its own ``effective_until``. Overlaps and gaps between versions are load
errors, not surprises at evaluation time.

Every element that encodes a clause of the statement names it in its
``statement`` list, which is how ``docs/coverage.md`` is generated.

Loading (:func:`load_policy`) takes text, bytes or a mapping, never a path:
only the CLI opens files. Every problem is reported as
``source:line:column: dotted.path: expected ..., got ...``: all the values of
the wrong type or shape at once, and, once every value loads, all the
cross-references between fields.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import warnings
from collections.abc import Iterator, Mapping
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    field_validator,
    model_validator,
)

from ._duration import Duration
from ._errors import InputError, Issue, PolicyError, UsageError
from ._messages import Location
from ._orgnumber import org_number_problem
from ._places import CALENDARS, COUNTRY_ZONES, VETTED_CALENDARS, CalendarCode, EeaCountry
from ._refs import LegalRef, Promise, StatementRef, in_promise_order
from ._zones import zone_of

if TYPE_CHECKING:
    # PyYAML is imported only when YAML is read: the bundled policy loads from its JSON snapshot.
    from ._yaml import LocatedDocument, Path

__all__ = [
    "LAW_PERIODS",
    "Address",
    "Assumption",
    "AutomatedDecisions",
    "Clause",
    "Complaint",
    "ConsentRequirements",
    "ContactChannel",
    "Controller",
    "CookieSpec",
    "DataCategory",
    "DataRecipient",
    "Disclosure",
    "Entity",
    "ExtensionReason",
    "IdentityVerification",
    "Jurisdiction",
    "LawfulBasis",
    "Marketing",
    "NoticeItem",
    "Policy",
    "PolicyVersion",
    "ProviderRole",
    "Purpose",
    "RetentionRule",
    "Rights",
    "Site",
    "StatementDocument",
    "SubjectCategory",
    "System",
    "Tracker",
    "Transfer",
    "bundled_policy",
    "bundled_policy_text",
    "load_policy",
    "statement_refs",
]

_ID = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=_ID, description="a lower-case id: letters, digits, '-' or '_'")]
Lang = Literal["en", "nb", "sv"]
LocalizedText = dict[Lang, str]
#: a text the element cannot do without: at least one language (``title: {}`` says nothing)
RequiredText = Annotated[LocalizedText, Field(min_length=1)]


def _day(value: Any) -> Any:
    """A YAML date, or its ISO 8601 text (``2024-03-06``): never a number.

    Pydantic would read ``1709683200`` (or ``'1709683200'``) as Unix time, 2024-03-06.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time():
            return value.date()
        raise ValueError(
            f"expected a date such as 2024-03-06 (YYYY-MM-DD), without a time of day, "
            f"got {_describe(value)}"
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # 2024-02-30: the message below says what a date is
    raise ValueError(f"expected a date such as 2024-03-06 (YYYY-MM-DD), got {_describe(value)}")


Day = Annotated[dt.date, BeforeValidator(_day)]


def _iso_duration(value: Any) -> Any:
    # A duration is ISO 8601 text (docs/policy-format.md, "Durations"). The model's parts
    # as a mapping ({months: 13}) would be a second, undocumented form of it.
    if isinstance(value, dict):
        raise ValueError(f"expected an ISO 8601 duration such as P2Y, got {_describe(value)}")
    return value


IsoDuration = Annotated[Duration, BeforeValidator(_iso_duration)]

# A host name: labels of letters, digits and '-' (letters of any script: an IDN as
# written), joined by dots, with an optional final dot.
_HOST = re.compile(r"(?=.{1,254}$)(?:[^\W_](?:[^\W_]|-){0,62}\.)*[^\W_](?:[^\W_]|-){0,62}\.?")


def _site_key(domain: str) -> str:
    """A site's domain as sites are compared: lower-case, without a final dot or a leading
    ``www.`` (``WWW.Inmeta.SE.`` is ``inmeta.se``).

    A request log may give the page a request came from (``https://www.inmeta.se/kontakt``,
    ``inmeta.se/kontakt``): its host is the site.
    """
    text = domain.strip()
    if "/" in text or ":" in text:
        text = _url_host(text) or text
    return text.lower().removesuffix(".").removeprefix("www.")


def _url_host(text: str) -> str | None:
    """The host of an address (``https://www.inmeta.se/kontakt``, ``inmeta.se/kontakt``)."""
    from urllib.parse import urlsplit  # only for addresses, which are rare

    text = text.strip()
    try:
        return urlsplit(text if "//" in text else f"//{text}").hostname
    except ValueError:  # '[' opens an IPv6 address that never closes: no host to take
        return None


def _host(value: str) -> str:
    if _HOST.fullmatch(value):
        return value
    host = _url_host(value)  # for this error's hint
    hint = f" (write {host})" if host and _HOST.fullmatch(host) else ""
    raise ValueError(
        f"expected a host name such as inmeta.no (no scheme, path, port or spaces), "
        f"got {value!r}{hint}"
    )


#: a site's domain as the policy writes it: a bare host name (``www.inmeta.se``, ``inmeta.se``)
Host = Annotated[str, AfterValidator(_host)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class LawfulBasis(StrEnum):
    """GDPR Art. 6(1) points (a) to (f)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal-obligation"
    VITAL_INTERESTS = "vital-interests"
    PUBLIC_TASK = "public-task"
    LEGITIMATE_INTEREST = "legitimate-interest"

    @property
    def reference(self) -> LegalRef:
        """The point of GDPR Art. 6(1) this basis is."""
        point = "abcdef"[list(LawfulBasis).index(self)]
        return LegalRef.parse(f"GDPR Art. 6(1)({point})")


class Address(_Model):
    """A visiting or postal address of the controller, and the sites whose requests it answers.

    ``answers_requests`` names site domains (``inmeta.se``) whose data-subject
    requests are answered from this establishment: their deadlines follow the
    public holidays of its ``country`` (Reg. 1182/71 Art. 2: the place where
    the act is done). Sites no establishment claims are answered from the
    controller's own country. ``subdivision`` (ISO 3166-2, ``DE-BY``) names the
    region where public holidays differ by region; without it the entity's
    subdivision applies, else the jurisdiction's calendar.
    """

    kind: Literal["visiting", "postal"]
    street: str | None = None
    po_box: str | None = None
    postcode: str
    city: str
    country: EeaCountry
    subdivision: str | None = None
    answers_requests: tuple[Host, ...] = ()
    statement: tuple[StatementRef, ...] = ()

    @model_validator(mode="after")
    def _check_subdivision(self) -> Address:
        _check_subdivision(self.country, self.subdivision)
        return self


def _subdivisions(country: str) -> list[str]:
    return [c for c in CALENDARS if c.startswith(f"{country}-") and c not in VETTED_CALENDARS]


def _check_subdivision(country: str, subdivision: str | None) -> None:
    if subdivision is None or subdivision in _subdivisions(country):
        return
    known = _subdivisions(country)
    raise ValueError(
        f"subdivision: expected one of {', '.join(known)} (ISO 3166-2 regions of {country} "
        f"whose public holidays differ), got {subdivision!r}"
        if known
        else f"subdivision: expected none ({country} has no regional holiday calendars), "
        f"got {subdivision!r}"
    )


ChannelKind = Literal[
    "email",
    "phone",
    "web",
    "postal",
    "cookie-banner",
    "cookie-declaration",
    "unsubscribe-link",
    "browser-settings",
]
ChannelUse = Literal["general", "opt-out", "consent-withdrawal", "rights-requests"]


class ContactChannel(_Model):
    """A way to reach the controller; ``href`` is the link as published, if any.

    The statement shows one address and links another (hei@ vs post@); both
    are kept so that ``gdpr-policy lint`` can report the disagreement.
    """

    id: Id
    kind: ChannelKind
    value: str
    href: str | None = None
    uses: tuple[ChannelUse, ...] = ()
    statement: tuple[StatementRef, ...] = ()

    @model_validator(mode="after")
    def _check_email(self) -> ContactChannel:
        if self.kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", self.value):
            raise ValueError(f"expected an e-mail address, got {self.value!r}")
        return self


class Jurisdiction(_Model):
    """A country whose rules and calendar apply, with its time zone.

    ``calendar`` is the country itself, one of its regions (``DE-BY``: Bavaria's
    public holidays), or for Sweden ``SE-1930-173``; it must be of ``code``'s country.
    So must ``timezone`` (``Europe/Oslo``; Portugal's Lisbon, Madeira or the Azores):
    it says on which day a request arrived there.
    """

    code: EeaCountry
    timezone: str
    calendar: CalendarCode
    statement: tuple[StatementRef, ...] = ()

    @model_validator(mode="after")
    def _check_calendar(self) -> Jurisdiction:
        if self.calendar.split("-", 1)[0] != self.code:
            raise ValueError(
                f"calendar: expected a calendar of {self.code} ({self.code} or one of its "
                f"regions such as {self.code}-...), got {self.calendar!r}"
            )
        zones = COUNTRY_ZONES[self.code]
        if self.timezone not in zones:
            # the zone says on which day a request arrived there: another country's (or
            # UTC) moves receipt days, and so every deadline, across midnight
            raise ValueError(
                f"timezone: expected a time zone of {self.code} ({', '.join(zones)}), "
                f"got {self.timezone!r}"
            )
        return self

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            zone_of(value)
        except UsageError as exc:  # a validator reports a ValueError, located by the loader
            raise ValueError(str(exc)) from None
        return value


def _check_org_number(country: str, number: str) -> None:
    problem = org_number_problem(country, number)
    if problem is not None:
        raise ValueError(f"organisation_number: {problem}")


class Entity(_Model):
    """Another legal entity of the controller's group that the statement names.

    A Norwegian subsidiary that answers the requests of the Norwegian site, for
    example: its addresses' ``answers_requests`` make those deadlines follow
    its country's calendar, as the controller's own addresses do.
    """

    legal_name: str
    organisation_number: str
    country: EeaCountry
    subdivision: str | None = None
    addresses: tuple[Address, ...] = ()
    statement: tuple[StatementRef, ...] = ()

    @model_validator(mode="after")
    def _check_org_number(self) -> Entity:
        _check_org_number(self.country, self.organisation_number)
        _check_subdivision(self.country, self.subdivision)
        return self

    def place_of(self, address: Address) -> str:
        """Where ``address`` answers requests: its subdivision, else the entity's when the
        address is in the entity's country, else its country."""
        if address.subdivision is not None:
            return address.subdivision
        if self.subdivision is not None and address.country == self.country:
            return self.subdivision
        return address.country


class Controller(Entity):
    """The data controller: an entity (legal name, organisation number, addresses) with
    the channels that reach it.

    ``entities`` are the group's other legal entities the statement names, with
    the addresses they answer requests from.
    """

    channels: tuple[ContactChannel, ...] = ()
    entities: tuple[Entity, ...] = ()

    def all_addresses(self) -> Iterator[tuple[str, Address]]:
        """Every address of the controller and of its entities, with its path."""
        for i, a in enumerate(self.addresses):
            yield f"controller.addresses[{i}]", a
        for e, entity in enumerate(self.entities):
            for i, a in enumerate(entity.addresses):
                yield f"controller.entities[{e}].addresses[{i}]", a

    def answering_places(self) -> Iterator[tuple[Address, str]]:
        """Every address with the place it answers from (:meth:`Entity.place_of`)."""
        for a in self.addresses:
            yield a, self.place_of(a)
        for entity in self.entities:
            for a in entity.addresses:
                yield a, entity.place_of(a)

    def channel(self, channel_id: str) -> ContactChannel:
        """The channel with this id."""
        for ch in self.channels:
            if ch.id == channel_id:
                return ch
        raise UsageError(f"no contact channel {channel_id!r}")


class Site(_Model):
    """A website the statement covers, by its host name (``inmeta.no``): no scheme, path or port.

    Case, a final dot and a leading ``www.`` do not make another site:
    ``www.inmeta.se`` is ``inmeta.se`` to ``answers_requests`` and to a
    request's ``site``, and may be declared once.
    """

    domain: Host
    jurisdiction: EeaCountry
    statement: tuple[StatementRef, ...] = ()


class SubjectCategory(_Model):
    """A category of data subjects, e.g. business contacts acting for a company.

    There is no flag that exempts business contacts: the statement says the
    GDPR applies to them in full (S09), so nothing could read one.
    """

    id: Id
    description: RequiredText
    statement: tuple[StatementRef, ...] = ()


class DataCategory(_Model):
    """A category of personal data."""

    id: Id
    description: RequiredText
    statement: tuple[StatementRef, ...] = ()


class System(_Model):
    """A system that holds or processes personal data (CRM, CMS, analytics ...).

    ``outside_eea`` says whether its vendor receives the data outside the EEA
    (a transfer the notice must disclose, GDPR Art. 13(1)(f)).
    """

    id: Id
    name: str
    vendor: str
    kind: Literal[
        "crm",
        "marketing-automation",
        "cms",
        "analytics",
        "tag-manager",
        "advertising",
        "social-media",
        "other",
    ]
    data_categories: tuple[str, ...] = ()
    outside_eea: StrictBool = False
    statement: tuple[StatementRef, ...] = ()


#: The EEA: the EU member states, Iceland, Liechtenstein and Norway (ISO 3166-1 alpha-2).
EEA_COUNTRIES: frozenset[str] = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
})
#: Third countries with an adequacy decision under GDPR Art. 45(3) in force (the Commission's
#: list): Andorra, Argentina, Canada (commercial organisations), the Faroe Islands,
#: Guernsey, Israel, the Isle of Man, Japan, Jersey, New Zealand, the Republic of Korea,
#: Switzerland, the United Kingdom and Uruguay. The United States only for organisations
#: certified under the EU-US Data Privacy Framework (safeguard ``eu-us-dpf``).
ADEQUATE_COUNTRIES: frozenset[str] = frozenset({
    "AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY",
})

RecipientRole = Literal[
    "processor", "joint-controller", "independent-controller", "public-authority", "other"
]
Safeguard = Literal[
    "adequacy", "eu-us-dpf", "standard-contractual-clauses", "binding-corporate-rules",
    "derogation", "other",
]


class Transfer(_Model):
    """How data reaches a recipient outside the EEA lawfully (GDPR Chapter V).

    ``adequacy`` (Art. 45), ``eu-us-dpf`` (the adequacy decision for certified US
    organisations), ``standard-contractual-clauses`` or ``binding-corporate-rules``
    (Art. 46-47), a ``derogation`` of Art. 49, or ``other`` with a ``note``.
    """

    safeguard: Safeguard
    note: str | None = None

    @model_validator(mode="after")
    def _other_says_what(self) -> Transfer:
        if self.safeguard == "other" and not self.note:
            raise ValueError("note: expected what the safeguard is when safeguard is 'other'")
        return self


class DataRecipient(_Model):
    """Someone the data is disclosed to: a processor, another controller, an authority.

    ``country`` is where the recipient receives the data (ISO 3166-1 alpha-2); outside
    the EEA, ``transfer`` says on what ground (``gdpr-policy lint`` checks it). A
    role that fits no category is ``other`` with a ``note``, so nothing the
    statement says is dropped.
    """

    id: Id
    name: str
    role: RecipientRole
    note: str | None = None
    country: str = Field(pattern=r"^[A-Z]{2}$")
    transfer: Transfer | None = None
    statement: tuple[StatementRef, ...] = ()

    @model_validator(mode="after")
    def _other_says_what(self) -> DataRecipient:
        if self.role == "other" and not self.note:
            raise ValueError("note: expected who the recipient is when role is 'other'")
        return self

    @property
    def outside_eea(self) -> bool:
        """Whether the data leaves the EEA to reach this recipient."""
        return self.country not in EEA_COUNTRIES


PurposeKind = Literal[
    "service",
    "security",
    "functional",
    "analytics",
    "marketing",
    "profiling",
    "customer-relationship",
    "inquiry-follow-up",
    "legal",
    "other",
]


class Purpose(_Model):
    """A purpose of processing, its GDPR basis and, where a national law adds one, that too.

    ``national_basis`` lists the alternatives the national law accepts (for
    e-mail marketing under the Norwegian Marketing Control Act § 15:
    ``consent`` or ``existing-customer-relationship``), ``national_law`` cites it.
    """

    id: Id
    description: RequiredText
    kind: PurposeKind
    #: what the purpose is, when its kind is ``other`` (no category of the vocabulary fits)
    note: str | None = None
    basis: LawfulBasis
    national_basis: tuple[Literal["consent", "existing-customer-relationship"], ...] = ()
    national_law: LegalRef | None = None
    data_categories: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    withdrawal_channels: tuple[str, ...] = ()
    statement: tuple[StatementRef, ...] = ()

    @model_validator(mode="after")
    def _check_national(self) -> Purpose:
        if self.kind == "other" and not self.note:
            raise ValueError("note: expected what the purpose is when its kind is 'other'")
        if self.national_basis and self.national_law is None:
            raise ValueError(
                "national_law: expected the act that requires national_basis, such as 'NO Markedsføringsloven § 15'"
            )
        return self


class CookieSpec(_Model):
    """A cookie by exact name or by regular expression (``pattern``), not both."""

    name: str | None = None
    pattern: str | None = None
    domain: str | None = None
    party: Literal["first", "third"] = "first"
    lifetime: IsoDuration | None = None
    session: StrictBool = False

    @model_validator(mode="after")
    def _one_of(self) -> CookieSpec:
        if (self.name is None) == (self.pattern is None):
            raise ValueError("expected exactly one of name or pattern")
        if self.pattern is not None:
            if len(self.pattern) > 200:
                raise ValueError("pattern: expected a regular expression of at most 200 characters")
            with warnings.catch_warnings():
                # re warns (FutureWarning) where a pattern's meaning will change in a
                # later Python, such as '[a--b]' or '[[x]': a pattern must mean one thing.
                warnings.simplefilter("error", FutureWarning)
                try:
                    re.compile(self.pattern)
                except FutureWarning as exc:
                    raise ValueError(
                        f"expected a regular expression with one meaning, got {self.pattern!r}"
                        f" ({exc}, which a later Python reads differently: escape the"
                        " character with a backslash)"
                    ) from None
                except (re.error, OverflowError, RecursionError) as exc:
                    # OverflowError: a repetition past sre's limit ('a{4294967296}');
                    # RecursionError: a pattern nested too deep for the parser
                    raise ValueError(
                        f"expected a regular expression, got {self.pattern!r} ({exc})"
                    ) from exc
        return self


TrackerCategory = Literal["necessary", "functional", "analytics", "marketing"]
#: Who the provider is to the controller: the controller itself, its processor, a joint
#: controller (CJEU C-40/17 Fashion ID: a site that embeds a pixel decides, with the
#: provider, on collecting and transmitting the data), or an independent controller.
ProviderRole = Literal["controller", "processor", "joint-controller", "independent-controller"]


class Tracker(_Model):
    """A cookie or similar technology set on the sites, with what it is for.

    ``provider_role`` is None when the policy does not say; the lint then
    cannot judge a disclosure to the provider and says so in a note.
    """

    id: Id
    provider: str
    provider_role: ProviderRole | None = None
    system: str | None = None
    category: TrackerCategory
    purposes: tuple[str, ...] = Field(min_length=1)
    consent_required: StrictBool
    cookies: tuple[CookieSpec, ...] = ()
    statement: tuple[StatementRef, ...] = ()


ActivitySignal = Literal[
    "email-open",
    "email-click",
    "email-reply",
    "form-submission",
    "page-view",
    "meeting",
    "call",
    "inbound-email",
    "chat",
]


#: A value the law requires and the statement does not give: recorded, never invented.
NOT_STATED = "not-stated"
NotStated = Literal["not-stated"]


class RetentionRule(_Model):
    """When data must be deactivated or deleted, and what counts as activity.

    ``trigger`` is what starts the period ``after``: the person's inactivity, a
    hard bounce, a request, the data's ``collection``, the ``end-of-relationship``
    (a contract, a membership), or an ``event`` the statement names (``event``).
    ``after`` is ``not-stated`` when the statement promises the deactivation or
    deletion but gives no period: GDPR Art. 13(2)(a) requires one (or the
    criteria that set it), so the lint reports the omission, and the audit
    judges nothing against a period it would have to invent.
    """

    id: Id
    trigger: Literal[
        "inactivity", "hard-bounce", "on-request", "collection", "end-of-relationship", "event"
    ]
    event: str | None = None
    after: IsoDuration | NotStated | None = None
    action: Literal["deactivate", "delete"]
    activity_signals: tuple[ActivitySignal, ...] = ()
    # staff-logged: notes, calls and sales e-mails staff log (HubSpot's "Last Activity Date")
    not_activity: tuple[Literal["email-send", "record-modified", "import", "staff-logged"], ...] = ()
    statement: tuple[StatementRef, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> RetentionRule:
        if self.trigger == "inactivity" and (self.after is None or not self.activity_signals):
            raise ValueError(
                "expected 'after' and at least one activity signal for an inactivity rule"
            )
        if self.trigger in ("collection", "end-of-relationship", "event") and self.after is None:
            raise ValueError(f"after: expected the period that runs from the {self.trigger}")
        if (self.trigger == "event") != (self.event is not None):
            raise ValueError("event: expected the event's name with trigger 'event', and only then")
        return self

    @property
    def period(self) -> Duration | None:
        """The period the statement gives; ``None`` when it gives none (absent or not stated)."""
        return self.after if isinstance(self.after, Duration) else None


class Disclosure(_Model):
    """To whom personal data may be disclosed."""

    third_parties: StrictBool
    exceptions: tuple[Literal["legal-authority"], ...] = ()
    statement: tuple[StatementRef, ...] = ()


IdentityTrigger = Literal[
    "address-not-on-record",
    "representative",
    "several-matches",
    "name-differs",
    "unverified-channel-whole-record",
]
IdentityMeans = Literal["confirm-via-address-on-record", "security-questions", "id-document"]
Right = Literal[
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
    "consent-withdrawal",
]


class IdentityVerification(_Model):
    """When identity may be checked (Art. 12(6)) and what it does to the response clock.

    ``clock`` is ``none`` (the deadline runs from receipt), ``restart`` (one
    period from the answer) or ``pause`` (the days from asking to answer do
    not count); it moves only if asking was justified by a trigger and the
    question went out within ``prompt_within`` of receipt.
    """

    clock: Literal["none", "restart", "pause"]
    prompt_within: IsoDuration
    triggers: tuple[IdentityTrigger, ...]
    means: tuple[IdentityMeans, ...] = (
        "confirm-via-address-on-record",
        "security-questions",
        "id-document",
    )
    statement: tuple[StatementRef, ...] = ()


ExtensionReason = Literal["complexity", "number-of-requests"]


#: The periods GDPR Art. 12(3) sets: what a statement that states none gets, and the
#: longest a statement may promise (``policy.period-too-long``).
PeriodField = Literal["response_period", "extension", "extension_notice_within"]
LAW_PERIODS: dict[PeriodField, Duration] = {
    "response_period": Duration(months=1),
    "extension": Duration(months=2),
    "extension_notice_within": Duration(months=1),
}


class Complaint(_Model):
    """The right to complain to a supervisory authority, as the statement words it.

    GDPR Art. 13(2)(d) requires the statement to tell the data subject of the
    right; Art. 77 lets them complain where they live, work or the
    infringement took place. ``authority`` is the authority the statement
    names, if it names one: ``gdpr-policy lint`` checks that it is the
    supervisory authority of one of the countries the policy addresses (its
    jurisdictions, the controller's and its entities') under its current name
    (``policy.complaint-authority``). A statement silent on the right has no
    ``complaint`` and leaves ``right-to-complain`` out of ``discloses``; the
    lint reports the omission.
    """

    authority: str | None = None
    href: str | None = None
    statement: tuple[StatementRef, ...] = ()


class Rights(_Model):
    """Data-subject rights and the response deadlines (Art. 12(3)).

    ``extension_reasons`` are the grounds on which the policy extends the
    period; Art. 12(3) allows only the complexity and the number of requests,
    so nothing else can be listed. ``extension_notice_within`` is how soon the
    statement promises to tell the person of an extension: a promise shorter
    than the first period makes an extension notified after it late
    (``request.extension-late``), and the deadline stays the first period's.
    """

    rights: tuple[Right, ...]
    response_period: IsoDuration | NotStated
    extension: IsoDuration | NotStated
    extension_notice_within: IsoDuration | NotStated
    extension_reasons: tuple[ExtensionReason, ...] = ("complexity", "number-of-requests")
    identity: IdentityVerification
    portability_formats: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    complaint: Complaint | None = None
    statement: tuple[StatementRef, ...] = ()

    def in_force(self, field: PeriodField) -> Duration:
        """The period the statement gives, or, where it is ``not-stated``, the law's own.

        GDPR Art. 12(3): one month to answer, two further months of extension,
        notice of an extension within the first month.
        """
        value = getattr(self, field)
        return LAW_PERIODS[field] if value == NOT_STATED else value


ConsentCriterion = Literal[
    "freely-given", "specific", "informed", "unambiguous", "clear-affirmative-act", "personal"
]
ForbiddenForm = Literal[
    "silence", "inactivity", "scrolling", "pre-ticked", "precondition", "browser-settings"
]
NoticeElement = Literal["controller-identity", "purposes", "data-types", "right-to-withdraw"]


class ConsentRequirements(_Model):
    """What a valid consent is (Art. 4(11), 7), how long it lasts, and what must be asked again.

    ``criteria``, ``forbidden_forms``, ``per_purpose``, ``notice_must_include``
    and ``withdrawal_as_easy_as_giving`` are what the statement promises; the
    law sets a floor under each, and ``gdpr-policy lint`` reports a promise
    below it (``policy.consent-below-law``).

    ``max_lifetime`` is the lifetime of a consent to a purpose served by
    trackers (the cookie consent; the banner's consent cookie too);
    ``lifetime_by_kind`` sets one per kind of purpose (``marketing: P2Y``);
    where both apply the shorter wins. Neither is a rule of law: they are
    the policy's own assumptions. ``new_version_needs_renewal`` says whether
    consents given under a notice older than this version must be asked again.
    """

    criteria: tuple[ConsentCriterion, ...]
    forbidden_forms: tuple[ForbiddenForm, ...]
    per_purpose: StrictBool = True
    notice_must_include: tuple[NoticeElement, ...] = ()
    withdrawal_as_easy_as_giving: StrictBool = True
    withdrawal_channels: tuple[str, ...] = ()
    max_lifetime: IsoDuration | None = None
    lifetime_by_kind: dict[PurposeKind, IsoDuration] = Field(default_factory=dict)
    new_version_needs_renewal: StrictBool = True
    # strict: '7', true and 2.0 are not revision 7, 1 and 2
    banner_revision: Annotated[int, Field(strict=True, ge=0)] | None = None
    statement: tuple[StatementRef, ...] = ()


class Marketing(_Model):
    """Opt-out of marketing and profiling: the channels, and what an opt-out stops.

    What may still be sent after an opt-out (S36) is the purpose of kind
    ``customer-relationship`` on a basis other than consent, not a flag here.
    """

    opt_out_channels: tuple[str, ...]
    opt_out_covers: tuple[Literal["email-marketing", "profiling", "cookies"], ...] = ()
    statement: tuple[StatementRef, ...] = ()


#: What GDPR Art. 13 (and Art. 26(2)) requires a privacy notice to say.
NoticeItem = Literal[
    "controller-identity",
    "purposes",
    "legal-basis",
    "recipients",
    "transfers",
    "retention-periods",
    "rights",
    "right-to-withdraw",
    "right-to-complain",
    "joint-controller-arrangement",
    "automated-decision-making",
]


class AutomatedDecisions(_Model):
    """Whether decisions based solely on automated processing, profiling included, are made.

    When ``used``, the statement must say so, with meaningful information about
    the logic and the consequences (GDPR Art. 13(2)(f), Art. 22); the lint
    reports it missing from ``discloses``.
    """

    used: StrictBool
    description: LocalizedText | None = None
    statement: tuple[StatementRef, ...] = ()


ClauseKind = Literal["rule", "policy", "out-of-scope"]


class Clause(_Model):
    """A clause of a published statement: the id its author gives it, and what it promises.

    ``promises`` names the promises of this library's vocabulary the clause
    makes (:class:`~gdpr_policy.Promise`); a finding of a rule that checks a
    promise cites the clauses that make it. ``kind`` says whether the clause is
    checked by rules, encoded as policy data, or is not about data protection
    (the coverage table reads it).
    """

    id: str
    summary: str
    kind: ClauseKind = "policy"
    promises: tuple[Promise, ...] = ()

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        return StatementRef(clause=value).clause


class StatementDocument(_Model):
    """A published document of the statement (a privacy notice, a cookie declaration ...)."""

    id: Id
    title: str
    language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    url: str | None = None
    clauses: tuple[Clause, ...] = Field(min_length=1)


class Assumption(_Model):
    """A value the policy holds that the statement does not say: where, and why it was chosen.

    ``field`` is a path in the version, with list items by id:
    ``rights.identity.prompt_within``, ``retention[inactive-contacts].after``.
    ``gdpr-policy lint`` reports each as a note (``policy.assumed-value``), so a
    report keeps what the statement says apart from what its author assumed.
    """

    field: str = Field(min_length=1)
    reason: str = Field(min_length=1)


_STEP = re.compile(r"([a-z_]+)(?:\[([^\]]+)\])?")


def statement_refs(
    model: BaseModel, path: str = "", *, by_label: bool = False
) -> Iterator[tuple[str, int, StatementRef]]:
    """Every statement reference in a model tree: the element's dotted path, the index in
    its ``statement`` list, and the reference.

    List items are named by index (``purposes[3]``, for locating an error), or with
    ``by_label`` by their id, code or domain (``purposes[analytics]``, for people).
    """
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = f"{path}.{name}" if path else name
        if name == "statement" and isinstance(value, tuple):
            for i, ref in enumerate(value):
                if isinstance(ref, StatementRef):
                    yield path, i, ref
        elif isinstance(value, BaseModel):
            yield from statement_refs(value, here, by_label=by_label)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = (getattr(item, "id", None) or getattr(item, "code", None)
                             or getattr(item, "domain", None)) if by_label else None
                    yield from statement_refs(
                        item, f"{here}[{label if label else i}]", by_label=by_label)


class PolicyVersion(_Model):
    """One version of the policy, in force from ``effective_from``.

    ``discloses`` lists what the statement itself tells the data subject (of
    what GDPR Art. 13 requires); ``gdpr-policy lint`` reports each omission.
    None means the policy does not say, and the lint cannot judge.
    """

    version: str
    effective_from: Day
    effective_until: Day | None = None
    language: Lang = "nb"
    statement: tuple[StatementRef, ...] = ()
    documents: tuple[StatementDocument, ...] = ()
    controller: Controller
    sites: tuple[Site, ...]
    jurisdictions: tuple[Jurisdiction, ...]
    subject_categories: tuple[SubjectCategory, ...] = ()
    data_categories: tuple[DataCategory, ...] = ()
    systems: tuple[System, ...] = ()
    recipients: tuple[DataRecipient, ...] = ()
    purposes: tuple[Purpose, ...]
    trackers: tuple[Tracker, ...] = ()
    retention: tuple[RetentionRule, ...] = ()
    disclosure: Disclosure
    rights: Rights
    consent: ConsentRequirements
    marketing: Marketing
    discloses: tuple[NoticeItem, ...] | None = None
    automated_decisions: AutomatedDecisions | None = None
    assumed: tuple[Assumption, ...] = ()

    _policy_id: str = PrivateAttr(default="")
    _title: dict[str, str] = PrivateAttr(default_factory=dict)
    # (the documents it was computed from, promises -> clauses): a copy made with other
    # documents (model_copy shares private attributes) must not reuse the cache
    _promised: tuple[object, dict[tuple[Promise, ...], tuple[StatementRef, ...]]] | None = (
        PrivateAttr(default=None)
    )

    def clauses_for(self, promises: tuple[Promise, ...]) -> tuple[StatementRef, ...]:
        """The clauses of this version's statement that make these promises, in promise order.

        For each promise in turn, the clauses that make it in the order of the
        documents; each clause once. Empty when the statement makes none of them.
        """
        state = self._promised
        if state is None or state[0] is not self.documents:
            state = self._promised = (self.documents, {})
        cache = state[1]
        found = cache.get(promises)
        if found is None:
            per_promise = [
                [
                    StatementRef(clause=clause.id)
                    for doc in self.documents
                    for clause in doc.clauses
                    if promise in clause.promises
                ]
                for promise in promises
            ]
            found = cache[promises] = in_promise_order(per_promise)
        return found

    def value_at(self, path: str) -> object:
        """The value at a field path (``consent.max_lifetime``, ``purposes[newsletter].basis``).

        A list item is chosen by its ``id`` (or ``code`` for a jurisdiction); an
        unknown step is a UsageError naming it.
        """
        value: object = self
        for step in path.split("."):
            m = _STEP.fullmatch(step)
            # only the policy's own elements have fields here; a Duration is one value
            if (m is None or not isinstance(value, BaseModel) or type(value).__module__ != __name__
                    or m.group(1) not in type(value).model_fields):
                raise UsageError(f"no field {step!r} in {path!r}")
            value = getattr(value, m.group(1))
            if m.group(2) is not None:
                items = value if isinstance(value, tuple) else ()
                found = [x for x in items
                         if m.group(2) in (getattr(x, "id", None), getattr(x, "code", None))]
                if not found:
                    raise UsageError(f"no item {m.group(2)!r} in {m.group(1)!r} of {path!r}")
                value = found[0]
        return value

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id, if the statement has one."""
        for doc in self.documents:
            for c in doc.clauses:
                if c.id == clause_id:
                    return c
        return None

    @property
    def id(self) -> str:
        """The id of the policy this version belongs to."""
        return self._policy_id

    @property
    def title(self) -> Mapping[str, str]:
        """The localized title of the policy."""
        return self._title

    def jurisdiction(self, code: str | None = None) -> Jurisdiction:
        """The jurisdiction with ``code``; ``None`` gives the controller's own.

        ``code`` may be a calendar of the country (``SE-1930-173``, ``DE-BY``): the
        country's jurisdiction with that calendar.
        """
        wanted = code or self.controller.country
        base = wanted.split("-", 1)[0]
        for j in self.jurisdictions:
            if j.code == base:
                if wanted != base and j.calendar != wanted:
                    if wanted not in CALENDARS:
                        break
                    return j.model_copy(update={"calendar": wanted})
                return j
        raise UsageError(
            f"the policy has no jurisdiction {wanted!r}; it has {', '.join(j.code for j in self.jurisdictions)}"
        )

    def purpose(self, purpose_id: str) -> Purpose:
        """The purpose with this id; an unknown id is a UsageError naming the nearest one."""
        for p in self.purposes:
            if p.id == purpose_id:
                return p
        import difflib  # only for this error's hint: not at import (start-up of every command)

        ids = [p.id for p in self.purposes]
        near = difflib.get_close_matches(str(purpose_id), ids, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise UsageError(
            f"the policy declares no purpose {purpose_id!r}{hint} "
            f"(declared: {', '.join(ids) or 'none'})"
        )

    def answering_country(self, site: str | None = None) -> EeaCountry:
        """The country requests are answered from: an establishment that answers for ``site``,
        else the controller's own country (whatever the site's own jurisdiction)."""
        if site is not None:
            wanted = _site_key(site)
            for _, a in self.controller.all_addresses():
                if wanted in (_site_key(d) for d in a.answers_requests):
                    return a.country
        return self.controller.country

    def knows_site(self, site: str) -> bool:
        """Whether ``site`` (a domain or a page's address) is one of the policy's sites."""
        wanted = _site_key(site)
        return any(_site_key(s.domain) == wanted for s in self.sites)

    def answering_place(self, site: str | None = None) -> str:
        """The country or region (``DE-BY``) requests are answered from, as
        :meth:`answering_country` finds it: an establishment's subdivision (else its
        entity's), else the controller's subdivision, else the country alone."""
        if site is not None:
            wanted = _site_key(site)
            for a, place in self.controller.answering_places():
                if wanted in (_site_key(d) for d in a.answers_requests):
                    return place
        return self.controller.subdivision or self.controller.country

    def tracker(self, tracker_id: str) -> Tracker:
        """The tracker with this id."""
        for t in self.trackers:
            if t.id == tracker_id:
                return t
        raise UsageError(f"the policy has no tracker {tracker_id!r}")

    def retention_rule(self, trigger: str) -> RetentionRule | None:
        """The first retention rule with this trigger, if any."""
        return next((r for r in self.retention if r.trigger == trigger), None)

    @model_validator(mode="after")
    def _check_references(self) -> PolicyVersion:
        problems: list[str] = []
        channel_ids = {c.id for c in self.controller.channels}
        data_ids = {d.id for d in self.data_categories}
        system_ids = {s.id for s in self.systems}
        purpose_ids = {p.id for p in self.purposes}
        jur_codes = {j.code for j in self.jurisdictions}
        _unique(problems, "controller.channels", [c.id for c in self.controller.channels])
        _unique(problems, "purposes", [p.id for p in self.purposes])
        _unique(problems, "trackers", [t.id for t in self.trackers])
        _unique(problems, "systems", [s.id for s in self.systems])
        _unique(problems, "recipients", [r.id for r in self.recipients])
        _unique(problems, "data_categories", [d.id for d in self.data_categories])
        _unique(problems, "subject_categories", [s.id for s in self.subject_categories])
        _unique(problems, "retention", [r.id for r in self.retention])
        _unique(problems, "jurisdictions", [j.code for j in self.jurisdictions])
        if self.controller.country not in jur_codes:
            problems.append(
                f"jurisdictions: expected an entry for the controller's country {self.controller.country}"
            )
        # sites are compared as answering_place() compares them: www.inmeta.se is inmeta.se
        first_site: dict[str, int] = {}
        for i, s in enumerate(self.sites):
            j = first_site.setdefault(_site_key(s.domain), i)
            if j != i:
                other = self.sites[j].domain
                problems.append(
                    f"sites[{i}].domain: expected each site once, got {s.domain!r}, which "
                    f"sites[{j}] already declares" + (f" as {other!r}" if other != s.domain else "")
                )
        site_domains = {s.domain for s in self.sites}
        answered_from: dict[str, str] = {}
        for where, a in self.controller.all_addresses():
            for domain in a.answers_requests:
                if answered_from.setdefault(_site_key(domain), a.country) != a.country:
                    problems.append(
                        f"{where}.answers_requests: expected each site to be "
                        f"answered from one country, got {domain!r} from "
                        f"{answered_from[_site_key(domain)]} and {a.country}"
                    )
            _known(
                problems,
                f"{where}.answers_requests",
                tuple(d for d in a.answers_requests if _site_key(d) not in first_site),
                site_domains,
                "site",
            )
            if a.answers_requests and a.country not in jur_codes:
                problems.append(
                    f"{where}.country: expected a jurisdiction for an "
                    f"establishment that answers requests, got {a.country!r}"
                )
        for i, s in enumerate(self.sites):
            if s.jurisdiction not in jur_codes:
                problems.append(
                    f"sites[{i}].jurisdiction: expected one of the jurisdictions, got {s.jurisdiction!r}"
                )
        for i, sy in enumerate(self.systems):
            _known(
                problems,
                f"systems[{i}].data_categories",
                sy.data_categories,
                data_ids,
                "data category",
            )
        for i, p in enumerate(self.purposes):
            _known(
                problems,
                f"purposes[{i}].data_categories",
                p.data_categories,
                data_ids,
                "data category",
            )
            _known(problems, f"purposes[{i}].systems", p.systems, system_ids, "system")
            _known(
                problems,
                f"purposes[{i}].withdrawal_channels",
                p.withdrawal_channels,
                channel_ids,
                "contact channel",
            )
        for i, t in enumerate(self.trackers):
            _known(problems, f"trackers[{i}].purposes", t.purposes, purpose_ids, "purpose")
            if t.system is not None:
                _known(problems, f"trackers[{i}].system", (t.system,), system_ids, "system")
        self._check_cookie_lifetimes(problems)
        _known(problems, "rights.channels", self.rights.channels, channel_ids, "contact channel")
        _known(
            problems,
            "consent.withdrawal_channels",
            self.consent.withdrawal_channels,
            channel_ids,
            "contact channel",
        )
        _known(
            problems,
            "marketing.opt_out_channels",
            self.marketing.opt_out_channels,
            channel_ids,
            "contact channel",
        )
        if self.effective_until is not None and self.effective_until < self.effective_from:
            problems.append("effective_until: expected a day on or after effective_from")
        if (self.rights.complaint is not None and self.discloses is not None
                and "right-to-complain" not in self.discloses):
            problems.append(
                "discloses: expected right-to-complain, since rights.complaint says the "
                "statement tells the data subject of the right (add it to discloses, or "
                "remove rights.complaint if the statement does not)"
            )
        self._check_clauses(problems)
        for i, assumption in enumerate(self.assumed):
            try:
                held = self.value_at(assumption.field)
            except UsageError as exc:
                problems.append(
                    f"assumed[{i}].field: expected a field of this version such as "
                    f"'rights.identity.prompt_within' or 'retention[inactive-contacts].after', "
                    f"got {assumption.field!r} ({exc})"
                )
                continue
            if held is None or type(held).__module__ == __name__:  # a whole element
                problems.append(
                    f"assumed[{i}].field: expected a field that holds a value, "
                    f"got {assumption.field!r}"
                )
            elif held == NOT_STATED:
                problems.append(
                    f"assumed[{i}].field: expected a value its author assumed, got "
                    f"{assumption.field!r}, which the policy records as not stated (a value "
                    "is either assumed or not stated: drop one of the two)"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _check_cookie_lifetimes(self, problems: list[str]) -> None:
        """A cookie (a name on a domain) that two declarations give has one lifetime.

        Two trackers that declare ``_ga`` with P2Y and P1D leave the consent
        checks to whichever they read first. A declaration without a lifetime
        contradicts none; patterns are not compared.
        """
        first: dict[tuple[str, str | None], tuple[str, str]] = {}
        for ti, t in enumerate(self.trackers):
            for ci, c in enumerate(t.cookies):
                if c.name is None or (c.lifetime is None and not c.session):
                    continue
                lifetime = _lifetime_text(c)
                domain = None if c.domain is None else c.domain.strip().strip(".").lower()
                here = f"trackers[{ti}].cookies[{ci}]"
                where, given = first.setdefault((c.name, domain), (here, lifetime))
                if given != lifetime:
                    problems.append(
                        f"{here}: expected one lifetime for cookie {c.name!r} ({given}, as "
                        f"{where} declares it), got {lifetime}"
                    )

    def _check_clauses(self, problems: list[str]) -> None:
        """Clause ids are unique across documents, and every reference names one of them."""
        _unique(problems, "documents", [d.id for d in self.documents])
        declared: set[str] = set()
        for di, doc in enumerate(self.documents):
            for ci, clause in enumerate(doc.clauses):
                if clause.id in declared:
                    problems.append(
                        f"documents[{di}].clauses[{ci}].id: expected a clause id unique across "
                        f"the documents, got {clause.id!r} twice"
                    )
                declared.add(clause.id)
        reported: set[str] = set()
        for element, index, ref in statement_refs(self):
            if ref.clause in declared or ref.clause in reported:
                continue
            path = f"{element}.statement[{index}]" if element else f"statement[{index}]"
            reported.add(ref.clause)
            if not declared:
                problems.append(
                    f"{path}: expected a clause declared under documents, got {ref.clause!r} "
                    "(list the statement's documents and their clauses under documents)"
                )
            else:
                import difflib  # only for this error's hint (start-up of every command)

                near = difflib.get_close_matches(ref.clause, sorted(declared), n=1, cutoff=0.6)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                problems.append(
                    f"{path}: expected a clause of the documents, got {ref.clause!r}{hint}"
                )


def _lifetime_text(cookie: CookieSpec) -> str:
    """A cookie's stated lifetime as an error shows it: ``P2Y``, ``session``."""
    parts = ([str(cookie.lifetime)] if cookie.lifetime is not None else []) + (
        ["session"] if cookie.session else []
    )
    return " and ".join(parts)


def _unique(problems: list[str], where: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            problems.append(f"{where}[{i}].id: expected a unique id, got {x!r} twice")
        seen.add(x)


def _known(
    problems: list[str], where: str, given: tuple[str, ...], known: set[str], what: str
) -> None:
    for x in given:
        if x not in known:
            choices = ", ".join(sorted(known)) or "none defined"
            problems.append(f"{where}: expected a known {what} ({choices}), got {x!r}")


class Policy(_Model):
    """A policy document: id, title and its versions in order of ``effective_from``."""

    id: Id
    title: RequiredText
    versions: tuple[PolicyVersion, ...] = Field(min_length=1)

    _source: str = PrivateAttr(default="<policy>")
    _marks: Mapping[Path, tuple[int, int]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_versions(self) -> Policy:
        ordered = sorted(self.versions, key=lambda v: v.effective_from)
        if list(ordered) != list(self.versions):
            raise ValueError("versions: expected versions in order of effective_from")
        for i, (a, b) in enumerate(itertools.pairwise(ordered)):
            if a.effective_from == b.effective_from:
                raise ValueError(
                    f"versions[{i + 1}].effective_from: expected a later start than version {a.version}, got the same day"
                )
            if a.effective_until is not None:
                if a.effective_until >= b.effective_from:
                    raise ValueError(
                        f"versions[{i}].effective_until: expected a day before {b.effective_from} when version "
                        f"{b.version} starts, got {a.effective_until} (the versions overlap)"
                    )
                if a.effective_until + dt.timedelta(days=1) != b.effective_from:
                    raise ValueError(
                        f"versions[{i}].effective_until: expected the day before {b.effective_from} when version "
                        f"{b.version} starts, got {a.effective_until} (no version would be in force in between)"
                    )
        _unique_versions = [v.version for v in self.versions]
        if len(set(_unique_versions)) != len(_unique_versions):
            raise ValueError("versions: expected each version name once")
        for v in self.versions:
            v._policy_id = self.id
            v._title = {str(k): t for k, t in self.title.items()}
        return self

    def at(self, day: dt.date | str) -> PolicyVersion:
        """The version in force on ``day`` (a date-time is taken on its own day).

        ``day`` may be an ISO 8601 string; anything else is a UsageError.
        """
        from ._args import when

        day = when(day, what="day") if not isinstance(day, dt.date) else day
        if isinstance(day, dt.datetime):
            day = day.date()
        current: PolicyVersion | None = None
        for v in self.versions:
            if v.effective_from <= day:
                current = v
        if current is None or (
            current.effective_until is not None and day > current.effective_until
        ):
            first = self.versions[0].effective_from
            raise UsageError(
                f"policy {self.id} has no version in force on {day.isoformat()} "
                f"(its first version starts {first.isoformat()})"
            )
        return current

    @property
    def latest(self) -> PolicyVersion:
        """The version with the latest ``effective_from``."""
        return self.versions[-1]

    @property
    def source(self) -> str:
        """The source name the policy was loaded from."""
        return self._source

    def location(self, path: Path) -> Location:
        """The file position of a path in the loaded document (nearest known ancestor)."""
        p = tuple(path)
        while p and p not in self._marks:
            p = p[:-1]
        line, col = self._marks.get(p, (None, None))
        return Location(file=self._source, line=line, column=col)


# -- loading -------------------------------------------------------------------------------------


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_NOT_STATED_BRANCH = f"literal[{NOT_STATED!r}]"


def _fold_not_stated(errors: list[Any]) -> list[Any]:
    """One error for a value that is neither of ``X | not-stated``, without pydantic's tags.

    Pydantic reports a union's failure once per branch, each under a tag in the
    location (``function-after[_check(), Duration]``, ``literal['not-stated']``).
    The ``not-stated`` branch's error is dropped, and the other branch's says that
    ``not-stated`` was also possible.
    """
    unions = {
        tuple(e["loc"][: e["loc"].index(_NOT_STATED_BRANCH)])
        for e in errors
        if _NOT_STATED_BRANCH in e["loc"]
    }
    if not unions:
        return errors
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        if _NOT_STATED_BRANCH in loc:
            continue
        for union in unions:
            if len(loc) > len(union) and loc[: len(union)] == union:
                err = {**err, "loc": (*union, *loc[len(union) + 1 :]), "or_not_stated": True}
                break
        out.append(err)
    return out


def _issue_from_pydantic(err: Mapping[str, Any], doc: LocatedDocument) -> Issue:
    from ._yaml import format_path

    loc: Path = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    kind = err["type"]
    msg: str = err["msg"]
    found: str | None = _describe(err.get("input"))
    path = loc
    if kind == "missing":
        expected = f"expected a value for required key {loc[-1]!r}" if loc else "expected a value"
        found = None
        line, col = doc.mark(loc[:-1])
    elif kind == "extra_forbidden":
        expected = "expected only known keys (see docs/policy-format.md)"
        found = f"unknown key {loc[-1]!r}"
        line, col = doc.mark(loc)
    else:
        line, col = doc.mark(loc)
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
            if msg.startswith("expected "):
                # The validator already said what it found.
                expected, found = msg, None
                if ": expected " in msg:  # a nested field named by the validator
                    head, _, rest = msg.partition(": ")
                    path = (*loc, *head.split("."))
                    expected = rest
            else:
                expected = msg
                found = None
                m = re.match(r"^([a-z_\[\]0-9.]+): (.*)$", msg)
                if m and ";" not in msg:
                    sub = _parse_path(m.group(1))
                    path = (*loc, *sub)
                    line, col = doc.mark(path)
                    expected = m.group(2)
        elif (worded := _what_to_write(kind, err)) is not None:
            expected = worded
        elif msg.startswith("Input should be "):
            expected = msg[len("Input should be ") :]
        else:
            expected = msg[0].lower() + msg[1:] if msg else "a valid value"
        if found is not None and kind.startswith(("string_pattern", "literal", "enum")):
            expected = "expected " + expected if not expected.startswith("expected") else expected
    if not expected.startswith("expected"):
        expected = "expected " + expected
    if not msg.startswith("Value error, "):
        expected += _yaml_hint(kind, err)
    if err.get("or_not_stated"):
        head, sep, got = expected.partition(", got ")
        expected = f"{head}, or {NOT_STATED} where the statement gives none{sep}{got}"
    return Issue(doc.source, line, col, format_path(path), expected, found)


#: what to write for an element that is written as text, not as a mapping of its parts
_WRITTEN_AS = {
    "StatementRef": "a clause id such as S01",
    "LegalRef": "a legal reference such as 'GDPR Art. 6(1)(a)'",
    "Duration": "an ISO 8601 duration such as P2Y",
}


def _what_to_write(kind: str, err: Mapping[str, Any]) -> str | None:
    """What to write instead, for the type errors whose pydantic words do not say it
    ("a valid dictionary or instance of StatementRef", "at least 1 item after validation").

    In the words the record parsers use (``_args.plain_words``), with what only a
    YAML file needs said: a number in quotes, the keys of a nested mapping.
    """
    from ._args import plain_words

    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "int_type":
        quoted = isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip(), re.ASCII)
        return "expected a whole number such as 1" + (" (without quotes)" if quoted else "")
    if kind == "model_type":
        name = str(ctx.get("class_name", ""))
        keys = f"a mapping of the keys of {name} (docs/policy-format.md)"
        return f"expected {_WRITTEN_AS.get(name, keys)}"
    if kind in ("bool_type", "greater_than_equal", "too_short", "string_type"):
        return "expected " + plain_words(kind, str(err.get("msg", "")), ctx)
    return None


#: pydantic's errors for a value that should have been text (a string, a clause id ...)
_TEXT_EXPECTED = frozenset(
    {"string_type", "model_type", "literal_error", "enum", "string_pattern_mismatch"}
)


def _yaml_hint(kind: str, err: Mapping[str, Any]) -> str:
    """Why YAML read a text as something else, where that is the likely cause."""
    value = err.get("input")
    if kind not in _TEXT_EXPECTED or (
        kind == "model_type" and (err.get("ctx") or {}).get("class_name") not in _WRITTEN_AS
    ):
        return ""  # not a text that was expected: quoting would not help
    if isinstance(value, bool):
        # YAML 1.1 reads no, yes, on, off (NO: Norway) as booleans
        return " (YAML reads yes, no, on and off as true or false: quote it)"
    if isinstance(value, dt.date):
        return " (YAML reads an unquoted date as a date: quote it)"
    if isinstance(value, int | float) and kind in ("string_type", "model_type"):
        return " (YAML reads an unquoted number as a number: quote it)"
    return ""


def _parse_path(text: str) -> Path:
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", text):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(parts)


def _split_issues(issue: Issue, doc: LocatedDocument) -> list[Issue]:
    from ._yaml import format_path

    # A cross-reference check reports several problems at once, joined by '; '.
    if "; " not in issue.expected:
        return [issue]
    out = []
    base = _parse_path(issue.path)
    for part in issue.expected.split("; "):
        # the first part carries the 'expected ' that _issue_from_pydantic put before the whole
        head, sep, rest = part.removeprefix("expected ").partition(": ")
        if sep and re.fullmatch(r"[a-z_\[\]0-9.]+", head):
            path = (*base, *_parse_path(head))
            line, col = doc.mark(path)
            out.append(Issue(issue.source, line, col, format_path(path), rest))
        else:
            out.append(Issue(issue.source, issue.line, issue.column, issue.path, part))
    return out


def _validate(doc: LocatedDocument) -> Policy:
    if not isinstance(doc.data, dict):
        raise PolicyError.at(
            doc.source,
            1,
            1,
            "",
            "expected a mapping with id, title and versions",
            type(doc.data).__name__,
        )
    try:
        policy = Policy.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        issues: list[Issue] = []
        errors = _fold_not_stated(exc.errors(include_url=False))
        for err in errors:
            if err["type"] == "too_short" and any(
                tuple(o["loc"][: len(err["loc"])]) == tuple(err["loc"]) and o is not err
                for o in errors
            ):
                continue  # a list emptied by its failing items: the item errors say it all
            issues.extend(_split_issues(_issue_from_pydantic(err, doc), doc))
        raise PolicyError(issues) from exc
    policy._source = doc.source
    policy._marks = doc.marks
    return policy


def load_policy(data: str | bytes | Mapping[str, Any], *, source: str = "<policy>") -> Policy:
    """Load and validate a policy from YAML text, bytes, or an already-parsed mapping.

    Raises :class:`~gdpr_policy.PolicyError` with every problem found, each as
    ``source:line:column: path: expected ..., got ...``.
    """
    from ._yaml import LocatedDocument, load_yaml

    if isinstance(data, Mapping):
        doc = LocatedDocument(data=dict(data), source=source, marks={})
    else:
        try:
            doc = load_yaml(data, source=source)
        except PolicyError:
            raise
        except InputError as exc:
            raise PolicyError(exc.issues) from exc
    return _validate(doc)


# The bundled policy: ``policies/inmeta.yaml`` is the source of truth. ``policies/inmeta.json``
# is a snapshot of its parsed data, written by ``tools/gen_snapshot_json.py``, so that a CI step
# that only needs the policy neither imports PyYAML nor parses YAML (~30 ms of a ~0.2 s run).
# The snapshot names the SHA-256 of the YAML it was made from; if the YAML differs (edited and
# not regenerated), the YAML is loaded instead, so a stale snapshot costs time, never answers.
# ``tests/test_snapshot.py`` fails while the committed snapshot is stale.

_BUNDLED_YAML = "inmeta.yaml"
_BUNDLED_SNAPSHOT = "inmeta.json"


def bundled_policy_text() -> str:
    """The text of the bundled Inmeta policy (package data, read once)."""
    return _bundled_text()


@cache
def _bundled_text() -> str:
    return resources.files("gdpr_policy").joinpath("policies", _BUNDLED_YAML).read_text("utf-8")


@cache
def _bundled_bytes() -> bytes:
    return resources.files("gdpr_policy").joinpath("policies", _BUNDLED_YAML).read_bytes()


def bundled_snapshot_json(text: str | bytes | None = None) -> str:
    """The JSON snapshot of a bundled-policy YAML (default: the packaged one), as committed.

    ``{"source": ..., "sha256": ..., "policy": ...}`` where ``policy`` is the
    parsed YAML document (dates as ISO 8601 strings, which validate to the same
    values) and ``sha256`` is the digest of the YAML bytes. The policy must be
    valid: an invalid one raises :class:`PolicyError` rather than being written.
    """
    from ._yaml import load_yaml

    raw = _bundled_bytes() if text is None else text
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw
    load_policy(raw, source=_BUNDLED_YAML)  # never snapshot an invalid policy
    data = load_yaml(raw, source=_BUNDLED_YAML).data
    snapshot = {
        "source": _BUNDLED_YAML,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "policy": data,
    }
    return json.dumps(snapshot, ensure_ascii=False, indent=1, default=_json_default) + "\n"


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):  # also dt.datetime: YAML timestamps
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")


class _BundledMarks(Mapping["Path", tuple[int, int]]):
    """The source positions of the bundled policy, taken from its YAML on first use.

    Only ``lint`` locations ask for them, so the banner and deadline commands
    never parse the YAML.
    """

    def __getitem__(self, key: Path) -> tuple[int, int]:
        return _bundled_marks()[key]

    def __iter__(self) -> Iterator[Path]:
        return iter(_bundled_marks())

    def __len__(self) -> int:
        return len(_bundled_marks())


@cache
def _bundled_marks() -> Mapping[Path, tuple[int, int]]:
    from ._yaml import load_yaml

    return load_yaml(_bundled_bytes(), source=_BUNDLED_YAML).marks


def _from_snapshot() -> Policy | None:
    """The bundled policy from its snapshot, or None when the snapshot is stale or unusable."""
    try:
        raw = resources.files("gdpr_policy").joinpath("policies", _BUNDLED_SNAPSHOT).read_bytes()
        snapshot = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(snapshot, dict) or snapshot.get("sha256") != hashlib.sha256(
        _bundled_bytes()
    ).hexdigest():
        return None
    try:
        policy = Policy.model_validate(snapshot.get("policy"))
    except pydantic.ValidationError:
        return None  # the YAML path reports the problem with its line and column
    policy._source = _BUNDLED_YAML
    policy._marks = _BundledMarks()
    return policy


@cache
def bundled_policy() -> Policy:
    """The bundled default policy: the Inmeta statement of 2024-03-06."""
    policy = _from_snapshot()
    if policy is None:
        policy = load_policy(_bundled_text(), source=_BUNDLED_YAML)
    return policy
