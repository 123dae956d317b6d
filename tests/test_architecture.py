"""The shape of the house, held as a test: layers, parts that only meet through their public functions, and every
figure of a publication coming out of `tillit.privacy`.

Layers, lowest first; a module may import its own layer (within its own app) and the layers below it, never above:

1. `core` (domain-free building blocks) and `privacy` (the anonymity engine);
2. `reports` (the pieces every part's results share: PDF, CSV/XLSX, chart geometry) and `accounts` (the User);
3. `organisations` (tenants, units, people, and the one door);
4. the parts: `workshops`, `dialogues`, `barometer`, …: a part imports another part only through that part's
   `actions` or `queries` (named functions, never its models, views or internals);
5. `demo`, which builds the demo organisation from every part.

Imports made only for type checking (under `if TYPE_CHECKING:`) do not count. Tests and migrations are not checked.

Publications: every public dataclass in a part's `reporting` module is what pages, fragments and exports receive
(except what the module lists in `NOT_PUBLISHED`: its inputs). A field
that holds a number must hold it as a `Cell` or as a value that may be `HIDDEN`; a number that is not a figure (the
threshold k, a rank, a coordinate) is annotated `NotAFigure[...]` so that the choice is visible and reviewed.
"""

from __future__ import annotations

import ast
import dataclasses
import decimal
import fractions
import importlib
import inspect
import types
import typing
from pathlib import Path

import pytest
from django.conf import settings

from tillit.privacy.suppression import NOT_A_FIGURE, Cell, Hidden

PACKAGE = Path(settings.BASE_DIR) / "tillit"
LAYERS: list[set[str]] = [
    {"core", "privacy", "locale", "static", "templates"},
    {"reports", "accounts"},
    {"organisations"},
    {"workshops", "dialogues", "barometer", "voice", "live", "steering"},
    {"demo"},
]
PARTS = LAYERS[3]
PUBLIC_MODULES = {"actions", "queries"}  # what one part may import of another
REPORT_MODULES = ["reporting"]  # per part: the modules whose dataclasses are publications


def layer_of(app: str) -> int:
    for number, apps in enumerate(LAYERS):
        if app in apps:
            return number
    raise AssertionError(f"tillit.{app} is in no layer: add it to LAYERS in tests/test_architecture.py")


def modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts and path.parent != PACKAGE
    ]


def _is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`, and nothing else (not `if not TYPE_CHECKING:`)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _package_of(path: Path) -> list[str]:
    """The dotted package a module is in (a package's `__init__` is in the package itself)."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    return parts[:-1]


def runtime_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """Every `tillit.…` module the file imports at run time (not under `if TYPE_CHECKING:`), with its line and the
    names it takes from it: absolute and relative imports, and `importlib.import_module`/`__import__` of a text."""
    tree = ast.parse(path.read_text(), filename=str(path))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            type_only |= {id(child) for statement in node.body for child in ast.walk(statement)}
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(path)
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            # `from tillit.x import y` imports the module tillit.x.y when there is one, else a name of tillit.x.
            for alias in node.names:
                name = f"{module}.{alias.name}"
                if _is_module(name):
                    found.append((node.lineno, name, []))
                else:
                    found.append((node.lineno, module, [alias.name]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.Call) and _dynamic_import(node.func) and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.append((node.lineno, argument.value, []))
    return [(line, name, names) for line, name, names in found if name.startswith("tillit.")]


def _dynamic_import(function: ast.expr) -> bool:
    return (isinstance(function, ast.Name) and function.id in {"import_module", "__import__"}) or (
        isinstance(function, ast.Attribute) and function.attr == "import_module"
    )


def _is_module(name: str) -> bool:
    if not name.startswith("tillit."):
        return False
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative / "__init__.py").exists()


def violations() -> list[str]:
    problems = []
    for path in modules():
        app = path.relative_to(PACKAGE).parts[0]
        own = layer_of(app)
        for line, name, names in runtime_imports(path):
            parts = name.split(".")
            other = parts[1] if len(parts) > 1 else ""
            if other == app:
                continue
            what = f"{name} ({', '.join(names)})" if names else name
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {what}"
            if not other or not (PACKAGE / other).exists():
                continue  # `from tillit import x` and the like
            if layer_of(other) > own:
                problems.append(f"{where}: a lower layer must not import a higher one")
            elif other in PARTS and app in PARTS:
                public = len(parts) == 3 and parts[2] in PUBLIC_MODULES
                if not public or any(imported.startswith("_") for imported in names):
                    problems.append(f"{where}: a part reaches another part only through its actions or queries")
    return problems


def test_no_lower_layer_imports_a_higher_one_and_parts_meet_only_through_their_public_functions():
    assert violations() == []


def test_the_check_finds_an_import_that_breaks_the_layers(tmp_path, monkeypatch):
    root = tmp_path / "tillit"
    for folder in ("privacy", "dialogues", "workshops", "workshops/actions"):
        (root / folder).mkdir(parents=True)
    for module in ("workshops/models.py", "workshops/queries.py", "workshops/actions/__init__.py"):
        (root / module).write_text("")
    (root / "workshops" / "actions" / "inner.py").write_text("")
    (root / "privacy" / "leak.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from tillit.workshops.models import Workshop\n"
        "if not TYPE_CHECKING:\n"
        "    from tillit.workshops import models\n"
        "import importlib\n"
        "importlib.import_module('tillit.workshops.models')\n"
    )
    (root / "dialogues" / "reach.py").write_text(
        "from tillit.workshops.queries import chain\n"  # allowed: a public function of a public module
        "from tillit.workshops.actions import inner\n"
        "from tillit.workshops.queries import _private\n"
        "from ..workshops.models import Workshop\n"
        "if TYPE_CHECKING:\n"
        "    from tillit.workshops.models import Item\n"  # allowed: for type checking only
    )
    monkeypatch.setattr(__name__ + ".PACKAGE", root)

    layers = "a lower layer must not import a higher one"
    parts = "a part reaches another part only through its actions or queries"
    assert sorted(violations()) == sorted(
        [
            f"tillit/privacy/leak.py:2 imports tillit.workshops.models (Workshop): {layers}",
            f"tillit/privacy/leak.py:4 imports tillit.workshops.models: {layers}",
            f"tillit/privacy/leak.py:6 imports tillit.workshops.models: {layers}",
            f"tillit/dialogues/reach.py:2 imports tillit.workshops.actions.inner: {parts}",
            f"tillit/dialogues/reach.py:3 imports tillit.workshops.queries (_private): {parts}",
            f"tillit/dialogues/reach.py:4 imports tillit.workshops.models (Workshop): {parts}",
        ]
    )


# Figures --------------------------------------------------------------------------------------------------------


def _numbers_in(annotation: object) -> bool:
    """Whether a type holds a bare number anywhere (in a union, a container, …), not counting `NotAFigure`."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        if NOT_A_FIGURE in typing.get_args(annotation)[1:]:
            return False
        return _numbers_in(typing.get_args(annotation)[0])
    if annotation in (typing.Any, object):  # could hold anything, a number too: say what it holds
        return True
    if inspect.isclass(annotation) and issubclass(
        annotation, (int, float, complex, decimal.Decimal, fractions.Fraction)
    ):
        return annotation is not bool
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(annotation)
        if Hidden in options:  # a figure that may be HIDDEN: its number is published only when shown
            return False
        return any(_numbers_in(option) for option in options)
    if origin is not None:
        if inspect.isclass(origin) and issubclass(origin, Cell):
            return False
        return any(_numbers_in(argument) for argument in typing.get_args(annotation) if argument is not Ellipsis)
    return False


def publications() -> list[type]:
    found = []
    for part in sorted(PARTS):
        for name in REPORT_MODULES:
            try:
                module = importlib.import_module(f"tillit.{part}.{name}")
            except ModuleNotFoundError:
                continue
            inputs = set(getattr(module, "NOT_PUBLISHED", ()))  # what the module reads, not what it publishes
            found += [
                value
                for name, value in vars(module).items()
                if dataclasses.is_dataclass(value)
                and isinstance(value, type)
                and value.__module__ == module.__name__
                and not name.startswith("_")
                and name not in inputs
            ]
    return found


@pytest.mark.parametrize("publication", publications(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_number_a_publication_holds_is_a_figure_of_privacy_or_says_it_is_none(publication):
    hints = typing.get_type_hints(publication, include_extras=True)
    bare = [field.name for field in dataclasses.fields(publication) if _numbers_in(hints[field.name])]
    assert bare == [], "hold these as Cell or `X | Hidden` (from tillit.privacy), or annotate them NotAFigure[...]"


def test_the_figure_check_tells_a_bare_number_from_a_figure():
    @dataclasses.dataclass
    class Example:
        shown: Cell[float]
        maybe: float | Hidden
        k: typing.Annotated[int, NOT_A_FIGURE]
        bare: float
        listed: list[int]
        anything: dict[str, typing.Any]
        exact: decimal.Decimal | None
        text: str

    hints = typing.get_type_hints(Example, include_extras=True)
    assert [name for name, hint in hints.items() if _numbers_in(hint)] == ["bare", "listed", "anything", "exact"]
