"""Hypothesis strategies for consent records (tests of ``gdpr_policy.consent``).

``consent_records()`` draws any coherent record, unknown fields included;
``valid_records()`` draws records every consent rule accepts (given the
bundled policy's consent purposes), so a property can break exactly one thing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from gdpr_policy.consent import (
    ConsentMethod,
    ConsentRecord,
    NoticeShown,
    Precondition,
    ProcessingEvent,
)

#: Purposes the bundled policy bases on consent (see policies/inmeta.yaml).
CONSENT_PURPOSES = ("analytics", "social-arrival", "ad-audience", "profiling", "email-marketing")
#: A purpose the bundled policy bases on a legal obligation, and one it does not declare.
OTHER_BASIS_PURPOSE = "legal-disclosure"
UNDECLARED_PURPOSE = "newsletter-resale"

ZONES = (ZoneInfo("Europe/Oslo"), ZoneInfo("Europe/Stockholm"), dt.UTC)
AFFIRMATIVE = tuple(m for m in ConsentMethod if m.is_affirmative)
PASSIVE = tuple(m for m in ConsentMethod if m.is_passive)

_LOW = dt.datetime(2019, 1, 1)
_HIGH = dt.datetime(2030, 12, 31)


def instants(
    min_value: dt.datetime = _LOW, max_value: dt.datetime = _HIGH
) -> st.SearchStrategy[dt.datetime]:
    """Aware date-times in Oslo, Stockholm or UTC, DST gaps excluded."""
    return st.datetimes(
        min_value=min_value,
        max_value=max_value,
        timezones=st.sampled_from(ZONES),
        allow_imaginary=False,
    )


def purpose_sets(min_size: int = 1) -> st.SearchStrategy[tuple[str, ...]]:
    """Distinct consent purposes in any order."""
    return st.lists(
        st.sampled_from(CONSENT_PURPOSES), min_size=min_size, max_size=4, unique=True
    ).map(tuple)


def full_notices(purposes: tuple[str, ...]) -> st.SearchStrategy[NoticeShown]:
    """A notice that names everything and every purpose of the consent (maybe more)."""
    extra = st.lists(st.sampled_from(CONSENT_PURPOSES), max_size=2)
    return st.builds(
        NoticeShown,
        id=st.sampled_from(("cookie-notice", "signup-form")),
        version=st.sampled_from(("2024-03-06", "2024-05-01")),
        controller_identity=st.just(True),
        purposes=extra.map(lambda more: tuple(dict.fromkeys((*purposes, *more)))),
        data_types=st.just(("name", "email")),
        right_to_withdraw=st.just(True),
    )


@st.composite
def valid_records(draw: st.DrawFn) -> ConsentRecord:
    """A record no consent rule objects to, with consented processing after consent."""
    purposes = draw(purpose_sets())
    given = draw(instants(max_value=dt.datetime(2026, 12, 31)))
    method = draw(st.sampled_from(AFFIRMATIVE))
    events = draw(
        st.lists(
            st.builds(
                ProcessingEvent,
                purpose=st.sampled_from(purposes),
                at=instants(min_value=given.replace(tzinfo=None) + dt.timedelta(days=1)),
            ),
            max_size=4,
        )
    )
    return ConsentRecord(
        subject=draw(st.sampled_from(("contact-1", "contact-2"))),
        id=draw(st.none() | st.just("rec-1")),
        given_at=given,
        purposes=purposes,
        method=method,
        pre_ticked=False
        if method is ConsentMethod.TICKED_BOX
        else draw(st.none() | st.just(False)),
        separate_choices=True,
        notice=draw(full_notices(purposes)),
        precondition_of=draw(
            st.none() | st.just(Precondition(service="webinar", needs_processing=True))
        ),
        processing=tuple(events),
    )


def _maybe_bool() -> st.SearchStrategy[bool | None]:
    return st.none() | st.booleans()


@st.composite
def consent_records(draw: st.DrawFn) -> ConsentRecord:
    """Any coherent record: unknown fields, passive methods, withdrawal, stray purposes."""
    purposes = draw(purpose_sets(min_size=0))
    given = draw(st.none() | instants(max_value=dt.datetime(2027, 12, 31)))
    method = draw(st.none() | st.sampled_from(tuple(ConsentMethod)))
    if method is ConsentMethod.PRE_TICKED:
        pre_ticked = draw(st.none() | st.just(True))
    elif method in (ConsentMethod.TICKED_BOX, None):
        pre_ticked = draw(_maybe_bool())
    else:
        pre_ticked = draw(st.none() | st.just(False))
    notice = draw(
        st.none()
        | st.builds(
            NoticeShown,
            id=st.none() | st.just("notice"),
            version=st.none() | st.just("2024-03-06"),
            controller_identity=_maybe_bool(),
            purposes=st.none() | purpose_sets(min_size=0),
            data_types=st.none() | st.sampled_from(((), ("email",))),
            right_to_withdraw=_maybe_bool(),
        )
    )
    withdrawn = None
    if draw(st.booleans()):
        low = given.replace(tzinfo=None) if given is not None else _LOW
        withdrawn = draw(instants(min_value=low + dt.timedelta(seconds=1)))
        if given is not None and withdrawn < given:  # another zone's wall clock
            withdrawn = given
    events = draw(
        st.lists(
            st.builds(
                ProcessingEvent,
                purpose=st.sampled_from(
                    (*CONSENT_PURPOSES, OTHER_BASIS_PURPOSE, UNDECLARED_PURPOSE)
                ),
                at=instants(),
            ),
            max_size=5,
        )
    )
    return ConsentRecord(
        subject="contact-9",
        given_at=given,
        purposes=purposes,
        method=method,
        pre_ticked=pre_ticked,
        separate_choices=draw(_maybe_bool()),
        notice=notice,
        precondition_of=draw(
            st.none()
            | st.builds(Precondition, service=st.just("download"), needs_processing=_maybe_bool())
        ),
        withdrawn_at=withdrawn,
        processing=tuple(events),
    )


def processing_events() -> st.SearchStrategy[ProcessingEvent]:
    """One processing event for any purpose, at any instant."""
    return st.builds(
        ProcessingEvent,
        purpose=st.sampled_from((*CONSENT_PURPOSES, OTHER_BASIS_PURPOSE, UNDECLARED_PURPOSE)),
        at=instants(),
    )
