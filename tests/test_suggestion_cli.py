"""The suggestion layer on the command line (issue 17, points 4 and 5): import a model's
output --as-suggestions through the one import pipeline, export --layer suggestions, and no
other export ever holds a suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store

TEXT = "“NATO must stay out,” said Sergei Lavrov. Lavrov — 🙂 — left."


def _region(ident: str, start: int, end: int, label: str, score: float) -> dict:
    return {"id": ident, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "score": score, "text": TEXT[start:end],
                      "labels": [label]}}  # fmt: skip


def _label_studio_export(tmp_path: Path) -> Path:
    """A Label Studio export of pre-annotated tasks: no "annotations", a list of
    "predictions" per task, each with its model_version and "result" regions (text spans
    with value.start/end/text/labels and a score, and a relation by from_id/to_id), shaped
    as HumanSignal/label-studio docs/source/guide/predictions.md's NER example (two model
    versions proposing the same span) and its relation results."""
    q1 = TEXT.index(",”") + 2
    a0 = TEXT.index("Sergei")
    l0 = TEXT.index("Lavrov —")
    one = [_region("q", 0, q1, "quote", 0.9), _region("a", a0, a0 + 13, "actor", 0.8),
           {"from_id": "q", "to_id": "a", "type": "relation", "direction": "right",
            "labels": ["said_by"]}]  # fmt: skip
    two = [_region("q2", 0, q1, "quote", 0.6), _region("l", l0, l0 + 6, "actor", 0.4)]
    task = {"id": 7, "data": {"text": TEXT}, "annotations": [],
            "predictions": [{"model_version": "one", "score": 0.7, "result": one},
                            {"model_version": "two", "score": 0.5, "result": two}]}  # fmt: skip
    path = tmp_path / "predictions.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    return path


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_label_studio_predictions_import_as_suggestions_and_export_by_layer(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    source = _label_studio_export(tmp_path)
    done = _run("import", db, source, "--as-suggestions", "--suggester", "ner-model")
    assert done.exit_code == 0, done.output
    assert "3 span suggestion(s) and 1 link suggestion(s) by 'ner-model'" in done.output
    assert ("1 span suggestion(s) kept once: proposed again at the same place with the same "
            "label") in done.output
    with Store.open(db) as store:
        (doc,) = store.document_ids()
        assert store.spans(doc) == [] and store.relations(doc) == []
        pending = store.suggestions(doc)
        assert sorted(s.text for s in pending if s.is_span) == [
            "Lavrov", "Sergei Lavrov", "“NATO must stay out,”"]  # fmt: skip
        assert {s.suggester for s in pending} == {"ner-model"}
        link = next(s for s in pending if not s.is_span)
        store.accept_suggestion(link.id, "alice")
    # the ordinary export holds exactly what was accepted, never the pending suggestion
    out = tmp_path / "out.jsonl"
    assert _run("export", db, "-o", out).exit_code == 0
    (record,) = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert sorted(s["text"] for s in record["spans"]) == ["Sergei Lavrov", "“NATO must stay out,”"]
    assert all("suggester" not in s for s in record["spans"])
    assert [r["label"] for r in record["relations"]] == ["said_by"]
    for fmt in ("doccano", "prodigy", "labelstudio", "csv"):
        other = tmp_path / f"out.{fmt}"
        written = _run("export", db, "-o", other, "--format", fmt)
        assert "1 document(s) written (2 span(s)" in written.output, (fmt, written.output)
    # the layer export: the one pending span, with suggester, score and reason
    layer = tmp_path / "suggestions.jsonl"
    shown = _run("export", db, "--layer", "suggestions", "-o", layer)
    assert shown.exit_code == 0, shown.output
    (record,) = [orjson.loads(line) for line in layer.read_bytes().splitlines()]
    (span,) = record["spans"]
    assert span["text"] == "Lavrov" == record["text"][span["start"]:span["end"]]
    assert span["suggester"] == "ner-model" and 0 <= span["score"] <= 1
    assert "predictions.json" in span["reason"] and "prediction:two" in span["reason"]
    assert record["relations"] == []


def test_the_options_are_checked_with_one_line_each(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    source = _label_studio_export(tmp_path)
    bad = CliRunner().invoke(main, ["import", str(db), str(source), "--as-suggestions"])
    assert bad.exit_code != 0 and "--as-suggestions and --suggester NAME go together" in bad.output
    assert not db.exists()
    assert _run("import", db, source, "--as-suggestions", "--suggester", "m").exit_code == 0
    wrong = CliRunner().invoke(main, ["export", str(db), "--layer", "suggestions", "--format",
                                      "doccano", "-o", str(tmp_path / "x")])  # fmt: skip
    assert wrong.exit_code != 0 and "native format" in wrong.output
    assert "Traceback" not in wrong.output
    who = CliRunner().invoke(main, ["export", str(db), "--layer", "suggestions", "--annotator",
                                    "alice", "-o", str(tmp_path / "x")])  # fmt: skip
    assert who.exit_code != 0 and "belong to no annotator" in who.output


def test_native_and_a_second_import_replace_but_keep_rejections(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    source = _label_studio_export(tmp_path)
    assert _run("import", db, source, "--as-suggestions", "--suggester", "m").exit_code == 0
    with Store.open(db) as store:
        (doc,) = store.document_ids()
        surname = next(s for s in store.suggestions(doc) if s.text == "Lavrov")
        store.reject_suggestion(surname.id)
    again = _run("import", db, source, "--as-suggestions", "--suggester", "m")
    assert "1 left out (rejected before in their article)" in again.output
    assert "2 span suggestion(s) and 1 link suggestion(s) by 'm'" in again.output
    assert "3 earlier suggestion(s) of 'm' replaced" in again.output
    with Store.open(db) as store:
        assert "Lavrov" not in [s.text for s in store.suggestions(doc)]
    # a native file round-trips through the layer export, as another suggester's run
    layer = tmp_path / "s.jsonl"
    assert _run("export", db, "--layer", "suggestions", "-o", layer).exit_code == 0
    back = _run("import", db, layer, "--as-suggestions", "--suggester", "copy")
    assert back.exit_code == 0, back.output
    assert "2 span suggestion(s) and 1 link suggestion(s) by 'copy'" in back.output
