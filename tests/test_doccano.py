"""doccano's other shapes (issue 14, items 2, 3 and 9): 1.x exports with numeric labels and
users, intent detection (entity triples and ``cats``), grapheme-cluster offsets, and lines
whose unknown keys hold annotations. Each input is the smallest of the shape doccano wrote
(the file it comes from is named beside it); nothing is imported changed without a word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
import regex
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.core.errors import InputError
from annotator.formats import doccano
from annotator.formats.importing import import_files
from annotator.formats.reading import plan, read_paths, read_sources
from annotator.formats.units import UnitMap
from annotator.store import Store


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args: Any) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def jsonl(path: Path, *records: Any) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def stored_spans(db: Path) -> list[tuple[str, str, str]]:
    with Store.open(db) as store:
        return sorted(
            (s.text, s.label, s.annotator) for d in store.document_ids() for s in store.spans(d)
        )


# -- doccano 1.x ------------------------------------------------------------------------

# The shape of doccano 1.x's "JSONL" export (app/server/static/components/examples/
# download_sequence_labeling.jsonl and app/api/utils.py's JSONPainter, doccano 1.0-1.2):
# label and user are the project's database ids, "meta" is nested.
V1 = {
    "id": 1,
    "text": "Talks in Paris ended with Lavrov leaving.",
    "annotations": [
        {"label": 12, "start_offset": 9, "end_offset": 14, "user": 1},
        {"label": 13, "start_offset": 26, "end_offset": 32, "user": 1},
        {"label": 12, "start_offset": 9, "end_offset": 14, "user": 2},
    ],
    "meta": {"title": "Talks end", "wikiPageID": 7},
    "annotation_approver": "admin",
}


def test_a_doccano_1x_export_is_read_and_its_numbers_named(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "v1.jsonl", V1)
    db = tmp_path / "a.db"
    result = ok("import", db, path, "--annotator", "me")  # --format auto finds doccano
    assert stored_spans(db) == [
        ("Lavrov", "label 13", "user 1"),
        ("Paris", "label 12", "user 1"),
        ("Paris", "label 12", "user 2"),  # two users' identical spans are two spans
    ]
    out = " ".join(result.output.split())
    assert "3 span(s)" in out
    assert "new label(s) added to the scheme: label 12, label 13" in out
    assert '3 span label(s) converted: a doccano 1.x label id, named "label <id>"' in out
    assert '3 span annotator(s) converted: a doccano 1.x user id, recorded as "user <id>"' in out
    with Store.open(db) as store:
        (doc_id,) = store.document_ids()
        meta = store.document(doc_id).meta
    # the nested meta is the example's meta, as doccano merges it on its own export
    assert meta.title == "Talks end"
    assert meta.extra == {"wikiPageID": 7, "annotation_approver": "admin"}


def test_the_summary_tells_notes_from_skipped_records(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "v1.jsonl", V1)
    report = import_files(tmp_path / "a.db", [path], annotator="me")
    text = report.describe()
    assert " converted: " in text and "skipped" not in text


def test_a_doccano_1x_classification_export_is_refused_not_imported_bare(
    tmp_path: Path,
) -> None:
    # app/server/static/components/examples/download_text_classification.jsonl (1.x):
    # categories without offsets. Read as native JSONL it gave 3 documents and 0 spans.
    path = jsonl(
        tmp_path / "cls.jsonl",
        {"id": 1, "text": "Terrible customer service.", "annotations": [{"label": 1, "user": 1}]},
    )
    assert plan([path])[0].fmt == "doccano"
    with pytest.raises(InputError, match="no offsets .* text-classification export") as info:
        read_paths([path])
    assert info.value.line == 1


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("spans", [{"start": 0, "end": 5, "label": "PER"}]),  # Prodigy's / native spans
        ("ner", [[0, 5, "PER"]]),  # triples under a name of someone's own
        ("result", [{"startOffset": 0, "endOffset": 5, "tag": "PER"}]),
    ],
)
def test_a_line_whose_unknown_key_holds_annotations_is_refused(
    tmp_path: Path, key: str, value: list
) -> None:
    path = jsonl(tmp_path / "d.jsonl", {"text": "Alice met Bob.", "label": [], key: value})
    with pytest.raises(InputError, match=f'"{key}" holds what look like annotations') as info:
        read_paths([path])
    assert info.value.line == 1
    # other lists stay meta, as doccano keeps them
    fine = jsonl(tmp_path / "f.jsonl", {"text": "Alice met Bob.", "label": [], "tags": ["a"]})
    (doc,) = read_paths([fine])
    assert doc.meta.extra == {"tags": ["a"]}


# -- intent detection ---------------------------------------------------------------------


def test_intent_detection_triples_are_read_and_cats_are_document_labels(tmp_path: Path) -> None:
    # backend/data_export/pipeline/examples/intent_detection/example.jsonl
    path = jsonl(
        tmp_path / "intent.jsonl",
        {
            "text": "Find a flight from Memphis to Tacoma",
            "entities": [[19, 26, "City"], [30, 36, "City"]],
            "cats": ["flight"],
        },
        {"text": "I want to know what airports are in Los Angeles", "cats": ["airport", "x"]},
    )
    db = tmp_path / "a.db"
    result = ok("import", db, path, "--annotator", "me")
    assert stored_spans(db) == [("Memphis", "City", "me"), ("Tacoma", "City", "me")]
    # issue 14: cats are document labels of the line's annotator (kept in meta before)
    out = " ".join(result.output.split())
    assert "3 document label(s)" in out and "kept in meta" not in out
    with Store.open(db) as store:
        cats = sorted(
            [(d.label, d.annotator) for d in store.document_labels(doc_id)]
            for doc_id in store.document_ids()
        )
        assert all("cats" not in store.document(d).meta.extra for d in store.document_ids())
        assert {(x.name, x.kind) for x in store.labels("document")} == {
            ("airport", "document"), ("x", "document"), ("flight", "document")
        }
    assert cats == [[("airport", "me"), ("x", "me")], [("flight", "me")]]
    # and the categories go out again as doccano wrote them
    out_path = tmp_path / "out.jsonl"
    ok("export", db, "-o", out_path, "--format", "doccano")
    records = [orjson.loads(line) for line in out_path.read_bytes().splitlines()]
    assert sorted(r["cats"] for r in records) == [["airport", "x"], ["flight"]]


def test_a_bad_triple_in_entities_names_it(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "i.jsonl", {"text": "Find a flight", "entities": [[0, 4]]})
    with pytest.raises(InputError, match=r'entities\[0\] must be \[start, end, "label"\]'):
        read_paths([path])


# -- grapheme clusters --------------------------------------------------------------------

FIREMEN = {"text": "👨🏻‍🚒 firemen drive firetrucks", "label": [[16, 26, "VEHICLE"]]}


def test_grapheme_offsets_import_and_export(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "g.jsonl", FIREMEN)
    db = tmp_path / "g.db"
    result = ok("import", db, path, "--offsets", "grapheme")
    assert stored_spans(db)[0][0] == "firetrucks"
    assert "offsets read as" not in result.output  # the user said which unit
    out = tmp_path / "out.jsonl"
    ok("export", db, "-o", out, "--format", "doccano", "--offsets", "grapheme")
    record = orjson.loads(out.read_bytes())
    assert record["label"] == [[16, 26, "VEHICLE"]] and record["offset_unit"] == "grapheme"
    fresh = tmp_path / "fresh.db"
    ok("import", fresh, out)  # the line says its unit: no option needed
    assert stored_spans(fresh)[0][0] == "firetrucks"
    rel = tmp_path / "rel.jsonl"
    ok("export", db, "-o", rel, "--format", "doccano-rel", "--offsets", "grapheme")
    (entity,) = orjson.loads(rel.read_bytes())["entities"]
    assert (entity["start_offset"], entity["end_offset"]) == (16, 26)


def test_without_the_option_the_summary_says_which_unit_was_assumed(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    path = jsonl(tmp_path / "g.jsonl", FIREMEN, {"text": "plain ASCII", "label": [[0, 5, "X"]]})
    result = ok("import", db, path)
    out = " ".join(result.output.split())
    # only the line whose text counts differently is noted
    assert "offsets read as UTF-16 code units, doccano's default" in out
    assert "1 line(s) converted: offsets read as UTF-16" in out
    assert "--offsets grapheme" in out
    # a combining accent differs only counting graphemes, and is noted as well
    accent = jsonl(tmp_path / "a.jsonl", {"text": "Cafe\u0301 noir", "label": [[6, 10, "X"]]})
    assert "offsets read as UTF-16" in ok("import", tmp_path / "b.db", accent).output


def test_a_span_inside_a_grapheme_cluster_is_left_out_of_a_grapheme_export_and_counted(
    tmp_path: Path,
) -> None:
    # Code points 0-1 are "e" alone, without the combining accent that makes one cluster
    # with it; doccano's grapheme offsets cannot say that.
    db = tmp_path / "a.db"
    path = tmp_path / "n.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": "e\u0301 and Bob",
                "spans": [
                    {"id": "s1", "start": 0, "end": 1, "label": "actor"},
                    {"id": "s2", "start": 7, "end": 10, "label": "actor"},
                    {"id": "s3", "start": 3, "end": 6, "label": "quote"},
                ],
                "relations": [{"id": "r1", "label": "said_by", "from": "s3", "to": "s1"}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    ok("import", db, path)
    out = tmp_path / "out.jsonl"
    result = ok("export", db, "-o", out, "--format", "doccano-rel", "--offsets", "grapheme")
    text = " ".join(result.output.split())
    assert "1 document(s) written (2 span(s), 0 relation(s))" in text
    assert "1 span(s) and 1 relation(s) to them left out" in text
    assert "--offsets utf16 to keep them" in text
    record = orjson.loads(out.read_bytes())
    assert sorted((e["start_offset"], e["end_offset"]) for e in record["entities"]) == [
        (2, 5),
        (6, 9),
    ]


def test_grapheme_unit_map_follows_the_clusters() -> None:
    text = "🇫🇷 e\u0301\r\n👩‍👩‍👧!"
    units = UnitMap(text, "grapheme")
    clusters = regex.findall(r"\X", text)
    assert clusters == ["🇫🇷", " ", "e\u0301", "\r\n", "👩‍👩‍👧", "!"]
    assert units.length == 6 and units.differs
    assert units.from_unit(3) == text.index("\r")
    with pytest.raises(ValueError, match="inside the grapheme cluster"):
        units.to_unit(1)  # between the two regional indicators of one flag
    with pytest.raises(ValueError, match="outside the text"):
        units.from_unit(7)
    assert not UnitMap("plain text", "grapheme").differs
    assert not UnitMap("caf\u00e9", "grapheme").differs  # precomposed: one code point each


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \r\n\u0301\u200d👩🏻🇫🇷e😀")), max_size=30))
def test_grapheme_offsets_round_trip_on_every_cluster_boundary(text: str) -> None:
    units = UnitMap(text, "grapheme")
    starts = [m.start() for m in regex.finditer(r"\X", text)] + [len(text)]
    assert units.length == len(starts) - 1
    for k, offset in enumerate(starts):
        assert units.to_unit(offset) == k and units.from_unit(k) == offset
    for offset in set(range(len(text) + 1)) - set(starts):
        with pytest.raises(ValueError):
            units.to_unit(offset)


def test_the_reader_reads_grapheme_offsets_of_any_span(tmp_path: Path) -> None:
    text = "Kyiv 👩‍👩‍👧 and 🇫🇷 e\u0301te\u0301\r\nend"
    clusters = regex.findall(r"\X", text)
    path = tmp_path / "d.jsonl"
    lines = []
    for start in range(len(clusters)):
        end = start + 1
        lines.append({"text": text, "id": start, "label": [[start, end, "x"]]})
    jsonl(path, *lines)
    docs = read_sources(plan([path], "doccano"), unit="grapheme").documents
    for doc, cluster in zip(docs, clusters, strict=True):
        (span,) = doc.spans
        assert doc.text[span.start : span.end] == cluster.replace("\r\n", "\n")


def test_looks_like_knows_the_shapes() -> None:
    assert doccano.looks_like({"text": "x", "annotations": [{"label": 1, "start_offset": 0}]})
    assert doccano.looks_like({"text": "x", "cats": ["a"]})
    # a Label Studio task is not doccano 1.x
    assert not doccano.looks_like({"text": "x", "annotations": [{"result": []}]})
    assert not doccano.looks_like({"text": "x", "spans": []})
