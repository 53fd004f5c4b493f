"""Issue 21, items 4, 7, 9, 11 and 13: what imported files bring that they may not.

- 4: an annotator name Annotator keeps for itself (``gold``, ``import``, any case, spaces
  around) arriving in any format's file is refused with file, line and reason.
- 7: a scheme file with values of the wrong type, a Label Studio file nested 100,000 deep,
  a brat export of a document whose id holds ``/`` or NUL: clear messages, safe file names.
- 9: the rejects file of ``--skip-invalid`` is checked before anything is stored.
- 11: what came from files is printed escaped; labels with control characters, or that
  look like an existing one, are refused.
- 13: ``--skip-invalid`` imports again at most once, however many records the database
  refuses.

The peers' records are small inline copies of their shapes: Prodigy's ``ner_manual`` task
(prodi.gy docs, "Annotation interfaces": ``_annotator_id`` on each task), Label Studio's
JSON export (``annotations[].completed_by`` / ``created_username``, label-studio's
``label_studio/tests/test_data`` exports), doccano 1.x's ``annotations`` with ``user`` (the
1.x export of doccano's ``app/api/views/export``), brat standoff (``T1<TAB>label s e<TAB>text``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core import scheme
from annotator.core.display import shown
from annotator.core.model import Label
from annotator.formats import importing
from annotator.store import Store

TEXT = "Putin said no to NATO."


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def spans_of(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT label, annotator FROM spans ORDER BY start").fetchall()


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- 4: nobody's file writes the gold layer ------------------------------------------------


def _native(who: str) -> dict:
    return {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "actor", "annotator": who}]}


def _prodigy(who: str) -> dict:
    return {"text": TEXT, "answer": "accept", "_annotator_id": who, "_input_hash": 1,
            "spans": [{"start": 0, "end": 5, "label": "PER"}]}  # fmt: skip


def _labelstudio_username(who: str) -> list:
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 5, "text": "Putin", "labels": ["PER"]}}  # fmt: skip
    return [{"id": 1, "data": {"text": TEXT},
             "annotations": [{"id": 70, "created_username": f"{who}, 1", "result": [region]}]}]


def _labelstudio_user(who: str) -> list:
    task = _labelstudio_username(who)
    ann = task[0]["annotations"][0]
    del ann["created_username"]
    ann["completed_by"] = {"id": 1, "email": who}
    return task


def _doccano(who: str) -> dict:
    return {"id": 1, "text": TEXT, "meta": {},
            "annotations": [{"label": "PER", "start_offset": 0, "end_offset": 5, "user": who}]}  # fmt: skip


@pytest.mark.parametrize("who", ["gold", "GOLD", " Gold ", "import", "Import "])
@pytest.mark.parametrize(
    "make, name",
    [
        (_native, "native.jsonl"),
        (_prodigy, "prodigy.jsonl"),
        (_doccano, "doccano.jsonl"),
        (_labelstudio_username, "ls.json"),
        (_labelstudio_user, "ls-user.json"),
    ],
)
def test_a_file_cannot_write_the_gold_layer(tmp_path, who, make, name):
    path = tmp_path / name
    record = make(who)
    if name.endswith(".json"):
        path.write_text(json.dumps(record), encoding="utf-8")
    else:
        jsonl(path, record)
    db = tmp_path / "a.db"
    result = run("import", db, path, "--annotator", "alice")
    assert result.exit_code == 1, result.output
    assert f"{path}, line 1: span by annotator" in result.output
    assert "is reserved" in result.output and "rename it in the file" in result.output
    assert not db.exists()  # all or nothing: the new database is not even made


def test_a_reserved_name_in_one_record_rejects_that_record_only(tmp_path):
    path = jsonl(tmp_path / "two.jsonl", _native("gold"), {**_native("bob"), "text": TEXT + "!"})
    db = tmp_path / "a.db"
    result = run("import", db, path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert spans_of(db) == [("actor", "bob")]
    rejects = [json.loads(x) for x in Path(f"{db}.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], "reserved" in r["reason"]) for r in rejects] == [(1, True)]


def test_brat_and_a_relation_take_the_same_rule(tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc.ann").write_text("T1\tPER 0 5\tPutin\n", encoding="utf-8")
    result = run("import", tmp_path / "a.db", tmp_path / "doc.txt", "--annotator", "Gold")
    assert result.exit_code == 2 and "reserved" in result.output
    relation = {"text": TEXT, "spans": [{"id": "s1", "start": 0, "end": 5, "label": "actor"},
                                        {"id": "s2", "start": 17, "end": 21, "label": "actor"}],
                "relations": [{"label": "said_by", "from": "s1", "to": "s2",
                               "annotator": "gold"}]}  # fmt: skip
    result = run("import", tmp_path / "b.db", jsonl(tmp_path / "r.jsonl", relation))
    assert result.exit_code == 1 and "line 1: relation by annotator 'gold'" in result.output


# -- 7: tracebacks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item, words",
    [
        ({"name": "claim", "color": 5}, ['label \'claim\'', '"color"', "int 5"]),
        ({"name": "claim", "key": 7}, ['"key"', "int 7"]),
        ({"name": "claim", "description": {"x": 1}}, ['"description"', "dict"]),
        ({"name": "claim", "kind": ["span"]}, ['"kind"', "list"]),
    ],
)
def test_a_scheme_file_with_wrong_types_is_refused_by_name(tmp_path, seed_db, item, words):
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps({"labels": [item]}), encoding="utf-8")
    result = run("labels", seed_db, "--import", path)
    assert result.exit_code == 1 and result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.output
    assert result.output.startswith(f"Error: {path}: ")
    for word in words:
        assert word in result.output


def test_a_scheme_file_nested_too_deeply_is_refused(tmp_path, seed_db):
    path = tmp_path / "scheme.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run("labels", seed_db, "--import", path)
    assert result.exit_code == 1, result.output
    assert f"{path}: nested too deeply" in result.output


def test_a_label_studio_file_nested_100000_deep_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text('[{"data": {"text": "hi", "x": ' + deep + "}}]", encoding="utf-8")
    result = run("import", tmp_path / "a.db", path)
    assert result.exit_code == 1, result.output
    assert f"{path}, line 1: nested too deeply" in result.output
    assert not (tmp_path / "a.db").exists()


def test_meta_nested_deeper_than_every_export_writes_is_refused(tmp_path):
    deep = "[" * 300 + "]" * 300
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": "hello", "meta": {"x": ' + deep + "}}\n", encoding="utf-8")
    result = run("import", tmp_path / "a.db", path)
    assert result.exit_code == 1, result.output
    assert f"{path}, line 1: meta is nested more than 100 levels deep" in result.output
    fine = "[" * 90 + "]" * 90
    path.write_text('{"text": "hello", "meta": {"x": ' + fine + "}}\n", encoding="utf-8")
    assert run("import", tmp_path / "a.db", path).exit_code == 0
    for fmt in ("jsonl", "prodigy", "labelstudio", "doccano"):
        result = run("export", tmp_path / "a.db", "-o", tmp_path / f"out.{fmt}", "--format", fmt)
        assert result.exit_code == 0, result.output


def test_a_brat_export_names_files_safely_whatever_the_id_holds(tmp_path):
    records = [
        {"id": "a/b/../../etc", "text": "one text"},
        {"id": "x\u0000y", "text": "two text"},
        {"id": "z", "text": "three text", "meta": {"source_id": "a\u0000b.txt", "title": "t\u0000/x"}},
        {"id": "w", "text": "four text", "meta": {"source_id": "é" * 140}},
    ]  # fmt: skip
    db = tmp_path / "a.db"
    assert run("import", db, jsonl(tmp_path / "ids.jsonl", *records)).exit_code == 0
    out = tmp_path / "out"
    result = run("export", db, "-o", out, "--format", "brat")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(names) == 9  # four .txt, four .ann, annotation.conf: nothing outside
    assert all("/" not in n and "\x00" not in n and len(n.encode()) <= 255 for n in names)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "ids.jsonl", "out"]
    texts = sorted(p.read_text() for p in out.glob("*.txt"))
    assert texts == ["four text", "one text", "three text", "two text"]


# -- 9: the rejects file ---------------------------------------------------------------------


def _one_good_one_bad(tmp_path: Path) -> Path:
    return jsonl(tmp_path / "in.jsonl", {"text": TEXT}, {"text": ""})


@pytest.mark.parametrize(
    "target, reason",
    [
        (lambda d: d / "missing" / "r.jsonl", "does not exist"),
        (lambda d: d / "in.jsonl", "an input of this import"),
        (lambda d: d / "link.jsonl", "an input of this import"),
        (lambda d: d / "a.db", "the database"),
        (lambda d: d / "a.db-wal", "the database's -wal file"),
    ],
)
def test_a_rejects_path_is_checked_before_anything_is_stored(tmp_path, target, reason):
    source = _one_good_one_bad(tmp_path)
    (tmp_path / "link.jsonl").symlink_to(source)
    before = source.read_bytes()
    db = tmp_path / "a.db"
    result = run("import", db, source, "--skip-invalid", "--rejects", target(tmp_path))
    assert result.exit_code == 1, result.output
    assert reason in result.output
    assert not db.exists()  # nothing stored
    assert source.read_bytes() == before


def test_a_folder_as_the_rejects_file_is_refused_from_the_window_too(tmp_path):
    """The window calls import_files directly (no click type check in between)."""
    db = tmp_path / "a.db"
    with pytest.raises(importing.AnnotatorError, match="is a folder"):
        importing.import_files(db, [_one_good_one_bad(tmp_path)], annotator="alice",
                               skip_invalid=True, rejects=tmp_path)  # fmt: skip
    assert not db.exists()


def test_a_read_only_folder_for_the_rejects_is_refused(tmp_path):
    if not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run("import", tmp_path / "a.db", _one_good_one_bad(tmp_path), "--skip-invalid",
                     "--rejects", folder / "r.jsonl")  # fmt: skip
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1 and "cannot be written to" in result.output
    assert not (tmp_path / "a.db").exists()


def test_a_good_rejects_path_gets_the_rejects(tmp_path):
    db = tmp_path / "a.db"
    result = run("import", db, _one_good_one_bad(tmp_path), "--skip-invalid",
                 "--rejects", tmp_path / "r.jsonl")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == 1
    assert count(db, "documents") == 1


# -- 11: escaped output, labels refused -------------------------------------------------------


def test_shown_escapes_what_a_terminal_acts_on():
    assert shown("a\x1b[2Jb\u202ec\x00d\x7f\u200b\U000e0041") == (
        "a\\x1b[2Jb\\u202ec\\x00d\\x7f\\u200b\\U000e0041"
    )
    assert shown("é ü 中 👩\u200d💻\u00a0x") == "é ü 中 👩\\u200d💻\u00a0x"
    assert shown("a\nb\tc", keep="\n") == "a\nb\\x09c"
    assert json.loads(shown(json.dumps({"k": "x\x7f\u202e\U000e0041"}, ensure_ascii=False),
                            json=True)) == {"k": "x\x7f\u202e\U000e0041"}  # fmt: skip


def test_names_and_titles_from_files_are_printed_escaped(tmp_path):
    record = {"text": TEXT, "meta": {"title": "T\x1b]0;pwned\x07itle"},
              "spans": [{"start": 0, "end": 5, "label": "actor", "annotator": "bob\u202eevil"}]}
    db = tmp_path / "a.db"
    assert run("import", db, jsonl(tmp_path / "e.jsonl", record)).exit_code == 0
    outputs = [run("stats", db).output, run("stats", db, "--json").output,
               run("adjudicate", db).output, run("agreement", db).output]  # fmt: skip
    for output in outputs:
        assert "\x1b" not in output and "\u202e" not in output and "\x07" not in output
    assert "bob\\u202eevil" in outputs[0]
    assert json.loads(outputs[1])["spans_by_annotator"] == {"bob\u202eevil": 1}
    assert "T\\x1b]0;pwned\\x07itle" in outputs[2]
    with sqlite3.connect(db) as conn:  # a label stored by an older version, then listed
        conn.execute("INSERT INTO labels (name, kind, color, position) "
                     "VALUES ('x\x1b[31m', 'span', '#888888', 9)")  # fmt: skip
    listing = run("labels", db).output
    assert "x\\x1b[31m" in listing and "\x1b" not in listing


def test_an_error_about_a_file_is_printed_escaped(tmp_path):
    path = tmp_path / "bad\x1b[2J.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    result = run("import", tmp_path / "a.db", path)
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "bad\\x1b[2J.jsonl" in result.output


@pytest.mark.parametrize("label", ["claim\x1b[31m", "cl\u202eaim", "a\x00b", "x\u200by"])
def test_a_label_with_control_or_invisible_characters_is_refused(tmp_path, label):
    record = {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": label}]}
    path = jsonl(tmp_path / "l.jsonl", record)
    result = run("import", tmp_path / "a.db", path)
    assert result.exit_code == 1, result.output
    assert f"{path}, line 1: span label" in result.output
    assert "control or invisible characters" in result.output
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("label, like", [("ｃlaim", "claim"), ("ﬁnding", "finding")])
def test_a_label_that_looks_like_one_there_is_refused_naming_both(tmp_path, label, like):
    db = tmp_path / "a.db"
    first = {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "finding"}]}
    assert run("import", db, jsonl(tmp_path / "one.jsonl", first)).exit_code == 0
    record = {"text": TEXT + " Yes.", "spans": [{"start": 0, "end": 5, "label": label}]}
    path = jsonl(tmp_path / "l.jsonl", record)
    result = run("import", db, path)
    assert result.exit_code == 1, result.output
    assert f"{path}, line 1: label {label!r} looks like the label {like!r}" in result.output
    assert count(db, "documents") == 1
    # two new ones alike in one file: the same
    record["spans"].append({"start": 6, "end": 10, "label": "Ｎew"})
    record["spans"].append({"start": 11, "end": 13, "label": "New"})
    record["spans"].pop(0)
    result = run("import", db, jsonl(tmp_path / "l2.jsonl", record))
    assert result.exit_code == 1 and "looks like the label" in result.output


def test_case_is_a_visible_difference(tmp_path):
    """A new database has "quote"; a brat corpus annotated with "Quote" imports beside it."""
    record = {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "Quote"}]}
    db = tmp_path / "a.db"
    assert run("import", db, jsonl(tmp_path / "q.jsonl", record)).exit_code == 0
    assert spans_of(db)[0][0] == "Quote"


def test_the_scheme_rules_refuse_look_alikes_and_control_characters(tmp_path, seed_db):
    def label(name: str, key: str | None = None) -> Label:
        return Label(name, "span", "#112233", key)

    with pytest.raises(scheme.SchemeError, match=r"'claim\\u200b'.*looks like the label 'claim'"):
        scheme.check([label("claim"), label("claim\u200b")])
    with pytest.raises(scheme.SchemeError, match=r"control or invisible characters \(\\x1b\)"):
        scheme.check([label("a\x1bb")])
    scheme.check([label("claim"), label("Claim"), label("👩\u200d💻")])  # case, an emoji: fine
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps({"labels": [{"name": "ｑuote"}]}), encoding="utf-8")
    result = run("labels", seed_db, "--import", path)
    assert result.exit_code == 1
    assert "label 'ｑuote' looks like the label 'quote'" in result.output


# -- 13: one pass -----------------------------------------------------------------------------


def _refused_by_the_database(tmp_path: Path, n: int, bad: int) -> tuple[Path, Path]:
    """A database holding ``bad`` documents, and a file of ``n`` records of which ``bad``
    give those documents' ids another text (refused only against the database), one of
    them a relation to a span it lacks."""
    db = tmp_path / "a.db"
    jsonl(tmp_path / "first.jsonl", *({"id": f"d{i}", "text": f"First text {i}."}
                                       for i in range(bad)))  # fmt: skip
    assert run("import", db, tmp_path / "first.jsonl").exit_code == 0
    step = n // bad
    records = []
    for i in range(n):
        if i % step == 0 and i // step < bad:
            records.append({"id": f"d{i // step}", "text": f"Another text {i}."})
        else:
            records.append({"id": f"n{i}", "text": f"Article {i} says so.",
                            "spans": [{"id": f"s{i}", "start": 0, "end": 7, "label": "claim"}]})
    records.append({"id": "dangling", "text": "A relation to nothing.",
                    "spans": [{"id": "x1", "start": 0, "end": 1, "label": "claim"}],
                    "relations": [{"label": "claimed_by", "from": "x1", "to": "nowhere"}]})
    return db, jsonl(tmp_path / "second.jsonl", *records)


def test_skip_invalid_imports_again_at_most_once(tmp_path, monkeypatch):
    db, path = _refused_by_the_database(tmp_path, 1000, 100)
    calls = []
    real = Store.import_documents

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "import_documents", counting)
    report = importing.import_files(db, [path], annotator="alice", skip_invalid=True)
    assert len(calls) == 2
    assert len(report.rejected) == 101
    assert report.rejected[0].reason == "document 'd0' is already in the database with another text"
    assert "refers to unknown span 'nowhere'" in report.rejected[-1].reason
    assert report.summary.documents_added == 900  # the dangling one left out
    assert count(db, "documents") == 100 + 900
    assert count(db, "spans") == 900


def test_a_refused_document_does_not_colour_the_checks_of_those_after_it(tmp_path):
    """A document refused at its relation had added its spans and a label; the next one,
    using that span id and label otherwise, is checked as if the first had not come."""
    first = {"id": "a", "text": TEXT, "spans": [{"id": "s1", "start": 0, "end": 5, "label": "newlabel"}],
             "relations": [{"label": "said_by", "from": "s1", "to": "missing"}]}  # fmt: skip
    second = {"id": "b", "text": TEXT + " Again.",
              "spans": [{"id": "s1", "start": 6, "end": 10, "label": "other"}],
              "relations": [{"id": "r", "label": "newlabel", "from": "s1", "to": "s1"}]}  # fmt: skip
    db = tmp_path / "a.db"
    path = jsonl(tmp_path / "x.jsonl", first, second)
    report = importing.import_files(db, [path], annotator="alice", skip_invalid=True)
    assert [r.line for r in report.rejected] == [1]
    assert spans_of(db) == [("other", "alice")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT kind FROM labels WHERE name = 'newlabel'").fetchall() == [
            ("relation",)
        ]


@pytest.mark.slow
def test_300_refusals_among_4000_records_take_one_pass(tmp_path):
    db, path = _refused_by_the_database(tmp_path, 4000, 300)
    started = time.perf_counter()
    result = run("import", db, path, "--skip-invalid")
    took = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "301 bad record(s) rejected" in result.output
    assert took < 8, took  # 16 s before (an import per refusal), about 1.5 s now


def test_a_file_cannot_set_document_labels_in_a_reserved_name(tmp_path: Path) -> None:
    """A whole-article label by "gold" would be taken for the adjudicated layer too."""
    from annotator.core.errors import InputError
    from annotator.formats.importing import import_files

    path = tmp_path / "labels.jsonl"
    path.write_text(
        '{"text": "An article.", "document_labels": [{"label": "pro", "annotator": "Gold"}]}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="document label by annotator 'Gold'"):
        import_files(tmp_path / "a.db", [path], annotator="alice")
    assert not (tmp_path / "a.db").exists()
