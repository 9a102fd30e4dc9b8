"""Text helpers shared by modules that must not import each other."""

from __future__ import annotations

import unicodedata

__all__ = ["name_key"]


def name_key(name: str) -> str:
    """A name as compared: Unicode-normalised, case-folded, its white space collapsed.

    ``"  Integritetsskyddsmyndigheten "`` and ``"integritetsskyddsmyndigheten"``
    are one authority; ``"Kari  Nordmann"`` and ``"kari nordmann"`` one person;
    ``"Kåre"`` typed as one letter å and as a plus a ring (as macOS and some CRMs
    store it) one name. NFKC before and after case folding is Unicode's
    compatibility caseless match (so a ligature or a full-width letter is the
    letters it stands for).
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())
