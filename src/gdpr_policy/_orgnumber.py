"""Organisation numbers: the Norwegian and Swedish check digits, other countries by stdnum.

Norway (Brønnøysundregistrene): nine digits, the last a MOD11 check digit with
weights 3, 2, 7, 6, 5, 4, 3, 2; a remainder giving 10 means the number is
invalid. Sweden (Bolagsverket): ten digits, the last a Luhn check digit over
the first nine.

Another EEA country's number is checked with ``python-stdnum`` where it has a
module for the number companies are registered or identified by
(:data:`STDNUM_MODULES`: Denmark's CVR, Finland's Y-tunnus, France's SIREN or
SIRET, Germany's Handelsregisternummer with its court ...). Where it has none,
or where a statement may show one of several registers' numbers (Poland's KRS,
NIP or REGON; Ireland's CRO number), the number is taken as written and not
checked (:data:`UNCHECKED`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

__all__ = [
    "STDNUM_MODULES",
    "UNCHECKED",
    "normalize_org_number",
    "org_number_problem",
    "valid_no_org_number",
    "valid_se_org_number",
]

#: Country -> (the stdnum modules any of which may accept the number, what is expected).
STDNUM_MODULES: Mapping[str, tuple[tuple[str, ...], str]] = {
    "AT": (("at.businessid",), "a Firmenbuchnummer such as FN 122119m"),
    "BE": (("be.vat",), "an enterprise number such as 0403.170.701"),
    "BG": (("bg.vat",), "a UIC (ЕИК) of 9 or 13 digits"),
    "CZ": (("cz.dic",), "an IČO of 8 digits"),
    "DE": (("de.handelsregisternummer",),
           "the register court, register and number, such as München HRB 123456"),
    "DK": (("dk.cvr",), "a CVR number of 8 digits"),
    "EE": (("ee.registrikood",), "a registry code of 8 digits"),
    "ES": (("es.cif",), "a CIF (company NIF) such as A58818501"),
    "FI": (("fi.ytunnus",), "a Y-tunnus such as 2077474-0"),
    "FR": (("fr.siren", "fr.siret"), "a SIREN (9 digits) or SIRET (14 digits)"),
    "GR": (("gr.vat",), "an AFM of 9 digits"),
    "HR": (("hr.oib",), "an OIB of 11 digits"),
    "HU": (("hu.anum",), "an adószám of 8 digits"),
    "IT": (("it.iva",), "a partita IVA of 11 digits"),
    "LV": (("lv.pvn",), "a registration number of 11 digits"),
    "PT": (("pt.nif",), "a NIPC of 9 digits"),
    "RO": (("ro.cui", "ro.onrc"), "a CUI or a trade register number such as J40/2494/1991"),
    "SI": (("si.maticna",), "a matična številka of 7 or 10 digits"),
}
#: The EEA countries whose organisation numbers are taken as written.
UNCHECKED: frozenset[str] = frozenset(
    {"CY", "IE", "IS", "LI", "LT", "LU", "MT", "NL", "PL", "SK"}
)

_NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalize_org_number(text: str, country: str | None = None) -> str:
    """Drop spaces, hyphens, the country's own prefix and Norway's ``MVA`` suffix.

    With ``country``, only how that country writes its numbers is dropped
    (``NO 977 302 390 MVA``, ``SE 556036-0793``): another country's prefix or
    suffix stays and makes the number fail its check. Without it, either.
    """
    cleaned = text.upper().replace(" ", "").replace("-", "").replace("\u00a0", "")
    prefixes = ("NO", "SE") if country is None else (country,)
    if cleaned.startswith(prefixes):
        cleaned = cleaned[2:]
    if cleaned.endswith("MVA") and country in (None, "NO"):
        cleaned = cleaned[:-3]
    return cleaned


def valid_no_org_number(digits: str) -> bool:
    """Whether nine digits carry a correct MOD11 check digit."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], _NO_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[8])


def valid_se_org_number(digits: str) -> bool:
    """Whether ten digits carry a correct Luhn check digit."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(digits[:9]):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10 == int(digits[9])


def org_number_problem(country: str, number: str) -> str | None:
    """Why ``number`` is no valid organisation number of ``country`` (None: it is, or the
    country's numbers are not checked), as an ``expected ..., got ...`` text."""
    if country in ("NO", "SE"):
        digits = normalize_org_number(number, country)
        ok = valid_no_org_number(digits) if country == "NO" else valid_se_org_number(digits)
        if ok:
            return None
        rule = (
            "nine digits with a MOD11 check digit"
            if country == "NO"
            else "ten digits with a Luhn check digit"
        )
        return f"expected a valid {country} organisation number ({rule}), got {number!r}"
    entry = STDNUM_MODULES.get(country)
    if entry is None:
        return None
    names, expected = entry
    from stdnum.exceptions import ValidationError  # only when a number is checked

    for name in names:
        try:
            importlib.import_module(f"stdnum.{name}").validate(number)
        except ValidationError:
            continue
        return None
    return (
        f"expected a valid {country} organisation number ({expected}; checked with "
        f"python-stdnum's {' or '.join(names)}), got {number!r}"
    )
