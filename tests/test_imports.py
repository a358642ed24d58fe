"""Areas import each other one way: no import hides inside a function to dodge a cycle
(only the app factory and the CLI registration defer theirs), and every module of the
package imports on its own, first, in a fresh interpreter, so a cycle shows."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import cluster_intranet

PACKAGE = Path(cluster_intranet.__file__).parent
# (module, outermost function): the factory binds the areas to the app; the CLI
# registration loads the demo data's builders only when `flask seed-demo` runs.
DEFERRED_ALLOWED = {
    ("cluster_intranet", "create_app"),
    ("cluster_intranet.cli", "init_app"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(path) for path in PACKAGE.rglob("*.py"))


def imports_in_functions(tree: ast.AST):
    """(outermost function, line) of every import written inside a function body."""

    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from walk(child, function or child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function:
                yield function, child.lineno
            else:
                yield from walk(child, function)

    yield from walk(tree, None)


def test_imports_are_at_the_top_of_modules():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        for function, line in imports_in_functions(ast.parse(path.read_text(encoding="utf-8"))):
            if (module, function) not in DEFERRED_ALLOWED:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} in {function}()")
    assert not found, "imports inside functions (a cycle to untie, or an import to move up):\n" + "\n".join(found)


def test_the_checker_sees_a_deferred_import():
    tree = ast.parse("import os\n\ndef f():\n    def g():\n        from . import x\n")
    assert list(imports_in_functions(tree)) == [("f", 5)]


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
