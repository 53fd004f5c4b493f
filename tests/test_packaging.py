"""Smoke test of the frozen app in dist/annotator (``make package-test``; STYLE.md practice 15).

Missing data files, hidden imports and Qt plugins only show in the frozen app, so this runs
the built binary through its real start-up path, with a temporary ANNOTATOR_HOME, and
compares it with the source install. ``make test`` skips it unless dist/annotator/annotator
exists and is newer than the sources; ``make package-test`` builds first and never skips.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import orjson
import pytest

from annotator import __version__
from annotator.store.schema import SCHEMA_VERSION
from conftest import REPO, SEED

DIST = REPO / "dist" / "annotator"
# Windows and macOS bundle a windowed "Annotator" and this console twin (annotator.spec).
APP = DIST / {"win32": "annotator-cli.exe", "darwin": "annotator-cli"}.get(sys.platform, "annotator")
BUNDLED = (
    "src",
    "resources",
    "seeds",
    "packaging/annotator.spec",
    "packaging/launcher.py",
    "packaging/hooks",
)
REQUIRED_ENV = "ANNOTATOR_PACKAGE_TEST"  # set by `make package-test`: a stale build fails


def _newest_input() -> float:
    paths = [REPO / name for name in BUNDLED]
    files = [q for p in paths for q in ([p] if p.is_file() else p.rglob("*")) if q.is_file()]
    return max(f.stat().st_mtime for f in files if "__pycache__" not in f.parts)


def _why_skip() -> str | None:
    if os.environ.get(REQUIRED_ENV):
        return None
    if not APP.exists():
        return f"no frozen app at {APP.relative_to(REPO)}: run `make package-test`"
    if APP.stat().st_mtime < _newest_input():
        return "dist/annotator is older than the sources: run `make package-test`"
    return None


if (_reason := _why_skip()) is not None:
    pytest.skip(_reason, allow_module_level=True)

pytestmark = pytest.mark.packaging

# Lines that Qt's offscreen platform prints for every window; not ours, not a fault.
HARMLESS = (re.compile(r"^This plugin does not support (propagateSizeHints|raise|grabbing)\(\)$"),)
FATAL = (
    "Traceback",
    "ModuleNotFoundError",
    "ImportError",
    "Could not load the Qt platform plugin",
    "no Qt platform plugin could be initialized",
    "WARNING",
    "qt.qpa",
    "QFont",
)

ARTICLE = {
    "id": "smoke-1",
    "text": 'Lavrov said: "NATO must stay out."\nKiev 😀 disagreed.',
    "meta": {"title": "Smoke", "source": "Wire"},
    "spans": [
        {"id": "a1", "start": 0, "end": 6, "label": "actor", "text": "Lavrov"},
        {"id": "q1", "start": 14, "end": 33, "label": "quote", "text": "NATO must stay out."},
        {"id": "k1", "start": 35, "end": 39, "label": "actor", "text": "Kiev"},
    ],
    "relations": [{"id": "r1", "label": "said_by", "from": "q1", "to": "a1"}],
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh ANNOTATOR_HOME whose annotator name is set, so no dialog asks for it."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text('{"annotator": "smoke"}', encoding="utf-8")
    return home


def _source_command() -> list[str]:
    """The source install's console script (same prog name as the frozen binary)."""
    script = Path(sys.executable).with_name("annotator")
    return [str(script)] if script.exists() else [sys.executable, "-m", "annotator"]


def run(
    command: list[str], *args: object, home: Path, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = os.environ | {"ANNOTATOR_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    environment.pop("ANNOTATOR_QUIT_AFTER_MS", None)
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=cwd,
        env=environment | env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def frozen(*args: object, home: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run([str(APP)], *args, home=home, cwd=cwd, **env)


def assert_clean(done: subprocess.CompletedProcess[str], *, ok: bool = True) -> None:
    """No traceback, no missing module or plugin, no Qt warning beyond the known harmless ones."""
    report = f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    if ok:
        assert done.returncode == 0, report
    for line in done.stderr.splitlines():
        if any(p.match(line) for p in HARMLESS):
            continue
        assert not any(word in line for word in FATAL), report
        if ok:
            assert not line.strip(), f"unexpected output on stderr: {line!r}\n{report}"


def jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def check_export(path: Path) -> list[dict]:
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"], span
    return records


# -- the tests -----------------------------------------------------------------------------


def test_version_comes_from_the_package_metadata(home: Path, tmp_path: Path) -> None:
    done = frozen("--version", home=home, cwd=tmp_path)
    assert_clean(done)
    assert done.stdout.strip() == f"annotator, version {__version__}"
    assert __version__ != "0.0.0+unknown"


def test_debug_info_shows_the_bundle_and_a_recent_enough_sqlite(home: Path, tmp_path: Path) -> None:
    done = frozen("debug-info", home=home, cwd=tmp_path)
    assert_clean(done)
    info = json.loads(done.stdout)
    assert info["frozen"] is True
    assert info["version"] == __version__
    # The accessor finds the bundle's own copies, not the checkout around dist/.
    assert Path(info["resources"]).is_relative_to(DIST), info["resources"]
    assert [Path(p).name for p in info["seeds"]] == [SEED.name]
    assert all(Path(p).is_relative_to(DIST) for p in info["seeds"])

    def version(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split("."))

    assert version(info["sqlite_version"]) >= version(sqlite3.sqlite_version), info


def test_import_then_export_gives_exact_offsets(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    annotated = jsonl(tmp_path / "annotated.jsonl", ARTICLE)
    done = frozen("import", db, SEED, annotated, home=home, cwd=tmp_path)
    assert_clean(done)
    assert "2 document(s) added" in done.stdout and "3 span(s)" in done.stdout

    out = tmp_path / "dataset.jsonl"
    done = frozen("export", db, "-o", out, home=home, cwd=tmp_path)
    assert_clean(done)
    assert f"{out}: 2 document(s) written" in done.stdout
    records = check_export(out)
    assert records[0]["text"] == SEED.read_text(encoding="utf-8")
    assert [s["text"] for s in records[1]["spans"]] == ["Lavrov", "NATO must stay out.", "Kiev"]


def test_first_run_opens_the_window_on_the_bundled_seed(home: Path, tmp_path: Path) -> None:
    done = frozen(home=home, cwd=tmp_path, ANNOTATOR_QUIT_AFTER_MS="200")
    assert_clean(done)
    assert re.fullmatch(r"window shown: annotations\.db — .+ — Annotator", done.stdout.strip())
    # The first run created the user's database from the seeds inside the bundle.
    db = home / "data" / "annotations.db"
    out = tmp_path / "seeded.jsonl"
    assert_clean(frozen("export", db, "-o", out, home=home, cwd=tmp_path))
    (record,) = check_export(out)
    assert record["text"] == SEED.read_text(encoding="utf-8")


def test_window_opens_on_a_named_database(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "seed.db"
    assert_clean(frozen("import", db, SEED, home=home, cwd=tmp_path))
    done = frozen(db, home=home, cwd=tmp_path, ANNOTATOR_QUIT_AFTER_MS="200")
    assert_clean(done)
    assert re.fullmatch(r"window shown: seed\.db — .+ — Annotator", done.stdout.strip())


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Debian's xvfb is not installed")
def test_window_opens_on_x11(home: Path, tmp_path: Path) -> None:
    """The xcb platform plugin and the X libraries it needs load from the bundle."""
    done = run(
        ["xvfb-run", "--auto-servernum", "--server-args=-screen 0 1280x900x24", str(APP)],
        home=home,
        cwd=tmp_path,
        QT_QPA_PLATFORM="xcb",
        ANNOTATOR_QUIT_AFTER_MS="200",
    )
    assert_clean(done)
    assert re.fullmatch(r"window shown: annotations\.db — .+ — Annotator", done.stdout.strip())


# -- the frozen app does what the source install does -------------------------------------

PAGE = """<html><head><title>Lavrov warns NATO</title></head><body><article>
<h1>Lavrov warns NATO</h1>
<p>Russia's foreign minister warned NATO not to offer Ukraine membership of the alliance as
it gathered for a summit on Thursday, and told the United States not to impose its will.</p>
<p>Sergei Lavrov also urged Kiev and the rebels to back the peace moves outlined by
President Vladimir Putin and avert what he said could be a large-scale crisis.</p>
</article></body></html>
"""


def _export_formats() -> list[str]:
    from annotator.cli import main

    export = main.commands["export"]
    return [c for p in export.params if p.name == "fmt" for c in p.type.choices]


def same_as_source(
    *args: object, home: Path, tmp_path: Path, name: str, files: bool = True
) -> tuple[Path, Path]:
    """Run one command from source and frozen, each in its own folder, and compare what
    they print and (with ``files``) the files they write."""
    results = {}
    for side, command in (("source", _source_command()), ("frozen", [str(APP)])):
        folder = tmp_path / f"{name}-{side}"
        folder.mkdir()
        results[side] = folder, run(command, *args, home=home, cwd=folder)
    (source_dir, source), (frozen_dir, built) = results["source"], results["frozen"]
    assert_clean(built)
    assert source.returncode == 0, source.stderr
    assert (built.stdout, built.stderr) == (source.stdout, source.stderr)

    def tree(root: Path) -> dict[str, bytes]:
        return {str(f.relative_to(root)): f.read_bytes() for f in root.rglob("*") if f.is_file()}

    assert tree(frozen_dir).keys() == tree(source_dir).keys()
    if files:
        assert tree(frozen_dir) == tree(source_dir)
    return source_dir, frozen_dir


@pytest.fixture
def annotated_db(home: Path, tmp_path: Path) -> Path:
    db = tmp_path / "annotated.db"
    assert_clean(
        frozen("import", db, SEED, jsonl(tmp_path / "a.jsonl", ARTICLE), home=home, cwd=tmp_path)
    )
    return db


@pytest.mark.parametrize("fmt", _export_formats())
def test_every_export_format_writes_what_source_writes(
    home: Path, tmp_path: Path, annotated_db: Path, fmt: str
) -> None:
    same_as_source(
        "export", annotated_db, "--format", fmt, "-o", "out", home=home, tmp_path=tmp_path, name=fmt
    )


def test_stats_as_from_source(home: Path, tmp_path: Path, annotated_db: Path) -> None:
    same_as_source("stats", annotated_db, "--json", home=home, tmp_path=tmp_path, name="stats")


@pytest.mark.skipif(
    importlib.util.find_spec("trafilatura") is None, reason="the source install reads no HTML"
)
def test_a_saved_news_page_imports_as_from_source(home: Path, tmp_path: Path) -> None:
    """trafilatura and its helpers read data files that only a hook puts in the bundle."""
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    folders = same_as_source(
        "import", "page.db", page, home=home, tmp_path=tmp_path, name="html", files=False
    )
    documents = []
    for folder in folders:  # the databases differ in their import times: compare the content
        out = folder / "page.jsonl"
        assert_clean(frozen("export", folder / "page.db", "-o", out, home=home, cwd=tmp_path))
        documents.append([(r["id"], r["text"], r["meta"]) for r in check_export(out)])
    assert documents[0] == documents[1]
    ((_, text, _),) = documents[1]
    assert "Sergei Lavrov also urged Kiev" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux plugin names")
def test_only_the_qt_the_app_uses_is_bundled() -> None:
    qt = DIST / "_internal" / "PySide6" / "Qt"
    platforms = {p.name for p in (qt / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    unused = ("Qml", "Quick", "WebEngine", "Multimedia", "Pdf", "3D", "Charts")
    strays = [p.name for p in (qt / "lib").iterdir() if any(u in p.name for u in unused)]
    assert strays == []


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"<html>not a database at all</html>\n" * 10)


def _other_application(path: Path) -> None:
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("PRAGMA application_id = 1234")
        conn.commit()


def _newer_schema(path: Path) -> None:
    from annotator.store import Store

    Store.open(path).close()
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.commit()


@pytest.mark.parametrize("make", [_not_sqlite, _other_application, _newer_schema])
def test_a_hostile_database_is_refused_as_from_source(home: Path, tmp_path: Path, make) -> None:
    bad = tmp_path / "bad.db"
    make(bad)
    before = sorted(p.name for p in tmp_path.iterdir()), bad.read_bytes()
    out = tmp_path / "x.jsonl"

    source = run(_source_command(), "export", bad, "-o", out, home=home, cwd=tmp_path)
    built = frozen("export", bad, "-o", out, home=home, cwd=tmp_path)

    assert_clean(built, ok=False)
    assert source.returncode != 0 and "Error:" in source.stderr, source.stderr
    assert (built.returncode, built.stdout, built.stderr) == (
        source.returncode,
        source.stdout,
        source.stderr,
    )
    assert (sorted(p.name for p in tmp_path.iterdir()), bad.read_bytes()) == before


def test_the_frozen_app_reaches_a_team_hub(home: Path, tmp_path: Path, hub_db: str) -> None:
    """psycopg and libpq travel in the bundle: the frozen app makes a hub on the real server,
    adds a member and syncs a file with it."""
    assert_clean(frozen("hub", "init", hub_db, home=home, cwd=tmp_path))
    done = frozen("hub", "add-member", hub_db, "alice", home=home, cwd=tmp_path)
    assert_clean(done)
    assert "\\password alice" in done.stdout
    alice = hub_db.rsplit("user=", 1)[0] + "user=alice"
    done = frozen("sync", tmp_path / "alice.db", alice, "--json", home=home, cwd=tmp_path)
    assert_clean(done)
    assert json.loads(done.stdout)["member"] == "alice"
