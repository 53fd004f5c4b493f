"""doccano, Prodigy/spaCy, Label Studio, brat, CSV and HTML: readers, writers, round trips.

The round trips start from a database whose texts hold emoji, a ZWJ sequence, Cyrillic,
CJK and Arabic, and whose source had CRLF line ends; every format, written and read back
into a fresh database, must give the same spans and relations. The peer files in the reader
tests are written as those tools write them (../shared/FORMATS.md).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import IncomingDocument
from annotator.formats import EXPORTS, IMPORTS, brat, doccano, labelstudio, prodigy
from annotator.formats.export_types import Selection
from annotator.formats.exporting import export
from annotator.formats.reading import plan, read_paths, read_sources
from annotator.formats.records import CONVERTED, LEFT_OUT, Rejected, Skipped
from annotator.formats.units import UnitMap
from annotator.store import Store
from brat_rules import folder_problems

# -- a database to export -----------------------------------------------------------------

TEXT_1 = (
    'Лавров said: "NATO 😀 must stay out."\r\n'
    "Kyiv 👩‍👩‍👧 disagreed, said 王外长.\r\n"
    "قال الوزير إن الخطة ستمضي قدما."
)
TEXT_2 = "東京 — The minister said the plan would cost 2 bn.\nCritics 🇺🇦 said it would cost more."


def _at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def _span(text: str, ident: str, piece: str, label: str, who: str, note: str | None = None):
    start, end = _at(text, piece)
    return {
        "id": ident,
        "start": start,
        "end": end,
        "label": label,
        "text": piece,
        "annotator": who,
        "note": note,
    }


SOURCE = [
    {
        "id": "lavrov",
        "text": TEXT_1,
        "meta": {"title": "Лавров warns", "url": "https://news.example/lavrov", "source": "Wire"},
        "spans": [
            _span(TEXT_1, "a1", "Лавров", "actor", "alice", "Russia's foreign minister"),
            _span(TEXT_1, "q1", "NATO 😀 must stay out.", "quote", "alice"),
            _span(TEXT_1, "k1", "Kyiv 👩‍👩‍👧", "actor", "bob"),
            _span(TEXT_1, "c1", 'NATO 😀 must stay out."\r\nKyiv', "claim", "bob"),  # crosses CRLF
            _span(TEXT_1, "w1", "王外长", "actor", "bob"),
            _span(TEXT_1, "ar", "الخطة ستمضي قدما", "claim", "alice"),
        ],
        "relations": [
            {"id": "r1", "label": "said_by", "from": "q1", "to": "a1", "annotator": "alice"},
            {"id": "r2", "label": "claimed_by", "from": "c1", "to": "k1", "annotator": "bob"},
        ],
    },
    {
        "id": "tokyo",
        "text": TEXT_2,
        "meta": {"title": "Cost row"},
        "spans": [
            _span(TEXT_2, "m1", "The minister", "actor", "alice"),
            _span(TEXT_2, "m2", "the plan would cost 2 bn", "claim", "alice"),
            _span(TEXT_2, "m3", "Critics 🇺🇦", "actor", "alice"),
        ],
        "relations": [
            {"id": "r3", "label": "claimed_by", "from": "m2", "to": "m1", "annotator": "alice"}
        ],
    },
    {"id": "empty", "text": "An article nobody has annotated yet.", "meta": {"title": "Quiet"}},
]


@pytest.fixture
def source_db(tmp_path: Path) -> Path:
    path = tmp_path / "source.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in SOURCE) + "\n", encoding="utf-8"
    )
    db = tmp_path / "source.db"
    with Store.open(db) as store:
        store.import_documents(read_paths([path]), annotator="import")
    return db


def spans_of(store: Store, *, who: bool = True, note: bool = True) -> Counter:
    out: Counter = Counter()
    for doc_id in store.document_ids():
        text = store.document(doc_id).text
        for s in store.spans(doc_id):
            assert text[s.start : s.end] == s.text
            out[
                (
                    text,
                    s.start,
                    s.end,
                    s.label,
                    s.text,
                    s.annotator if who else None,
                    s.note if note else None,
                )
            ] += 1
    return out


def relations_of(store: Store, *, who: bool = True) -> Counter:
    out: Counter = Counter()
    for doc_id in store.document_ids():
        spans = {s.id: (s.start, s.end, s.label) for s in store.spans(doc_id)}
        for r in store.relations(doc_id):
            out[
                (
                    doc_id and store.document(doc_id).text,
                    r.label,
                    spans[r.source],
                    spans[r.target],
                    r.annotator if who else None,
                )
            ] += 1
    return out


def texts_of(store: Store) -> list[str]:
    return sorted(store.document(d).text for d in store.document_ids())


def write_and_read(source_db: Path, tmp_path: Path, fmt: str, **options: Any) -> Store:
    out = tmp_path / f"export-{fmt}"
    with Store.open(source_db, create=False) as store:
        export(store, out, EXPORTS[fmt], **options)
    fresh = Store.memory()
    fmt_in = {"doccano-rel": "doccano"}.get(fmt, fmt)
    unit = options.get("unit")
    result = read_sources(plan([out], fmt_in), unit=unit)
    fresh.import_documents(result.documents, annotator="reader")
    return fresh


# -- round trips --------------------------------------------------------------------------

# What each format keeps: annotators, notes, relations.
KEEPS = {
    "jsonl": (True, True, True),
    "doccano": (False, False, False),
    "doccano-rel": (False, False, True),
    "prodigy": (True, True, True),
    "labelstudio": (True, True, True),
    "brat": (False, True, True),
}


@pytest.mark.parametrize("fmt", list(KEEPS))
def test_round_trip_keeps_spans_and_relations(source_db: Path, tmp_path: Path, fmt: str) -> None:
    who, note, rels = KEEPS[fmt]
    back = write_and_read(source_db, tmp_path, fmt)
    with Store.open(source_db, create=False) as original:
        assert texts_of(back) == texts_of(original)
        assert spans_of(back, who=who, note=note) == spans_of(original, who=who, note=note)
        if rels:
            assert relations_of(back, who=who) == relations_of(original, who=who)
        expected_people = {s.annotator for d in original.document_ids() for s in original.spans(d)}
    people = {s.annotator for d in back.document_ids() for s in back.spans(d)}
    assert people == (expected_people if who else {"reader"})


@pytest.mark.parametrize("fmt", ["doccano", "doccano-rel"])
def test_doccano_round_trip_in_code_points(source_db: Path, tmp_path: Path, fmt: str) -> None:
    back = write_and_read(source_db, tmp_path, fmt, unit="codepoint")
    with Store.open(source_db, create=False) as original:
        assert spans_of(back, who=False, note=False) == spans_of(original, who=False, note=False)


def test_doccano_export_counts_utf16_and_code_points_differently(
    source_db: Path, tmp_path: Path
) -> None:
    out16, out_cp = tmp_path / "u16.jsonl", tmp_path / "cp.jsonl"
    with Store.open(source_db, create=False) as store:
        export(store, out16, EXPORTS["doccano"])
        export(store, out_cp, EXPORTS["doccano"], unit="codepoint")
    first16 = orjson.loads(out16.read_bytes().splitlines()[0])
    first_cp = orjson.loads(out_cp.read_bytes().splitlines()[0])
    text = first16["text"]
    utf16 = text.encode("utf-16-le")
    for start, end, _label in first16["label"]:  # JavaScript's text.slice(start, end)
        assert utf16[2 * start : 2 * end].decode("utf-16-le") in text
    assert [text[s:e] for s, e, _ in first_cp["label"]] == [
        utf16[2 * s : 2 * e].decode("utf-16-le") for s, e, _ in first16["label"]
    ]
    assert first16["label"] != first_cp["label"]  # the emoji make the difference
    assert first16["label"] == sorted(first16["label"])  # doccano sorts its triples


def test_reimporting_an_export_into_its_own_database_adds_nothing(
    source_db: Path, tmp_path: Path
) -> None:
    """Exports carry the source id, so a document comes back with the id it had."""
    for fmt in ("doccano-rel", "prodigy", "labelstudio"):
        out = tmp_path / f"again-{fmt}"
        with Store.open(source_db, create=False) as store:
            before = store.document_count()
            export(store, out, EXPORTS[fmt])
        docs = read_sources(plan([out], "doccano" if fmt == "doccano-rel" else fmt)).documents
        with Store.open(source_db) as store:
            summary = store.import_documents(docs, annotator="x")
            # documents imported from native JSONL with an id of their own keep that id,
            # which peer formats cannot carry: those come back as the same text, new id
            assert store.document_count() - before == summary.documents_added


def test_spacy_char_span_accepts_every_span_of_the_prodigy_export(
    source_db: Path, tmp_path: Path
) -> None:
    spacy = pytest.importorskip("spacy")
    out = tmp_path / "spacy.jsonl"
    with Store.open(source_db, create=False) as store:
        export(store, out, EXPORTS["prodigy"])
    nlp = spacy.blank("xx")  # multi-language tokeniser: Cyrillic, Arabic and CJK alike
    checked = 0
    for line in out.read_bytes().splitlines():
        task = orjson.loads(line)
        doc = nlp(task["text"])
        for span in task["spans"]:
            # "expand" snaps to token boundaries (a span ending inside a token, such as
            # "2 bn" next to punctuation, would make "strict" return None for reasons that have
            # nothing to do with offsets). The check that matters is that the offsets count
            # code points: char_span must then start and end exactly where our text does
            # whenever the boundaries are token boundaries, and always cover our text.
            got = doc.char_span(
                span["start"], span["end"], label=span["label"], alignment_mode="expand"
            )
            assert got is not None, span
            assert span["text"] in got.text
            strict = doc.char_span(span["start"], span["end"], label=span["label"])
            if strict is not None:
                assert strict.text == span["text"]
                checked += 1
    assert checked >= 6  # most spans lie on token boundaries and were compared exactly


def test_spacy_strict_char_span_after_astral_characters(tmp_path: Path) -> None:
    """With UTF-16 offsets, every span after an emoji would be off by one; code points match."""
    spacy = pytest.importorskip("spacy")
    text = "😀 👩‍👩‍👧 Alice met Bob in Київ ."
    store = Store.memory()
    doc = IncomingDocument(text=text, source_id="s", meta=_meta(), origin="test")
    from annotator.core.model import IncomingSpan

    for piece, label in (("Alice", "actor"), ("Bob", "actor"), ("Київ", "actor")):
        start, end = _at(text, piece)
        doc.spans.append(IncomingSpan(start, end, label))
    store.import_documents([doc], annotator="t")
    out = tmp_path / "p.jsonl"
    export(store, out, EXPORTS["prodigy"])
    task = orjson.loads(out.read_bytes())
    nlp_doc = spacy.blank("en")(task["text"])
    for span in task["spans"]:
        got = nlp_doc.char_span(
            span["start"], span["end"], label=span["label"], alignment_mode="strict"
        )
        assert got is not None and got.text == span["text"]


def _meta():
    from annotator.core.model import DocumentMeta

    return DocumentMeta()


# -- offsets in other units (hypothesis) --------------------------------------------------

TEXTS = st.text(
    alphabet=st.sampled_from(
        list("ab \n\r\té")
        + ["😀", "👩", "\u200d", "中", "Ж", "\u0301", "\U0010ffff", "\u2028", "ع"]
    ),
    max_size=40,
)
ENCODINGS = {"utf16": ("utf-16-le", 2), "utf8": ("utf-8", 1)}


@pytest.mark.parametrize("unit", ["utf16", "utf8"])
@settings(max_examples=300, deadline=None)
@given(text=TEXTS, data=st.data())
def test_unit_offsets_match_the_encoding(unit: str, text: str, data) -> None:
    encoding, width = ENCODINGS[unit]
    units = UnitMap(text, unit)
    assert units.length == len(text.encode(encoding)) // width
    i = data.draw(st.integers(0, len(text)))
    value = units.to_unit(i)
    assert value == len(text[:i].encode(encoding)) // width
    assert units.from_unit(value) == i
    # every unit offset either is a character boundary or is refused
    v = data.draw(st.integers(0, units.length))
    try:
        j = units.from_unit(v)
    except ValueError as exc:
        assert "inside the character" in str(exc)
        assert v not in {units.to_unit(k) for k in range(len(text) + 1)}
    else:
        assert units.to_unit(j) == v


@given(text=TEXTS)
def test_codepoint_unit_is_the_identity(text: str) -> None:
    units = UnitMap(text, "codepoint")
    assert [units.to_unit(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert units.length == len(text)


@pytest.mark.parametrize("unit", ["utf16", "utf8"])
def test_offsets_outside_or_inside_a_character_are_refused(unit: str) -> None:
    units = UnitMap("a😀b", unit)
    with pytest.raises(ValueError, match="inside the character"):
        units.from_unit(2)
    with pytest.raises(ValueError, match="outside the text"):
        units.from_unit(units.length + 1)


@settings(max_examples=150, deadline=None)
@given(
    text=TEXTS.filter(lambda t: t.strip()),
    data=st.data(),
    unit=st.sampled_from(["utf16", "codepoint"]),
)
def test_doccano_reader_maps_any_span_onto_the_same_characters(
    tmp_path_factory, text: str, data, unit: str
) -> None:
    """Offsets counted in ``unit`` in a CRLF text land on the same characters after LF."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    units = UnitMap(text, unit)
    path = tmp_path_factory.mktemp("d") / "d.jsonl"
    record = {"text": text, "label": [[units.to_unit(start), units.to_unit(end), "x"]]}
    path.write_bytes(orjson.dumps(record) + b"\n")
    (doc,) = doccano.read(path, unit)
    span = doc.spans[0]
    # A boundary between CR and LF keeps the line end whole: widen to the CRLF, then
    # normalise; the stored span must show exactly those characters.
    if text[start - 1 : start + 1] == "\r\n":
        start -= 1
    if text[end - 1 : end + 1] == "\r\n":
        end += 1
    assert doc.text[span.start : span.end] == normalized(text[start:end])
    assert doc.text == normalized(text)


def normalized(text: str) -> str:
    return re.sub("\r\n?", "\n", text)


# -- doccano ------------------------------------------------------------------------------


def test_doccano_plain_export_as_doccano_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "all.jsonl"
    lines = [
        # doccano counts UTF-16: the emoji is two units, so "Merkel" starts at 9, not 8
        {
            "id": 12,
            "text": "EU 😀 and Merkel met.",
            "label": [[0, 2, "ORG"], [10, 16, "PER"]],
            "Comments": ["check"],
            "source": "feed",
        },
        {"id": 13, "data": "Older releases say data.", "labels": [[0, 5, "MISC"]]},
    ]
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8"
    )
    docs = read_paths([path])
    assert [d.source_id for d in docs] == ["12", "13"]
    first = docs[0]
    assert [first.text[s.start : s.end] for s in first.spans] == ["EU", "Merkel"]
    assert first.meta.source == "feed" and first.meta.extra == {"comments": ["check"]}
    assert docs[1].text[docs[1].spans[0].start : docs[1].spans[0].end] == "Older"


def test_doccano_relation_form(tmp_path: Path) -> None:
    path = tmp_path / "rel.jsonl"
    record = {
        "id": 7,
        "text": "Jane 👩‍👩‍👧 said no.",
        "entities": [
            {"id": 5, "label": "actor", "start_offset": 0, "end_offset": 4},
            {"id": 6, "label": "quote", "start_offset": 19, "end_offset": 22},
        ],
        "relations": [{"id": 1, "from_id": 6, "to_id": 5, "type": "said_by"}],
        "Comments": [{"id": 3, "comment": "fine"}],
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (doc,) = read_paths([path])
    assert [doc.text[s.start : s.end] for s in doc.spans] == ["Jane", "no."]
    (rel,) = doc.relations
    by_id = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert (by_id[rel.source], by_id[rel.target], rel.label) == ("no.", "Jane", "said_by")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"text": "Short.", "label": [[0, 60, "X"]]}, "outside the text"),
        ({"text": "a😀b", "label": [[0, 2, "X"]]}, "inside the character"),
        ({"text": "Text", "label": ["positive"]}, "text-classification"),
        ({"text": "Text", "label": [[0, 2]]}, re.escape('must be [start, end, "label"]')),
        (
            {
                "text": "Text",
                "entities": [{"id": 1, "label": "X", "start_offset": 0, "end_offset": 2}],
                "relations": [{"id": 2, "from_id": 1, "to_id": 9, "type": "r"}],
            },
            "to_id 9 is not an entity",
        ),
        ({"text": "", "label": []}, '"text" must be a non-empty string'),
    ],
)
def test_doccano_bad_records_name_the_line(tmp_path: Path, record: dict, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"text": "Fine.", "label": [[0, 4, "X"]]}
    path.write_text(
        json.dumps(good) + "\n" + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=reason) as info:
        read_paths([path])
    assert info.value.line == 2 and info.value.path == str(path)


# -- Prodigy ------------------------------------------------------------------------------


def test_prodigy_ner_manual_tasks(tmp_path: Path) -> None:
    path = tmp_path / "db-out.jsonl"
    tasks = [
        {
            "text": "Albert Einstein was a physicist.",
            "_input_hash": 123,
            "_task_hash": 456,
            "tokens": [
                {"text": "Albert", "start": 0, "end": 6, "id": 0, "ws": True},
                {"text": "Einstein", "start": 7, "end": 15, "id": 1, "ws": True},
            ],
            "spans": [{"start": 0, "end": 15, "token_start": 0, "token_end": 1, "label": "PERSON"}],
            "answer": "accept",
            "_view_id": "ner_manual",
            "_annotator_id": "news-alice",
        },
        {"text": "Rejected text.", "_input_hash": 5, "answer": "reject", "spans": []},
        {
            "text": "Albert Einstein was a physicist.",
            "_input_hash": 123,
            "answer": "accept",
            "spans": [{"start": 22, "end": 31, "label": "ROLE"}],
            "_annotator_id": "news-bob",
            "relations": [{"head": 0, "child": 1, "label": "x"}],
        },
    ]
    path.write_text("\n".join(json.dumps(t) for t in tasks) + "\n", encoding="utf-8")
    result = read_sources(plan([path]))
    assert plan([path])[0].fmt == "prodigy"
    docs = result.documents
    assert len(docs) == 2 and docs[0].source_id == docs[1].source_id == "123"
    assert [(s.label, s.annotator) for d in docs for s in d.spans] == [
        ("PERSON", "news-alice"),
        ("ROLE", "news-bob"),
    ]
    assert [s.reason for s in result.skipped] == ['the answer is "reject"']
    assert [(c.action, c.what) for c in result.counted] == [(LEFT_OUT, "relation")]
    assert "given by token indices only" in result.counted[0].reason
    store = Store.memory()
    summary = store.import_documents(docs, annotator="x")
    assert (summary.documents_added, summary.documents_present, summary.spans_added) == (1, 1, 2)


def test_prodigy_span_text_must_match(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    task = {
        "text": "Hello world",
        "answer": "accept",
        "spans": [{"start": 0, "end": 5, "label": "X", "text": "Hullo"}],
    }
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="differs from the text"):
        read_paths([path])


# -- Label Studio -------------------------------------------------------------------------

LS_TEXT = 'The  minister said:\n"We will not back down." 😀 Jane Smith agreed.'


def _ls_region(ident: str, piece: str, label: str, text: str | None = None) -> dict:
    start, end = _at(LS_TEXT, piece)
    return {
        "id": ident,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": text or piece, "labels": [label]},
    }


def _ls_export(tmp_path: Path, tasks: list) -> Path:
    path = tmp_path / "project-1-at-2024.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_label_studio_export(tmp_path: Path) -> None:
    task = {
        "id": 1,
        "data": {"text": LS_TEXT, "title": "Standoff"},
        "annotations": [
            {
                "id": 9,
                "completed_by": 1,
                "created_username": " alice@example.com, 1",
                "result": [
                    # Label Studio collapsed the double space in its copy of the region's text
                    _ls_region("a", "The  minister", "actor", text="The minister"),
                    _ls_region("q", "We will not back down.", "quote"),
                    {
                        "id": "q",
                        "from_name": "note",
                        "to_name": "text",
                        "type": "textarea",
                        "value": {"start": 21, "end": 43, "text": ["defiant"]},
                    },
                    {
                        "id": "s",
                        "from_name": "sentiment",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["neg"]},
                    },
                    {
                        "from_id": "q",
                        "to_id": "a",
                        "type": "relation",
                        "direction": "right",
                        "labels": ["said_by"],
                    },
                ],
                "was_cancelled": False,
                "created_at": "2024-01-02T03:04:05Z",
            },
            {
                "id": 10,
                "completed_by": {"id": 2, "email": "bob@example.com"},
                "result": [
                    _ls_region("j", "Jane Smith", "actor"),
                    _ls_region("x", "agreed", "claim"),
                    {
                        "from_id": "j",
                        "to_id": "x",
                        "type": "relation",
                        "direction": "left",
                        "labels": [],
                    },
                ],
            },
            {"id": 11, "completed_by": 3, "was_cancelled": True, "result": []},
        ],
        "predictions": [{"model_version": "m1", "result": [_ls_region("p", "Jane Smith", "X")]}],
    }
    path = _ls_export(tmp_path, [task])
    result = read_sources(plan([path]))
    (doc,) = result.documents
    spans = {doc.text[s.start : s.end]: s for s in doc.spans}
    assert set(spans) == {"The  minister", "We will not back down.", "Jane Smith", "agreed"}
    assert spans["The  minister"].annotator == "alice@example.com"
    assert spans["Jane Smith"].annotator == "bob@example.com"
    assert spans["We will not back down."].note == "defiant"
    assert spans["The  minister"].created_at == "2024-01-02T03:04:05Z"
    by_id = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert sorted((by_id[r.source], by_id[r.target], r.label) for r in doc.relations) == [
        ("We will not back down.", "The  minister", "said_by"),
        ("agreed", "Jane Smith", "related"),  # drawn leftwards, with no label
    ]
    # issue 14: the choice is a document label (its control's name not kept, counted), and
    # the prediction of an annotated task is counted as left (both were ignored before)
    assert sorted((c.action, c.what, c.reason) for c in result.counted) == sorted(
        [
            (LEFT_OUT, "annotation", "cancelled (skipped) in Label Studio"),
            (CONVERTED, *labelstudio.CONTROL_NOT_KEPT),
            (LEFT_OUT, "prediction", "the task has annotations, and a model's guesses are "
             "imported only for a task nobody annotated"),
        ]
    )
    assert [(d.label, d.annotator) for d in doc.document_labels] == [
        ("neg", "alice@example.com")
    ]
    assert doc.meta.title == "Standoff" and doc.source_id == "1"


def test_label_studio_predictions_only_without_annotations(tmp_path: Path) -> None:
    task = {
        "id": 4,
        "data": {"text": LS_TEXT},
        "annotations": [],
        "predictions": [
            {
                "model_version": "ner-v2",
                "score": 0.9,
                "result": [_ls_region("p", "Jane Smith", "actor")],
            }
        ],
    }
    (doc,) = read_paths([_ls_export(tmp_path, [task])])
    assert [(s.label, s.annotator) for s in doc.spans] == [("actor", "prediction:ner-v2")]


def test_label_studio_json_min(tmp_path: Path) -> None:
    start, end = _at(LS_TEXT, "Jane Smith")
    task = {
        "id": 3,
        "text": LS_TEXT,
        "annotator": "carol@example.com",
        "label": [{"start": start, "end": end, "text": "Jane Smith", "labels": ["actor"]}],
    }
    (doc,) = read_paths([_ls_export(tmp_path, [task])])
    assert [(doc.text[s.start : s.end], s.annotator) for s in doc.spans] == [
        ("Jane Smith", "carol@example.com")
    ]


def test_label_studio_errors_name_the_line_of_the_task(tmp_path: Path) -> None:
    good = {"id": 1, "data": {"text": "Fine text."}, "annotations": []}
    bad = {
        "id": 2,
        "data": {"text": "Short."},
        "annotations": [
            {
                "result": [
                    {"id": "a", "type": "labels", "value": {"start": 0, "end": 50, "labels": ["X"]}}
                ]
            }
        ],
    }
    path = _ls_export(tmp_path, [good, bad])
    bad_line = path.read_text(encoding="utf-8").splitlines().index("  {", 2) + 1
    with pytest.raises(InputError, match="outside the text") as info:
        read_paths([path])
    assert info.value.line == bad_line


def test_label_studio_needs_an_array(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"data": {"text": "x"}}\n', encoding="utf-8")
    with pytest.raises(InputError):
        read_paths([path])
    path.write_text('"just a string"', encoding="utf-8")
    with pytest.raises(InputError, match="array of tasks"):
        read_paths([path])


def test_label_studio_export_leaves_out_relations_across_annotators(tmp_path: Path) -> None:
    store = Store.memory()
    from annotator.core.model import IncomingRelation, IncomingSpan

    doc = IncomingDocument(text="Ann said yes.", source_id="s", meta=_meta(), origin="t")
    doc.spans += [
        IncomingSpan(0, 3, "actor", id="s1", annotator="ann"),
        IncomingSpan(9, 12, "quote", id="s2", annotator="ben"),
    ]
    doc.relations.append(IncomingRelation("said_by", "s2", "s1", id="r", annotator="ben"))
    store.import_documents([doc], annotator="t")
    report = export(store, tmp_path / "ls.json", EXPORTS["labelstudio"])
    assert report.relations == 0 and "two annotators" in report.notes[0]
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert [a["created_username"] for a in tasks[0]["annotations"]] == ["ann", "ben"]


# -- brat ---------------------------------------------------------------------------------

BRAT_TEXT = '"We will not back down," she said, "not ever."\nJane Smith spoke.\n'


def _brat_pair(folder: Path, text: str, ann: str, name: str = "doc1") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return folder


def test_brat_standoff(tmp_path: Path) -> None:
    q1, q2 = _at(BRAT_TEXT, "We will not back down,"), _at(BRAT_TEXT, "not ever.")
    actor = _at(BRAT_TEXT, "Jane Smith")
    said = _at(BRAT_TEXT, "spoke")
    ann = (
        f"T1\tQuote {q1[0]} {q1[1]};{q2[0]} {q2[1]}\tWe will not back down, not ever.\n"
        f"T2\tActor {actor[0]} {actor[1]}\tJane Smith\n"
        f"T3\tStatement {said[0]} {said[1]}\tspoke\n"
        "R1\tAttribution Arg1:T1 Arg2:T2\n"
        "#1\tAnnotatorNotes T2\tthe minister\n"
        "A1\tConfidence T1 High\n"
        "N1\tReference T2 Wikidata:Q42\tDouglas Adams\n"
        "E1\tStatement:T3 Speaker:T2\n"
        "*\tEquiv T2 T3\n"
    )
    folder = _brat_pair(tmp_path / "brat", BRAT_TEXT, ann)
    sources = plan([folder])
    assert [(s.fmt, s.path.name, s.ann.name) for s in sources] == [("brat", "doc1.txt", "doc1.ann")]
    result = read_sources(sources)
    (doc,) = result.documents
    spans = [(doc.text[s.start : s.end], s.label, s.note) for s in doc.spans]
    confidence = "brat attribute A1: Confidence = High"
    assert spans == [
        ("We will not back down,", "Quote",
         f"part 1 of 2 of discontinuous brat annotation T1\n{confidence}"),
        ("not ever.", "Quote", f"part 2 of 2 of discontinuous brat annotation T1\n{confidence}"),
        ("Jane Smith", "Actor",
         "brat normalisation N1: Reference Wikidata:Q42 (Douglas Adams)\nthe minister"),
        ("spoke", "Statement", "trigger of brat event E1 (Statement)"),
    ]  # fmt: skip
    by_id = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert sorted((r.label, by_id[r.source], by_id[r.target]) for r in doc.relations) == [
        ("Attribution", "We will not back down,", "Jane Smith"),
        ("Attribution", "not ever.", "Jane Smith"),
        ("Equiv", "Jane Smith", "spoke"),
        ("Speaker", "spoke", "Jane Smith"),
    ]
    # Events, attributes, normalisations and equivalences are kept in another form, and
    # each such line is counted with what became of it.
    assert result.skipped == [] and len(result.counted) == 4
    assert all(c.action == CONVERTED and c.what.startswith("brat ") for c in result.counted)
    assert doc.meta.title == '"We will not back down," she said, "not ever."'


@pytest.mark.parametrize("crlf_as_one", [True, False])
def test_brat_crlf_texts_in_either_count(tmp_path: Path, crlf_as_one: bool) -> None:
    """brat#853: brat counts CRLF as one character; other writers count two. Both work."""
    text = "First line.\r\nJane Smith spoke.\r\n"
    basis = text.replace("\r\n", "\n") if crlf_as_one else text
    start, end = _at(basis, "Jane Smith")
    folder = _brat_pair(tmp_path / "b", text, f"T1\tActor {start} {end}\tJane Smith\n")
    (doc,) = read_paths([folder])
    (span,) = doc.spans
    assert "\r" not in doc.text and doc.text[span.start : span.end] == "Jane Smith"


@pytest.mark.parametrize(
    ("ann", "line", "reason"),
    [
        ("T1\tActor 0 5\tJane\n", 1, "differs from the text"),
        ("T1\tActor 0 500\tx\n", 1, "outside the text"),
        ("T1\tActor 0 4\tJane\nR1\tSaid Arg1:T1 Arg2:T9\n", 2, "T9"),
        ("T1\tActor 0 4\tJane\nX1\tfoo\n", 2, "not a brat annotation id"),
        ("T1\tActor zero 4\tJane\n", 1, "are not 'START END'"),
    ],
)
def test_brat_bad_lines_name_the_ann_file_and_line(
    tmp_path: Path, ann: str, line: int, reason: str
) -> None:
    folder = _brat_pair(tmp_path / "b", "Jane spoke.\n", ann)
    with pytest.raises(InputError, match=reason) as info:
        read_paths([folder])
    assert info.value.path == str(folder / "doc1.ann") and info.value.line == line


def test_brat_export_folder_opens_in_brat(source_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "brat-out"
    with Store.open(source_db, create=False) as store:
        export(store, out, EXPORTS["brat"])
    names = sorted(p.name for p in out.iterdir())
    assert "annotation.conf" in names and len([n for n in names if n.endswith(".ann")]) == 3
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]" in conf and "said_by\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    # Read as brat's parser reads it (tests/brat_rules.py): spans across lines are fragments.
    assert folder_problems(out) == {ann.name: [] for ann in out.glob("*.ann")}


def test_brat_export_replaces_its_own_folder_but_no_other(source_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "brat-out"
    with Store.open(source_db, create=False) as store:
        export(store, out, EXPORTS["brat"])
        (out / "stale.ann").write_text("", encoding="utf-8")
        export(store, out, EXPORTS["brat"])  # an earlier export is replaced whole
        assert not (out / "stale.ann").exists()
        mine = tmp_path / "my-folder"
        mine.mkdir()
        (mine / "thesis.txt").write_text("keep me", encoding="utf-8")
        with pytest.raises(AnnotatorError, match="holds other files"):
            export(store, mine, EXPORTS["brat"])
        assert (mine / "thesis.txt").read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["codepoint", "utf16", "utf8"])
def test_csv_lists_every_span_for_spreadsheets(source_db: Path, tmp_path: Path, unit: str) -> None:
    out = tmp_path / "spans.csv"
    with Store.open(source_db, create=False) as store:
        report = export(store, out, EXPORTS["csv"], unit=unit)
        texts = {d: store.document(d).text for d in store.document_ids()}
        expected = spans_of(store)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert list(rows[0]) == [
        "document_id",
        "title",
        "span_id",
        "label",
        "start",
        "end",
        "text",
        "annotator",
        "note",
        "created_at",
    ]
    assert len(rows) == report.spans == sum(expected.values())
    encoding, width = {
        "codepoint": ("utf-32-le", 4),
        "utf16": ("utf-16-le", 2),
        "utf8": ("utf-8", 1),
    }[unit]
    for row in rows:
        data = texts[row["document_id"]].encode(encoding)
        start, end = int(row["start"]) * width, int(row["end"]) * width
        assert data[start:end].decode(encoding) == row["text"]
    assert "relation(s) not in the CSV" in report.notes[0]


# -- filters and options ------------------------------------------------------------------


def test_filters_by_label_and_annotator(source_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    with Store.open(source_db, create=False) as store:
        export(
            store,
            out,
            EXPORTS["jsonl"],
            selection=Selection(
                labels=frozenset({"quote", "actor", "said_by"}), annotators=frozenset({"alice"})
            ),
        )
        records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
        assert len(records) == store.document_count()  # documents stay, annotations filter
    spans = [(s["label"], s["annotator"]) for r in records for s in r["spans"]]
    assert sorted(set(spans)) == [("actor", "alice"), ("quote", "alice")]
    assert [r["label"] for rec in records for r in rec["relations"]] == ["said_by"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"selection": Selection(labels=frozenset({"claimz"}))}, "unknown label"),
        ({"selection": Selection(annotators=frozenset({"zed"}))}, "no spans or relations by zed"),
        ({"unit": "utf16"}, "counts offsets in codepoint"),
    ],
)
def test_bad_export_options_write_nothing(
    source_db: Path, tmp_path: Path, options: dict, message: str
) -> None:
    out = tmp_path / "never.json"
    with Store.open(source_db, create=False) as store, pytest.raises(AnnotatorError, match=message):
        export(store, out, EXPORTS["labelstudio"], **options)
    assert not out.exists()


def test_format_detection(tmp_path: Path) -> None:
    files = {
        "native.jsonl": {"text": "a", "spans": [], "meta": {}},
        "doccano.jsonl": {"text": "a", "label": []},
        "prodigy.jsonl": {"text": "a", "spans": [], "_input_hash": 1},
        "doccano-as.json": {"text": "a", "entities": []},
    }
    for name, record in files.items():
        (tmp_path / name).write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "ls.json").write_text("[]", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "article.md").write_text("# Title\n", encoding="utf-8")
    found = {s.path.name: s.fmt for s in plan([tmp_path])}
    assert found == {
        "article.md": "text",
        "doccano-as.json": "doccano",
        "doccano.jsonl": "doccano",
        "ls.json": "labelstudio",
        "native.jsonl": "jsonl",
        "page.html": "html",
        "prodigy.jsonl": "prodigy",
    }


def test_lenient_reading_collects_rejects_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"text": "good one", "label": [[0, 4, "X"]]}\n'
        b'{"text": "bad", "label": [[0, 9, "X"]]}\n'
        b"not json\n"
        b'{"text": "caf\xe9"}\n'
        b'{"text": "good two", "label": []}\n'
    )
    result = read_sources(plan([path], "doccano"), skip_invalid=True)
    assert [d.text for d in result.documents] == ["good one", "good two"]
    assert [(r.line, r.reason.split(" ")[0]) for r in result.rejected] == [
        (2, "label[0]:"),
        (3, "not"),
        (4, "is"),
    ]
    assert all(isinstance(r, Rejected) and r.record for r in result.rejected)
    assert not any(isinstance(r, Skipped) for r in result.rejected)


def test_a_duplicate_span_in_one_record_is_dropped_and_a_clashing_id_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text(
        json.dumps({"text": "Same same", "label": [[0, 4, "X"], [0, 4, "X"]]}) + "\n",
        encoding="utf-8",
    )
    (doc,) = read_paths([path])
    assert len(doc.spans) == 1
    clash = tmp_path / "clash.jsonl"
    clash.write_text(
        json.dumps(
            {
                "text": "Same same",
                "spans": [
                    {"id": "s", "start": 0, "end": 4, "label": "X"},
                    {"id": "s", "start": 5, "end": 9, "label": "X"},
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="span id 's' is used for two spans") as info:
        read_paths([clash])
    assert info.value.line == 1


def test_labelstudio_and_prodigy_modules_detect_their_own(tmp_path: Path) -> None:
    assert prodigy.looks_like({"text": "x", "answer": "accept"})
    assert not prodigy.looks_like({"text": "x", "spans": []})
    assert doccano.looks_like({"text": "x", "label": []})
    assert IMPORTS["labelstudio"].suffixes == (".json",) and brat.UNIT == "codepoint"


# -- HTML news pages ----------------------------------------------------------------------

PARAGRAPH = (
    "The minister said on Tuesday that the plan would go ahead despite objections from the "
    "opposition and several regional leaders, who called it rushed."
)
PAGE = """<!DOCTYPE html>
<!-- saved from url=(0040)https://news.example.org/2024/03/plan -->
<html lang="en"><head><meta charset="utf-8">
<title>Plan goes ahead | The Daily</title>
<meta name="author" content="Jane Roe">
<meta property="og:site_name" content="The Daily">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li></ul></nav>
<div class="advert">SPECIAL OFFER: subscribe today for 1 euro</div>
<article><h1>Plan goes ahead</h1>
<p>{p}</p>
<p>"We will not back down," she told reporters. Family: 👩‍👩‍👧. Persian: می‌خواهم.</p>
<p>Critics said the plan would cost more than twice the official estimate.</p>
</article>
<aside class="related"><h3>Related</h3><a href="/x">Another story entirely</a></aside>
<footer>Copyright 2020 The Daily. All rights reserved.</footer>
</body></html>
"""


def test_html_news_page_keeps_the_article_and_its_metadata(tmp_path: Path) -> None:
    path = tmp_path / "plan.html"
    path.write_text(PAGE.replace("{p}", PARAGRAPH), encoding="utf-8")
    (doc,) = read_paths([path])
    assert PARAGRAPH in doc.text
    assert "Critics said the plan" in doc.text
    for chrome in ("SPECIAL OFFER", "World news", "Another story", "All rights reserved"):
        assert chrome not in doc.text
    # trafilatura alone would drop the zero-width joiner and non-joiner
    assert "👩\u200d👩\u200d👧" in doc.text and "می\u200cخواهم" in doc.text
    meta = doc.meta
    assert (meta.author, meta.published, meta.source) == ("Jane Roe", "2024-03-05", "The Daily")
    assert meta.title == "Plan goes ahead"
    assert meta.url == "https://news.example.org/2024/03/plan" == doc.source_id


def test_html_in_a_legacy_encoding(tmp_path: Path) -> None:
    page = (
        PAGE.replace('charset="utf-8"', 'charset="windows-1251"')
        .replace(
            "{p}",
            "Министр заявил во вторник, что план будет выполнен несмотря на возражения "
            "оппозиции и нескольких региональных лидеров страны.",
        )
        .replace("👩‍👩‍👧", "")
        .replace("می‌خواهم", "")
    )
    path = tmp_path / "ru.htm"
    path.write_bytes(page.encode("cp1251"))
    (doc,) = read_paths([path])
    assert "Министр заявил во вторник" in doc.text


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>",
        "",
    ],
)
def test_a_page_without_an_article_is_an_error_naming_the_file(tmp_path: Path, page: str) -> None:
    path = tmp_path / "index.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_paths([path])
    assert info.value.path == str(path)
