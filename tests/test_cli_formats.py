"""The command line for peer formats: import --format/--skip-invalid, export --format/--offsets/
--label/--annotator, stats. Bad input names the file and line, exits non-zero and leaves the
database as it was."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from annotator import cli
from annotator.cli import main
from annotator.store import Store

PAGE = """<html><head><title>{title}</title><meta name="author" content="Jane Roe"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1><p>The minister said on Tuesday that the plan would go ahead despite
objections from the opposition and several regional leaders of the {n} provinces.</p>
<p>Critics said it would cost more than twice the official estimate.</p></article>
<footer>Copyright</footer></body></html>"""

ARTICLE = {
    "id": "art-1",
    "text": 'Lavrov said: "NATO 😀 must stay out."\r\nKyiv 👩‍👩‍👧 disagreed.',
    "meta": {"title": "Lavrov warns"},
    "spans": [
        {
            "id": "a1",
            "start": 0,
            "end": 6,
            "label": "actor",
            "text": "Lavrov",
            "annotator": "alice",
        },
        {"id": "q1", "start": 14, "end": 35, "label": "quote", "annotator": "alice"},
        {"id": "k1", "start": 38, "end": 42, "label": "actor", "annotator": "bob"},
    ],
    "relations": [{"id": "r1", "label": "said_by", "from": "q1", "to": "a1", "annotator": "alice"}],
}


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args: Any) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def count(db: Path, table: str = "documents") -> int:
    with closing(sqlite3.connect(str(db))) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def contents(db: Path) -> tuple:
    with closing(sqlite3.connect(str(db))) as conn:
        return tuple(
            sorted(conn.execute(f"SELECT * FROM {t}").fetchall())
            for t in ("documents", "spans", "relations", "labels")
        )


def fails_naming(result: Result, *names: Any) -> None:
    assert result.exit_code not in (0, None), result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Error:" in result.output
    for name in names:
        assert str(name) in result.output, result.output


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def jsonl(path: Path, *records: Any) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return write(path, "\n".join(lines) + "\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of mixed articles: HTML pages, text files, a doccano export, a brat pair,
    a Label Studio export and Prodigy tasks."""
    root = tmp_path / "corpus"
    for n in range(3):
        write(root / "pages" / f"page{n}.html", PAGE.format(title=f"Plan {n}", n=n + 10))
    write(root / "texts" / "one.txt", "First article\n\nBody of the first article.\n")
    write(root / "texts" / "deep" / "two.md", "# Second article\n\nMore body.\n")
    jsonl(
        root / "doccano" / "admin.jsonl",
        {"id": 1, "text": "EU 😀 rejects German call.", "label": [[0, 2, "ORG"], [14, 20, "MISC"]]},
        {"id": 2, "text": "Another doccano line.", "label": []},
    )
    write(root / "brat" / "b1.txt", "Jane Smith spoke.\n")
    write(root / "brat" / "b1.ann", "T1\tActor 0 10\tJane Smith\nA1\tNegated T1\n")
    write(root / "brat" / "annotation.conf", "[entities]\nActor\n")
    write(
        root / "ls" / "export.json",
        json.dumps(
            [
                {
                    "id": 1,
                    "data": {"text": "Label Studio text."},
                    "annotations": [
                        {
                            "completed_by": 1,
                            "result": [
                                {
                                    "id": "r",
                                    "type": "labels",
                                    "from_name": "label",
                                    "to_name": "text",
                                    "value": {
                                        "start": 0,
                                        "end": 5,
                                        "text": "Label",
                                        "labels": ["claim"],
                                    },
                                }
                            ],
                        }
                    ],
                }
            ]
        ),
    )
    jsonl(
        root / "prodigy" / "tasks.jsonl",
        {
            "text": "Prodigy text here.",
            "_input_hash": 1,
            "answer": "accept",
            "spans": [{"start": 0, "end": 7, "label": "actor"}],
        },
        {"text": "Rejected.", "_input_hash": 2, "answer": "reject"},
    )
    return root


# -- import -------------------------------------------------------------------------------


def test_a_mixed_folder_imports_with_a_summary(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "work.db"
    result = ok("import", db, corpus)
    out = result.output
    assert "10 document(s) added" in out, out
    assert "5 span(s)" in out
    assert "new label(s) added to the scheme: Actor, ORG, MISC" in out
    assert '1 record(s) skipped (the answer is "reject")' in out
    assert (
        "1 brat attribute (A) line(s) converted: kept in the note of the span or link it names"
    ) in out
    assert "Reading" not in out  # no progress bar when stderr is not a terminal
    assert count(db) == 10
    with Store.open(db) as store:
        titles = {store.document(d).meta.title for d in store.document_ids()}
    assert {"Plan 0", "Plan 1", "Plan 2", "First article", "Second article"} <= titles

    again = ok("import", db, corpus)
    assert "0 document(s) added" in again.output
    assert "10 document(s) already present" in again.output
    assert (count(db), count(db, "spans")) == (10, 5)


@pytest.mark.parametrize(
    ("fmt", "out_name"),
    [
        ("jsonl", "x.jsonl"),
        ("doccano", "x.jsonl"),
        ("doccano-rel", "x.jsonl"),
        ("prodigy", "x.jsonl"),
        ("labelstudio", "x.json"),
        ("brat", "x-brat"),
    ],
)
def test_every_export_imports_back_through_the_cli(tmp_path: Path, fmt: str, out_name: str) -> None:
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", ARTICLE))
    out = tmp_path / out_name
    result = ok("export", db, "-o", out, "--format", fmt)
    assert "1 document(s) written" in result.output
    fresh = tmp_path / "b.db"
    ok("import", fresh, out)  # --format auto finds the format again
    with Store.open(db) as a, Store.open(fresh) as b:

        def spans(store):
            return sorted(
                (s.start, s.end, s.label, s.text)
                for d in store.document_ids()
                for s in store.spans(d)
            )

        assert spans(a) == spans(b)
        expected_relations = 0 if fmt == "doccano" else 1
        assert sum(len(b.relations(d)) for d in b.document_ids()) == expected_relations
    again = ok("import", fresh, out)
    assert "0 document(s) added; 0 span(s); 0 relation(s)" in again.output


def test_doccano_offsets_option_on_both_sides(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", ARTICLE))
    out = tmp_path / "cp.jsonl"
    ok("export", db, "-o", out, "--format", "doccano", "--offsets", "codepoint")
    record = orjson.loads(out.read_bytes())
    assert [record["text"][s:e] for s, e, _ in record["label"]] == [
        "Lavrov",
        "NATO 😀 must stay out.",
        "Kyiv",
    ]
    assert record["offset_unit"] == "codepoint"  # so the reader needs no option
    fresh = tmp_path / "b.db"
    fails_naming(
        run("import", fresh, out, "--offsets", "utf16"), out, "line 1", "count codepoint, not utf16"
    )
    assert not fresh.exists()
    ok("import", fresh, out)
    with Store.open(fresh) as store:
        assert sorted(s.text for d in store.document_ids() for s in store.spans(d)) == [
            "Kyiv",
            "Lavrov",
            "NATO 😀 must stay out.",
        ]
    # A doccano line without the declaration counts UTF-16: an offset inside the emoji's
    # surrogate pair is refused, not moved.
    inside = jsonl(tmp_path / "inside.jsonl", {"text": "a😀b", "label": [[0, 2, "X"]]})
    fails_naming(run("import", fresh, inside), f"{inside}, line 1", "inside the character")
    fails_naming(
        run("import", fresh, jsonl(tmp_path / "n.jsonl", ARTICLE), "--offsets", "utf16"),
        "applies to doccano files",
    )


# -- bad input: strict by default ---------------------------------------------------------


def _bad_doccano(tmp: Path) -> tuple[Path, str]:
    return jsonl(
        tmp / "d.jsonl", {"text": "ok", "label": []}, {"text": "Short", "label": [[0, 40, "X"]]}
    ), "line 2"


def _bad_prodigy(tmp: Path) -> tuple[Path, str]:
    return jsonl(
        tmp / "p.jsonl",
        {
            "text": "Hi there",
            "answer": "accept",
            "spans": [{"start": 0, "end": 2, "label": "X", "text": "Ho"}],
        },
    ), "line 1"


def _bad_labelstudio(tmp: Path) -> tuple[Path, str]:
    tasks = [
        {"data": {"text": "Fine."}},
        {
            "data": {"text": "x"},
            "annotations": [
                {"result": [{"from_id": "a", "to_id": "b", "type": "relation", "labels": ["r"]}]}
            ],
        },
    ]
    return write(
        tmp / "ls.json", "[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]"
    ), "line 3"


def _bad_brat(tmp: Path) -> tuple[Path, str]:
    write(tmp / "brat" / "a.txt", "Jane spoke.\n")
    write(tmp / "brat" / "a.ann", "T1\tActor 0 4\tJane\nR1\tSaid Arg1:T1 Arg2:T7\n")
    return tmp / "brat", "a.ann, line 2"


def _bom(tmp: Path) -> tuple[Path, str]:
    return write(
        tmp / "bom.jsonl", "\ufeff" + json.dumps({"text": "x", "label": []}) + "\n"
    ), "byte-order mark"


def _not_utf8(tmp: Path) -> tuple[Path, str]:
    return write(
        tmp / "latin.jsonl", b'{"text": "ok", "label": []}\n{"text": "caf\xe9"}\n'
    ), "line 2"


def _bad_html(tmp: Path) -> tuple[Path, str]:
    return write(
        tmp / "index.html", "<html><body><nav>Home</nav></body></html>"
    ), "no article found"


def _dangling(tmp: Path) -> tuple[Path, str]:
    bad = {
        "id": "other",
        "text": "Another quote.",
        "spans": [{"id": "o1", "start": 8, "end": 13, "label": "quote"}],
        "relations": [{"id": "rx", "label": "said_by", "from": "o1", "to": "ghost"}],
    }
    return jsonl(tmp / "native.jsonl", bad), "ghost"


BAD = [
    _bad_doccano,
    _bad_prodigy,
    _bad_labelstudio,
    _bad_brat,
    _bom,
    _not_utf8,
    _bad_html,
    _dangling,
]


@pytest.mark.parametrize("make", BAD)
def test_bad_input_changes_nothing(tmp_path: Path, make) -> None:
    db = tmp_path / "work.db"
    ok("import", db, jsonl(tmp_path / "good.jsonl", ARTICLE))
    before = contents(db)
    bad, detail = make(tmp_path / "in")
    good_too = jsonl(tmp_path / "in" / "also-good.jsonl", {"text": "Would be new.", "spans": []})
    result = run("import", db, good_too, bad)
    fails_naming(result, detail)
    assert contents(db) == before
    new = tmp_path / "new.db"
    fails_naming(run("import", new, bad), detail)
    assert not new.exists()


@pytest.mark.parametrize("make", BAD)
def test_skip_invalid_imports_the_rest_and_writes_the_rejects(tmp_path: Path, make) -> None:
    db = tmp_path / "work.db"
    bad, detail = make(tmp_path / "in")
    good = jsonl(tmp_path / "in" / "good.jsonl", ARTICLE)
    result = ok("import", db, good, bad, "--skip-invalid")
    assert "1 bad record(s) rejected" in result.output
    rejects = Path(f"{db}.rejects.jsonl")
    assert f"rejected records written to {rejects}" in result.output
    (line,) = rejects.read_bytes().splitlines()
    reject = orjson.loads(line)
    assert set(reject) == {"file", "line", "reason", "record"}
    assert (
        detail.split(", line")[0] in f"{reject['file']}, line {reject['line']}: {reject['reason']}"
    )
    assert count(db) >= 1 and count(db, "spans") >= 3


def test_skip_invalid_keeps_the_good_records_of_a_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mixed.jsonl",
        b"".join(
            [
                b'{"text": "one", "label": [[0, 3, "X"]]}\n',
                b'{"text": "two", "label": [[0, 30, "X"]]}\n',
                b'{"text": "three"\n',
                b'{"text": "four", "label": []}\n',
            ]
        ),
    )
    db = tmp_path / "w.db"
    rejects = tmp_path / "bad.jsonl"
    result = ok("import", db, path, "--format", "doccano", "--skip-invalid", "--rejects", rejects)
    assert "2 document(s) added" in result.output
    assert "2 bad record(s) rejected (the first: " in result.output
    lines = [orjson.loads(x) for x in rejects.read_bytes().splitlines()]
    assert [(x["line"], x["record"]) for x in lines] == [
        (2, '{"text": "two", "label": [[0, 30, "X"]]}'),
        (3, '{"text": "three"'),
    ]
    assert not Path(f"{db}.rejects.jsonl").exists()


def test_strict_import_points_at_the_first_bad_record_only(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.jsonl", b'{"text": "ok", "label": []}\n{"text": 5}\n{]\n')
    result = run("import", tmp_path / "w.db", path)
    fails_naming(result, f"{path}, line 2")
    assert "line 3" not in result.output


# -- export -------------------------------------------------------------------------------


def test_export_filters_and_options(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", ARTICLE))
    out = tmp_path / "bob.jsonl"
    result = ok("export", db, "-o", out, "--annotator", "bob", "--label", "actor")
    assert "1 document(s) written (1 span(s), 0 relation(s))" in result.output
    (record,) = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [(s["text"], s["annotator"]) for s in record["spans"]] == [("Kyiv", "bob")]
    fails_naming(run("export", db, "-o", out, "--label", "nonsense"), "unknown label")
    fails_naming(
        run("export", db, "-o", out, "--format", "prodigy", "--offsets", "utf16"),
        "counts offsets in codepoint",
    )
    result = ok("export", db, "-o", tmp_path / "x.jsonl", "--format", "doccano")
    assert "note: 1 relation(s) left out" in result.output


def test_export_help_names_each_unit() -> None:
    result = ok("export", "--help")
    text = " ".join(result.output.split())
    for phrase in (
        "doccano: utf16 (default",
        "csv: codepoint (default), utf16 or utf8",
        "the others: codepoint only",
        "--label",
        "--annotator",
    ):
        assert phrase in text


def test_csv_export_through_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", ARTICLE))
    out = tmp_path / "spans.csv"
    ok("export", db, "-o", out, "--format", "csv", "--offsets", "utf16")
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("document_id,title,span_id,label,start,end,text")
    assert len(lines) == 4


# -- stats and progress -------------------------------------------------------------------


def test_stats(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ok(
        "import",
        db,
        jsonl(tmp_path / "a.jsonl", ARTICLE, {"text": "Nothing marked here.", "spans": []}),
    )
    out = ok("stats", db).output
    assert "documents  2 (1 with spans)" in out
    assert "spans      3" in out and "relations  1" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["actor", "2"] in lines and ["alice", "2"] in lines and ["bob", "1"] in lines
    data = json.loads(ok("stats", db, "--json").output)
    assert data["spans_by_label"] == {"claim": 0, "quote": 1, "actor": 2}
    assert data["spans_by_annotator"] == {"alice": 2, "bob": 1}
    assert data["relations_by_label"]["said_by"] == 1
    fails_naming(run("stats", tmp_path / "missing.db"), "no such database")
    assert not (tmp_path / "missing.db").exists()


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with cli._progress(10, "Reading") as bar:
        assert bar is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    bar = cli._progress(10, "Reading")
    assert bar.file is sys.stderr and bar.length == 10


def test_the_reading_bar_follows_the_files_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with cli._ReadingBar() as progress:
        progress("read", 0, 3)
        progress("read", 2, 3)
        assert progress._bar.length == 3 and progress._bar.pos == 2
        progress("store", 0, 10)  # storing shows no bar, as before
        assert progress._bar.pos == 2
        progress("read", 3, 3)
        assert progress._bar is None  # closed once the last file is read


def test_the_cli_offers_every_format() -> None:
    from annotator.formats import EXPORTS, IMPORTS
    from annotator.formats.reading import FORMATS
    from annotator.formats.units import UNITS

    assert cli._IMPORT_FORMATS == FORMATS
    assert tuple(EXPORTS) == cli._EXPORT_FORMATS
    # The registry names its writers and units without loading them: each must exist.
    for fmt in EXPORTS.values():
        assert callable(fmt.writer()) and set(fmt.units) <= set(UNITS)
    for fmt in IMPORTS.values():
        assert set(fmt.units) <= set(UNITS) and all(s.startswith(".") for s in fmt.suffixes)


def test_the_version_loads_no_reader_or_writer() -> None:
    """`annotator --version` (and the window's start) must not pay for every format."""
    script = (
        "import sys\n"
        "from annotator.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('annotator.formats.'))\n"
        "print(loaded)\n"
    )

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_export_and_stats_only_read_the_database(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", ARTICLE))
    before = db.read_bytes()
    for fmt in cli._EXPORT_FORMATS:
        ok("export", db, "-o", tmp_path / f"out-{fmt}", "--format", fmt)
    ok("stats", db)
    assert db.read_bytes() == before
