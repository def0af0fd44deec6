"""The house shows its stages: each layer of the engine imports only the layers under it, nothing imports in a
circle, and the front ends see only the engine's public face."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The engine's layers, lowest first; modules directly in intents/ (engine, assembly, the public face) wire them.
LAYERS = ["common", "language", "library", "understanding", "answering"]
TOP = len(LAYERS)
PACKAGES = ["intents", "bot", "bench", "tools", "testkit"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Every project module `path` imports, at module level or inside functions (a lazy import is still one).

    `from a.b import c` counts as importing `a.b.c` when that is a module, else `a.b`."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "intents":
        return None
    return LAYERS.index(parts[1]) if len(parts) > 2 and parts[1] in LAYERS else TOP


GRAPH = {name: imports_of(path, modules()) for name, path in modules().items()}


def test_the_engine_packages_are_its_stages():
    """The folder tree reads as the stage list: each layer is a package of the engine."""
    for layer in LAYERS:
        assert (ROOT / "intents" / layer / "__init__.py").is_file(), layer


@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_of_a_layer_imports_a_layer_above_it(layer):
    upward = [
        f"{module} imports {imported}"
        for module, imported_modules in GRAPH.items()
        if layer_of(module) == LAYERS.index(layer)
        for imported in sorted(imported_modules)
        if (layer_of(imported) or 0) > LAYERS.index(layer)
    ]
    assert not upward, upward


def test_the_monograph_library_never_reads_messages():
    """Cutting a file into parts must not depend on reading messages: the library sits under understanding."""
    library = [m for m in GRAPH if m.startswith("intents.library")]
    assert library
    for module in library:
        assert not any(i.startswith(("intents.understanding", "intents.answering")) for i in GRAPH[module]), module


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of the graph, or None (an iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(graph):
        if state.get(start):
            continue
        path: list[str] = [start]
        stack = [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(step) == 1:
                return [*path[path.index(step) :], step]
            elif not state.get(step):
                state[step] = 1
                path.append(step)
                stack.append(iter(sorted(graph.get(step, ()))))
    return None


def test_nothing_imports_in_a_circle():
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH) or [])


def test_a_circle_is_found_when_there_is_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


# A micro-benchmark of one component (the name index's cost on hostile words) measures that component itself.
COMPONENT_BENCHMARKS = {"bench.names_cost"}


@pytest.mark.parametrize("package", ["bot", "bench"])
def test_front_ends_and_benchmarks_import_only_the_engines_public_face(package):
    inside = [
        f"{module} imports {imported}"
        for module, imported_modules in GRAPH.items()
        if module.split(".")[0] == package and module not in COMPONENT_BENCHMARKS
        for imported in sorted(imported_modules)
        if imported.startswith("intents.")
    ]
    assert not inside, inside


def test_the_engine_never_imports_telegram():
    for module, path in modules().items():
        if module.startswith("intents"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
            names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
            assert not any(n.split(".")[0] == "telegram" for n in names), module
