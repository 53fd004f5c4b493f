"""The command line as people use it (issue 14): ``export -o -`` and any non-regular target
(a pipe, a FIFO, /dev/stdout, a device) are written directly and never read first; every
``--format`` name export takes, import takes too; ``label-studio`` beside ``labelstudio``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from annotator.cli import main
from annotator.formats import EXPORT_NAMES, EXPORTS, IMPORT_NAMES
from annotator.store import Store

ARTICLE = {
    "id": "art-1",
    "text": "Lavrov said: NATO must stay out. Kyiv 👩‍👩‍👧 disagreed.",
    "spans": [
        {"id": "a1", "start": 0, "end": 6, "label": "actor", "annotator": "alice"},
        {"id": "q1", "start": 13, "end": 32, "label": "quote", "annotator": "alice"},
    ],
    "relations": [{"id": "r1", "label": "said_by", "from": "q1", "to": "a1", "annotator": "alice"}],
}


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args: Any) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(ARTICLE, ensure_ascii=False) + "\n", encoding="utf-8")
    ok("import", path, source)
    return path


def cli(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess:
    """The real command in a process of its own, its standard output a pipe."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        timeout=60,  # the bug this guards against hung forever
        **kwargs,
    )


def test_export_dash_writes_to_standard_output_and_talks_on_stderr(db: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(db), "-o", "-", "--format", "doccano"])
    assert result.exit_code == 0, result.output
    (record,) = [orjson.loads(x) for x in result.stdout.splitlines()]
    assert [record["text"][s:e] for s, e, _ in record["label"]] == ["Lavrov", "NATO must stay out."]
    assert "standard output: 1 document(s) written" in result.stderr
    assert "note: 1 relation(s) left out" in result.stderr
    assert not (Path.cwd() / "-").exists()


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_export_into_a_pipe_does_not_hang(db: Path, target: str) -> None:
    done = cli("export", db, "-o", target)
    assert done.returncode == 0, done.stderr
    (record,) = [orjson.loads(x) for x in done.stdout.splitlines()]
    assert [s["text"] for s in record["spans"]] == ["Lavrov", "NATO must stay out."]
    assert b"1 document(s) written" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_export_into_a_fifo_and_a_device(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = cli("export", db, "-o", fifo, "--format", "labelstudio")
    reader.join(30)
    assert done.returncode == 0, done.stderr
    (task,) = json.loads(got[0])
    assert task["data"]["text"] == ARTICLE["text"]
    assert fifo.exists() and not fifo.is_file()  # written into, not replaced by a file
    ok("export", db, "-o", os.devnull, "--format", "csv")
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


def test_a_folder_format_cannot_go_to_standard_output(db: Path) -> None:
    result = run("export", db, "-o", "-", "--format", "brat")
    assert result.exit_code == 2 and "writes a folder" in result.output


def test_a_regular_target_is_still_replaced_atomically(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    ok("export", db, "-o", out)
    assert orjson.loads(out.read_bytes())["id"] == "art-1"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_every_name_export_takes_import_takes_too(db: Path, tmp_path: Path) -> None:
    assert set(EXPORT_NAMES) <= set(IMPORT_NAMES)
    assert "label-studio" in EXPORT_NAMES
    for name in EXPORT_NAMES:
        spec = EXPORTS.get(name) or EXPORTS["labelstudio"]
        out = tmp_path / (
            f"x-{name}"
            if spec.folder
            else f"x-{name}.{'json' if spec.name == 'labelstudio' else 'jsonl'}"
        )
        ok("export", db, "-o", out, "--format", name)
        if name == "csv":
            continue
        fresh = tmp_path / f"{name}.db"
        result = ok("import", fresh, out, "--format", name)
        assert "1 document(s) added" in result.output, (name, result.output)
        with Store.open(fresh) as store:
            (doc_id,) = store.document_ids()
            texts = sorted(s.text for s in store.spans(doc_id))
            links = len(store.relations(doc_id))
        assert texts == ["Lavrov", "NATO must stay out."], name
        assert links == (0 if name == "doccano" else 1), name
    # a CSV holds no document text: the name is taken, and the reason given
    result = run("import", tmp_path / "csv.db", tmp_path / "x-csv.jsonl", "--format", "csv")
    assert result.exit_code == 1 and "Invalid value" not in result.output
    assert "lists spans without their documents' text" in result.output
    assert not (tmp_path / "csv.db").exists()


def test_the_help_names_the_new_choices() -> None:
    for command in ("import", "export"):
        text = " ".join(ok(command, "--help").output.split())
        assert "label-studio" in text and "grapheme" in text
    assert "- for standard output" in " ".join(ok("export", "--help").output.split())
