"""Regenerate ``src/gdpr_policy/policies/inmeta.json``, the JSON snapshot of the bundled policy.

Run ``python tools/gen_snapshot_json.py`` after editing ``policies/inmeta.yaml``
(``tools/gen_docs.py`` runs it too). The YAML stays the source of truth: the
snapshot only spares the CLI PyYAML and the YAML parse, and is ignored at run
time when it does not match the YAML. ``tests/test_snapshot.py`` fails while
the committed snapshot is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gdpr_policy._policy import bundled_snapshot_json

SNAPSHOT = (
    Path(__file__).resolve().parent.parent / "src" / "gdpr_policy" / "policies" / "inmeta.json"
)


def main() -> int:
    """Write the snapshot if it changed; print its name."""
    text = bundled_snapshot_json()
    if not SNAPSHOT.exists() or SNAPSHOT.read_text("utf-8") != text:
        SNAPSHOT.write_text(text, "utf-8", newline="\n")
        print(f"wrote {SNAPSHOT.relative_to(SNAPSHOT.parents[3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
