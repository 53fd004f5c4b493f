"""Label Studio imports of issue 14: what a real export holds is kept, or counted as left.

The inputs are small tasks of the shapes Label Studio writes (its JSON export, see
/work/shared/FORMATS.md 3.3), written here; where a shape comes from one of Label Studio's own
files, the comment names it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.errors import AnnotatorError, InputError
from annotator.formats import labelstudio
from annotator.formats.importing import import_files
from annotator.formats.reading import plan, read_sources
from annotator.formats.records import CONVERTED, LEFT_OUT
from annotator.store import Store

# Label Studio's e2e fixture (web/libs/editor/tests/e2e: an emoji text with a region across
# the line break, whose value.text writes that break as a backslash and an "n").
EMOJI_TEXT = "🐱 Warning:\n🐱 This is a test text"


def _region(ident: str, start: int, end: int, text: str | None, label: str = "actor") -> dict:
    value: dict = {"start": start, "end": end, "labels": [label]}
    if text is not None:
        value["text"] = text
    return {
        "id": ident,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": value,
    }


def _task(data: dict, result: list, **more) -> dict:
    return {
        "id": 7,
        "data": data,
        "annotations": [{"id": 70, "created_username": "alice", "result": result}],
        **more,
    }


def _write(tmp_path: Path, tasks: list, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def counts(result) -> list[tuple[str, str, str]]:
    """What the reader counted, as (action, what, reason)."""
    return [(c.action, c.what, c.reason) for c in result.counted]


def _read(path: Path, **options):
    return read_sources(plan([path]), **options)


# -- item 6: a line break written differently in value.text -------------------------------


def test_region_whose_text_writes_the_line_break_as_backslash_n_is_imported(tmp_path) -> None:
    claimed = EMOJI_TEXT[2:27].replace("\n", "\\n")
    assert claimed == "Warning:\\n🐱 This is a test"
    path = _write(tmp_path, [_task({"text": EMOJI_TEXT}, [_region("r", 2, 27, claimed)])])
    result = _read(path)
    (doc,) = result.documents
    (span,) = doc.spans
    assert doc.text[span.start : span.end] == EMOJI_TEXT[2:27]  # the text at the offsets
    assert result.skipped == [] and counts(result) == [
        (CONVERTED, "region", "its value.text writes a line break differently (the text at "
         "its offsets is kept)")
    ]


@pytest.mark.parametrize(
    ("text", "claimed"),
    [
        ("Line one.\r\nLine two.", "one.\nLine"),  # the file has CRLF, the copy LF
        ("Line one.\nLine two.", "one.\\r\\nLine"),  # the copy escapes a CRLF
    ],
)
def test_crlf_against_lf_in_value_text_is_imported(tmp_path, text, claimed) -> None:
    start = text.index("one")
    end = text.index("Line", start) + 4
    path = _write(tmp_path, [_task({"text": text}, [_region("r", start, end, claimed)])])
    (doc,) = _read(path).documents
    (span,) = doc.spans
    assert doc.text[span.start : span.end] == text[start:end].replace("\r\n", "\n")


@pytest.mark.parametrize(
    "claimed",
    ["Warning:\\n🐱 This is a TEST", "Warning:\\t🐱 This is a test", "Warning:🐱 This is a test"],
)
def test_any_other_difference_in_value_text_still_refuses(tmp_path, claimed) -> None:
    path = _write(tmp_path, [_task({"text": EMOJI_TEXT}, [_region("r", 2, 27, claimed)])])
    with pytest.raises(InputError, match="differs from the text at its offsets"):
        _read(path)


# -- item 7: the text field ----------------------------------------------------------------

ORIGIN = (
    "The minister said the plan would go ahead, and critics said it would cost far more "
    "than the two billion promised."
)


def _origin_task() -> dict:
    start = ORIGIN.index("The minister")
    return _task(
        {"about_origin": ORIGIN, "lang": "en", "url": "https://news.example/a"},
        [_region("m", start, start + len("The minister"), "The minister")],
    )


def test_the_one_long_text_field_is_used_and_named(tmp_path: Path) -> None:
    result = _read(_write(tmp_path, [_origin_task()]))
    (doc,) = result.documents
    assert doc.text == ORIGIN
    assert doc.meta.extra == {"lang": "en"} and doc.meta.url == "https://news.example/a"
    assert counts(result) == [
        (CONVERTED, "task text", "read from data.about_origin, the one long text field "
         "(--text-field chooses)")
    ]


def test_text_field_option_on_the_command_line(tmp_path: Path) -> None:
    task = _origin_task()
    task["data"]["summary"] = "A second long field, so that no field is the one to guess."
    path = _write(tmp_path, [task])
    db = tmp_path / "r.db"
    refused = CliRunner().invoke(main, ["import", str(db), str(path), "--annotator", "me"])
    assert refused.exit_code != 0
    assert "about_origin, lang, url, summary" in refused.output
    assert "--text-field" in refused.output and "Traceback" not in refused.output
    ran = CliRunner().invoke(
        main, ["import", str(db), str(path), "--annotator", "me", "--text-field", "about_origin"]
    )
    assert ran.exit_code == 0, ran.output
    assert "the text was read from" not in ran.output  # chosen, not guessed
    with Store.open(db, create=False) as store:
        (doc_id,) = store.document_ids()
        assert store.document(doc_id).text == ORIGIN
        assert [s.text for s in store.spans(doc_id)] == ["The minister"]


def test_text_field_naming_a_missing_field_names_the_task(tmp_path: Path) -> None:
    path = _write(tmp_path, [_origin_task()])
    with pytest.raises(AnnotatorError, match="no text field 'body'.*about_origin, lang, url"):
        import_files(tmp_path / "r.db", [path], annotator="me", text_field="body")
    assert not (tmp_path / "r.db").exists()


def test_text_field_is_refused_for_files_that_are_not_label_studio(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("An article.\n", encoding="utf-8")
    with pytest.raises(AnnotatorError, match="--text-field applies to Label Studio files"):
        import_files(tmp_path / "r.db", [path], annotator="me", text_field="body")


def test_text_field_lasts_for_one_import_only(tmp_path: Path) -> None:
    path = _write(tmp_path, [_origin_task()])
    chosen = import_files(tmp_path / "r.db", [path], annotator="me", text_field="about_origin")
    assert "read from data." not in chosen.describe()  # chosen, not guessed
    guessed = import_files(tmp_path / "s.db", [path], annotator="me")  # the next import
    assert "1 task text(s) converted: read from data.about_origin" in guessed.describe()


# -- item 5: what does not fit is kept where it can be, and counted -----------------------

LINKED = 'Lavrov said: "NATO must stay out."'


def _linked_regions() -> list[dict]:
    q0, a0 = LINKED.index("NATO"), LINKED.index("Lavrov")
    return [
        _region("q", q0, q0 + len("NATO must stay out."), "NATO must stay out.", "quote"),
        _region("a", a0, a0 + len("Lavrov"), "Lavrov", "actor"),
    ]


def test_a_two_way_link_becomes_one_relation_as_drawn_and_is_counted(tmp_path: Path) -> None:
    link = {"from_id": "q", "to_id": "a", "type": "relation", "direction": "bi",
            "labels": ["said_by"]}  # fmt: skip
    result = _read(_write(tmp_path, [_task({"text": LINKED}, [*_linked_regions(), link])]))
    (doc,) = result.documents
    text_of = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert [(text_of[r.source], text_of[r.target], r.label) for r in doc.relations] == [
        ("NATO must stay out.", "Lavrov", "said_by")
    ]
    assert counts(result) == [
        (CONVERTED, "two-way (bi) relation", "kept one way, from_id to to_id as drawn")
    ]


def test_predictions_of_an_annotated_task_are_counted_one_each(tmp_path: Path) -> None:
    guesses = [{"model_version": f"m{i}", "result": _linked_regions()} for i in range(3)]
    task = _task({"text": LINKED}, _linked_regions(), predictions=guesses)
    result = _read(_write(tmp_path, [task]))
    (doc,) = result.documents
    assert {s.annotator for s in doc.spans} == {"alice"}
    assert counts(result) == [
        (LEFT_OUT, "prediction", "the task has annotations, and a model's guesses are "
         "imported only for a task nobody annotated")
    ] * 3


def test_choices_become_document_categories_or_span_notes(tmp_path: Path) -> None:
    whole = {"id": "c1", "from_name": "stance", "to_name": "text", "type": "choices",
             "value": {"choices": ["against", "official"]}}  # fmt: skip
    one = {"id": "q", "from_name": "tone", "to_name": "text", "type": "choices",
           "value": {"start": 13, "end": 32, "text": "NATO must stay out.",
                     "choices": ["defiant"]}}  # fmt: skip
    rating = {"id": "r1", "from_name": "quality", "to_name": "text", "type": "rating",
              "value": {"rating": 4}}  # fmt: skip
    task = _task({"text": LINKED}, [*_linked_regions(), whole, one, rating])
    task["annotations"].append(
        {"id": 71, "created_username": "bob", "result": [{**whole, "value": {"choices": ["for"]}}]}
    )
    result = _read(_write(tmp_path, [task]))
    (doc,) = result.documents
    # issue 14: whole-text choices are document labels of the annotation's annotator (they
    # were kept in meta before); the control's name is not kept, and that is counted
    assert [(d.label, d.annotator) for d in doc.document_labels] == [
        ("against", "alice"), ("official", "alice"), ("for", "bob"),
    ]
    assert "categories" not in doc.meta.extra
    (quote,) = [s for s in doc.spans if s.label == "quote"]
    assert quote.note == "tone: defiant"
    assert sorted(counts(result)) == sorted(
        [(CONVERTED, *labelstudio.CONTROL_NOT_KEPT)] * 3
        + [
            (CONVERTED, "region choice", "kept in the span's note"),
            (LEFT_OUT, "result", "of type 'rating' (only labels and relations are imported)"),
        ]
    )
    # and the import summary says so, with the reasons
    report = import_files(tmp_path / "r.db", [tmp_path / "export.json"], annotator="me")
    described = report.describe()
    assert "3 document label(s)" in described
    assert "3 document choice(s) converted: a choice about the whole text, stored as a " in described
    assert "1 region choice(s) converted: kept in the span's note" in described
