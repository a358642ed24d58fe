"""Every change a route makes goes through web.apply_change: no route module commits or
rolls back the session itself; and no route module reads the database itself — it calls a
named function of its area's queries or services, and loads the row a URL names with
``db.get_or_404`` (README, «Layout»)."""

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


SESSION_READS = {"get", "scalar", "scalars", "execute", "query"}


def reads_the_database(node: ast.AST) -> bool:
    """A ``select(…)`` (or ``sa.select(…)``), or a read through the session:
    ``db.session.get/scalar/scalars/execute/query(…)``."""
    call = node.func if isinstance(node, ast.Call) else None
    if isinstance(call, ast.Name | ast.Attribute) and (getattr(call, "id", None) or call.attr) == "select":
        return True
    return (
        isinstance(call, ast.Attribute)
        and call.attr in SESSION_READS
        and isinstance(call.value, ast.Attribute)
        and call.value.attr == "session"
    )


def test_routes_commit_only_through_apply_change():
    assert len(ROUTE_MODULES) > 10
    found = not_allowed(ROUTE_MODULES, session_ends, OWN_COMMIT, key=lambda path: str(path.relative_to(PACKAGE)))
    assert not found, "a route commits or rolls back itself (use web.apply_change):\n" + "\n".join(found)


def test_the_check_sees_a_commit():
    tree = ast.parse("def view():\n    def done():\n        db.session.commit()\n    return done\n")
    assert list(session_ends(tree)) == [("view", 3)]


def test_routes_read_through_named_functions():
    found = not_allowed(
        ROUTE_MODULES,
        lambda tree: places(tree, reads_the_database),
        set(),  # none allowed
        key=lambda path: str(path.relative_to(PACKAGE)),
    )
    assert not found, (
        "a route reads the database itself (move the read into its area's queries.py or services.py, "
        "a function named by what it returns; db.get_or_404 for the row a URL names):\n" + "\n".join(found)
    )


def test_the_check_sees_a_read():
    source = (
        "def view():\n"
        "    rows = db.session.scalars(select(Council))\n"
        "    one = db.session.get(Council, 1)\n"
        "    db.session.expire_all()\n"
        "    return db.get_or_404(Council, 1), sa.select(Council)\n"
    )
    found = list(places(ast.parse(source), reads_the_database))
    assert found == [("view", 2), ("view", 2), ("view", 3), ("view", 5)]
