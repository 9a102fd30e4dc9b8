"""Regenerate the generated docs: rule catalog, clause coverage, policy JSON Schema.

Run ``python tools/gen_docs.py`` after changing a rule, a catalog message, the
policy model or the bundled policy; ``tests/test_catalog.py`` fails while the
committed files are stale. It also refreshes the bundled policy's JSON snapshot
(``tools/gen_snapshot_json.py``; ``tests/test_snapshot.py`` checks it).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from gdpr_policy import bundled_policy
from gdpr_policy._catalog import coverage_markdown, policy_schema, rules_json, rules_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"

GENERATED = {
    "rules.md": lambda: rules_markdown("en"),
    "rules.json": lambda: rules_json("en"),
    "coverage.md": lambda: coverage_markdown(bundled_policy()),
    "policy.schema.json": policy_schema,
}


def main() -> int:
    """Write each generated file that changed; print its name."""
    runpy.run_path(str(Path(__file__).with_name("gen_snapshot_json.py")))["main"]()
    for name, make in GENERATED.items():
        path = DOCS / name
        text = make()
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
