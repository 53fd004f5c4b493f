"""brat standoff, issue 14: events, attributes and notes on them (8), a second annotator's
``.ann`` (10), and an export brat's own parser reads (12).

The inputs are small files of the shapes brat itself writes, from nlplab/brat's
example-data (each test names the file). The export is checked with the rules of brat's
parser, written out in tests/brat_rules.py.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.formats import EXPORTS
from annotator.formats.brat_write import ann_text
from annotator.formats.export_types import ExportDocument, Selection
from annotator.formats.exporting import export
from annotator.formats.importing import import_files
from annotator.store import Store
from brat_rules import folder_problems, problems
from conftest import SEED


def _pair(folder: Path, name: str, text: str, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{name}.txt"


def _spans(store: Store) -> list[tuple[str, str, str, str | None]]:
    out = []
    for doc_id in store.document_ids():
        text = store.document(doc_id).text
        out += [(text[s.start : s.end], s.label, s.annotator, s.note) for s in store.spans(doc_id)]
    return sorted(out, key=lambda s: (s[2], s[0], s[1]))


def _relations(store: Store) -> list[tuple[str, str, str, str]]:
    out = []
    for doc_id in store.document_ids():
        by_id = {s.id: s.text for s in store.spans(doc_id)}
        out += [
            (r.label, by_id[r.source], by_id[r.target], r.annotator)
            for r in store.relations(doc_id)
        ]
    return sorted(out)


# -- 8: events, attributes, normalisations, notes on them ---------------------------------

# The shapes of example-data/tutorials/bio/110-note_annotation.ann and
# 100-attribute_annotation.ann (a note and an attribute on an event), news/090-event_structures
# .ann (an event argument that is an event defined further down, a numbered role), news/
# 000-introduction.ann (a normalisation) and corpora/BioNLP-ST_2011_GE (an M line, Equiv).
EVENT_TEXT = "Reuters reported that Google and YouTube merged. P53 is p53.\n"


def _at(piece: str) -> tuple[int, int]:
    start = EVENT_TEXT.index(piece)
    return start, start + len(piece)


EVENT_ANN = "".join(
    f"{line}\n"
    for line in (
        "T1\tOrganization {} {}\tReuters".format(*_at("Reuters")),
        "T2\tReport {} {}\treported".format(*_at("reported")),
        "E2\tReport:T2 Reporter-Arg:T1 Event-Arg:E1",
        "T3\tOrganization {} {}\tGoogle".format(*_at("Google")),
        "T4\tOrganization {} {}\tYouTube".format(*_at("YouTube")),
        "T5\tMerge-org {} {}\tmerged".format(*_at("merged")),
        "E1\tMerge-org:T5 Org-Arg:T3 Org-Arg2:T4",
        "A1\tConfidence E1 Possible",
        "M1\tNegation E2",
        "#1\tAnnotatorNotes E1\tOne merge event or two?",
        "#2\tAnnotatorNotes A1\tunsure",
        "N1\tReference T3 Wikipedia:1092923\tGoogle",
        "T6\tProtein {} {}\tP53".format(*_at("P53")),
        "T7\tProtein {} {}\tp53".format(*_at("p53")),
        "*\tEquiv T6 T7",
        "#3\tAnnotatorNotes T6\tcheck the case",
    )
)


def test_events_attributes_and_notes_on_them_import_and_are_counted(tmp_path: Path) -> None:
    txt = _pair(tmp_path / "bio", "note", EVENT_TEXT, EVENT_ANN)
    report = import_files(tmp_path / "a.db", [txt], annotator="alice")  # strict: nothing refused
    assert report.rejected == []
    assert report.skipped == []  # every line was kept, in another form: counted as converted
    assert (
        "2 brat event (E) line(s) converted: kept as its trigger span and one link per "
        "argument" in report.describe()
    )
    whats = Counter()
    for c in report.counted:
        whats[c.what] += c.count
    assert whats == {
        "brat event (E) line": 2,
        "brat attribute (A) line": 1,
        "brat attribute (M) line": 1,
        "brat normalisation (N) line": 1,
        "brat equivalence (*) line": 1,
        "brat AnnotatorNotes on an event or attribute": 2,  # on E1 and on A1
    }
    assert [c.line for c in report.counted if c.what.startswith("brat event")] == [3, 7]
    with Store.open(tmp_path / "a.db") as store:
        spans = {s[0]: s for s in _spans(store)}
        assert set(spans) == {"Reuters", "reported", "Google", "YouTube", "merged", "P53", "p53"}
        assert spans["merged"][3] == (
            "trigger of brat event E1 (Merge-org)\n"
            "brat attribute A1: Confidence = Possible (on brat event E1)\n"
            "One merge event or two? (on brat event E1)\n"
            "unsure (on brat A1)"
        )
        assert spans["reported"][3] == (
            "trigger of brat event E2 (Report)\nbrat attribute M1: Negation (on brat event E2)"
        )
        assert spans["Google"][3] == "brat normalisation N1: Reference Wikipedia:1092923 (Google)"
        assert spans["P53"][3] == "check the case"
        # One link per argument, from the trigger, labelled by the role without brat's repeat
        # number; an event argument (E1, defined further down) stands for its trigger.
        assert _relations(store) == [
            ("Equiv", "P53", "p53", "alice"),
            ("Event-Arg", "reported", "merged", "alice"),
            ("Org-Arg", "merged", "Google", "alice"),
            ("Org-Arg", "merged", "YouTube", "alice"),
            ("Reporter-Arg", "reported", "Reuters", "alice"),
        ]
        notes = {
            r.note for d in store.document_ids() for r in store.relations(d) if r.label != "Equiv"
        }
        assert "argument Org-Arg2 of brat event E1 (Merge-org)" in notes


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("#9\tAnnotatorNotes E7\tno such event", "E7, which is not in this file"),
        ("E9\tReport:T1 Reporter-Arg:T3", "type Report differs from its trigger T1's label"),
        ("A9\tConfidence T99 High", "T99, which is not in this file"),
        ("N9\tReference T3 no-database-id", "expected 'Type ID DATABASE:ID'"),
    ],
)
def test_a_wrong_event_or_attribute_line_names_its_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    txt = _pair(tmp_path, "doc", EVENT_TEXT, EVENT_ANN + line + "\n")
    with pytest.raises(InputError, match=reason) as info:
        import_files(tmp_path / "a.db", [txt], annotator="alice")
    assert info.value.line == EVENT_ANN.count("\n") + 1
    assert not (tmp_path / "a.db").exists()


# -- 10: a second annotator's .ann of the same text ---------------------------------------

PARIS = "Alice met Bob in Paris.\n"


def test_a_second_annotators_ann_imports_as_their_work(tmp_path: Path) -> None:
    # brat numbers T1, T2... per file: both files use T1, for the same span and for another.
    alice = _pair(tmp_path / "alice", "doc", PARIS, "T1\tPER 0 5\tAlice\nT2\tPER 10 13\tBob\n")
    bob = _pair(tmp_path / "bob", "doc", PARIS, "T1\tPER 0 5\tAlice\nT2\tLOC 17 22\tParis\n")
    db = tmp_path / "r.db"
    import_files(db, [alice], annotator="alice")
    report = import_files(db, [bob], annotator="bob")
    assert report.summary.documents_present == 1 and report.summary.spans_added == 2
    again = import_files(db, [alice], annotator="alice")  # the same file: nothing new
    assert again.summary.spans_added == 0 and again.summary.spans_present == 2
    with Store.open(db) as store:
        assert [(s[0], s[1], s[2]) for s in _spans(store)] == [
            ("Alice", "PER", "alice"),
            ("Bob", "PER", "alice"),
            ("Alice", "PER", "bob"),
            ("Paris", "LOC", "bob"),
        ]
        out = tmp_path / "bob-out"
        export(store, out, EXPORTS["brat"], selection=Selection(annotators=frozenset({"bob"})))
    assert (out / "doc.ann").read_text(encoding="utf-8") == (
        "T1\tPER 0 5\tAlice\nT2\tLOC 17 22\tParis\n"
    )


# -- 12: the export, as brat's parser reads it --------------------------------------------


def _store_with(tmp_path: Path, docs: list[IncomingDocument]) -> Store:
    store = Store.open(tmp_path / "x.db")
    store.import_documents(docs, annotator="alice")
    return store


def _doc(text: str, source_id: str, spans, relations=(), title: str = "") -> IncomingDocument:
    return IncomingDocument(
        text=text,
        source_id=source_id,
        meta=DocumentMeta(title=title),
        origin="test",
        spans=list(spans),
        relations=list(relations),
    )


# The smallest case: a quote across a line break.
QUOTE_TEXT = 'He said "We will win.\nThen we go home." Jane\u2028Smith agreed.\n\nDone.\n'


def _span(text: str, piece: str, label: str, ident: str, note: str | None = None):
    start = text.index(piece)
    return IncomingSpan(start, start + len(piece), label, id=ident, note=note)


def test_a_span_across_line_breaks_is_written_as_fragments(tmp_path: Path) -> None:
    spans = [
        _span(QUOTE_TEXT, "We will win.\nThen we go home.", "quote", "q", note="line 1\nline 2"),
        _span(QUOTE_TEXT, "Jane\u2028Smith", "actor", "a"),  # a break str.splitlines knows
        _span(QUOTE_TEXT, "agreed.\n\nDone.", "claim", "c"),  # a paragraph break
    ]
    rel = IncomingRelation("said_by", "q", "a", id="r")
    with _store_with(tmp_path, [_doc(QUOTE_TEXT, "24359228.txt", spans, [rel])]) as store:
        out = tmp_path / "out"
        report = export(store, out, EXPORTS["brat"])
        # The source's document name is kept.
        assert sorted(p.name for p in out.iterdir()) == [
            ".annotator-export", "24359228.ann", "24359228.txt", "annotation.conf"
        ]  # fmt: skip
        assert (out / "24359228.ann").read_text(encoding="utf-8") == (
            "T1\tquote 9 21;22 38\tWe will win. Then we go home.\n"
            "T2\tactor 40 44;45 50\tJane Smith\n"
            "T3\tclaim 51 58;60 65\tagreed. Done.\n"
            "R1\tsaid_by Arg1:T1 Arg2:T2\n"
            "#1\tAnnotatorNotes T1\tline 1\n"
            "#2\tAnnotatorNotes T1\tline 2\n"
        )
        assert folder_problems(out) == {"24359228.ann": []}
        assert any("3 span(s) across line breaks written as fragments" in n for n in report.notes)
        # Imported again, the fragments are one span each, the note is whole.
        back = tmp_path / "back.db"
        import_files(back, [out], annotator="alice")
        with Store.open(back) as again:
            assert _spans(again) == _spans(store)
            assert _relations(again) == _relations(store)


def test_the_rules_catch_what_brat_refuses() -> None:
    """The checker is no rubber stamp: the export of before issue 14 fails it."""
    text = "We will win.\nThen we go home.\n"
    assert problems(text, "T1\tquote 0 29\tWe will win. Then we go home.\n") != []
    assert problems(text, "T1\tquote 0 12;13 29\tWe will win. Then we go home.\n") == []
    assert problems(text, "T1\tquote 0 12\tWe will win.\nR1\tsaid Arg1:T1 Arg2:T2\n") != []
    assert problems(text, "T1\tquote 0 12\tWe will win.\n#1\tAnnotatorNotes T5\tx\n") != []
    assert problems(text, "T1\tquote 0 12\tWe will win.\nT1\tquote 0 2\tWe\n") != []
    # brat's overlap test refuses a fragment that ends where an earlier one starts
    assert problems(text, "T1\tquote 5 12;0 5\till win We wi\n") != []


def test_discontinuous_parts_are_written_back_as_one_t_line(tmp_path: Path) -> None:
    # example-data/tutorials/news/050-editing_text_span_annotations.ann shape: a quote with the
    # "she said" left out, a relation to it and a note on it.
    text = '"We will not back down," she said, "not ever."\nJane Smith spoke.\n'
    ann = (
        "T3\tQuote 1 23;36 45\tWe will not back down, not ever.\n"
        "T4\tActor 47 57\tJane Smith\n"
        "R1\tAttribution Arg1:T3 Arg2:T4\n"
        "#1\tAnnotatorNotes T3\tdefiant\n"
    )
    txt = _pair(tmp_path / "in", "doc", text, ann)
    db = tmp_path / "d.db"
    import_files(db, [txt], annotator="alice")
    with Store.open(db) as store:
        assert len(_spans(store)) == 3 and len(_relations(store)) == 2  # one per part
        out = tmp_path / "out"
        report = export(store, out, EXPORTS["brat"])
    assert (out / "doc.ann").read_text(encoding="utf-8") == (
        "T1\tQuote 1 23;36 45\tWe will not back down, not ever.\n"
        "T2\tActor 47 57\tJane Smith\n"
        "R1\tAttribution Arg1:T1 Arg2:T2\n"
        "#1\tAnnotatorNotes T1\tdefiant\n"
    )
    assert folder_problems(out) == {"doc.ann": []}
    assert any("2 span(s) imported as parts of 1 discontinuous" in n for n in report.notes)


def test_documents_without_a_file_name_keep_a_title_slug(tmp_path: Path) -> None:
    docs = [
        _doc("First text.\n", "https://example.com/news/1", [], title="Lavrov warns NATO"),
        _doc("Second text.\n", "a.txt", []),
        _doc("Third text.\n", "A.html", []),  # the same name on a case-blind file system
    ]
    with _store_with(tmp_path, docs) as store:
        out = tmp_path / "out"
        export(store, out, EXPORTS["brat"])
        ids = {store.document(d).source_id: d for d in store.document_ids()}
    names = sorted(p.stem for p in out.glob("*.txt"))
    assert names == sorted(
        ["a", f"A-{ids['A.html'][:8]}", f"lavrov-warns-nato-{ids[docs[0].source_id][:8]}"]
    )


def test_the_sample_article_with_a_quote_across_a_paragraph_break(tmp_path: Path) -> None:
    """The issue's "done when": the sample article, a quote across its paragraph break and
    links, exported in a form brat's parser reads."""
    text = SEED.read_text(encoding="utf-8")
    quote = (
        "It is precisely at such a moment when a chance has emerged to start solving specific"
        "\n\nproblems between Kiev and the militias"
    )
    spans = [
        _span(text, quote, "quote", "q"),
        _span(text, "Lavrov said at talks", "actor", "lavrov"),
        _span(text, "Putin unveiled", "actor", "putin"),
    ]
    relations = [
        IncomingRelation("said_by", "q", "lavrov", id="r1"),
        IncomingRelation("said_by", "q", "putin", id="r2"),  # a said_by joins quote → actor
    ]
    with _store_with(tmp_path, [_doc(text, SEED.name, spans, relations)]) as store:
        out = tmp_path / "out"
        export(store, out, EXPORTS["brat"])
    ann = (out / SEED.with_suffix(".ann").name).read_text(encoding="utf-8")
    assert folder_problems(out) == {SEED.with_suffix(".ann").name: []}
    (quote_line,) = [line for line in ann.splitlines() if "\tquote " in line]
    assert quote_line.count(";") == 1 and quote_line.endswith(quote.replace("\n\n", " "))
    assert sum(line.startswith("R") for line in ann.splitlines()) == 2


def test_ann_text_alone_checks_labels() -> None:
    """ann_text is what the writer calls per document; a label with a space is refused."""
    from annotator.core.errors import AnnotatorError
    from annotator.core.model import Document, Span

    doc = Document("d", "Jane spoke.\n", "", "", DocumentMeta(), "")
    span = Span("s", "d", 0, 4, "an actor", "Jane", "a", "", "")
    with pytest.raises(AnnotatorError, match="cannot hold spaces"):
        ann_text(ExportDocument(doc, [span], []))
