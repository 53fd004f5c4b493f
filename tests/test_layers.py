"""The floors of the package keep to themselves: no Qt below gui/ (review/ included), no SQL
outside store/, appdirs only in paths.py, each floor importing only the ones below it, no
import cycles, and no module grown past a few hundred lines."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "annotator"
STORE = PACKAGE / "store"
SYNC = PACKAGE / "sync"  # the hub's PostgreSQL (DESIGN.md: SQL in store/ and sync/ only)
GUI = PACKAGE / "gui"

SQL_IN_STRING = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|VACUUM|ATTACH)\b\s"
)
SQL_METHODS = {"execute", "executemany", "executescript"}
SQL_MODULES = {"sqlite3", "sqlite_utils", "apsw"}


def python_files() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert files, f"no sources under {PACKAGE}"
    return files


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix() if REPO in path.parents else path.name


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def inside(path: Path, folder: Path) -> bool:
    return folder in path.parents


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an ``import`` names, wherever it stands (lazy imports count too)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                ids.add(id(body[0].value))
    return ids


def imports_of(top: str, *, allowed) -> list[str]:
    offenders = []
    for path in python_files():
        if allowed(path):
            continue
        for line, module in imported_modules(parse(path)):
            if module.split(".")[0] == top:
                offenders.append(f"{rel(path)}:{line}: imports {module}")
    return offenders


# --------------------------------------------------------------------------- (a) Qt-free


def test_everything_but_gui_imports_without_qt():
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys

        import annotator

        named = [
            "annotator.store", "annotator.formats.native", "annotator.formats.reading",
            "annotator.cli", "annotator.workspace", "annotator.paths", "annotator.resources",
            "annotator.settings", "annotator.review.rules", "annotator.review.verdicts",
            "annotator.review.agreement",
        ]
        import annotator.core
        named += [m.name for m in pkgutil.walk_packages(annotator.core.__path__, "annotator.core.")]
        # And every other module outside gui/ (the design says all of them are Qt-free).
        every = [
            m.name for m in pkgutil.walk_packages(annotator.__path__, "annotator.")
            if not (m.name == "annotator.gui" or m.name.startswith("annotator.gui."))
        ]
        for name in named + every:
            importlib.import_module(name)
            if "PySide6" in sys.modules or "shiboken6" in sys.modules:
                print(f"importing {name} loaded Qt", file=sys.stderr)
                sys.exit(3)
        for name in named:
            assert name in sys.modules, name
        print("qt-free:", len(set(named + every)))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "qt-free:" in result.stdout


# --------------------------------------------------------------------------- (b) SQL in store/ only


def sql_findings(path: Path) -> list[str]:
    tree = parse(path)
    docstrings = docstring_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and SQL_IN_STRING.search(node.value + " ")
        ):
            found.append(f"{rel(path)}:{node.lineno}: SQL in a string: {node.value[:60]!r}")
        elif isinstance(node, ast.Attribute) and node.attr in SQL_METHODS:
            found.append(f"{rel(path)}:{node.lineno}: .{node.attr}(...)")
        elif isinstance(node, ast.Name) and node.id in SQL_MODULES:
            found.append(f"{rel(path)}:{node.lineno}: uses {node.id}")
    for line, module in imported_modules(tree):
        if module.split(".")[0] in SQL_MODULES:
            found.append(f"{rel(path)}:{line}: imports {module}")
    return found


def test_sql_only_in_the_store():
    offenders = []
    for path in python_files():
        if inside(path, STORE) or inside(path, SYNC):
            continue
        offenders += sql_findings(path)
    assert offenders == [], "SQL outside src/annotator/store/:\n" + "\n".join(offenders)


def test_the_sql_scanner_finds_sql(tmp_path):
    """The scan above would be worthless if it could not see SQL."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        textwrap.dedent(
            '''
            """A docstring may say SELECT something without being SQL."""
            import sqlite3
            QUERY = "SELECT id FROM spans WHERE document = ?"

            def f(conn, doc):
                conn.execute(f"DELETE FROM spans WHERE document = '{doc}'")
                conn.executemany("INSERT INTO spans VALUES (?)", [])
                return sqlite3.connect(":memory:")
            '''
        ),
        encoding="utf-8",
    )
    findings = sql_findings(sample)
    lines = sorted({int(f.split(":")[1]) for f in findings})
    assert lines == [3, 4, 7, 8, 9], findings


# --------------------------------------------------------------------------- (c), (d) imports


def test_appdirs_only_in_paths():
    offenders = imports_of("appdirs", allowed=lambda p: p == PACKAGE / "paths.py")
    assert offenders == [], "appdirs outside src/annotator/paths.py:\n" + "\n".join(offenders)


@pytest.mark.parametrize("top", ["PySide6", "shiboken6"])
def test_qt_only_in_gui(top):
    offenders = imports_of(top, allowed=lambda p: inside(p, GUI))
    assert offenders == [], f"{top} outside src/annotator/gui/:\n" + "\n".join(offenders)


def test_the_import_scanner_sees_imports():
    """paths.py does import appdirs (lazily) and gui/ does import PySide6: both are seen."""
    assert imports_of("appdirs", allowed=lambda p: False)
    assert all(
        "src/annotator/paths.py" in o for o in imports_of("appdirs", allowed=lambda p: False)
    )
    assert imports_of("PySide6", allowed=lambda p: False)


# --------------------------------------------------------------------------- (e) one way, small


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Which of our modules each of our modules imports (lazy imports count too: a cycle
    through a function-level import still ties the two modules together)."""
    modules = {module_name(p): p for p in python_files()}

    def ours(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        targets = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                for alias in node.names:  # `from pkg import module` names the module itself
                    targets.add(ours(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules
                                else ours(base))
            elif isinstance(node, ast.Import):
                targets |= {ours(alias.name) for alias in node.names}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    found = cycles(import_graph())
    assert found == [], "modules that import each other:\n" + "\n".join(map(str, found))


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert "annotator.store" in import_graph()["annotator.cli"]  # and the graph is real


# Each floor imports only from the floors below it (DESIGN.md "Layers"); gui/ and the
# entry points (cli, workspace) sit on top and may use any of them.
FLOORS = {
    "core": {"core"},
    "store": {"core", "store"},
    "formats": {"core", "store", "formats"},
    "review": {"core", "store", "review"},
    "sync": {"core", "store", "formats", "review", "sync"},
    "suggest": {"core", "suggest"},
}


@pytest.mark.parametrize("floor", sorted(FLOORS))
def test_each_floor_imports_only_below_it(floor):
    allowed = FLOORS[floor]
    offenders = []
    for name, targets in import_graph().items():
        if name.split(".")[1:2] != [floor]:
            continue
        for target in sorted(targets):
            top = target.split(".")[1] if "." in target else ""
            if top not in allowed:
                offenders.append(f"{name} imports {target}")
    assert offenders == [], f"{floor}/ reaches up:\n" + "\n".join(offenders)


# The anchors' modules are a few hundred lines; past this a module is doing two jobs.
MAX_MODULE_LINES = 600


def test_no_module_is_a_warehouse():
    big = [
        f"{rel(p)}: {n} lines"
        for p in python_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert big == [], f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(big)


def test_postgresql_only_in_sync():
    offenders = [
        f"{rel(path)}:{line}: imports {module}"
        for path in python_files()
        if not inside(path, SYNC)
        for line, module in imported_modules(parse(path))
        if module.split(".")[0] == "psycopg"
    ]
    assert offenders == [], "psycopg outside src/annotator/sync/:\n" + "\n".join(offenders)
