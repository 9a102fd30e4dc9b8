"""Compile the ``.po`` catalogs to ``.mo`` (a development step; CI checks the result).

Run ``python -m gdpr_policy.i18n.compile`` after editing a ``.po`` file.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
_EPOCH = dt.datetime(2024, 3, 6, tzinfo=dt.UTC)


def compiled(po_path: Path) -> bytes:
    """The ``.mo`` bytes of one ``.po`` file (fuzzy entries are left out)."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=po_path.parts[-3])
    # Babel stamps missing header dates with the current time; pin them so that
    # the same .po always compiles to the same bytes (CI compares them).
    catalog.creation_date = _EPOCH
    catalog.revision_date = _EPOCH
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def main() -> int:
    """Write every ``.mo`` beside its ``.po``; print what changed."""
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            print(f"compiled {mo.relative_to(LOCALES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
