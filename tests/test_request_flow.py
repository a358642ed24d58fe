"""Every change a route makes goes through web.apply_change: no route module commits or
rolls back the session itself (README, «Layout»)."""

import ast

from tests.source_checks import PACKAGE, not_allowed, places

ROUTE_MODULES = sorted([*PACKAGE.glob("*/routes.py"), *PACKAGE.glob("*/*_routes.py")])
# (module, view): the protocol import keeps every file it could read, whatever else was
# refused, so it commits what it kept itself.
OWN_COMMIT = {("meetings/import_routes.py", "import_protocol")}


def ends_the_session(node: ast.AST) -> bool:
    """A ``….commit()`` or ``….rollback()``."""
    call = node.func if isinstance(node, ast.Call) else None
    return isinstance(call, ast.Attribute) and call.attr in {"commit", "rollback"}


def session_ends(tree: ast.AST):
    """(outermost function, line) of every ``….commit()`` and ``….rollback()``."""
    return places(tree, ends_the_session)


def test_routes_commit_only_through_apply_change():
    assert len(ROUTE_MODULES) > 10
    found = not_allowed(ROUTE_MODULES, session_ends, OWN_COMMIT, key=lambda path: str(path.relative_to(PACKAGE)))
    assert not found, "a route commits or rolls back itself (use web.apply_change):\n" + "\n".join(found)


def test_the_check_sees_a_commit():
    tree = ast.parse("def view():\n    def done():\n        db.session.commit()\n    return done\n")
    assert list(session_ends(tree)) == [("view", 3)]
