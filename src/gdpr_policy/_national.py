"""The national law of each jurisdiction the policy format knows, in one table rules cite.

The GDPR is the same everywhere; what differs by country is who takes complaints
(Art. 13(2)(d), Art. 77), the act that carries the ePrivacy Directive's cookie
rule (Art. 5(3) binds the states, not controllers), and whether that cookie rule
refuses browser settings as a way to consent. The act that requires consent to
e-mail marketing is the policy's own (``purposes[].national_law``), not this table's. Adding a country means adding its row here, with its sources,
and its holiday calendar in ``_time`` (vetted against its statutes).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NATIONAL_LAW", "NationalLaw"]


@dataclass(frozen=True, slots=True)
class NationalLaw:
    """One country's rules beside the GDPR, as compact citations (``LegalRef.parse``)."""

    country: str
    #: the supervisory authority a complaint goes to (Art. 77)
    authority: str
    #: the act carrying the ePrivacy Directive Art. 5(3) cookie rule
    cookie_rule: str
    #: whether the cookie rule refuses browser or device settings as consent
    refuses_browser_consent: bool


NATIONAL_LAW: dict[str, NationalLaw] = {
    # Ekomloven § 3-15 as amended in force 1 January 2025: consent as in the GDPR, and the
    # preparatory works drop browser settings as a way to give it.
    "NO": NationalLaw("NO", "Datatilsynet", "NO Ekomloven § 3-15",
                      refuses_browser_consent=True),
    # LEK (2022:482) 9 kap. 28 § refers to the GDPR's consent; no Swedish act speaks to
    # browser settings, so the floor is the GDPR's own (EDPB 05/2020), not a statute.
    "SE": NationalLaw("SE", "IMY", "SE LEK 9 kap. 28 §",
                      refuses_browser_consent=False),
}
