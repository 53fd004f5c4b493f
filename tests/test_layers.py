"""The floors of the package keep to themselves: no Qt below gui/, no SQL outside store/,
appdirs only in paths.py."""

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
            "annotator.settings",
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
        if inside(path, STORE):
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
