"""Check digits of Norwegian and Swedish organisation numbers.

Norway (Brønnøysundregistrene): nine digits, the last a MOD11 check digit with
weights 3, 2, 7, 6, 5, 4, 3, 2; a remainder giving 10 means the number is
invalid. Sweden (Bolagsverket): ten digits, the last a Luhn check digit over
the first nine.
"""

from __future__ import annotations

__all__ = ["normalize_org_number", "valid_no_org_number", "valid_se_org_number"]

_NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalize_org_number(text: str) -> str:
    """Drop spaces, hyphens and a leading ``NO``/``SE`` or ``MVA`` suffix."""
    cleaned = text.upper().replace(" ", "").replace("-", "").replace("\u00a0", "")
    if cleaned.startswith(("NO", "SE")):
        cleaned = cleaned[2:]
    if cleaned.endswith("MVA"):
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
