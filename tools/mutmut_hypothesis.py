"""A pytest plugin for mutation runs: no shrinking, no cache shared between tests or sessions.

A mutant that makes a property fail is killed by the first failing example;
shrinking it only costs time (minutes, when each example loads a policy). The
profile chosen by tests/conftest.py is kept, only without the shrink phase.

mutmut runs each mutant against the tests that called the mutated function
while it collected its statistics. A function behind a cache (the deadline
core, the holiday tables) is only called by the first test that asks for a
given value, so every other test would go unrecorded and never be run against
its mutants. The mutated modules' caches are therefore cleared before each
test. ``tools/mutmut_run.py`` loads this plugin through ``PYTEST_ADDOPTS``.

mutmut's fork server collects the tests once (its warm-up) and then runs
``pytest.main`` again in every forked worker, in the same interpreter, on the
test ids the statistics run recorded. pytest (9.2) keeps the parametrize ids it
generated on the ``@parametrize`` mark and, on a second collection of the same
function, escapes them a second time: an id with a newline, a backslash or a
non-ASCII character (``klaro/compliant.js:default: true,\\n``) gains a
backslash. Every worker then asked for a test that no longer existed, pytest
stopped with a usage error, and mutmut recorded exit code 255 ("timeout") for
every mutant those tests reach. The ids a mark cached in an earlier session are
therefore forgotten before the mark is used in a new one.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import Phase, settings

_FRESH_MARKS = pytest.StashKey[set[int]]()

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


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Runs before pytest's own hook parametrizes the function. Within one session the cache is
    # kept (pytest uses it so that an ``ids`` iterator is not consumed twice).
    fresh = metafunc.config.stash.setdefault(_FRESH_MARKS, set())
    for marker in metafunc.definition.iter_markers(name="parametrize"):
        source = getattr(marker, "_param_ids_from", None)
        if source is None or id(source) in fresh:
            continue
        fresh.add(id(source))
        if getattr(source, "_param_ids_generated", None) is not None:
            object.__setattr__(source, "_param_ids_generated", None)
