"""Areas import each other one way: no import hides inside a function to dodge a cycle
(only the app factory and the CLI registration defer theirs), the modules' imports make
no cycle that crosses from one area to another, and every module of the package imports
on its own, first, in a fresh interpreter, so a cycle that breaks shows."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import cluster_intranet
from tests.source_checks import PACKAGE, not_allowed, places

# (module, outermost function): the factory binds the areas to the app; the CLI
# registration loads the demo data's builders only when `flask seed-demo` runs.
DEFERRED_ALLOWED = {
    ("cluster_intranet", "create_app"),
    ("cluster_intranet.cli", "init_app"),
}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(path) for path in PACKAGE.rglob("*.py"))


def imports_in_functions(tree: ast.AST):
    """(outermost function, line) of every import written inside a function body."""
    imports = places(tree, lambda node: isinstance(node, ast.Import | ast.ImportFrom))
    return [(function, line) for function, line in imports if function]


def test_imports_are_at_the_top_of_modules():
    found = not_allowed(sorted(PACKAGE.rglob("*.py")), imports_in_functions, DEFERRED_ALLOWED, key=module_name)
    assert not found, "imports inside functions (a cycle to untie, or an import to move up):\n" + "\n".join(found)


def test_the_checker_sees_a_deferred_import():
    tree = ast.parse("import os\n\ndef f():\n    def g():\n        from . import x\n")
    assert list(imports_in_functions(tree)) == [("f", 5)]


def module_imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The package's modules that ``module`` loads when it is imported: its imports outside
    functions and ``if TYPE_CHECKING``, and the packages above each (loaded first)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()

    def add(name: str) -> None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        while name:
            found.add(name)
            name = name.rpartition(".")[0]

    def walk(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.ImportFrom):
                base = ".".join(package[: len(package) - child.level + 1]) if child.level else ""
                name = ".".join(part for part in (base, child.module) if part)
                for alias in child.names:
                    add(f"{name}.{alias.name}" if f"{name}.{alias.name}" in known else name)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name)
            else:
                walk(child)

    walk(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


def area(module: str) -> str:
    """A subpackage (``meetings``) or a module of the package's own (``web``)."""
    return module.split(".")[1] if "." in module else module


def cycles_between_areas(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other round (Tarjan's strongly connected
    components) and lie in more than one area."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.get(module, ()):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len({area(m) for m in group}) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = {module_name(path, root): path for path in root.rglob("*.py")}
    return {module: module_imports(path, module, set(paths)) for module, path in paths.items()}


def test_no_import_cycle_between_areas():
    cycles = cycles_between_areas(import_graph(PACKAGE))
    assert not cycles, "modules of several areas import each other round:\n" + "\n".join(map(" ".join, cycles))


def test_no_view_module_imports_another_areas():
    """What two areas' views share lives beside their services (materials.downloads), so an
    area's views load without another's."""
    views = {f"cluster_intranet.{name}" for name in cluster_intranet.VIEW_MODULES}
    graph = import_graph(PACKAGE)
    found = sorted(
        f"{view} imports {other}" for view in views for other in graph[view] & views if area(other) != area(view)
    )
    assert not found, "\n".join(found)


def test_the_cycle_walk_sees_a_cycle_between_areas(tmp_path):
    root = tmp_path / "pkg"
    for folder in (root, root / "a", root / "b"):
        folder.mkdir()
        (folder / "__init__.py").write_text("")
    (root / "a" / "services.py").write_text("from ..b.models import B\n")
    (root / "b" / "models.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import x\n"
    )
    (root / "b" / "queries.py").write_text("def f():\n    from ..a.services import S\n")
    assert cycles_between_areas(import_graph(root)) == []  # deferred and type-only imports load nothing
    (root / "b" / "models.py").write_text("from ..web import answer\n")
    (root / "web.py").write_text("from .a import services\n")
    assert cycles_between_areas(import_graph(root)) == [["pkg.a.services", "pkg.b.models", "pkg.web"]]


# One interpreter for all modules: before each, the package's own modules are dropped
# from sys.modules, so each is the first of the package to load (third-party libraries
# stay loaded: they are not ours to check and would make it slow).
IMPORT_EACH_ALONE = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "cluster_intranet" or m.startswith("cluster_intranet.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ":\\n" + traceback.format_exc(limit=-3))
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


@pytest.mark.slow
def test_every_module_imports_alone():
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", IMPORT_EACH_ALONE, *MODULES],
        capture_output=True, text=True, cwd=PACKAGE.parent, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_check_sees_a_cycle(tmp_path):
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import B\nA = 1\n")
    (package / "b.py").write_text("from .a import A\nB = 2\n")
    script = IMPORT_EACH_ALONE.replace("cluster_intranet", "cyclic")
    result = subprocess.run([sys.executable, "-c", script, "cyclic.a"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and "ImportError" in result.stdout


def private_names_used(tree: ast.AST) -> list[tuple[str, int]]:
    """(name, line) of every private name (``_name``, not ``__dunder__``) of the package a
    module imports or reads from a module of the package it imported."""

    def private(name: str) -> bool:
        return name.startswith("_") and not name.startswith("__")

    ours, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cluster_intranet"):
            for alias in node.names:
                if private(alias.name):
                    found.append((alias.name, node.lineno))
                ours.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            ours.update(alias.asname or alias.name for alias in node.names if alias.name.startswith("cluster_intranet"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in ours:
                found.append((node.attr, node.lineno))
    return sorted(found, key=lambda item: item[1])


def test_tests_use_no_private_name_of_the_package():
    """A test pins what a module promises, not how it is written inside."""
    tests = Path(__file__).parent
    found = [
        f"{path.relative_to(tests.parent)}:{line} {name}"
        for path in sorted(tests.rglob("*.py"))
        for name, line in private_names_used(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, "\n".join(found)


def test_the_private_name_check_sees_one():
    source = (
        "from cluster_intranet.web import _hidden, shown\n"
        "from cluster_intranet.documents import rendering\n"
        "import os\n"
        "rendering._inner(os._exit, rendering.__name__, shown._x)\n"
    )
    assert private_names_used(ast.parse(source)) == [("_hidden", 1), ("_inner", 4), ("_x", 4)]


LONGEST_MODULE = 600  # lines: past it a module is split along its sections (issue 18)


def test_no_module_of_the_package_is_longer_than_its_sections_need():
    found = [
        f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    ]
    assert not found, f"split along its sections (at most {LONGEST_MODULE} lines):\n" + "\n".join(found)
