"""A pytest plugin for mutation runs: no shrinking, and no cache shared between tests.

A mutant that makes a property fail is killed by the first failing example;
shrinking it only costs time (minutes, when each example loads a policy). The
profile chosen by tests/conftest.py is kept, only without the shrink phase.

mutmut runs each mutant against the tests that called the mutated function
while it collected its statistics. A function behind a cache (the deadline
core, the holiday tables) is only called by the first test that asks for a
given value, so every other test would go unrecorded and never be run against
its mutants. The mutated modules' caches are therefore cleared before each
test. ``tools/mutmut_run.py`` loads this plugin through ``PYTEST_ADDOPTS``.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import Phase, settings

_CACHED_MODULES = (
    "gdpr_policy._time",
    "gdpr_policy.requests",
    "gdpr_policy._lint",
    "gdpr_policy.consent",
    "gdpr_policy.banner.rules",
)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # Runs after tests/conftest.py has loaded its profile and before test modules are imported,
    # so @settings(...) on a test inherits the phases from here.
    current = settings()
    settings.register_profile(
        "mutation",
        parent=current,
        phases=[p for p in current.phases if p is not Phase.shrink],
    )
    settings.load_profile("mutation")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name in _CACHED_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and hasattr(value, "cache_info"):
                clear()
