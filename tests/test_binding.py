"""The PySide6 6.12.0 / Python 3.11 trap (DESIGN.md, "Dependencies and one trap").

In that binding every call of a Qt method that returns nothing drops a reference to
``None``; after some thousands of calls Python aborts with ``Fatal Python error:
none_dealloc``. The calls run in a child process, so a broken binding fails this test
instead of killing the whole test run.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.metadata
import subprocess
import sys
import textwrap

CALLS = 100_000

CHILD = textwrap.dedent(
    f"""
    import gc, sys
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QGuiApplication, QTextCursor, QTextDocument

    app = QGuiApplication([])
    doc = QTextDocument()
    doc.setPlainText("a😀b\\r\\nc" * 10)
    cursor = QTextCursor(doc)
    point = QPoint()
    last = doc.characterCount() - 1

    def point_calls(n):
        for i in range(n):
            point.setX(i)
            point.setY(-i)

    def cursor_calls(n):
        for i in range(n):
            cursor.setPosition(i % last)
            cursor.clearSelection()

    failed = False
    checks = (
        ("QPoint.setX/setY", point_calls),
        ("QTextCursor.setPosition/clearSelection", cursor_calls),
    )
    for name, calls in checks:
        calls(100)  # warm up: first calls build caches that are not part of the check
        gc.collect()
        gc.disable()
        before = sys.getrefcount(None)
        calls({CALLS} // 4)  # two void calls per round: {CALLS} // 2 calls each
        after = sys.getrefcount(None)
        gc.enable()
        print(f"{{name}}: {CALLS // 2} calls, refcount(None) {{before}} -> {{after}}")
        failed |= after < before

    assert (point.x(), point.y()) == ({CALLS} // 4 - 1, 1 - {CALLS} // 4)
    assert cursor.position() == ({CALLS} // 4 - 1) % last
    sys.exit(4 if failed else 0)
    """
)


def test_void_qt_calls_do_not_drop_none_references():
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=120,
        env=_offscreen_env(),
    )
    assert "none_dealloc" not in result.stderr, result.stderr
    assert result.returncode == 0, (
        f"{CALLS} void Qt calls lost references to None (rc={result.returncode}):\n"
        f"{result.stdout}{result.stderr}"
    )


def test_void_qt_calls_in_process(qapp):
    """The same check in this process, on a smaller scale (a lost reference per call
    would show at once; 1,000 calls stay far below the abort)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument()
    doc.setPlainText("x" * 50)
    cursor = QTextCursor(doc)
    point = QPoint()

    def calls(n):
        for i in range(n):
            point.setX(i)
            cursor.setPosition(i % 50)

    calls(100)  # warm up caches first
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        calls(1000)
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after >= before, f"refcount(None) fell from {before} to {after}"


def _pyside_versions() -> dict[str, str]:
    import PySide6
    import shiboken6

    versions = {"PySide6.__version__": PySide6.__version__, "shiboken6": shiboken6.__version__}
    for dist in ("PySide6-Essentials", "PySide6", "shiboken6"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[dist] = importlib.metadata.version(dist)
    return versions


def test_no_pyside_6_12_0_on_python_3_11():
    versions = _pyside_versions()
    assert versions["PySide6.__version__"]
    if sys.version_info < (3, 12):
        bad = {name: v for name, v in versions.items() if v.split("+")[0] == "6.12.0"}
        assert not bad, f"PySide6 6.12.0 aborts on Python 3.11 (none_dealloc): {bad}"


def _offscreen_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env
