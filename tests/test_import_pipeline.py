"""The one import pipeline, formats.importing.import_files, called directly as the window's
worker and the first run call it: the same messages, rejects and summaries as the command
line, a failed first import that leaves no database, progress that can cancel."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.errors import AnnotatorError, InputError
from annotator.formats.importing import import_files

GOOD = {"text": "The minister said the plan would go ahead.", "label": [[4, 12, "actor"]]}
MALFORMED = b'{"text": "ok", "label": []}\n{"text": "two", "label": [[0, 30, "X"]]}\n{]\n'


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def documents(db: Path) -> int:
    with closing(sqlite3.connect(str(db))) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def cli(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_a_malformed_file_gives_the_command_lines_message(tmp_path: Path) -> None:
    bad = write(tmp_path / "in" / "mixed.jsonl", MALFORMED)
    code, output = cli("import", tmp_path / "cli.db", bad, "--format", "doccano")
    assert code != 0
    with pytest.raises(InputError) as caught:
        import_files(tmp_path / "direct.db", [bad], annotator="alice", fmt="doccano")
    assert output.strip() == f"Error: {caught.value}"
    assert "mixed.jsonl, line 2" in str(caught.value)


def test_a_failed_first_import_leaves_no_database(tmp_path: Path) -> None:
    bad = write(tmp_path / "mixed.jsonl", MALFORMED)
    for new in (False, True):
        db = tmp_path / f"fresh-{new}.db"
        with pytest.raises(AnnotatorError):
            import_files(db, [bad], annotator="alice", fmt="doccano", new=new)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed.jsonl"]
    with pytest.raises(AnnotatorError, match="no such file"):
        import_files(tmp_path / "x.db", [tmp_path / "missing.txt"], annotator="alice")
    assert not (tmp_path / "x.db").exists()


def test_skip_invalid_matches_the_command_line_and_writes_the_rejects(tmp_path: Path) -> None:
    bad = write(tmp_path / "mixed.jsonl", MALFORMED)
    code, output = cli("import", tmp_path / "cli.db", bad, "--format", "doccano",
                       "--skip-invalid", "--annotator", "alice")
    assert code == 0, output
    db = tmp_path / "direct.db"
    report = import_files(db, [bad], annotator="alice", fmt="doccano", skip_invalid=True)
    assert output.splitlines()[0] == f"{tmp_path / 'cli.db'}: {report.describe()}"
    assert report.rejects == Path(f"{db}.rejects.jsonl")
    lines = [orjson.loads(x) for x in report.rejects.read_bytes().splitlines()]
    assert [x["line"] for x in lines] == [2, 3]
    assert documents(db) == 1 and report.summary.documents_added == 1
    chosen = tmp_path / "elsewhere.jsonl"
    again = import_files(tmp_path / "b.db", [bad], annotator="alice", fmt="doccano",
                         skip_invalid=True, rejects=chosen)
    assert again.rejects == chosen and chosen.read_bytes() == report.rejects.read_bytes()


def test_a_store_level_error_is_rejected_with_skip_invalid(tmp_path: Path) -> None:
    dangling = {"id": "d", "text": "Another quote.",
                "spans": [{"id": "o1", "start": 8, "end": 13, "label": "quote"}],
                "relations": [{"id": "rx", "label": "said_by", "from": "o1", "to": "ghost"}]}
    bad = write(tmp_path / "native.jsonl", orjson.dumps(dangling) + b"\n")
    good = write(tmp_path / "good.jsonl", orjson.dumps(GOOD) + b"\n")
    with pytest.raises(InputError, match="ghost"):
        import_files(tmp_path / "a.db", [good, bad], annotator="alice")
    report = import_files(tmp_path / "a.db", [good, bad], annotator="alice", skip_invalid=True)
    assert report.summary.documents_added == 1
    assert [(r.path, r.line) for r in report.rejected] == [(str(bad), 1)]


def test_progress_reports_each_stage_and_cancels_with_nothing_stored(tmp_path: Path) -> None:
    files = [write(tmp_path / "in" / f"{i}.jsonl", orjson.dumps({**GOOD, "id": str(i)}) + b"\n")
             for i in range(3)]
    db = tmp_path / "a.db"
    import_files(db, files[:1], annotator="alice")
    seen: list[tuple[str, int, int]] = []
    report = import_files(db, files, annotator="alice",
                          progress=lambda *step: seen.append(step))
    assert seen == [("read", 0, 3), ("read", 1, 3), ("read", 2, 3), ("read", 3, 3),
                    ("store", 0, 3), ("store", 1, 3), ("store", 2, 3)]
    assert report.summary.documents_added == 2

    class Cancelled(Exception):
        pass

    def cancel_at(stage: str):
        def progress(now: str, done: int, _total: int) -> None:
            if now == stage and done == 1:
                raise Cancelled

        return progress

    more = [write(tmp_path / "more" / f"{i}.jsonl", orjson.dumps({**GOOD, "id": f"m{i}"}) + b"\n")
            for i in range(3)]
    for stage in ("read", "store"):
        with pytest.raises(Cancelled):
            import_files(db, more, annotator="alice", progress=cancel_at(stage))
        assert documents(db) == 3
    fresh = tmp_path / "fresh.db"
    with pytest.raises(Cancelled):
        import_files(fresh, more, annotator="alice", progress=cancel_at("store"))
    assert not fresh.exists()


def test_warnings_about_the_file_are_passed_on(tmp_path: Path, monkeypatch) -> None:
    from annotator.store import guard

    monkeypatch.setattr(guard, "warnings_for", lambda _path: ["on a network share"])
    good = write(tmp_path / "good.jsonl", orjson.dumps(GOOD) + b"\n")
    said: list[str] = []
    import_files(tmp_path / "a.db", [good], annotator="alice", warn=said.append)
    assert said == ["on a network share"]
