"""The Python examples of the service-facing docs run as written, through public imports only."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Docs whose Python examples are run (in order, in one namespace per page).
PAGES = ("docs/services.md", "docs/deadlines.md", "docs/encode-your-statement.md")
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _blocks(page: str) -> list[str]:
    return _BLOCK.findall((ROOT / page).read_text("utf-8"))


@pytest.mark.parametrize("page", PAGES)
def test_python_examples_run_as_written(page: str) -> None:
    blocks = _blocks(page)
    assert blocks, page
    namespace: dict[str, object] = {}
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, page, "exec"), namespace)
        # Printed lines shown as comments under the code must be what it prints
        # ('...' stands for lines left out; a trailing '...' for the rest of a line).
        shown = [line[2:] for line in block.splitlines() if line.startswith("# ")]
        printed = out.getvalue().splitlines()
        if shown:
            _match(shown, printed, page)


def _match(shown: list[str], printed: list[str], page: str) -> None:
    i = 0
    for want in shown:
        if want == "...":
            continue
        while i < len(printed) and not _same(want, printed[i]):
            i += 1
        assert i < len(printed), (page, want, printed)
        i += 1


def _same(want: str, got: str) -> bool:
    return got.startswith(want[:-3]) if want.endswith("...") else got == want


@pytest.mark.parametrize("page", [*PAGES, "README.md"])
def test_docs_import_only_public_paths(page: str) -> None:
    text = (ROOT / page).read_text("utf-8")
    for block in _BLOCK.findall(text):
        assert not re.search(r"gdpr_policy\._|from gdpr_policy\.\w+ import", block), (page, block)


def test_services_page_answers_the_three_questions() -> None:
    headings = [ln for ln in (ROOT / "docs/services.md").read_text("utf-8").splitlines()
                if ln.startswith("## ")]
    assert headings == ["## Is this consent valid?", "## When is this request due?",
                        "## May we still e-mail this contact?"]


_YAML = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize(("page", "section"), [
    ("docs/encode-your-statement.md", "# Encode your statement"),
    # the format page opens with a sketch of the whole file ("..."); its examples of parts
    ("docs/policy-format.md", "## Clauses and promises"),
])
def test_policy_yaml_examples_are_valid_policy_elements(page: str, section: str) -> None:
    """A YAML example of a part of the policy loads as that part, as written."""
    import yaml
    from pydantic import TypeAdapter

    from gdpr_policy._policy import Assumption, Purpose, StatementDocument

    parts: dict[str, object] = {"documents": list[StatementDocument], "assumed": list[Assumption]}
    checked = 0
    text = (ROOT / page).read_text("utf-8")
    for block in _YAML.findall(text[text.index(section):]):
        data = yaml.safe_load(block)
        if isinstance(data, dict) and set(data) <= set(parts):
            for key, value in data.items():
                TypeAdapter(parts[key]).validate_python(value)
                checked += 1
        elif isinstance(data, list) and all("basis" in item for item in data):
            TypeAdapter(list[Purpose]).validate_python(data)
            checked += 1
    assert checked, page


def test_the_policy_format_pages_error_example_is_what_the_loader_says() -> None:
    from gdpr_policy import PolicyError, load_policy
    from gdpr_policy._policy import bundled_policy_text

    page = (ROOT / "docs" / "policy-format.md").read_text("utf-8")
    shown = page.split("## Errors", 1)[1].split("```", 2)[1].strip()
    bad = bundled_policy_text().replace("after: P2Y ", "after: two years", 1)
    with pytest.raises(PolicyError) as info:
        load_policy(bad, source="inmeta.yaml")
    assert str(info.value) == shown
