"""The layers around the bot: tests use the test kit and the benchmarks, never the other way round.

`testkit/` (the fake Bot API server, the reply checks, synthetic monographs, the labelled question corpus) is
shared by `tests/`, `bench/` and `tools/`; training (`tools/`) does not lean on the benchmarks; and no module of
`bench/`, `tools/` or `testkit/` imports — at the top or inside a function — a module that imports it back.
Read from the source (AST), so a lazy import counts as much as a top-level one.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

from tests.conftest import ROOT

FOLDERS = ("bench", "tools", "testkit", "tests")
SHARED = ("bench", "tools", "testkit")  # the code that must stand without the tests
MUST_NOT_IMPORT = {
    "bench": {"tests"},
    "tools": {"tests", "bench"},
    "testkit": {"tests", "bench"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))}


def imports_of(module: str) -> set[str]:
    """Every module `module` imports, anywhere in its file; `from package import name` counts as importing
    `package.name` when that is a module."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, one level up per extra dot
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return found


def top_package(module: str) -> str:
    return module.split(".")[0]


def test_the_walk_sees_every_layer_and_imports_inside_functions():
    assert {top_package(m) for m in MODULES} == set(FOLDERS)
    # the reply checks are imported inside the fuzz child, which must count
    assert "testkit.checks" in imports_of("bench.fuzzing.messages")
    assert "bench.fuzzing.files" in imports_of("bench.fuzz")  # `from bench.fuzzing import files`


@pytest.mark.parametrize("layer", sorted(MUST_NOT_IMPORT))
def test_a_layer_never_imports_the_layers_built_on_it(layer):
    forbidden = MUST_NOT_IMPORT[layer]
    offenders = sorted(
        f"{module} imports {target}"
        for module in MODULES
        if top_package(module) == layer
        for target in imports_of(module)
        if top_package(target) in forbidden
    )
    assert not offenders, "\n".join(offenders)


def test_no_import_cycle_among_bench_tools_and_testkit():
    shared = [m for m in MODULES if top_package(m) in SHARED]
    graph = {module: {t for t in imports_of(module) if t in shared} for module in shared}
    assert any(graph.values())  # the graph has edges: an empty one would prove nothing
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as cycle:
        pytest.fail("import cycle: " + " -> ".join(reversed(cycle.args[1])))
