"""The command line contract: import, export, --version, --data-dir; bad input gives a clear
error naming the file (and line), a non-zero exit, and changes nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from annotator import __version__
from annotator.cli import main
from annotator.store import Store
from conftest import SEED

ARTICLE = {
    "id": "lavrov-1",
    "text": 'Lavrov said: "NATO must stay out."\r\nKiev 😀 disagreed.',
    "meta": {"title": "Lavrov warns", "source": "Wire"},
    "spans": [
        {"id": "a1", "start": 0, "end": 6, "label": "actor", "text": "Lavrov"},
        {"id": "q1", "start": 14, "end": 33, "label": "quote", "text": "NATO must stay out."},
        {"id": "k1", "start": 36, "end": 40, "label": "actor", "text": "Kiev"},
    ],
    "relations": [{"id": "r1", "label": "said_by", "from": "q1", "to": "a1"}],
}


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def jsonl(path: Path, *records: Any) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    return path


def count(db: Path, table: str = "documents") -> int:
    with closing(sqlite3.connect(str(db))) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def fails_naming(result: Result, *names: Any) -> None:
    assert result.exit_code not in (0, None), result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert "Error:" in result.output
    for name in names:
        assert str(name) in result.output, result.output


# -- the happy path -----------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"annotator, version {__version__}"


def test_version_in_a_real_process(tmp_path: Path) -> None:
    env = os.environ | {"ANNOTATOR_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--version"],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"annotator, version {__version__}"


def test_import_then_export(tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    result = run("import", db, SEED, jsonl(tmp_path / "annotated.jsonl", ARTICLE))
    assert result.exit_code == 0, result.output
    assert "2 document(s) added" in result.output and "3 span(s)" in result.output

    out = tmp_path / "dataset.jsonl"
    result = run("export", db, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"{out}: 2 document(s) written" in result.output
    lines = out.read_bytes().splitlines()
    assert len(lines) == 2
    records = [orjson.loads(line) for line in lines]
    assert records[0]["meta"]["title"].startswith("Lavrov Warns U.S. and NATO")
    assert records[0]["text"] == SEED.read_text(encoding="utf-8")
    article = records[1]
    assert "\r" not in article["text"]
    assert [s["text"] for s in article["spans"]] == ["Lavrov", "NATO must stay out.", "Kiev"]
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]
    assert (article["relations"][0]["from"], article["relations"][0]["to"]) == ("q1", "a1")


def test_reimport_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    files = [SEED, jsonl(tmp_path / "annotated.jsonl", ARTICLE)]
    assert run("import", db, *files).exit_code == 0
    result = run("import", db, *files)
    assert result.exit_code == 0, result.output
    assert "0 document(s) added" in result.output
    assert "2 document(s) already present" in result.output
    assert (count(db), count(db, "spans"), count(db, "relations")) == (2, 3, 1)
    # An export read back into the database it came from is already there, too.
    out = tmp_path / "dataset.jsonl"
    assert run("export", db, "-o", out).exit_code == 0
    result = run("import", db, out)
    assert result.exit_code == 0, result.output
    assert "2 document(s) already present" in result.output
    assert (count(db), count(db, "spans"), count(db, "relations")) == (2, 3, 1)


def test_data_dir_sets_annotator_home_for_the_run(tmp_path: Path) -> None:
    home = tmp_path / "portable"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text('{"annotator": "zed"}', encoding="utf-8")
    unowned = {**ARTICLE, "relations": []}
    db = tmp_path / "work.db"
    result = run("--data-dir", home, "import", db, jsonl(tmp_path / "a.jsonl", unowned))
    assert result.exit_code == 0, result.output
    assert os.environ["ANNOTATOR_HOME"] == str(home)
    with Store.open(db) as store:
        assert {s.annotator for s in store.spans("lavrov-1")} == {"zed"}


# -- bad input ----------------------------------------------------------------------------


def _non_utf8(tmp: Path) -> tuple[Path, str]:
    path = tmp / "latin1.txt"
    path.write_bytes(b"Title\nBody\nCaf\xe9 au lait\n")
    return path, "line 3"


def _binary(tmp: Path) -> tuple[Path, str]:
    path = tmp / "scan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return path, "binary"


def _empty(tmp: Path) -> tuple[Path, str]:
    path = tmp / "empty.txt"
    path.write_bytes(b"")
    return path, "empty"


def _malformed_line(tmp: Path) -> tuple[Path, str]:
    return jsonl(tmp / "broken.jsonl", ARTICLE, '{"text": "oops",'), "line 2"


def _span_outside(tmp: Path) -> tuple[Path, str]:
    bad = {"text": "Short text.", "spans": [{"start": 6, "end": 60, "label": "claim"}]}
    return jsonl(tmp / "outside.jsonl", bad), "line 1"


def _span_text_differs(tmp: Path) -> tuple[Path, str]:
    bad = {"text": "Lavrov spoke.", "spans": [{"start": 0, "end": 6, "label": "actor",
                                               "text": "Putin!"}]}
    return jsonl(tmp / "differs.jsonl", ARTICLE, bad), "line 2"


def _unknown_suffix(tmp: Path) -> tuple[Path, str]:
    path = tmp / "article.docx"
    path.write_bytes(b"PK\x03\x04")
    return path, "unknown file type"


def _missing(tmp: Path) -> tuple[Path, str]:
    return tmp / "nowhere.txt", "no such file"


@pytest.mark.parametrize(
    "make",
    [_non_utf8, _binary, _empty, _malformed_line, _span_outside, _span_text_differs,
     _unknown_suffix, _missing],
)
def test_bad_input_fails_clearly_and_creates_nothing(tmp_path: Path, make) -> None:
    bad, detail = make(tmp_path)
    db = tmp_path / "new.db"
    result = run("import", db, bad)
    fails_naming(result, bad, detail)
    assert not db.exists()


def test_a_bad_last_file_imports_nothing(tmp_path: Path, seed_db: Path) -> None:
    before = (count(seed_db), count(seed_db, "spans"))
    good = jsonl(tmp_path / "good.jsonl", ARTICLE)
    other = tmp_path / "other.txt"
    other.write_text("Another article\n\nWith a body.\n", encoding="utf-8")
    bad = jsonl(tmp_path / "bad.jsonl", {"text": "ok"}, {"text": "x", "spans": [{"start": 0}]})
    result = run("import", seed_db, good, other, bad)
    fails_naming(result, bad, "line 2")
    assert (count(seed_db), count(seed_db, "spans")) == before


def test_a_store_level_error_imports_nothing(tmp_path: Path, seed_db: Path) -> None:
    before = count(seed_db)
    dangling = {"id": "other", "text": "Another quote.",
                "spans": [{"id": "o1", "start": 8, "end": 13, "label": "quote"}],
                "relations": [{"label": "said_by", "from": "o1", "to": "ghost"}]}
    bad = jsonl(tmp_path / "dangling.jsonl", ARTICLE, dangling)
    result = run("import", seed_db, bad)
    fails_naming(result, bad, "line 2", "ghost")
    assert count(seed_db) == before


def test_a_failed_import_into_a_new_database_leaves_no_file(tmp_path: Path) -> None:
    dangling = {**ARTICLE, "relations": [{"label": "said_by", "from": "q1", "to": "ghost"}]}
    db = tmp_path / "new.db"
    result = run("import", db, jsonl(tmp_path / "dangling.jsonl", dangling))
    fails_naming(result, "dangling.jsonl", "ghost")
    assert not any(p.name.startswith("new.db") for p in tmp_path.iterdir())


@pytest.mark.parametrize("command", ["import", "export"])
def test_a_db_that_is_not_ours_is_refused_untouched(tmp_path: Path, command: str) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("My shopping list\n- bread\n- milk\n", encoding="utf-8")
    before = db.read_bytes()
    out = tmp_path / "out.jsonl"
    args = ("import", db, SEED) if command == "import" else ("export", db, "-o", out)
    result = run(*args)
    fails_naming(result, db, "not an Annotator database")
    assert db.read_bytes() == before
    assert not out.exists()
    assert not any(Path(f"{db}{s}").exists() for s in ("-wal", "-shm", "-journal"))


def test_export_of_a_missing_db_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    out = tmp_path / "out.jsonl"
    result = run("export", db, "-o", out)
    fails_naming(result, db, "no such database")
    assert not db.exists() and not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == []


def test_export_of_a_tampered_db_fails_and_keeps_the_old_output(
    tmp_path: Path, seed_db: Path
) -> None:
    assert run("import", seed_db, jsonl(tmp_path / "a.jsonl", ARTICLE)).exit_code == 0
    with closing(sqlite3.connect(str(seed_db))) as conn, conn:
        conn.execute("UPDATE spans SET text = 'Putin' WHERE id = 'a1'")
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"last good export\n")
    result = run("export", seed_db, "-o", out)
    fails_naming(result, "integrity", "a1")
    assert out.read_bytes() == b"last good export\n"
