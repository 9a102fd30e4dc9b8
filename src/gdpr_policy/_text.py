"""Text helpers shared by modules that must not import each other."""

from __future__ import annotations

__all__ = ["name_key"]


def name_key(name: str) -> str:
    """A name as compared: case-folded, its white space collapsed to single spaces.

    ``"  Integritetsskyddsmyndigheten "`` and ``"integritetsskyddsmyndigheten"``
    are one authority; ``"Kari  Nordmann"`` and ``"kari nordmann"`` one person.
    """
    return " ".join(name.casefold().split())
