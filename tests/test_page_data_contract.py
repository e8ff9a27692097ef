"""Pages get data, never ORM objects: no library function a page calls is declared to return a mapped row.

Every ``from research... / interviews... import name`` under ``app/`` is read with :mod:`ast`; each imported
function's return annotation is resolved (``typing.get_type_hints``) and walked through containers, unions and
the fields of dataclasses it returns. A mapped class (a subclass of the store's ``Base``) anywhere in it fails
the test: a page would read attributes or walk relationships on a row, lazily running SQL from the page or
touching the row after its session closed. The check trusts annotations (mypy keeps them honest); it does not
see methods called on returned objects.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import sys
import typing
from pathlib import Path

from research.store.models import Base

ROOT = Path(__file__).resolve().parents[1]

# Calls still returning rows, each with the page that uses it: empty since issue 17; never grow it.
KNOWN: set[str] = set()


def _page_imports() -> dict[str, object]:
    """Dotted name -> object for every name an app module imports from the library."""
    found: dict[str, object] = {}
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level \
                    and node.module.split(".")[0] in ("research", "interviews"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    value = getattr(module, alias.name, None) or importlib.import_module(f"{node.module}.{alias.name}")
                    if inspect.ismodule(value):  # ``from research import sso``: any of its functions
                        found.update({f"{value.__name__}.{key}": item for key, item in vars(value).items()
                                      if inspect.isfunction(item) and item.__module__ == value.__name__})
                    else:
                        found[f"{node.module}.{alias.name}"] = value
    return found


MAPPED = {mapper.class_.__name__ for mapper in Base.registry.mappers}


def _resolve(annotation: object, namespace: dict) -> object:
    """An annotation as a type; a string naming what only a type checker imports stays a string."""
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, namespace)  # noqa: S307 - annotations of this project's own modules
    except NameError:
        return annotation


def _mapped(hint: object, seen: set[int]) -> list[str]:
    """Names of the mapped classes reachable from a type hint."""
    if isinstance(hint, list | tuple):  # the parameters of a Callable
        return [name for item in hint for name in _mapped(item, seen)]
    if isinstance(hint, str):  # unresolved: look for the mapped classes' names in its text
        return sorted(MAPPED & set(re.findall(r"[A-Za-z_]\w*", hint)))
    if id(hint) in seen:
        return []
    seen.add(id(hint))
    if inspect.isclass(hint) and issubclass(hint, Base):
        return [hint.__name__]
    found = [name for arg in typing.get_args(hint) for name in _mapped(arg, seen)]
    if inspect.isclass(hint) and dataclasses.is_dataclass(hint):
        namespace = vars(sys.modules[hint.__module__])
        found += [name for field in dataclasses.fields(hint) for name in _mapped(_resolve(field.type, namespace), seen)]
    return found


def _leaks() -> dict[str, list[str]]:
    leaks = {}
    for name, value in _page_imports().items():
        if inspect.isfunction(value):
            returns = inspect.get_annotations(value).get("return")
            mapped = _mapped(_resolve(returns, value.__globals__), set())
            if mapped:
                leaks[name] = mapped
    return leaks


def test_the_walk_finds_a_row_inside_a_dataclass_and_a_list():
    from research.pulse.links import LinkTarget
    from research.store.models import Excerpt

    assert _mapped(list[Excerpt], set()) == ["Excerpt"]
    assert sorted(_mapped(LinkTarget | None, set())) == ["PulseSegment", "PulseWave"]
    assert _mapped("pd.DataFrame | Excerpt", set()) == ["Excerpt"]  # a name only a type checker could resolve
    assert _mapped(dict[str, tuple[int, ...]], set()) == []


def test_pages_call_no_library_function_that_returns_orm_rows():
    leaks = _leaks()
    new = {name: classes for name, classes in leaks.items() if name not in KNOWN}
    assert not new, f"pages would get ORM rows from {new}: return a frozen dataclass, a DataFrame or plain values"
