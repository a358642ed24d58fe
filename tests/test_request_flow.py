"""Every change a route makes goes through web.apply_change: no route module commits or
rolls back the session itself (README, «Layout»)."""

import ast
from pathlib import Path

import cluster_intranet

PACKAGE = Path(cluster_intranet.__file__).parent
ROUTE_MODULES = sorted([*PACKAGE.glob("*/routes.py"), *PACKAGE.glob("*/*_routes.py")])
# (module, view): the protocol import keeps every file it could read, whatever else was
# refused, so it commits what it kept itself.
OWN_COMMIT = {("meetings/import_routes.py", "import_protocol")}


def session_ends(tree: ast.AST):
    """(outermost function, line) of every ``….commit()`` and ``….rollback()``."""

    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            inner = function or (child.name if isinstance(child, ast.FunctionDef) else None)
            call = child.func if isinstance(child, ast.Call) else None
            if isinstance(call, ast.Attribute) and call.attr in {"commit", "rollback"}:
                yield inner, child.lineno
            yield from walk(child, inner)

    yield from walk(tree, None)


def test_routes_commit_only_through_apply_change():
    assert len(ROUTE_MODULES) > 10
    found = []
    for path in ROUTE_MODULES:
        module = str(path.relative_to(PACKAGE))
        for function, line in session_ends(ast.parse(path.read_text(encoding="utf-8"))):
            if (module, function) not in OWN_COMMIT:
                found.append(f"{module}:{line} in {function}()")
    assert not found, "a route commits or rolls back itself (use web.apply_change):\n" + "\n".join(found)


def test_the_check_sees_a_commit():
    tree = ast.parse("def view():\n    def done():\n        db.session.commit()\n    return done\n")
    assert list(session_ends(tree)) == [("view", 3)]
