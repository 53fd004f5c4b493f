"""The suggestion layer in the store (issue 17, points 1 and 5): kept apart from the data,
rejections remembered by content, accepting makes ordinary spans and links with provenance."""

from __future__ import annotations

import pytest

from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.store import Store
from annotator.store.errors import StoreError

TEXT = "“We will not back down,” said Sergei Lavrov. Lavrov — 🙂 — left.\r\nPutin agreed."


def _doc(store: Store) -> str:
    store.import_documents(
        [IncomingDocument(TEXT, "a", DocumentMeta(title="A"), "test", id="doc-a")],
        annotator="import",
    )
    return "doc-a"


def _run(name: str = "rules") -> Suggestions:
    q0, q1 = 0, TEXT.index(",”") + 2
    a0 = TEXT.index("Sergei")
    a1 = a0 + len("Sergei Lavrov")
    l0 = TEXT.index("Lavrov —")
    return Suggestions(
        name,
        spans=[
            SuggestedSpan("q", q0, q1, "quote", 0.9, "opening quote mark at 0"),
            SuggestedSpan("a", a0, a1, "actor", 0.8, "after 'said'"),
            SuggestedSpan("l", l0, l0 + 6, "actor", 0.7, "surname of Sergei Lavrov"),
        ],
        links=[SuggestedLink("said_by", "q", "a", 0.85, "verb 'said', speaker after the quote")],
    )


def _by_label(store: Store, doc: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for s in store.suggestions(doc):
        out.setdefault(s.label, []).append(s)
    return out


def test_suggestions_are_kept_apart_and_texts_are_exact(store: Store) -> None:
    doc = _doc(store)
    result = store.replace_suggestions(doc, _run())
    assert (result.added_spans, result.added_links) == (3, 1)
    assert store.spans(doc) == [] and store.relations(doc) == []
    for s in store.suggestions(doc):
        if s.is_span:
            assert TEXT[s.start:s.end] == s.text
    assert _by_label(store, doc)["said_by"][0].reason.startswith("verb 'said'")


def test_a_new_run_replaces_pending_but_never_brings_back_a_rejection(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    surname = _by_label(store, doc)["actor"][1]
    assert surname.text == "Lavrov"
    store.reject_suggestion(surname.id)
    assert len(store.suggestions(doc)) == 3
    again = store.replace_suggestions(doc, _run())
    assert again.replaced == 3 and again.rejected_before == 1
    assert [s.text for s in store.suggestions(doc) if s.label == "actor"] == ["Sergei Lavrov"]
    # another suggester's run is not touched by this one's
    store.replace_suggestions(doc, Suggestions("model", spans=[SuggestedSpan("x", 0, 3, "claim", 0.5, "")]))
    store.replace_suggestions(doc, _run())
    assert {s.suggester for s in store.suggestions(doc)} == {"rules", "model"}


def test_rejecting_a_link_is_remembered_by_its_ends_content(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    link = _by_label(store, doc)["said_by"][0]
    store.reject_suggestion(link.id)
    assert "said_by" not in _by_label(store, doc)
    result = store.replace_suggestions(doc, _run())
    assert result.added_links == 0 and result.rejected_before == 1


def test_accepting_makes_a_span_with_provenance_and_undo_puts_it_back(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    actor = _by_label(store, doc)["actor"][0]
    change = store.accept_suggestion(actor.id, "alice")
    [span] = store.spans(doc)
    assert (span.start, span.end, span.label, span.annotator) == (actor.start, actor.end, "actor", "alice")
    assert TEXT[span.start:span.end] == span.text == "Sergei Lavrov"
    prov = store.provenance(span.id)
    assert prov.suggester == "rules" and prov.reason == "after 'said'"
    # the quote's link now points at the accepted span
    link = _by_label(store, doc)["said_by"][0]
    assert link.target == "span:" + span.id
    store.undo_suggestion_change(change)
    assert store.spans(doc) == [] and store.provenance(span.id) is None
    assert _by_label(store, doc)["said_by"][0].target == actor.id
    store.redo_suggestion_change(change)
    assert [s.id for s in store.spans(doc)] == [span.id]


def test_accepting_a_link_accepts_its_spans_in_one_step(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    link = _by_label(store, doc)["said_by"][0]
    change = store.accept_suggestion(link.id, "alice")
    spans = {s.label: s for s in store.spans(doc)}
    assert set(spans) == {"quote", "actor"}
    [rel] = store.relations(doc)
    assert (rel.label, rel.source, rel.target) == ("said_by", spans["quote"].id, spans["actor"].id)
    assert store.provenance(rel.id).suggester == "rules"
    assert [s.text for s in store.suggestions(doc)] == ["Lavrov"]
    store.undo_suggestion_change(change)
    assert store.spans(doc) == [] and store.relations(doc) == []
    assert len(store.suggestions(doc)) == 4


def test_accept_with_another_label_remembers_the_suggested_one_as_rejected(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    quote = _by_label(store, doc)["quote"][0]
    store.accept_suggestion(quote.id, "alice", label="claim")
    [span] = store.spans(doc)
    assert span.label == "claim"
    store.replace_suggestions(doc, _run())
    assert "quote" not in _by_label(store, doc)
    with pytest.raises(StoreError, match="not in the scheme"):
        store.accept_suggestion(_by_label(store, doc)["actor"][0].id, "alice", label="nonsense")


def test_accept_all_of_a_kind_is_one_change(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    change = store.accept_suggestions_of(doc, "actor", "alice")
    assert sorted(s.text for s in store.spans(doc)) == ["Lavrov", "Sergei Lavrov"]
    assert {s.label for s in store.suggestions(doc)} == {"quote", "said_by"}
    store.undo_suggestion_change(change)
    assert store.spans(doc) == []


def test_a_suggestion_already_marked_is_not_shown_to_that_annotator(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    actor = _by_label(store, doc)["actor"][0]
    store.accept_suggestion(actor.id, "alice")
    store.replace_suggestions(doc, _run())  # the run suggests the accepted span again
    mine = store.suggestions(doc, "alice")
    assert [s.text for s in mine if s.label == "actor"] == ["Lavrov"]
    [link] = [s for s in mine if s.label == "said_by"]
    [span] = store.spans(doc)
    assert link.target == "span:" + span.id
    change = store.accept_suggestion(link.id, "alice")
    assert len(store.spans(doc)) == 2 and len(change.spans) == 1  # no second "Sergei Lavrov"


def test_bad_runs_are_refused_whole(store: Store) -> None:
    doc = _doc(store)
    store.replace_suggestions(doc, _run())
    bad = Suggestions("rules", spans=[SuggestedSpan("q", 0, len(TEXT) + 1, "quote", 1, "")])
    with pytest.raises(StoreError, match="outside the article"):
        store.replace_suggestions(doc, bad)
    assert len(store.suggestions(doc)) == 4  # nothing changed
    with pytest.raises(StoreError, match="no longer pending"):
        store.accept_suggestion("nope", "alice")


def test_a_link_the_scheme_refuses_changes_nothing(store: Store) -> None:
    doc = _doc(store)
    made = _run()
    made.links.append(SuggestedLink("claimed_by", "q", "a", 0.5, "wrong type for a quote"))
    store.replace_suggestions(doc, made)
    wrong = next(s for s in store.suggestions(doc) if s.label == "claimed_by")
    before = store.suggestions(doc)
    with pytest.raises(StoreError, match="cannot be made"):
        store.accept_suggestion(wrong.id, "alice")
    assert store.spans(doc) == [] and store.suggestions(doc) == before  # not half-accepted


def test_export_layer_suggestions_by_label_to_standard_output(tmp_path) -> None:
    import orjson
    from click.testing import CliRunner

    from annotator.cli import main

    path = tmp_path / "a.db"
    with Store.open(path) as store:
        doc = _doc(store)
        store.replace_suggestions(doc, _run())
    out = CliRunner().invoke(main, ["export", str(path), "--layer", "suggestions", "--label",
                                    "actor", "-o", "-"])  # fmt: skip
    assert out.exit_code == 0, out.output
    (record,) = [orjson.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert sorted(s["text"] for s in record["spans"]) == ["Lavrov", "Sergei Lavrov"]
    assert record["relations"] == []  # its quote end is left out by --label
    assert all(s["suggester"] == "rules" and s["reason"] for s in record["spans"])
