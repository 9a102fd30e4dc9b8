"""The EEA countries and the calendar codes the policy format knows, without the calendars.

Kept apart from ``_time`` so that the policy model and the command line can name
them without importing the ``holidays`` package (start-up of every command).
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["CALENDARS", "COUNTRY_ZONES", "EEA_COUNTRY_CODES", "VETTED_CALENDARS", "CalendarCode",
           "EeaCountry"]

#: The EEA states (EU 27, Iceland, Liechtenstein, Norway) as ISO 3166-1 alpha-2 codes.
EeaCountry = Literal[
    "NO", "SE",
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SI", "SK",
]  # fmt: skip
#: The vetted calendars first, then every EEA country and the ISO 3166-2 subdivisions
#: whose public holidays differ by region (see ``_time``).
CalendarCode = Literal[
    "NO", "SE", "SE-1930-173",
    "AT", "AT-1", "AT-2", "AT-3", "AT-4", "AT-5", "AT-6", "AT-7", "AT-8", "AT-9", "BE", "BG",
    "CY", "CZ", "DE", "DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV",
    "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH", "DK", "EE", "ES",
    "ES-AN", "ES-AR", "ES-AS", "ES-CB", "ES-CE", "ES-CL", "ES-CM", "ES-CN", "ES-CT", "ES-EX",
    "ES-GA", "ES-IB", "ES-MC", "ES-MD", "ES-ML", "ES-NC", "ES-PV", "ES-RI", "ES-VC", "FI",
    "FI-01", "FR", "FR-57", "FR-6AE", "FR-971", "FR-972", "FR-973", "FR-974", "FR-976", "GR",
    "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "PT-20",
    "PT-30", "RO", "SI", "SK",
]  # fmt: skip
EEA_COUNTRY_CODES: tuple[EeaCountry, ...] = get_args(EeaCountry)
CALENDARS: tuple[CalendarCode, ...] = get_args(CalendarCode)
#: The calendars checked against national statutes (the rest follow the package).
VETTED_CALENDARS: tuple[CalendarCode, ...] = ("NO", "SE", "SE-1930-173")


#: The time zones of each EEA state (the tz database's zone.tab, with the regions of a
#: state that are in the EU though the database files them under their own code: the
#: Åland Islands, the French overseas departments, and Norway's Svalbard and Jan Mayen),
#: and the old names that are links to them. A jurisdiction's zone says which day a
#: request arrived on there, so it must be one of its country's.
COUNTRY_ZONES: dict[str, tuple[str, ...]] = {
    "NO": ("Europe/Oslo", "Arctic/Longyearbyen", "Atlantic/Jan_Mayen"),
    "SE": ("Europe/Stockholm",),
    "AT": ("Europe/Vienna",), "BE": ("Europe/Brussels",), "BG": ("Europe/Sofia",),
    "CY": ("Asia/Nicosia", "Asia/Famagusta", "Europe/Nicosia"), "CZ": ("Europe/Prague",),
    "DE": ("Europe/Berlin", "Europe/Busingen"), "DK": ("Europe/Copenhagen",),
    "EE": ("Europe/Tallinn",), "ES": ("Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary"),
    "FI": ("Europe/Helsinki", "Europe/Mariehamn"),
    "FR": ("Europe/Paris", "America/Guadeloupe", "America/Martinique", "America/Cayenne",
           "Indian/Reunion", "Indian/Mayotte", "America/Marigot"),
    "GR": ("Europe/Athens",), "HR": ("Europe/Zagreb",), "HU": ("Europe/Budapest",),
    "IE": ("Europe/Dublin",), "IS": ("Atlantic/Reykjavik",), "IT": ("Europe/Rome",),
    "LI": ("Europe/Vaduz",), "LT": ("Europe/Vilnius",), "LU": ("Europe/Luxembourg",),
    "LV": ("Europe/Riga",), "MT": ("Europe/Malta",), "NL": ("Europe/Amsterdam",),
    "PL": ("Europe/Warsaw",), "PT": ("Europe/Lisbon", "Atlantic/Madeira", "Atlantic/Azores"),
    "RO": ("Europe/Bucharest",), "SI": ("Europe/Ljubljana",), "SK": ("Europe/Bratislava",),
}  # fmt: skip
