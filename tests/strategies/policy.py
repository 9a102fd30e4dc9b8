"""Hypothesis strategies for the policy model: durations, org numbers, policy documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from gdpr_policy._policy import bundled_policy

_NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)

# Printable text: YAML itself folds NEL, LS and PS into line breaks, so control and
# separator characters cannot round-trip through any YAML emitter.
texts = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30)

ids = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


@st.composite
def durations(draw: st.DrawFn) -> str:
    """ISO 8601 durations with at least one non-zero date part."""
    parts = draw(
        st.dictionaries(st.sampled_from("YMWD"), st.integers(0, 40), min_size=1).filter(
            lambda d: any(d.values())
        )
    )
    return "P" + "".join(f"{parts[u]}{u}" for u in "YMWD" if u in parts)


@st.composite
def no_org_numbers(draw: st.DrawFn) -> str:
    """Valid Norwegian organisation numbers (MOD11)."""
    while True:
        body = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
        check = 11 - sum(d * w for d, w in zip(body, _NO_WEIGHTS, strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, body)) + str(check)


@st.composite
def se_org_numbers(draw: st.DrawFn) -> str:
    """Valid Swedish organisation numbers (Luhn over nine digits)."""
    body = draw(st.lists(st.integers(0, 9), min_size=9, max_size=9))
    total = 0
    for i, d in enumerate(body):
        n = d * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def base_version() -> dict[str, Any]:
    """The bundled policy's latest version as plain JSON-able data."""
    data: dict[str, Any] = bundled_policy().latest.model_dump(mode="json")
    return data


@st.composite
def policy_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Valid policy documents: the bundled policy with varied durations, trackers and versions."""
    version = base_version()
    rights = version["rights"]
    rights["response_period"] = draw(durations())
    rights["extension"] = draw(durations())
    rights["identity"]["clock"] = draw(st.sampled_from(["none", "restart", "pause"]))
    version["retention"][0]["after"] = draw(durations())
    version["consent"]["max_lifetime"] = draw(st.none() | durations())
    version["consent"]["banner_revision"] = draw(st.none() | st.integers(0, 10_000))
    consent_purposes = [p["id"] for p in version["purposes"] if p["basis"] == "consent"]
    trackers = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "id": ids,
                    "provider": texts,
                    "category": st.sampled_from(["analytics", "marketing"]),
                    "purposes": st.lists(
                        st.sampled_from(consent_purposes), min_size=1, max_size=3, unique=True
                    ),
                    "consent_required": st.just(True),
                    "cookies": st.lists(
                        st.one_of(
                            st.fixed_dictionaries(
                                {
                                    "name": st.from_regex(
                                        r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True
                                    )
                                }
                            ),
                            st.fixed_dictionaries(
                                {"pattern": st.sampled_from(["^_ga_.*$", "^__hs.*", "^li_[a-z]+$"])}
                            ),
                        ),
                        max_size=3,
                    ),
                }
            ),
            max_size=4,
            unique_by=lambda t: t["id"],
        )
    )
    version["trackers"] = trackers
    n_versions = draw(st.integers(1, 3))
    starts = sorted(
        draw(
            st.lists(
                st.dates(dt.date(2018, 5, 25), dt.date(2030, 1, 1)),
                min_size=n_versions,
                max_size=n_versions,
                unique=True,
            )
        )
    )
    versions = []
    for i, start in enumerate(starts):
        v = dict(
            version, version=f"v{i + 1}", effective_from=start.isoformat(), effective_until=None
        )
        versions.append(v)
    return {
        "id": draw(ids),
        "title": {"en": draw(texts)},
        "versions": versions,
    }
