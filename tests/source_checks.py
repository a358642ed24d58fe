"""Checks that read the package's source (tests/test_imports.py, tests/test_request_flow.py):
where in a module's functions something is written, and which of those places no rule allows."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import cluster_intranet

PACKAGE = Path(cluster_intranet.__file__).parent


def places(tree: ast.AST, wanted: Callable[[ast.AST], bool]) -> Iterator[tuple[str | None, int]]:
    """(outermost function, or None outside any; line) of every node ``wanted`` accepts."""

    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            if wanted(child):
                yield function, child.lineno
            inner = function or (child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else None)
            yield from walk(child, inner)

    yield from walk(tree, None)


def not_allowed(
    paths: Iterable[Path],
    find: Callable[[ast.AST], Iterable[tuple[str | None, int]]],
    allowed: set[tuple[str, str | None]],
    key: Callable[[Path], str],
) -> list[str]:
    """``path:line in function()`` of each place ``find`` reports in ``paths`` whose
    ``(key(path), function)`` is not in ``allowed``."""
    found = []
    for path in paths:
        for function, line in find(ast.parse(path.read_text(encoding="utf-8"))):
            if (key(path), function) not in allowed:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} in {function}()")
    return found
