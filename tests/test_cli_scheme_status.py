"""`annotator labels`, `export --status` and notes on articles in the native dataset."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.formats import EXPORTS, exporting
from annotator.formats.reading import read_paths
from annotator.store import Store


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def make_db(path: Path) -> Path:
    with Store.open(path) as s:
        s.import_documents(
            [
                IncomingDocument("Putin said no.", "a", DocumentMeta(title="A"), "t", id="a",
                                 spans=[IncomingSpan(0, 5, "actor")], note="check the date"),
                IncomingDocument("Kiev said yes.", "b", DocumentMeta(title="B"), "t", id="b"),
            ],
            annotator="alice",
        )
        s.set_status("a", "alice", "done")
    return path


def test_labels_lists_exports_and_imports_the_scheme(tmp_path: Path) -> None:
    db = make_db(tmp_path / "a.db")
    listed = run("labels", db)
    assert listed.exit_code == 0
    assert "actor" in listed.output and "key 3" in listed.output and "1 used" in listed.output
    out = tmp_path / "scheme.json"
    assert run("labels", db, "--export", out).exit_code == 0
    data = json.loads(out.read_text())
    assert [x["name"] for x in data["labels"]][:3] == ["claim", "quote", "actor"]
    data["labels"].append({"name": "event", "kind": "span", "color": "#112233", "key": "4"})
    out.write_text(json.dumps(data))
    merged = run("labels", db, "--import", out)
    assert merged.exit_code == 0 and "new: event" in merged.output
    with Store.open_readonly(db) as s:
        assert ("event", "4") in [(x.name, x.key) for x in s.labels("span")]
    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    before = db.read_bytes()
    result = run("labels", db, "--import", bad)
    assert result.exit_code != 0 and "bad.json" in result.output
    assert db.read_bytes() == before


def test_export_by_status(tmp_path: Path) -> None:
    db = make_db(tmp_path / "a.db")
    out = tmp_path / "out.jsonl"
    assert run("export", db, "-o", out, "--status", "done").exit_code == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a"]
    assert run("export", db, "-o", out, "--status", "todo").exit_code == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["b"]
    assert run("export", db, "-o", out, "--status", "todo", "--annotator", "alice").exit_code == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["b"]


def test_an_article_note_survives_export_and_import(tmp_path: Path) -> None:
    db = make_db(tmp_path / "a.db")
    out = tmp_path / "out.jsonl"
    with Store.open_readonly(db) as s:
        exporting.export(s, out, EXPORTS["jsonl"])
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0]["note"] == "check the date" and records[1]["note"] is None
    again = Store.memory()
    again.import_documents(read_paths([out]), annotator="bob")
    assert again.document("a").note == "check the date"
