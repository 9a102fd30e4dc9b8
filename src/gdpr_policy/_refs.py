"""Legal references and statement clause references.

A rule cites the law it applies (:class:`LegalRef`) and the promises of the
statement it checks (:class:`Promise`); the loaded policy's clause table says
which of its clauses (:class:`StatementRef`, ids the policy's author chooses)
make each promise, so findings cite the policy's own clauses.
GDPR article numbers (1-99) and recital numbers (1-173) are validated, as is
the shape of CJEU case numbers (``C-673/17``), so a typo in a citation is a
load error, not a wrong report.

References are written compactly in YAML and code and parsed by
:meth:`LegalRef.parse`, e.g. ``"GDPR Art. 12(3)"``, ``"GDPR Art. 6(1)(a)"``,
``"GDPR Recital 32"``, ``"CJEU C-673/17 Planet49"``,
``"EDPB Guidelines 05/2020 Example 16"``, ``"NO Markedsføringsloven § 15"``.
National law of another EEA country is its ISO 3166-1 code, a space and the
act and section as that country cites them (``"DE TDDDG § 25"``,
``"FR CPCE art. L34-5"``): the head must be an EEA country; Norwegian and
Swedish acts are the named instruments above, so a typo in one is an error.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from enum import StrEnum
from itertools import chain
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, model_serializer, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from ._places import EEA_COUNTRY_CODES

__all__ = ["CLAUSE_ID", "Instrument", "LegalRef", "Promise", "StatementRef", "in_promise_order"]

#: What a clause id may look like: the author's own numbering ("S01", "3.2", "cookies-1").
CLAUSE_ID = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,30}[A-Za-z0-9])?$"
_CLAUSE_ID = re.compile(CLAUSE_ID)


_H = TypeVar("_H", bound=Hashable)


def in_promise_order(per_promise: Iterable[Iterable[_H]]) -> tuple[_H, ...]:
    """The clauses that make a rule's promises: promise by promise, each clause once.

    ``per_promise`` holds, for each promise in the rule's order, the clauses
    that make it; a clause that makes two of them is cited where it first
    appears. A policy version and a report's policy reference both cite this way.
    """
    return tuple(dict.fromkeys(chain.from_iterable(per_promise)))


class Promise(StrEnum):
    """A kind of promise a statement makes that a rule of this library checks.

    A rule names the promises it checks; a policy's clause names the promises it
    makes (``documents[].clauses[].promises``). A finding cites the clauses of
    the policy it was judged under that make the rule's promises, and none when
    the statement makes none of them (the law still applies: the finding cites it).
    """

    CONTROLLER_CONTACT = "controller-contact"
    STATEMENT_VERSION = "statement-version"
    TRACKER_INVENTORY = "tracker-inventory"
    COOKIE_WITHDRAWAL_DECLARATION = "cookie-withdrawal-declaration"
    BROWSER_WITHDRAWAL = "browser-withdrawal"
    NO_COOKIE_WALL = "no-cookie-wall"
    COOKIE_BANNER = "cookie-banner"
    BOUNCE_DELETION = "bounce-deletion"
    INACTIVITY_DEACTIVATION = "inactivity-deactivation"
    DELETION_ON_REQUEST = "deletion-on-request"
    NO_DISCLOSURE = "no-disclosure"
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    IDENTITY_VERIFICATION = "identity-verification"
    RESPONSE_PERIOD = "response-period"
    CONSENT_VOLUNTARY = "consent-voluntary"
    CONSENT_EXPLICIT = "consent-explicit"
    CONSENT_PER_PURPOSE = "consent-per-purpose"
    CONSENT_FORBIDDEN_FORMS = "consent-forbidden-forms"
    CONSENT_REQUEST_CLEAR = "consent-request-clear"
    EMAIL_MARKETING_CONSENT = "email-marketing-consent"
    CONSENT_WITHDRAWAL = "consent-withdrawal"
    OPT_OUT_CHANNELS = "opt-out-channels"
    ADMINISTRATIVE_EMAIL = "administrative-email"

GDPR_ARTICLES = range(1, 100)
GDPR_RECITALS = range(1, 174)


class Instrument(StrEnum):
    """The legal instruments a rule can cite."""

    GDPR = "GDPR"
    EPRIVACY = "ePrivacy Directive"
    CJEU = "CJEU"
    EDPB = "EDPB"
    REG_1182_71 = "Regulation 1182/71"
    NO_MARKETING_CONTROL_ACT = "NO Markedsføringsloven"
    NO_EKOM = "NO Ekomloven"
    NO_PERSONAL_DATA_ACT = "NO Personopplysningsloven"
    NO_HOLIDAYS_ACT = "NO Helligdagsloven"
    NO_COURTS_ACT = "NO Domstolloven"
    SE_MARKETING_ACT = "SE Marknadsföringslagen"
    SE_LEK = "SE LEK"
    SE_HOLIDAYS_ACT = "SE Lag 1989:253"
    SE_DEADLINES_ACT = "SE Lag 1930:173"
    #: an act of another EEA country: ``jurisdiction`` is the country, ``part`` the act
    NATIONAL = "national"


#: Countries whose acts are only the named instruments (a misspelt act is an error).
_NAMED_ONLY = frozenset({"NO", "SE"})
_NATIONAL_HEAD = re.compile(r"^(?P<cc>[A-Z]{2}) (?P<rest>\S.*)$")


_GDPR_ART = re.compile(
    r"^GDPR Art\. (?P<article>\d+)(?:\((?P<paragraph>\d+)\))?(?:\((?P<point>[a-z])\))?$"
)
_GDPR_REC = re.compile(r"^GDPR Recital (?P<recital>\d+)$")
_CJEU = re.compile(r"^CJEU (?P<case>C-\d{1,4}/\d{2})(?: (?P<name>.+))?$")
_REG = re.compile(
    r"^Regulation 1182/71 Art\. (?P<article>\d+)(?:\((?P<paragraph>\d+)\))?(?:\((?P<point>[a-z])\))?$"
)
_CASE_SHAPE = re.compile(r"^C-\d{1,4}/\d{2}$")


class LegalRef(BaseModel):
    """A citation of a legal source: article, paragraph, point, recital, case or part.

    ``part`` holds what does not fit the numbered fields: a section of a
    national act (``§ 15``), an EDPB example or a taskforce practice.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: Instrument
    article: int | None = None
    paragraph: int | None = None
    point: str | None = None
    recital: int | None = None
    case: str | None = None
    name: str | None = None
    document: str | None = None
    part: str | None = None
    jurisdiction: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return cls._parse_fields(data)
        return data

    @model_validator(mode="after")
    def _check_numbers(self) -> LegalRef:
        if self.instrument is Instrument.GDPR:
            if self.article is None and self.recital is None:
                raise ValueError("expected a GDPR article or recital")
            if self.article is not None and self.article not in GDPR_ARTICLES:
                raise ValueError(f"expected a GDPR article 1 to 99, got {self.article}")
            if self.recital is not None and self.recital not in GDPR_RECITALS:
                raise ValueError(f"expected a GDPR recital 1 to 173, got {self.recital}")
        if self.instrument is Instrument.NATIONAL and (
            self.jurisdiction not in EEA_COUNTRY_CODES
            or self.jurisdiction in _NAMED_ONLY
            or not self.part
        ):
            raise ValueError(
                "expected an EEA country code other than NO and SE and the act, such as "
                f"'DE TDDDG § 25', got {self.jurisdiction!r} {self.part!r}"
            )
        if self.instrument is Instrument.CJEU and (
            self.case is None or not _CASE_SHAPE.match(self.case)
        ):
            raise ValueError(f"expected a CJEU case number such as C-673/17, got {self.case!r}")
        return self

    @property
    def country(self) -> str | None:
        """The country whose national law this is (``NO``, ``SE``, ``DE`` ...), or None for EU law."""
        if self.instrument is Instrument.NATIONAL:
            return self.jurisdiction
        head = self.instrument.value.split(" ", 1)[0]
        return head if head in _NAMED_ONLY else None

    @staticmethod
    def _parse_fields(text: str) -> dict[str, Any]:
        text = " ".join(text.split())
        if m := _GDPR_ART.match(text):
            return {
                "instrument": Instrument.GDPR,
                "article": int(m["article"]),
                "paragraph": int(m["paragraph"]) if m["paragraph"] else None,
                "point": m["point"],
            }
        if m := _GDPR_REC.match(text):
            return {"instrument": Instrument.GDPR, "recital": int(m["recital"])}
        if m := _CJEU.match(text):
            return {"instrument": Instrument.CJEU, "case": m["case"], "name": m["name"]}
        if m := _REG.match(text):
            return {
                "instrument": Instrument.REG_1182_71,
                "article": int(m["article"]),
                "paragraph": int(m["paragraph"]) if m["paragraph"] else None,
                "point": m["point"],
            }
        if text.startswith("EDPB "):
            rest = text[len("EDPB ") :]
            m2 = re.match(
                r"^(?P<doc>(?:Guidelines \d{2}/\d{4})|(?:Cookie Banner Taskforce report))(?: (?P<part>.+))?$",
                rest,
            )
            if m2:
                return {"instrument": Instrument.EDPB, "document": m2["doc"], "part": m2["part"]}
        for instrument in Instrument:
            prefix = instrument.value + " "
            if instrument not in (
                Instrument.GDPR,
                Instrument.CJEU,
                Instrument.EDPB,
                Instrument.NATIONAL,
            ) and text.startswith(prefix):
                return {"instrument": instrument, "part": text[len(prefix) :]}
        if (m := _NATIONAL_HEAD.match(text)) and m["cc"] in EEA_COUNTRY_CODES and (
            m["cc"] not in _NAMED_ONLY
        ):
            return {"instrument": Instrument.NATIONAL, "jurisdiction": m["cc"], "part": m["rest"]}
        raise ValueError(
            f"expected a legal reference such as 'GDPR Art. 7(3)', 'GDPR Recital 32', "
            f"'CJEU C-673/17 Planet49' or 'EDPB Guidelines 05/2020 Example 16', got {text!r}"
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {
            "type": "string",
            "description": "A citation such as 'GDPR Art. 7(3)', 'GDPR Recital 32', 'CJEU C-673/17 Planet49', "
            "'EDPB Guidelines 05/2020 Example 16', 'NO Markedsføringsloven § 15' or another "
            "EEA country's act after its code ('DE TDDDG § 25').",
            "minLength": 3,
        }

    @classmethod
    def parse(cls, text: str) -> LegalRef:
        """Parse a compact citation such as ``"GDPR Art. 7(3)"``."""
        return cls.model_validate(text)

    def __str__(self) -> str:
        inst = self.instrument
        if inst is Instrument.GDPR:
            if self.article is not None:
                text = f"GDPR Art. {self.article}"
                if self.paragraph is not None:
                    text += f"({self.paragraph})"
                if self.point is not None:
                    text += f"({self.point})"
                return text
            return f"GDPR Recital {self.recital}"
        if inst is Instrument.CJEU:
            return f"CJEU {self.case}" + (f" {self.name}" if self.name else "")
        if inst is Instrument.EDPB:
            return f"EDPB {self.document}" + (f" {self.part}" if self.part else "")
        if inst is Instrument.REG_1182_71 and self.article is not None:
            text = f"Regulation 1182/71 Art. {self.article}"
            if self.paragraph is not None:
                text += f"({self.paragraph})"
            if self.point is not None:
                text += f"({self.point})"
            return text
        if inst is Instrument.NATIONAL:
            return f"{self.jurisdiction} {self.part}"
        return f"{inst.value} {self.part}" if self.part else inst.value

    @model_serializer(mode="plain")
    def _serialize(self) -> str:
        return str(self)


class StatementRef(BaseModel):
    """A clause of the privacy statement, by the id the policy's clause table gives it.

    The id's shape is checked here; that it names a clause of the policy is
    checked when the policy loads (``documents``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    clause: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"clause": data}
        return data

    @model_validator(mode="after")
    def _check(self) -> StatementRef:
        if not _CLAUSE_ID.match(self.clause):
            raise ValueError(
                "expected a clause id of letters, digits, '.', '-' or '_' "
                f"(at most 32, such as S01 or 3.2), got {self.clause!r}"
            )
        return self

    def __str__(self) -> str:
        return self.clause

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": CLAUSE_ID,
            "description": "The id of a clause in the policy's documents.",
        }

    @model_serializer(mode="plain")
    def _serialize(self) -> str:
        return self.clause
