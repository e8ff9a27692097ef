"""Imports run one way: every module imports only its own layer or the layers below it.

Every ``import`` and ``from ... import`` is read with :mod:`ast`, function-level ones included (a lazy import
is still a dependency), and each module is placed in a layer by the longest matching prefix of its dotted
name. The layers, bottom first, are written down in the README's architecture section; change both together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("research", "interviews", "app")

# Bottom first. A module may import its own layer and any layer below; never one above.
LAYERS: list[tuple[str, ...]] = [
    ("research", "research.errors", "research.settings", "research.offline", "research.codebook",
     "research.csv_input", "research.spreadsheets", "research.figure_text", "research.text_parts",
     "research.qdpx_format", "research.qdpx_writer", "research.typos"),
    ("research.store",),
    ("research.audit", "research.accounts", "research.sso"),
    ("research.privacy",),
    ("interviews", "research.pulse"),
    ("research.analysis",),
    ("research.findings",),
    ("research.demo", "research.cli"),
    ("app",),
]

# Names that place only themselves, not the modules under them: ``research`` is the package's __init__.
EXACT = {"research"}

# Siblings in one layer that must stay independent of each other.
INDEPENDENT = [("interviews", "research.pulse")]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:  # Alembic's generated scripts import only the store
                continue
            found[_module_name(path)] = path
    return found


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, at any depth, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # ``from research import settings`` imports the module research.settings
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _owner(name: str) -> tuple[int, str] | None:
    """The layer index and the prefix that places ``name``, by the longest prefix that matches it."""
    best = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if name == prefix or (prefix not in EXACT and name.startswith(prefix + ".")):
                if best is None or len(prefix) > len(best[1]):
                    best = (index, prefix)
    return best


def _violations(modules: dict[str, Path], root: Path = ROOT) -> list[str]:
    problems = []
    for name, path in sorted(modules.items()):
        here = _owner(name)
        assert here is not None, f"{name} is in no layer: add it to LAYERS (and to the README)"
        seen = set()
        for target, line in _imports(name, path):
            there = _owner(target) if target.split(".")[0] in PACKAGES else None
            if there is None or (line, there[1]) in seen:
                continue  # one report per import statement and layer
            seen.add((line, there[1]))
            where = f"{path.relative_to(root)}:{line} imports {target}"
            if there[0] > here[0]:
                problems.append(f"{where}, a layer above ({there[1]} over {here[1]})")
            for a, b in INDEPENDENT:
                if {here[1], there[1]} == {a, b}:
                    problems.append(f"{where}: {a} and {b} must not import each other")
    return problems


def test_every_module_imports_only_its_layer_or_below():
    modules = _modules()
    assert len(modules) > 100  # the walk found the code, not an empty tree
    assert _violations(modules) == []


def test_nothing_below_app_imports_streamlit():
    offenders = [f"{path.relative_to(ROOT)}:{line}"
                 for name, path in _modules().items() if not name.startswith("app")
                 for target, line in _imports(name, path) if target.split(".")[0] == "streamlit"]
    assert offenders == []


@pytest.mark.parametrize(("source", "module", "expected"), [
    ("def f():\n    from research.findings.overview import wave_stats\n", "research.pulse.waves", "a layer above"),
    ("from interviews import coding\n", "research.pulse.waves", "must not import each other"),
    ("from ..findings import overview\n", "research.analysis.report", "a layer above"),
    ("from research.store.models import Code\nimport pandas\n", "interviews.coding", None),
])
def test_the_checker_catches_upward_and_sibling_imports(tmp_path, source, module, expected):
    """The checker can fail: a function-level, a sibling and a relative upward import are each caught once."""
    path = tmp_path / "planted.py"
    path.write_text(source)
    problems = _violations({module: path}, root=tmp_path)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems
