"""Readers and writers: plain text articles, native JSONL, atomic export.

The invariant pinned throughout: ``text[start:end] == span text``, in code points, on the
text as stored (line ends normalised to LF by the readers, offsets shifted to match).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError, InputError
from annotator.formats import EXPORTS, exporting, native, plaintext
from annotator.formats.atomic import atomic_write
from annotator.formats.reading import read_paths
from annotator.store import Store
from conftest import SEED

UNICODE = (
    "Заголовок: ÜBER 😀 and 👩‍👩‍👧\n"
    "e\u0301 (combining) \u00a0NBSP\ttab \u2028line-sep \u2029para-sep\n"
    "中文新闻 — 日本語 — 한국어\n"
    "العربية: قال الوزير «لا»\n"
    "עברית RTL 🇺🇦 flag\n"
)


def normalized(text: str) -> str:
    return re.sub("\r\n?", "\n", text)


def write_jsonl(path: Path, *records: Any) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def snapshot(store: Store) -> list[tuple]:
    """Everything a round trip must keep: documents, spans and relations, field by field."""
    out = []
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        out.append((doc.id, doc.text, doc.text_sha256, doc.source_id, doc.meta))
        out += [("span", *(getattr(s, f) for f in s.__slots__)) for s in store.spans(doc_id)]
        out += [("relation", *(getattr(r, f) for f in r.__slots__))
                for r in store.relations(doc_id)]
    return out


def assert_offsets_exact(records: list[dict]) -> None:
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"], span


def read_export(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


# -- plain text ---------------------------------------------------------------------------


def test_sample_article_reads_exactly() -> None:
    [doc] = read_paths([SEED])
    assert doc.text == SEED.read_bytes().decode("utf-8")
    assert doc.meta.title == "Lavrov Warns U.S. and NATO to Stay Out of Ukraine Ahead of Summit"
    assert doc.meta.source == "The Moscow Times"
    assert doc.meta.published == "2014-09-04"
    assert doc.meta.url.startswith("https://www.themoscowtimes.com/2014/09/04/")
    assert doc.source_id == SEED.name
    assert str(SEED) in doc.origin
    assert doc.spans == [] and doc.relations == []


@pytest.mark.parametrize(
    "raw",
    [b"Title\r\n\r\nBody line\r\nend", b"Title\r\rBody line\rend", b"Title\r\n\rBody line\nend"],
    ids=["crlf", "lone-cr", "mixed"],
)
def test_line_ends_become_lf(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    doc = plaintext.read(path)
    assert doc.text == "Title\n\nBody line\nend"
    assert doc.meta.title == "Title"


def test_leading_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes("\ufeff# Title\n\nBody \ufeff stays.\n".encode())
    doc = plaintext.read(path)
    assert doc.text == "# Title\n\nBody \ufeff stays.\n"  # only the leading mark goes
    assert doc.meta.title == "Title"


def test_unicode_text_is_kept_as_is(tmp_path: Path) -> None:
    path = tmp_path / "world.txt"
    path.write_bytes(UNICODE.encode("utf-8"))
    [doc] = read_paths([path])
    assert doc.text == UNICODE
    assert doc.meta.title == UNICODE.split("\n")[0]


def test_folders_are_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.md").write_text("Second\n", encoding="utf-8")
    (tmp_path / "1.txt").write_text("First\n", encoding="utf-8")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    assert [d.text for d in read_paths([tmp_path])] == ["First\n", "Second\n"]


@pytest.mark.parametrize(
    ("name", "content", "reason", "line"),
    [
        ("empty.txt", b"", "empty", None),
        ("blank.txt", b"  \n\t\r\n \n", "empty", None),
        ("binary.txt", b"PK\x03\x04\x00\x00\x08\x00binary", "binary", None),
        ("latin1.txt", b"one\ntwo\nth\xe9ree\nfour\n", "UTF-8", 3),
        ("bad.md", b"# ok\n\xff\xfe broken\n", "UTF-8", 2),
        ("article.docx", b"Some text\n", "unknown file type", None),
    ],
)
def test_bad_text_files_are_refused_by_name_and_line(
    tmp_path: Path, name: str, content: bytes, reason: str, line: int | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_paths([path])
    error = info.value
    assert error.path == str(path)
    assert error.line == line
    assert str(path) in str(error) and reason in str(error)
    if line is not None:
        assert f"line {line}" in str(error)


def test_a_folder_without_articles_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(InputError, match="no files to import") as info:
        read_paths([folder])
    assert str(folder) in str(info.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    with pytest.raises(InputError, match="no such file") as info:
        read_paths([path])
    assert str(path) in str(info.value)


def test_one_bad_file_stops_the_whole_batch(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Fine article\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_paths([good, bad])
    assert info.value.path == str(bad)


# -- native JSONL: reading ----------------------------------------------------------------

GOOD = {"id": "ok", "text": "Fine text.", "spans": [{"start": 0, "end": 4, "label": "claim"}]}


def _span(**fields: Any) -> dict:
    return {"text": "Lavrov said no.", "spans": [{"start": 0, "end": 6, "label": "actor"} | fields]}


@pytest.mark.parametrize(
    ("second_line", "reason"),
    [
        ('{"text": "unclosed', "not valid JSON"),
        ("[1, 2, 3]", "expected a JSON object"),
        ('"just a string"', "expected a JSON object"),
        ({"id": "x"}, '"text"'),
        ({"text": ""}, '"text"'),
        ({"text": " \n "}, '"text"'),
        ({"text": 42}, '"text"'),
        (_span(start="0"), '"start" must be an integer'),
        (_span(end=6.0), '"end" must be an integer'),
        (_span(start=False), '"start" must be an integer'),
        (_span(end=True), '"end" must be an integer'),
        (_span(end=99), "outside the text"),
        (_span(start=-1), "outside the text"),
        (_span(start=6, end=6), "outside the text"),
        (_span(start=4, end=2), "outside the text"),
        (_span(text="Putin"), "differs from the text"),
        (_span(label=""), '"label"'),
        ({"text": "abc", "spans": "nope"}, '"spans" must be a list'),
        ({"text": "abc", "relations": [{"label": "said_by", "to": "s1"}]}, '"from"'),
        ({"text": "abc", "relations": [{"label": "said_by", "from": "s1"}]}, '"to"'),
        ({"text": "abc", "relations": [{"label": "said_by", "from": "", "to": "s1"}]}, '"from"'),
        ({"text": "abc", "meta": {"title": 5}}, '"meta.title"'),
    ],
)
def test_bad_jsonl_is_refused_by_file_and_line(
    tmp_path: Path, second_line: Any, reason: str
) -> None:
    path = write_jsonl(tmp_path / "data.jsonl", GOOD, second_line)
    with pytest.raises(InputError) as info:
        read_paths([path])
    error = info.value
    assert (error.path, error.line) == (str(path), 2)
    assert f"{path}, line 2" in str(error)
    assert reason in str(error)


def test_jsonl_with_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b'\n{"text": "caf\xe9"}\n')
    with pytest.raises(InputError) as info:
        read_paths([path])
    assert (info.value.path, info.value.line) == (str(path), 2)


def test_jsonl_with_a_bom_is_refused_at_line_1(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    with pytest.raises(InputError, match="byte-order mark") as info:
        read_paths([path])
    assert (info.value.path, info.value.line) == (str(path), 1)


def test_jsonl_without_records_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"\n  \n\n")
    with pytest.raises(InputError, match="empty") as info:
        read_paths([path])
    assert info.value.path == str(path)


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "data.jsonl", GOOD, "", _span(end=99))
    with pytest.raises(InputError) as info:
        read_paths([path])
    assert info.value.line == 3


def test_jsonl_saved_with_windows_line_ends_reads(tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\r\n" + b'{"text": "Second."}\r\n')
    assert [d.text for d in read_paths([path])] == ["Fine text.", "Second."]


def test_jsonl_crlf_text_becomes_lf_and_offsets_follow(tmp_path: Path) -> None:
    raw = "Title\r\n\r\nLavrov said:\r\n\"Stay out.\"\r\nKiev 😀 refused.\rEnd\r\n"
    wanted = ["Title", "Lavrov said:\r\n\"Stay out.\"", "Kiev 😀 refused.\rEnd", "\r\n\r\n"]
    spans = []
    for i, piece in enumerate(wanted):
        start = raw.index(piece)
        spans.append({"id": f"s{i}", "start": start, "end": start + len(piece),
                      "label": "quote", "text": piece})
    path = write_jsonl(tmp_path / "crlf.jsonl", {"id": "d", "text": raw, "spans": spans})
    [doc] = read_paths([path])
    assert "\r" not in doc.text
    assert doc.text == normalized(raw)
    for span, piece in zip(doc.spans, wanted, strict=True):
        assert doc.text[span.start : span.end] == normalized(piece)

    store = Store.memory()
    store.import_documents([doc], annotator="alice")
    stored = {s.id: s.text for s in store.spans("d")}
    assert stored == {f"s{i}": normalized(p) for i, p in enumerate(wanted)}
    assert store.verify() == []


@pytest.mark.parametrize(
    ("start", "end"),
    [(2, 3), (2, 4), (1, 3), (3, 5)],
    ids=["only-the-cr", "whole-crlf", "ends-on-the-cr", "starts-on-the-lf"],
)
def test_spans_cutting_a_crlf_never_become_empty_or_crash(
    tmp_path: Path, start: int, end: int
) -> None:
    """A span given against CRLF text that cuts a CR/LF pair must be refused with a clear
    error, or stored non-empty; never an empty span that the database rejects."""
    raw = "ab\r\ncd"
    path = write_jsonl(tmp_path / "cut.jsonl", {
        "id": "d", "text": raw, "spans": [{"start": start, "end": end, "label": "claim"}],
    })
    store = Store.memory()
    try:
        store.import_documents(read_paths([path]), annotator="alice")
    except InputError as exc:
        assert (exc.path, exc.line) == (str(path), 1)
        assert store.document_count() == 0
        return
    [span] = store.spans("d")
    assert span.start < span.end
    assert store.document("d").text[span.start : span.end] == span.text
    assert span.text.strip("\n") == normalized(raw[start:end]).strip("\n")


# -- native JSONL: export and round trip --------------------------------------------------

ROUND_TRIP_TEXTS = [
    ("emoji", "Family 👩‍👩‍👧 laughed 😀 at the claim.\r\nThen: \"No,\" said Putin."),
    ("cyrillic", "Лавров заявил: «НАТО должно держаться подальше».\r\nКиев не согласился."),
    ("arabic", "قال الوزير: \"لن نتراجع\".\nوأضاف أن الحلف يهدد الأمن."),
    ("cjk", "外交部长说：「北约不要插手乌克兰。」\r\n基辅拒绝了。"),
]


def source_records() -> list[dict]:
    """Documents with CRLF, astral characters and RTL text; spans given on the raw text."""
    records = []
    for name, raw in ROUND_TRIP_TEXTS:
        words = [m for m in re.finditer(r"\S+", raw)]
        first, second, last = words[0], words[1], words[-1]
        quote_start, quote_end = second.start(), last.end()  # crosses the line end
        spans = [
            {"id": f"{name}-actor", "start": first.start(), "end": first.end(),
             "label": "actor", "text": first.group(), "annotator": "alice",
             "created_at": "2026-01-02T03:04:05.000Z", "note": "speaker"},
            {"id": f"{name}-quote", "start": quote_start, "end": quote_end,
             "label": "quote", "text": raw[quote_start:quote_end], "annotator": "bob"},
        ]
        relations = [{"id": f"{name}-rel", "label": "said_by", "from": f"{name}-quote",
                      "to": f"{name}-actor", "annotator": "bob"}]
        records.append({"id": f"doc-{name}", "text": raw,
                        "meta": {"title": name.title(), "url": f"https://x.test/{name}",
                                 "lang": name},
                        "spans": spans, "relations": relations})
    return records


def export_jsonl(store: Store, target: Path) -> int:
    """The native export as users run it (``annotator export``, the window's Export)."""
    return exporting.export(store, target, EXPORTS["jsonl"]).documents


def store_from(path: Path) -> Store:
    store = Store.memory()
    store.import_documents(read_paths([path]), annotator="importer")
    return store


def test_export_and_read_back_keeps_everything(tmp_path: Path) -> None:
    first = store_from(write_jsonl(tmp_path / "source.jsonl", *source_records()))
    assert first.verify() == []
    out = tmp_path / "out.jsonl"
    assert export_jsonl(first, out) == len(ROUND_TRIP_TEXTS)

    records = read_export(out)
    assert [r["id"] for r in records] == [f"doc-{n}" for n, _ in ROUND_TRIP_TEXTS]
    assert all("\r" not in r["text"] for r in records)
    assert_offsets_exact(records)
    assert records[0]["meta"]["lang"] == "emoji"
    assert records[0]["relations"][0]["from"] == "emoji-quote"

    second = store_from(out)
    assert snapshot(second) == snapshot(first)
    assert {s.annotator for d in second.document_ids() for s in second.spans(d)} == {
        "alice", "bob"}

    again = tmp_path / "again.jsonl"
    export_jsonl(first, again)
    assert again.read_bytes() == out.read_bytes()
    export_jsonl(second, again)
    assert again.read_bytes() == out.read_bytes()


def test_round_trip_keeps_who_and_when(tmp_path: Path) -> None:
    """An exported dataset carries updated_at; reading it back must not reset it."""
    first = store_from(write_jsonl(tmp_path / "source.jsonl", *source_records()))
    first.delete_relation("emoji-rel")  # a said_by link may not end at a claim
    relabeled = first.relabel_span("emoji-actor", "claim")
    assert relabeled.updated_at != relabeled.created_at
    out = tmp_path / "out.jsonl"
    export_jsonl(first, out)
    second = store_from(out)
    span = second.span("emoji-actor")
    assert (span.label, span.note, span.annotator) == ("claim", "speaker", "alice")
    assert span.created_at == "2026-01-02T03:04:05.000Z"
    assert span.updated_at == relabeled.updated_at


# Pieces that stress offsets: astral and ZWJ emoji, combining marks, line ends Qt rewrites.
_PIECES = st.sampled_from(
    ["\r\n", "\r", "\n", "\u2028", "\u2029", "\xa0", "\t", "😀", "👩‍👩‍👧", "e\u0301",
     "中", "ع", "ש", "🇺🇦", " "]
)
_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_TEXTS = st.lists(st.one_of(_CHARS, _PIECES), min_size=1, max_size=40).map("".join).filter(
    lambda t: bool(t.strip())
)


@st.composite
def documents_with_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    raw = draw(_TEXTS)
    # Span boundaries anywhere but between the CR and LF of a line end.
    cuts = [i for i in range(len(raw) + 1) if raw[i - 1 : i + 1] != "\r\n" or i == 0]
    pairs = draw(st.lists(st.tuples(st.sampled_from(cuts), st.sampled_from(cuts)), max_size=6))
    return raw, sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(documents_with_spans())
def test_round_trip_property(case: tuple[str, list[tuple[int, int]]]) -> None:
    raw, offsets = case
    spans = [{"id": f"s{i}", "start": a, "end": b, "label": "claim", "text": raw[a:b]}
             for i, (a, b) in enumerate(offsets)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = store_from(write_jsonl(folder / "in.jsonl", {"id": "d", "text": raw,
                                                              "spans": spans}))
        stored = {s.id: s for s in first.spans("d")}
        assert first.document("d").text == normalized(raw)
        for span in spans:
            assert stored[span["id"]].text == normalized(span["text"])
        export_jsonl(first, folder / "out.jsonl")
        records = read_export(folder / "out.jsonl")
        assert_offsets_exact(records)
        assert snapshot(store_from(folder / "out.jsonl")) == snapshot(first)


# -- export is atomic ---------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    return store_from(write_jsonl(tmp_path / "source.jsonl", *source_records()))


def test_a_failing_export_leaves_the_old_file(
    tmp_path: Path, filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "dataset.jsonl"
    target.write_bytes(b"previous export\n")
    real_dumps = orjson.dumps
    calls = []

    def dumps_then_fail(obj: Any, *args: Any, **kw: Any) -> bytes:
        calls.append(obj)
        if len(calls) > 1:
            raise RuntimeError("serialiser crashed")
        return real_dumps(obj, *args, **kw)

    monkeypatch.setattr(native.orjson, "dumps", dumps_then_fail)
    with pytest.raises(RuntimeError):
        export_jsonl(filled, target)
    assert len(calls) == 2  # one record was written before the failure
    assert target.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["dataset.jsonl"]


def test_a_full_disk_is_reported_and_leaves_the_old_file(
    tmp_path: Path, filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "dataset.jsonl"
    target.write_bytes(b"previous export\n")

    real_records = native.checked_records

    def failing_records(store: Store, *args: Any, **kw: Any):
        for i, record in enumerate(real_records(store, *args, **kw)):
            if i == 1:
                raise OSError(28, "No space left on device")
            yield record

    monkeypatch.setattr(native, "checked_records", failing_records)
    with pytest.raises(AnnotatorError, match="No space left") as info:
        export_jsonl(filled, target)
    assert str(target) in str(info.value)
    assert target.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["dataset.jsonl"]


def test_export_refuses_a_tampered_database(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Store.open(path) as s:
        s.import_documents(read_paths([write_jsonl(tmp_path / "in.jsonl", *source_records())]),
                           annotator="x")
        s.conn.execute("UPDATE spans SET text = 'forged' WHERE id = 'cjk-actor'")
        out = tmp_path / "out.jsonl"
        with pytest.raises(AnnotatorError, match="integrity") as info:
            export_jsonl(s, out)
        assert "cjk-actor" in str(info.value) and "Cjk" in str(info.value)
        assert not out.exists()
        assert leftovers(tmp_path) == []

        out.write_bytes(b"old\n")
        with pytest.raises(AnnotatorError):
            export_jsonl(s, out)
        assert out.read_bytes() == b"old\n"
        assert leftovers(tmp_path) == []


def test_export_target_must_be_a_file_in_an_existing_folder(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError, match="is a folder"):
        export_jsonl(filled, tmp_path)
    with pytest.raises(AnnotatorError, match="does not exist"):
        export_jsonl(filled, tmp_path / "missing" / "out.jsonl")
    assert not (tmp_path / "missing").exists()


def test_atomic_write_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_bytes(b"old")
    with atomic_write(target) as f:
        f.write(b"new")
        assert target.read_bytes() == b"old"  # not visible until complete
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


@given(st.lists(st.sampled_from([b"\n", b"\r\n", b"{}", b" ", b"\xe2\x80\x94", b"x"]), max_size=30))
def test_jsonl_lines_are_cut_one_at_a_time_exactly_as_a_split_would(pieces) -> None:
    """A large file's lines come one at a time (no list of them all held at once), and
    they are the very lines, empty and CR-ended ones too, that split would give."""
    from annotator.formats.records import _lines

    data = b"".join(pieces)
    assert list(_lines(data)) == data.split(b"\n")


def test_letting_go_of_a_large_list_empties_it_slice_by_slice() -> None:
    from annotator.core.bulk import let_go

    items = [[i] for i in range(2_500)]
    let_go(items, at_once=1_000)
    assert items == []
