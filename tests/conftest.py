"""Shared fixtures and hypothesis profiles.

``HYPOTHESIS_PROFILE=nightly`` runs many more examples. CI (``.ci/run``) uses the ``ci``
profile: derandomized, so that main's verdict on a commit does not depend on the draw;
a developer's run (the default profile) keeps exploring new examples, and what it
finds becomes a regression test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("nightly", max_examples=2_000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
)
