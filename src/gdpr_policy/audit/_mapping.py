"""The portal mapping: which CRM properties mean what to the audit.

HubSpot has no native property for "deactivated" or "processing restricted"
(hubspot.md §2.8), subscription types are portal-specific, and labels differ
between portals and export languages. So everything the rules read goes
through a :class:`PortalMapping`. Its defaults are the names of the shared
snapshot generator (``contact_status``/``deactivated``,
``processing_restricted``/``processing_restricted_date``, the subscription
types "Marketing Information" and "Newsletter"); a portal with other names
passes a mapping dict (for instance from a YAML or JSON mapping file that the
CLI opens) to :meth:`PortalMapping.from_dict`.

:class:`PropertyCatalog` maps export labels to internal names and option labels
to internal values, from the portal's own ``GET /crm/v3/properties/contacts``
answer when given, else from the built-in English defaults.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, cast, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .._errors import InputError
from .._policy import ActivitySignal, RetentionRule
from ..marketing import ROLE_LOCAL_PARTS

__all__ = [
    "DEFAULT_NOT_ACTIVITY_PROPERTIES",
    "DEFAULT_SIGNAL_PROPERTIES",
    "LABEL_ALIASES",
    "OPTION_ALIASES",
    "OPT_OUT_LABEL_PREFIXES",
    "PortalMapping",
    "PropertyCatalog",
    "normalize_basis",
]

if TYPE_CHECKING:
    NotActivityKind: TypeAlias = str
else:
    #: a kind of the policy's ``retention[].not_activity``: the policy model's own words, so
    #: that a mapping file cannot name a kind the policy does not know (``staff-loged``)
    NotActivityKind = get_args(RetentionRule.model_fields["not_activity"].annotation)[0]

#: Which portal properties carry each activity signal of the policy (hubspot.md §2.2).
#: Sends and record modifications are never activity (S12).
DEFAULT_SIGNAL_PROPERTIES: dict[ActivitySignal, tuple[str, ...]] = {
    "email-open": ("hs_email_last_open_date",),
    "email-click": ("hs_email_last_click_date",),
    "email-reply": ("hs_email_last_reply_date",),
    "form-submission": ("recent_conversion_date",),
    "page-view": ("hs_analytics_last_visit_timestamp", "hs_analytics_last_timestamp"),
    "meeting": ("notes_last_updated", "hs_last_sales_activity_timestamp"),
    "call": ("notes_last_updated",),
    "chat": ("notes_last_updated",),
    "inbound-email": ("notes_last_updated", "hs_last_sales_activity_timestamp"),
}

#: Which portal properties carry each kind of ``not_activity`` of the policy: a property
#: named here never counts as the person's activity, even when a signal maps to it.
#: ``staff-logged`` is HubSpot's "Last Activity Date" (``notes_last_updated``): it moves
#: when staff log a note, a call or a sales e-mail, not when the person does anything.
DEFAULT_NOT_ACTIVITY_PROPERTIES: dict[NotActivityKind, tuple[str, ...]] = {
    "email-send": ("hs_email_last_send_date",),
    "record-modified": ("lastmodifieddate", "hs_lastmodifieddate"),
    "import": (),
    "staff-logged": ("notes_last_updated", "notes_last_contacted"),
}

#: Country values of a contact (names in English, Norwegian, Swedish, and ISO codes).
DEFAULT_COUNTRY_CODES: dict[str, str] = {
    "no": "NO", "nor": "NO", "norway": "NO", "norge": "NO", "noreg": "NO",
    "se": "SE", "swe": "SE", "sweden": "SE", "sverige": "SE",
    "dk": "DK", "denmark": "DK", "danmark": "DK", "fi": "FI", "finland": "FI", "suomi": "FI",
    "de": "DE", "germany": "DE", "gb": "GB", "uk": "GB", "united kingdom": "GB",
    "us": "US", "united states": "US",
}

#: The codes ISO 3166-1 alpha-2 assigns (officially assigned; CLDR's own codes such as
#: ``EU``, ``XK`` and ``ZZ`` are not countries of the standard).
ISO_COUNTRY_CODES: frozenset[str] = frozenset((
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
))  # fmt: skip


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if code not in ISO_COUNTRY_CODES:
        # a country name where its code belongs would match no contact, silently
        raise PydanticCustomError("country_code", "Input should be an ISO 3166-1 alpha-2 "
                                  "country code such as NO or SE")
    return code


def _fold_country(value: str) -> str:
    """A country value for matching: spaces collapsed, case-folded."""
    return " ".join(value.split()).casefold()


def _stripped(values: tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(v.strip() for v in values)
    if "" in out:
        raise PydanticCustomError("empty_value", "Input should be a non-empty text")
    return out


def _folded(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.casefold() for v in _stripped(values))


#: the values of a flag property, compared stripped and case-insensitively with the record's
FlagValues = Annotated[tuple[str, ...], AfterValidator(_folded)]
CountryCode = Annotated[str, AfterValidator(_country_code)]

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})


def normalize_basis(text: str) -> str:
    """A legal-basis value for comparison: dashes unified, spaces collapsed, lower case."""
    return _norm_cached(text)


@cache
def _normalized(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalize_basis(v) for v in values)


@cache
def _norm_cached(text: str) -> str:
    return " ".join(text.translate(_DASHES).split()).casefold()


class PortalMapping(BaseModel):
    """Which properties and values mean deactivated, restricted, bounced, opted out, consent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deactivated_property: str = "contact_status"
    deactivated_values: FlagValues = ("deactivated",)
    #: when the contact was deactivated (S12: a deactivated contact gets no marketing)
    deactivated_date_property: str = "deactivated_date"
    restricted_property: str = "processing_restricted"
    restricted_values: FlagValues = ("true",)
    restricted_date_property: str = "processing_restricted_date"
    hard_bounce_properties: tuple[str, ...] = ("hs_email_hard_bounce_reason_enum",)
    #: hard-bounce reasons that show the address is no longer in use (S11); the others
    #: (policy, spam, content, full mailbox ...) come from a live address
    dead_address_reasons: tuple[str, ...] = ("UNKNOWN_USER",)
    unsubscribe_all_property: str = "hs_email_optout"
    #: subscription types whose opt-out is a marketing opt-out: ids or names
    marketing_subscriptions: tuple[str, ...] = ("Marketing Information", "Newsletter")
    created_property: str = "createdate"
    #: the properties of each activity signal of the policy; a mapping file's signals
    #: replace those signals only (``_merged``)
    signal_properties: dict[ActivitySignal, tuple[str, ...]] = DEFAULT_SIGNAL_PROPERTIES
    #: the properties of each kind of the policy's ``retention[].not_activity`` (merged alike)
    not_activity_properties: dict[NotActivityKind, tuple[str, ...]] = \
        DEFAULT_NOT_ACTIVITY_PROPERTIES
    #: logged activity that is processing for the restriction rule (S18)
    processing_properties: tuple[str, ...] = ("notes_last_updated",)
    legal_basis_property: str = "hs_legal_basis"
    consent_bases: tuple[str, ...] = ("Freely given consent from contact",)
    customer_bases: tuple[str, ...] = (
        "Legitimate interest – existing customer",
        "Performance of a contract",
    )
    consent_subscription_bases: tuple[str, ...] = ("CONSENT_WITH_NOTICE",)
    lifecycle_property: str = "lifecyclestage"
    customer_stages: tuple[str, ...] = ("customer", "evangelist")
    email_property: str = "email"
    #: the contact's country, and what its values mean (ISO 3166-1 alpha-2 codes; keys are
    #: matched with spaces collapsed and case-folded, as :meth:`country_code` looks them up)
    country_property: str = "country"
    country_codes: dict[str, CountryCode] = DEFAULT_COUNTRY_CODES
    #: boolean properties that record the conditions of the existing-customer exception
    #: (markedsføringsloven § 15(3), marknadsföringslagen 19 §): address obtained in a sale,
    #: similar products, opt-out offered at collection. Empty: the snapshot does not record
    #: them, so the exception can never be shown to apply.
    customer_exception_properties: tuple[str, ...] = ()
    #: local parts of role addresses (post@, info@ ...): not a natural person's address
    role_address_local_parts: FlagValues = tuple(sorted(ROLE_LOCAL_PARTS))
    id_property: str = "hs_object_id"
    #: column renames applied before any label look-up: a file's column name (as
    #: written, or case-folded) to the internal property name it holds, for
    #: warehouse tables and exports whose labels the catalog does not know
    columns: dict[str, str] = {}

    @field_validator("signal_properties")
    @classmethod
    def _signals_merged(cls, given: dict[ActivitySignal, tuple[str, ...]],
                        ) -> dict[ActivitySignal, tuple[str, ...]]:
        """The default signals with the given ones replaced: renaming one keeps the others.

        Replacing the whole dict would leave every other signal without a property,
        and a contact who visited the site last week would count as inactive.
        """
        return {**DEFAULT_SIGNAL_PROPERTIES, **given}

    @field_validator("not_activity_properties")
    @classmethod
    def _kinds_merged(cls, given: dict[NotActivityKind, tuple[str, ...]],
                      ) -> dict[NotActivityKind, tuple[str, ...]]:
        """The default kinds with the given ones replaced, as :meth:`_signals_merged`."""
        return {**DEFAULT_NOT_ACTIVITY_PROPERTIES, **given}

    @field_validator("country_codes")
    @classmethod
    def _country_keys(cls, given: dict[str, str]) -> dict[str, str]:
        """The keys as :meth:`country_code` looks them up; two spellings of one key must agree."""
        out: dict[str, str] = {}
        for key, code in given.items():
            folded = _fold_country(key)
            if out.setdefault(folded, code) != code:
                raise PydanticCustomError(
                    "country_key", "Input should be one code per country, got {first} and {second} "
                    "for '{key}'",
                    {"key": folded, "first": out[folded], "second": code})
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<mapping>") -> PortalMapping:
        """Build a mapping from a parsed mapping file; unknown keys are errors."""
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            # a refused dict key is located at the key itself, without pydantic's "[key]"
            loc = [str(p) for p in err["loc"] if p != "[key]"]
            raise InputError.at(
                source, None, None, ".".join(loc), err["msg"], repr(err.get("input"))[:80],
                pointer="/" + "/".join(loc),
            ) from exc

    def activity_properties(self, signals: Iterable[str] | None = None,
                            not_activity: Iterable[str] = ()) -> tuple[str, ...]:
        """The properties of the given policy signals (all signals when ``None``).

        A property of a ``not_activity`` kind (see :attr:`not_activity_properties`)
        is left out even when a signal maps to it: the policy says it is not the
        person's activity.
        """
        # the policy's signals are keys of the dict; a name it does not know has no property
        by_signal = cast("dict[str, tuple[str, ...]]", self.signal_properties)
        wanted = by_signal if signals is None else signals
        excluded = {p for kind in not_activity for p in self.not_activity_properties.get(kind, ())}
        out: dict[str, None] = {}
        for sig in wanted:
            for prop in by_signal.get(sig, ()):
                if prop not in excluded:
                    out[prop] = None
        return tuple(out)

    def datetime_properties(self) -> tuple[str, ...]:
        """Every date-time property a reader must parse for this mapping."""
        props = dict.fromkeys(self.activity_properties())
        props.update(dict.fromkeys(self.processing_properties))
        return tuple(props)

    def country_code(self, value: str | None) -> str | None:
        """The ISO code of a contact's country value, ``None`` when empty or unknown."""
        if not value:
            return None
        return self.country_codes.get(_fold_country(value))

    def is_marketing_subscription(self, sub_id: str, name: str | None) -> bool:
        """Whether a subscription type (by id or name) is a marketing type."""
        subs = self.marketing_subscriptions
        return sub_id in subs or (name is not None and name in subs)

    def has_consent(self, bases: Iterable[str]) -> bool:
        """Whether a contact's legal bases include consent."""
        wanted = _normalized(self.consent_bases)
        return any(normalize_basis(b) in wanted for b in bases)

    def is_customer(self, bases: Iterable[str], stage: str | None) -> bool:
        """Whether the record shows an existing customer relationship (basis or stage)."""
        wanted = _normalized(self.customer_bases)
        if any(normalize_basis(b) in wanted for b in bases):
            return True
        return stage is not None and normalize_basis(stage) in _normalized(self.customer_stages)


# (name, label, type, options[(value, label)]) of the properties the audit reads, in
# HubSpot's English labels (hubspot.md §2, and the generator's custom properties).
_DEFAULT_PROPERTIES: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("hs_object_id", "Record ID", "number", ()),
    ("email", "Email", "string", ()),
    # the person's name: no rule judges it, the report shows it beside the e-mail
    ("firstname", "First Name", "string", ()),
    ("lastname", "Last Name", "string", ()),
    ("createdate", "Create Date", "datetime", ()),
    ("lastmodifieddate", "Last Modified Date", "datetime", ()),
    ("notes_last_updated", "Last Activity Date", "datetime", ()),
    ("notes_last_contacted", "Last Contacted", "datetime", ()),
    ("hs_last_sales_activity_timestamp", "Last Engagement Date", "datetime", ()),
    ("hs_analytics_last_visit_timestamp", "Time of Last Session", "datetime", ()),
    ("hs_analytics_last_timestamp", "Time Last Seen", "datetime", ()),
    ("recent_conversion_date", "Recent Conversion Date", "datetime", ()),
    ("hs_email_last_send_date", "Last marketing email send date", "datetime", ()),
    ("hs_email_last_open_date", "Last marketing email open date", "datetime", ()),
    ("hs_email_last_click_date", "Last marketing email click date", "datetime", ()),
    ("hs_email_last_reply_date", "Last marketing email reply date", "datetime", ()),
    ("hs_email_hard_bounce_reason_enum", "Email hard bounce reason", "enumeration", (
        ("UNKNOWN_USER", "Unknown user"), ("POLICY", "Policy"), ("OTHER", "Other"),
        ("MAILBOX_FULL", "Mailbox full"), ("SPAM", "Spam"), ("CONTENT", "Content"))),
    ("hs_email_optout", "Unsubscribed from all email", "bool", ()),
    ("lifecyclestage", "Lifecycle Stage", "enumeration", (
        ("subscriber", "Subscriber"), ("lead", "Lead"),
        ("marketingqualifiedlead", "Marketing Qualified Lead"),
        ("salesqualifiedlead", "Sales Qualified Lead"), ("opportunity", "Opportunity"),
        ("customer", "Customer"), ("evangelist", "Evangelist"), ("other", "Other"))),
    ("hs_legal_basis", "Legal basis for processing contact's data", "enumeration", (
        ("Legitimate interest – prospect/lead", "Legitimate interest - Lead"),
        ("Legitimate interest – existing customer", "Legitimate interest - Customer"),
        ("Legitimate interest - other", "Legitimate interest - Other"),
        ("Performance of a contract", "Performance of a contract"),
        ("Freely given consent from contact", "Freely given consent from contact"),
        ("Not applicable", "Not applicable"))),
    ("country", "Country/Region", "string", ()),
    ("contact_status", "Contact status", "enumeration", (
        ("active", "Active"), ("deactivated", "Deactivated"))),
    ("deactivated_date", "Deactivated date", "datetime", ()),
    ("processing_restricted", "Processing restricted", "bool", ()),
    ("processing_restricted_date", "Processing restricted date", "datetime", ()),
)


#: Labels of older HubSpot exports and of the Norwegian and Swedish export languages,
#: to the same internal names as the English labels above. Matching is case-insensitive.
#: The nb/sv labels are HubSpot's UI wording as far as it is known; a portal whose export
#: uses other words passes its own labels through ``--properties`` or the mapping's
#: ``columns``.
LABEL_ALIASES: dict[str, str] = {
    # English, older and associated-object exports
    "Record ID - Contact": "hs_object_id",
    "Contact ID": "hs_object_id",
    "Contact Id": "hs_object_id",
    "VID": "hs_object_id",
    "Email Address": "email",
    "Create date": "createdate",
    "Created Date": "createdate",
    # Norwegian (bokmål)
    "Post-ID": "hs_object_id",
    "Post-ID - Kontakt": "hs_object_id",
    "Kontakt-ID": "hs_object_id",
    "E-post": "email",
    "E-postadresse": "email",
    "Fornavn": "firstname",
    "Etternavn": "lastname",
    "Opprettet dato": "createdate",
    "Opprettelsesdato": "createdate",
    "Dato for siste aktivitet": "notes_last_updated",
    "Siste aktivitetsdato": "notes_last_updated",
    "Dato for siste engasjement": "hs_last_sales_activity_timestamp",
    "Tidspunkt for siste økt": "hs_analytics_last_visit_timestamp",
    "Sist sett": "hs_analytics_last_timestamp",
    "Dato for siste konvertering": "recent_conversion_date",
    "Dato for siste åpning av markedsførings-e-post": "hs_email_last_open_date",
    "Dato for siste klikk i markedsførings-e-post": "hs_email_last_click_date",
    "Dato for siste svar på markedsførings-e-post": "hs_email_last_reply_date",
    "Dato for siste utsendelse av markedsførings-e-post": "hs_email_last_send_date",
    "Avmeldt fra all e-post": "hs_email_optout",
    "Årsak til hard retur av e-post": "hs_email_hard_bounce_reason_enum",
    "Rettslig grunnlag for behandling av kontaktens data": "hs_legal_basis",
    "Livssyklusfase": "lifecyclestage",
    "Livssyklusstadium": "lifecyclestage",
    "Kontaktstatus": "contact_status",
    "Behandling begrenset": "processing_restricted",
    "Dato for begrenset behandling": "processing_restricted_date",
    # Swedish (Post-ID, E-post and Kontaktstatus are spelled as in Norwegian)
    "E-postadress": "email",
    "Förnamn": "firstname",
    "Efternamn": "lastname",
    "Skapat datum": "createdate",
    "Skapandedatum": "createdate",
    "Datum för senaste aktivitet": "notes_last_updated",
    "Senaste aktivitetsdatum": "notes_last_updated",
    "Datum för senaste engagemang": "hs_last_sales_activity_timestamp",
    "Tid för senaste session": "hs_analytics_last_visit_timestamp",
    "Senast sedd": "hs_analytics_last_timestamp",
    "Datum för senaste konvertering": "recent_conversion_date",
    "Senaste öppningsdatum för marknadsföringsmejl": "hs_email_last_open_date",
    "Senaste klickdatum för marknadsföringsmejl": "hs_email_last_click_date",
    "Senaste svarsdatum för marknadsföringsmejl": "hs_email_last_reply_date",
    "Senaste utskicksdatum för marknadsföringsmejl": "hs_email_last_send_date",
    "Avregistrerad från all e-post": "hs_email_optout",
    "Orsak till hård studs för e-post": "hs_email_hard_bounce_reason_enum",
    "Rättslig grund för behandling av kontaktens data": "hs_legal_basis",
    "Livscykelfas": "lifecyclestage",
    "Livscykelstadium": "lifecyclestage",
    "Begränsad behandling": "processing_restricted",
    "Datum för begränsad behandling": "processing_restricted_date",
}

#: Option labels of the other export languages, to internal values (by property).
OPTION_ALIASES: dict[str, dict[str, str]] = {
    "lifecyclestage": {"Kunde": "customer", "Kund": "customer", "Ambassadør": "evangelist",
                       "Ambassadör": "evangelist", "Abonnent": "subscriber", "Lead": "lead",
                       "Salgsmulighet": "opportunity", "Affärsmöjlighet": "opportunity",
                       "Annet": "other", "Annan": "other", "Affiliate": "evangelist"},
    "hs_legal_basis": {
        "Fritt gitt samtykke fra kontakt": "Freely given consent from contact",
        "Fritt givet samtycke från kontakt": "Freely given consent from contact",
        "Berettiget interesse - kunde": "Legitimate interest – existing customer",
        "Berättigat intresse - kund": "Legitimate interest – existing customer",
        "Berettiget interesse - lead": "Legitimate interest – prospect/lead",
        "Berättigat intresse - lead": "Legitimate interest – prospect/lead",
        "Berettiget interesse - annet": "Legitimate interest - other",
        "Berättigat intresse - annat": "Legitimate interest - other",
        "Oppfyllelse av en kontrakt": "Performance of a contract",
        "Fullgörande av ett avtal": "Performance of a contract",
        "Ikke aktuelt": "Not applicable",
        "Ej tillämpligt": "Not applicable",
        # the 2018 labels (hubspot.md §2.5)
        "Legitimate interest - prospect/lead": "Legitimate interest – prospect/lead",
        "Legitimate interest - existing customer": "Legitimate interest – existing customer",
    },
    "contact_status": {"Aktiv": "active", "Deaktivert": "deactivated", "Deaktiverad": "deactivated"},
    "hs_email_hard_bounce_reason_enum": {"Ukjent bruker": "UNKNOWN_USER",
                                         "Okänd användare": "UNKNOWN_USER"},
}

#: Label prefixes of the per-subscription opt-out columns ("Opted out of email: Newsletter").
OPT_OUT_LABEL_PREFIXES: tuple[str, ...] = (
    "opted out of email:", "meldt av e-post:", "avmeldt e-post:", "avregistrerad från e-post:",
)


class PropertyCatalog:
    """Export labels to internal names, types, and option labels to internal values."""

    __slots__ = ("defined", "folded", "label_to_name", "options", "types")

    def __init__(
        self,
        label_to_name: Mapping[str, str],
        types: Mapping[str, str],
        options: Mapping[str, Mapping[str, str]],
    ) -> None:
        self.label_to_name = dict(label_to_name)
        self.types = dict(types)
        self.options = {k: dict(v) for k, v in options.items()}
        for name, extra in OPTION_ALIASES.items():
            if name in self.options:
                self.options[name] = {**extra, **self.options[name]}
        #: labels case-folded, for a header whose capitals differ ("Create date")
        self.folded = {label.casefold(): n for label, n in self.label_to_name.items()}
        #: how many definitions the portal's file held (0 for the built-in defaults)
        self.defined = 0

    @classmethod
    def default(cls) -> PropertyCatalog:
        """The built-in labels of the properties the audit reads (English, older, nb, sv)."""
        return cls(
            {**LABEL_ALIASES, **{label: name for name, label, _, _ in _DEFAULT_PROPERTIES}},
            {name: typ for name, _, typ, _ in _DEFAULT_PROPERTIES},
            {name: {lab: val for val, lab in opts} for name, _, _, opts in _DEFAULT_PROPERTIES if opts},
        )

    @classmethod
    def from_properties_json(cls, text: str, *, source: str = "properties.json") -> PropertyCatalog:
        """Read a ``GET /crm/v3/properties/contacts`` answer (``{"results": [...]}``).

        The portal's definitions come first; the built-in defaults fill in
        properties the portal file does not define.
        """
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError.at(source, exc.lineno, exc.colno, "", "valid JSON", exc.msg) from exc
        except (ValueError, RecursionError) as exc:  # a too long integer, too deep nesting
            raise InputError.at(source, 1, None, "", "valid JSON", str(exc)[:80]) from exc
        items = doc.get("results") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise InputError.at(source, None, None, "results", "a list of property definitions",
                                type(items).__name__, pointer="/results")
        base = cls.default()
        labels, types, options = dict(base.label_to_name), dict(base.types), dict(base.options)
        for i, p in enumerate(items):
            if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                raise InputError.at(source, None, None, "name", "a property with a string name",
                                    repr(p)[:60], pointer=f"/results/{i}")
            name = p["name"]
            if isinstance(p.get("label"), str):
                labels[p["label"]] = name
            if isinstance(p.get("type"), str):
                types[name] = p["type"]
            opts = p.get("options") or []
            if isinstance(opts, list) and opts:
                options[name] = {
                    str(o["label"]): str(o["value"])
                    for o in opts
                    if isinstance(o, dict) and "label" in o and "value" in o
                }
        made = cls(labels, types, options)
        made.defined = len(items)
        return made
