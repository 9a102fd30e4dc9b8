"""Run mutmut with the project's rule and cache decorators mutated too.

mutmut 3 never mutates a decorated function: copying it for the trampoline would
run the decorator once per mutant. That would leave out every rule body here
(``@rule(...)`` registers the check, and a second registration is an error) and
the cached deadline core (``@lru_cache``). This wrapper lets mutmut mutate
functions whose decorators are all ``rule(...)``, ``lru_cache(...)`` or ``cache``: the
decorator stays on the trampoline only, and the original and mutated copies are
plain functions, so each rule is registered once and dispatches to the active
mutant. Everything else (properties, validators) is skipped as mutmut does.

Usage, from the repository root (see docs/mutation-testing.md)::

    python tools/mutmut_run.py run --max-children 2 "gdpr_policy._time.*"
    python tools/mutmut_run.py results

Any mutmut command line works; only mutant generation is changed, and the fork
server gets each mutant's tests fastest first, as mutmut's own fork runner does.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import libcst as cst
from mutmut.__main__ import cli
from mutmut.mutation import file_mutation
from mutmut.state import state
from mutmut.workers.isolation import ForkServerRunner

_DECORATORS = frozenset({"rule", "lru_cache", "cache"})


def _allowed(decorator: cst.Decorator) -> bool:
    node = decorator.decorator
    if isinstance(node, cst.Call):
        node = node.func
    return isinstance(node, cst.Name) and node.value in _DECORATORS


def _mutatable(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.FunctionDef)
        and bool(node.decorators)
        and all(_allowed(d) for d in node.decorators)
    )


_skip = file_mutation.MutationVisitor._skip_node_and_children


def _skip_node_and_children(self: Any, node: cst.CSTNode) -> bool:
    if _mutatable(node):
        assert isinstance(node, cst.FunctionDef)
        # Judge the function as if undecorated; its decorators themselves stay unmutated
        # (mutmut skips Decorator nodes on their own).
        return bool(_skip(self, node.with_changes(decorators=[])))
    return bool(_skip(self, node))


_arrange: Any = file_mutation.function_trampoline_arrangement


def _function_trampoline_arrangement(
    function: cst.FunctionDef, mutants: Any, class_name: str | None
) -> Any:
    if not _mutatable(function):
        return _arrange(function, mutants, class_name=class_name)
    # Mutations point at nodes inside the body, which with_changes keeps, so they still apply.
    bare = function.with_changes(decorators=[])
    empty, nodes, assignments, names = _arrange(bare, mutants, class_name=class_name)
    nodes = list(nodes)
    trampoline: cst.FunctionDef = nodes[0]
    nodes[0] = trampoline.with_changes(decorators=[*function.decorators, *trampoline.decorators])
    return empty, nodes, assignments, names


file_mutation.MutationVisitor._skip_node_and_children = _skip_node_and_children  # type: ignore[method-assign]
file_mutation.function_trampoline_arrangement = _function_trampoline_arrangement

_submit = ForkServerRunner.submit


def _fast_first(self: Any, mutant_name: str, tests: list[str], cpu_time_limit: int,
                estimated_time: float) -> None:
    # mutmut's fork runner runs a mutant's fastest tests first (pytest stops at the first
    # failure, so a mutant a quick test kills costs that test only); its fork-server
    # runner, which [tool.mutmut] selects, hands them over in set order. The lint's
    # mutants each reach ~50 tests through lint_policy: in set order a run took 12 s
    # a mutant. Same tests, same verdicts, only the order changes.
    durations = state().duration_by_test
    _submit(self, mutant_name, sorted(tests, key=lambda t: (durations.get(t, 0.0), t)),
            cpu_time_limit, estimated_time)


ForkServerRunner.submit = _fast_first  # type: ignore[method-assign]

if __name__ == "__main__":
    # Hypothesis does not shrink in mutation runs (tools/mutmut_hypothesis.py). Set through the
    # environment, which mutmut's forked and fork-server workers inherit, so that the
    # [tool.mutmut] settings and with them the cached results stay the same.
    here = os.path.dirname(os.path.abspath(__file__))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
    sys.path.insert(0, here)
    os.environ["PYTEST_ADDOPTS"] = " ".join(
        p for p in (os.environ.get("PYTEST_ADDOPTS"), "-p mutmut_hypothesis") if p
    )
    sys.argv[0] = "mutmut"
    cli()
