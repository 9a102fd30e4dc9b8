"""The national law of each EEA country, in one table rules cite.

The GDPR is the same everywhere; what differs by country is who takes complaints
(Art. 13(2)(d), Art. 77), the act that carries the ePrivacy Directive's cookie
rule (Art. 5(3) binds the states, not controllers), the act that carries its
e-mail marketing rule (Art. 13), and whether that cookie rule refuses browser
settings as a way to consent.

Citations are compact ``LegalRef`` texts. A citation this library could not
confirm against a source is the directive article as transposed
(``ePrivacy Directive Art. 5(3)``, ``ePrivacy Directive Art. 13``) rather than a
guessed section; ``confirmed`` names the fields whose national citation was
checked, with the source in a comment, and a test pins both. The authorities are
the members of the European Data Protection Board
(https://www.edpb.europa.eu/about-edpb/about-edpb/members_en). Germany's private
controllers answer to the authority of their Land (BDSG § 40): with the Land
named (a ``subdivision``) its authority is given, else the federal BfDI with a
note that it is only the fallback.

Who reads what: :func:`complaint_authorities` (the lint's Art. 13(2)(d) check),
``cookie_rule`` and ``refuses_browser_consent`` (the banner rules and the
lint's consent floor), ``email_marketing`` (``marketing.basis_clause``, for a
marketing purpose that names no ``national_law`` of its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._text import name_key

if TYPE_CHECKING:
    from ._policy import PolicyVersion

__all__ = ["EPRIVACY_COOKIES", "EPRIVACY_EMAIL", "NATIONAL_LAW", "NationalLaw",
           "addressed_countries", "complaint_authorities"]

#: The directive articles, cited where the national section is not confirmed.
EPRIVACY_COOKIES = "ePrivacy Directive Art. 5(3)"
EPRIVACY_EMAIL = "ePrivacy Directive Art. 13"


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
    #: the act carrying the ePrivacy Directive Art. 13 e-mail marketing rule
    email_marketing: str = EPRIVACY_EMAIL
    #: which of ``cookie_rule`` and ``email_marketing`` cite a confirmed national act
    confirmed: frozenset[str] = frozenset()
    #: the authority of each region (ISO 3166-2) where regions have their own
    regional_authorities: Mapping[str, str] = field(default_factory=dict)
    #: why ``authority`` is only a fallback when no region is named
    fallback_note: str | None = None
    #: the authority's other current names (its full name, its English name)
    authority_names: tuple[str, ...] = ()
    #: names the authority no longer bears, with the day the current one took over
    former_authority_names: tuple[tuple[str, str], ...] = ()
    #: the day ``refuses_browser_consent`` took effect, when it is a recent act (ISO date)
    browser_consent_refused_since: str | None = None

    def names_authority(self, name: str) -> bool:
        """Whether ``name`` is a current name of this country's authority, or of one of its
        regions' (case and spacing aside).

        A statement may give a name with its abbreviation or country beside it
        ("Integritetsskyddsmyndigheten (IMY)", "the Norwegian Data Protection
        Authority (Datatilsynet)"): any one of the parts between brackets, commas
        and slashes naming the authority is enough.
        """
        names = {name_key(n) for n in
                 (self.authority, *self.authority_names, *self.regional_authorities.values())}
        return any(part in names for part in _name_parts(name))

    def former_name(self, name: str) -> str | None:
        """The day the authority stopped bearing ``name``, if it is one of its former names."""
        return next((since for old, since in self.former_authority_names
                     if name_key(old) == name_key(name)), None)


def _name_parts(name: str) -> list[str]:
    """The keys of a name and of its parts: the whole, and each piece between brackets,
    commas, semicolons and slashes, an English article before it left out."""
    pieces = [name, *re.split(r"[(),;/]|\s[-\u2013]\s", name)]
    keys = [name_key(p) for p in pieces]
    return [k[4:] if k.startswith("the ") else k for k in keys if k]


def _law(country: str, authority: str, cookie_rule: str = EPRIVACY_COOKIES,
         email_marketing: str = EPRIVACY_EMAIL, **kw: object) -> NationalLaw:
    confirmed = frozenset(
        name for name, value in (("cookie_rule", cookie_rule), ("email_marketing", email_marketing))
        if not value.startswith("ePrivacy Directive")
    )
    return NationalLaw(country, authority, cookie_rule, email_marketing=email_marketing,
                       confirmed=confirmed, **kw)  # type: ignore[arg-type]


NATIONAL_LAW: dict[str, NationalLaw] = {
    # Ekomloven § 3-15 as amended in force 1 January 2025: consent as in the GDPR, and the
    # preparatory works drop browser settings as a way to give it. Markedsføringsloven § 15:
    # e-mail marketing to natural persons needs prior consent.
    "NO": _law("NO", "Datatilsynet", "NO Ekomloven § 3-15", "NO Markedsføringsloven § 15",
               refuses_browser_consent=True,
               # ekomloven 2024 (in force 1 January 2025) § 3-15; the 2003 act's § 2-7 b
               # took browser settings as consent
               browser_consent_refused_since="2025-01-01",
               authority_names=("The Norwegian Data Protection Authority",
                                "Norwegian Data Protection Authority")),
    # LEK (2022:482) 9 kap. 28 § refers to the GDPR's consent; no Swedish act speaks to
    # browser settings, so the floor is the GDPR's own (EDPB 05/2020), not a statute.
    # Marknadsföringslagen (2008:486) 19 §: e-mail marketing to natural persons.
    # Datainspektionen became Integritetsskyddsmyndigheten (IMY) on 1 January 2021
    # by a change of its instruction; statements written before then still name it.
    "SE": _law("SE", "IMY", "SE LEK 9 kap. 28 §", "SE Marknadsföringslagen 19 §",
               refuses_browser_consent=False,
               authority_names=("Integritetsskyddsmyndigheten",
                                "Swedish Authority for Privacy Protection",
                                "The Swedish Authority for Privacy Protection"),
               former_authority_names=(("Datainspektionen", "2021-01-01"),
                                       ("Swedish Data Protection Authority", "2021-01-01"))),
    # TKG 2021 § 165(3): https://geistwert.at/neue-oesterreichische-cookie-bestimmung-im-tkg-2021-weiterhin-europarechtswidrig/
    # (the spam rule, TKG 2021 § 174, was not confirmed: the directive is cited)
    "AT": _law("AT", "Datenschutzbehörde", "AT TKG 2021 § 165 Abs. 3",
               refuses_browser_consent=False,
               authority_names=("DSB", "Österreichische Datenschutzbehörde", "Austrian Data Protection Authority")),
    "BE": _law("BE", "Gegevensbeschermingsautoriteit / Autorité de protection des données",
               refuses_browser_consent=False,
               authority_names=("GBA", "APD", "Belgian Data Protection Authority")),
    "BG": _law("BG", "Комисия за защита на личните данни", refuses_browser_consent=False,
               authority_names=("КЗЛД", "Commission for Personal Data Protection")),
    "CY": _law("CY", "Επίτροπος Προστασίας Δεδομένων Προσωπικού Χαρακτήρα",
               refuses_browser_consent=False,
               authority_names=("Commissioner for Personal Data Protection",)),
    # Zákon 127/2005 Sb. § 89 odst. 3 (amended with effect from 1 January 2022 to require
    # consent): https://dpopro.cz/a-zase-ty-susenky-vyvojarsky-a-pravni-pohled-na-cookies/ and
    # http://docplayer.cz/2303510-Cookies-v-ceske-republice-1-1-ceska-republika-zakon-o-elektronickych-komunikacich.html
    # (the spam rule of zákon 480/2004 Sb. was not confirmed: the directive is cited)
    "CZ": _law("CZ", "Úřad pro ochranu osobních údajů", "CZ Zákon 127/2005 Sb. § 89 odst. 3",
               refuses_browser_consent=False,
               authority_names=("ÚOOÚ", "Office for Personal Data Protection")),
    # TDDDG § 25: https://www.ihk.de/koeln/hauptnavigation/recht-steuern/regeln-fuer-cookies-ttdsg-5259484
    # UWG § 7 Abs. 2 Nr. 2 (numbered so since 28 May 2022):
    # https://ipwiki.de/_export/xhtml/wettbewerbsrecht:unerwuenschte_werbung and
    # https://www.recht-vertieft.de/wikijur/zr/uwg/unzulaesigkeit-7-uwg/
    "DE": _law(
        "DE", "BfDI", "DE TDDDG § 25", "DE UWG § 7 Abs. 2 Nr. 2",
        refuses_browser_consent=False,
        regional_authorities={
            "DE-BB": "LDA Brandenburg",
            "DE-BE": "Berliner Beauftragte für Datenschutz und Informationsfreiheit",
            "DE-BW": "LfDI Baden-Württemberg",
            "DE-BY": "BayLDA",
            "DE-HB": "LfDI Bremen",
            "DE-HE": "HBDI",
            "DE-HH": "HmbBfDI",
            "DE-MV": "LfDI Mecklenburg-Vorpommern",
            "DE-NI": "LfD Niedersachsen",
            "DE-NW": "LDI NRW",
            "DE-RP": "LfDI Rheinland-Pfalz",
            "DE-SH": "ULD Schleswig-Holstein",
            "DE-SL": "Unabhängiges Datenschutzzentrum Saarland",
            "DE-SN": "Sächsische Datenschutz- und Transparenzbeauftragte",
            "DE-ST": "Landesbeauftragter für den Datenschutz Sachsen-Anhalt",
            "DE-TH": "TLfDI",
        },
        fallback_note="BfDI: the federal authority, a fallback; a private controller answers "
        "to its Land's authority (BDSG § 40): name the subdivision",
    ),
    # Cookiebekendtgørelsen (the act; its section was not confirmed): https://ifcr.dk/cookies/
    # Markedsføringsloven § 10: https://danskelove.dk/markedsf%C3%B8ringsloven/10
    "DK": _law("DK", "Datatilsynet", "DK Cookiebekendtgørelsen", "DK Markedsføringsloven § 10",
               refuses_browser_consent=False,
               authority_names=("Danish Data Protection Agency",)),
    "EE": _law("EE", "Andmekaitse Inspektsioon", refuses_browser_consent=False,
               authority_names=("AKI", "Estonian Data Protection Inspectorate")),
    # LSSI art. 22.2: https://protecciondatos-lopd.com/empresas/lssi-cookies/
    # LSSI art. 21: https://privtools.eu/informes/2018-0164
    "ES": _law("ES", "Agencia Española de Protección de Datos", "ES LSSI art. 22.2",
               "ES LSSI art. 21", refuses_browser_consent=False,
               authority_names=("AEPD", "Spanish Data Protection Agency")),
    # Laki sähköisen viestinnän palveluista (917/2014) 205 §:
    # https://www.hannessnellman.com/news-views/blog/finnish-supervising-authority-updates-guidance-on-cookies-for-service-providers/
    # (Helsinki Administrative Court 2021: browser settings are no consent under it, a court's
    # reading, not the statute's words, so refuses_browser_consent stays False; the
    # direct-marketing section was not confirmed: the directive is cited)
    "FI": _law("FI", "Tietosuojavaltuutetun toimisto",
               "FI Laki sähköisen viestinnän palveluista 917/2014 205 §",
               refuses_browser_consent=False,
               authority_names=("Tietosuojavaltuutettu", "Dataombudsmannens byrå", "Office of the Data Protection Ombudsman")),
    # Loi Informatique et Libertés art. 82:
    # https://amane-expertise.fr/3452-la-cnil-actualise-sa-politique-en-matiere-de-cookies
    # CPCE art. L34-5: https://www.doctrine.fr/l/texts/codes/LEGITEXT000006070987/articles/LEGIARTI000006465785
    "FR": _law("FR", "CNIL", "FR Loi Informatique et Libertés art. 82", "FR CPCE art. L34-5",
               refuses_browser_consent=False,
               authority_names=("Commission nationale de l'informatique et des libertés",)),
    # N. 3471/2006 art. 4 par. 5 (which lets consent be given through browser settings):
    # https://www.zerowastefuture.gr/politiki-cookies and https://kartland.gr/en/cookies/
    # art. 11 (unsolicited communications, opt-in):
    # http://docplayer.gr/1951107-Athina-29-4-2011-o-igia-2-2011-i-arhi-prostasias-edouenon-prosopikoy-haraktira.html
    "GR": _law("GR", "Αρχή Προστασίας Δεδομένων Προσωπικού Χαρακτήρα",
               "GR N. 3471/2006 art. 4 par. 5", "GR N. 3471/2006 art. 11",
               refuses_browser_consent=False,
               authority_names=("Hellenic Data Protection Authority", "HDPA")),
    "HR": _law("HR", "Agencija za zaštitu osobnih podataka", refuses_browser_consent=False,
               authority_names=("AZOP", "Croatian Personal Data Protection Agency")),
    "HU": _law("HU", "Nemzeti Adatvédelmi és Információszabadság Hatóság",
               refuses_browser_consent=False,
               authority_names=("NAIH", "Hungarian National Authority for Data Protection and Freedom of Information")),
    # S.I. 336/2011 Reg. 5(3): http://www.capitalfinancial.ie/cookies-notice/
    # Reg. 13 (unsolicited communications): http://cefni-relay.virtual.tibus.net/2011/en/si/0336.html
    "IE": _law("IE", "Data Protection Commission", "IE S.I. 336/2011 Reg. 5(3)",
               "IE S.I. 336/2011 Reg. 13", refuses_browser_consent=False,
               authority_names=("DPC", "An Coimisiún um Chosaint Sonraí", "Irish Data Protection Commission")),
    "IS": _law("IS", "Persónuvernd", refuses_browser_consent=False,
               authority_names=("Icelandic Data Protection Authority",)),
    # Codice privacy art. 122: https://www.gazzettaufficiale.it/atto/serie_generale/caricaArticolo?art.codiceRedazionale=003G0218&art.idArticolo=122
    # art. 130: https://www.dgrs.it/lapplicazione-in-italia-della-disciplina-del-soft-spam-e-linterpretazione-dei-paesi-europei-unanalisi-comparata/
    "IT": _law("IT", "Garante per la protezione dei dati personali",
               "IT Codice privacy art. 122", "IT Codice privacy art. 130",
               refuses_browser_consent=False,
               authority_names=("Garante Privacy", "GPDP", "Italian Data Protection Authority")),
    "LI": _law("LI", "Datenschutzstelle", refuses_browser_consent=False),
    "LT": _law("LT", "Valstybinė duomenų apsaugos inspekcija", refuses_browser_consent=False,
               authority_names=("VDAI", "State Data Protection Inspectorate")),
    "LU": _law("LU", "Commission nationale pour la protection des données",
               refuses_browser_consent=False,
               authority_names=("CNPD", "National Commission for Data Protection")),
    "LV": _law("LV", "Datu valsts inspekcija", refuses_browser_consent=False,
               authority_names=("DVI", "Data State Inspectorate")),
    "MT": _law("MT", "Information and Data Protection Commissioner",
               refuses_browser_consent=False,
               authority_names=("IDPC",)),
    # Telecommunicatiewet art. 11.7a: https://www.verzekeraars.nl/verzekeringsthemas/nieuwe-risicos/big-data-privacy/cookiebepaling-uit-de-telecommunicatiewet
    # art. 11.7: https://dmcc.nl/nieuws/update-dmcc-legt-uit-wetswijziging-opt-in-telemarketing/
    "NL": _law("NL", "Autoriteit Persoonsgegevens", "NL Telecommunicatiewet art. 11.7a",
               "NL Telecommunicatiewet art. 11.7", refuses_browser_consent=False,
               authority_names=("AP", "Dutch Data Protection Authority")),
    # Prawo telekomunikacyjne art. 173 carried the cookie rule until Prawo komunikacji
    # elektronicznej replaced it in 2024; the new section was not confirmed.
    "PL": _law("PL", "Prezes Urzędu Ochrony Danych Osobowych", refuses_browser_consent=False,
               authority_names=("UODO", "Urząd Ochrony Danych Osobowych", "President of the Personal Data Protection Office", "Personal Data Protection Office")),
    # Lei 41/2004 transposes the whole directive (art. 1), so the act is confirmed for both;
    # its articles were not: https://loja9.pt/legislacao-de-cookies-resumo-com-checklist-de-conformidade
    "PT": _law("PT", "Comissão Nacional de Proteção de Dados", "PT Lei 41/2004",
               "PT Lei 41/2004", refuses_browser_consent=False,
               authority_names=("CNPD", "National Data Protection Commission")),
    # Legea 506/2004 is the act transposing the whole directive (its title and art. 1); its
    # articles were not confirmed: https://www.avocatura.com/legi/5039/legea-506-din-2004.html
    "RO": _law("RO", "ANSPDCP", "RO Legea 506/2004", "RO Legea 506/2004",
               refuses_browser_consent=False,
               authority_names=("Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal", "National Supervisory Authority for Personal Data Processing")),
    "SI": _law("SI", "Informacijski pooblaščenec", refuses_browser_consent=False,
               authority_names=("Information Commissioner of the Republic of Slovenia",)),
    "SK": _law("SK", "Úrad na ochranu osobných údajov", refuses_browser_consent=False,
               authority_names=("Úrad na ochranu osobných údajov Slovenskej republiky", "Office for Personal Data Protection of the Slovak Republic")),
}


def _authority(law: NationalLaw, regions: Iterable[str]) -> list[str]:
    found = sorted({law.regional_authorities[r] for r in regions if r in law.regional_authorities})
    if found:
        return found
    if law.regional_authorities and law.fallback_note:
        return [f"{law.authority} ({law.fallback_note})"]
    return [law.authority]


def addressed_countries(version: PolicyVersion) -> list[str]:
    """The EEA countries whose people the policy addresses, sorted: its jurisdictions', the
    controller's and its entities' (a data subject may complain where they live or work,
    GDPR Art. 77(1))."""
    controller = version.controller
    codes = {j.code for j in version.jurisdictions} | {controller.country}
    codes.update(e.country for e in controller.entities)
    return sorted(codes)


def complaint_authorities(version: PolicyVersion) -> list[str]:
    """The supervisory authorities of the countries the policy addresses, sorted
    (:func:`addressed_countries`).

    A country with regional authorities (Germany) gives those of the regions
    the policy's establishments name (the entities' and addresses'
    ``subdivision``, or a jurisdiction's regional ``calendar``); with none
    named, the national authority with its fallback note. Two countries'
    authorities of the same name (Datatilsynet in Denmark and Norway) carry
    their country code.
    """
    regions: set[str] = set()
    controller = version.controller
    for entity in (controller, *controller.entities):
        if entity.subdivision:
            regions.add(entity.subdivision)
        regions.update(a.subdivision for a in entity.addresses if a.subdivision)
    regions.update(j.calendar for j in version.jurisdictions if "-" in j.calendar)
    named: dict[str, set[str]] = {}
    for code in addressed_countries(version):
        for name in _authority(NATIONAL_LAW[code], regions):
            named.setdefault(name, set()).add(code)
    out: list[str] = []
    for name, countries in named.items():
        if len(countries) > 1:
            out.extend(f"{name} ({c})" for c in sorted(countries))
        else:
            out.append(name)
    return sorted(out)
