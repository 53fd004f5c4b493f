"""What a review of the day's change found: each a bad input that crashed, or a change that
went without a word, with the smallest input that showed it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.importing import import_files
from annotator.store import Store


def write(path: Path, *lines: object) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return path


def cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_skip_invalid_with_a_refused_document_that_has_document_labels(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    first = write(tmp_path / "f1.jsonl", {"id": "X", "text": "abc def", "spans": [
        {"id": "s1", "start": 0, "end": 3, "label": "claim"}]})
    second = write(tmp_path / "f2.jsonl", {"id": "Y", "text": "ghi jkl", "spans": [
        {"id": "s1", "start": 0, "end": 3, "label": "claim"}], "document_labels": ["pro"]},
        {"id": "Z", "text": "mno pqr", "document_labels": ["pro"]})
    import_files(db, [first], annotator="alice")
    done = cli("import", db, second, "--skip-invalid", "--annotator", "alice")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "1 bad record(s) rejected" in done.stdout
    with Store.open(db) as store:
        assert store.document_count() == 2  # X, and Z with its label; not Y


def test_a_document_label_may_not_look_like_another(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", {"text": "one", "document_labels": ["pro"]},
                 {"text": "two", "document_labels": ["\uff50\uff52\uff4f"]})  # full-width
    with pytest.raises(InputError, match="pro"):
        import_files(tmp_path / "a.db", [path], annotator="alice")


def test_labels_export_keeps_document_labels(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_files(db, [write(tmp_path / "d.jsonl", {"text": "one", "document_labels": ["pro"]})],
                 annotator="alice")
    out = tmp_path / "scheme.json"
    done = cli("labels", db, "--export", out)
    assert done.returncode == 0, done.stderr
    kinds = {x["name"]: x["kind"] for x in json.loads(out.read_text("utf-8"))["labels"]}
    assert kinds["pro"] == "document" and kinds["claim"] == "span"
    listing = cli("labels", db).stdout
    assert any(line.startswith("doc ") and " pro " in line for line in listing.splitlines())


@pytest.mark.parametrize("ann", ["T1\tclaim 0 5\tHello\nE1\n", "T1\tclaim 0 5\tHello\nE1\t \n"])
def test_a_brat_event_line_without_its_parts_names_its_line(tmp_path: Path, ann: str) -> None:
    (tmp_path / "doc.txt").write_text("Hello world", encoding="utf-8")
    (tmp_path / "doc.ann").write_text(ann, encoding="utf-8")
    done = cli("import", tmp_path / "a.db", tmp_path / "doc.txt")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "doc.ann, line 2" in done.stderr


def test_an_empty_span_id_is_refused_at_import(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", {"text": "abc def", "spans": [
        {"id": "", "start": 0, "end": 3, "label": "claim"}]})
    with pytest.raises(InputError, match="span id must not be empty"):
        import_files(tmp_path / "a.db", [path], annotator="alice")
