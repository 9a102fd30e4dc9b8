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
    #: the authority's other current names (its full name, its English name)
    authority_names: tuple[str, ...] = ()
    #: names the authority no longer bears, with the day the current one took over
    former_authority_names: tuple[tuple[str, str], ...] = ()

    def names_authority(self, name: str) -> bool:
        """Whether ``name`` is a current name of this country's authority (case and
        spacing aside)."""
        return _key(name) in {_key(n) for n in (self.authority, *self.authority_names)}

    def former_name(self, name: str) -> str | None:
        """The day the authority stopped bearing ``name``, if it is one of its former names."""
        return next((since for old, since in self.former_authority_names
                     if _key(old) == _key(name)), None)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


NATIONAL_LAW: dict[str, NationalLaw] = {
    # Ekomloven § 3-15 as amended in force 1 January 2025: consent as in the GDPR, and the
    # preparatory works drop browser settings as a way to give it.
    "NO": NationalLaw("NO", "Datatilsynet", "NO Ekomloven § 3-15",
                      refuses_browser_consent=True,
                      authority_names=("The Norwegian Data Protection Authority",
                                       "Norwegian Data Protection Authority")),
    # LEK (2022:482) 9 kap. 28 § refers to the GDPR's consent; no Swedish act speaks to
    # browser settings, so the floor is the GDPR's own (EDPB 05/2020), not a statute.
    # Datainspektionen became Integritetsskyddsmyndigheten (IMY) on 1 January 2021
    # by a change of its instruction; statements written before then still name it.
    "SE": NationalLaw("SE", "IMY", "SE LEK 9 kap. 28 §",
                      refuses_browser_consent=False,
                      authority_names=("Integritetsskyddsmyndigheten",
                                       "Swedish Authority for Privacy Protection",
                                       "The Swedish Authority for Privacy Protection"),
                      former_authority_names=(("Datainspektionen", "2021-01-01"),
                                              ("Swedish Data Protection Authority",
                                               "2021-01-01"))),
}
