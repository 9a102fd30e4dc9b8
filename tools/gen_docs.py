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
from gdpr_policy._catalog import (
    coverage_markdown,
    national_law_markdown,
    policy_schema,
    rules_json,
    rules_markdown,
    schema_keys_markdown,
)
from gdpr_policy._policy import Policy
from gdpr_policy.banner._model import Banner
from gdpr_policy.banner._native import READER_FIELDS

POLICY_KEYS_INTRO = (
    "Every key a policy file may hold, element by element, with its type, whether it is\n"
    "required, its default and its allowed values; [policy.schema.json](policy.schema.json)\n"
    "is the same definition for editors."
)
#: policy-format.md is written by hand down to this line, and generated below it
KEYS_MARKER = "<!-- Every key: generated from the model by tools/gen_docs.py; do not edit below. -->"
NATIVE_INTRO = (
    "The native banner form: the library's own banner model written as YAML or JSON,\n"
    "for a consent tool whose settings cannot be exported (write down what it does).\n"
    "The file starts with `gdpr_policy_banner: 1`; `gdpr-policy banner FILE` checks it like\n"
    "any other configuration, and an unknown or misspelt key is an error located at its\n"
    "line and column that names the nearest known key. Examples:\n"
    "[compliant.yaml](../examples/banners/native/compliant.yaml),\n"
    "[implied-consent.yaml](../examples/banners/native/implied-consent.yaml)."
)

DOCS = Path(__file__).resolve().parent.parent / "docs"


def policy_format() -> str:
    """policy-format.md: its hand-written part, then every key of the model (generated)."""
    written = (DOCS / "policy-format.md").read_text("utf-8").split(KEYS_MARKER, 1)[0]
    keys = schema_keys_markdown(Policy, "Every key", POLICY_KEYS_INTRO)
    # the generated page's sections become subsections of the page's "Every key"
    keys = "## " + keys.removeprefix("# ").replace("\n## ", "\n### ")
    return f"{written.rstrip()}\n\n{KEYS_MARKER}\n\n{keys}"

GENERATED = {
    "rules.md": lambda: rules_markdown("en"),
    "rules.json": lambda: rules_json("en"),
    "coverage.md": lambda: coverage_markdown(bundled_policy()),
    "policy.schema.json": policy_schema,
    "national-law.md": national_law_markdown,
    "policy-format.md": policy_format,
    "banner-native.md": lambda: schema_keys_markdown(
        Banner, "The native banner format", NATIVE_INTRO, exclude=READER_FIELDS
    ),
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
