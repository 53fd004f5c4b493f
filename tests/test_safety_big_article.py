"""Issue 6, item 18: a 5 MB article full of emoji, ZWJ sequences and CRLF line ends, with
10,000 spans made through the article view, keeps every offset exact through a restart, an
export and a re-import.

The selections are made as a drag would make them: a QTextCursor with an anchor and a
position in Qt's UTF-16 units, chosen at random, so many fall inside a surrogate pair; then
the label action. The window is not shown: on screen each highlight on a 5 MB document
costs a relayout of about 17 ms here, which a person never notices but 10,000 of them
would take minutes.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.cli import main
from annotator.formats.reading import read_paths
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store

SPANS = 10_000
PIECES = [
    "the",
    "minister",
    "said",
    "news",
    "Лавров",
    "王外长",
    "قال",
    "naïve",
    "e\u0301",
    "😀",
    "👍🏽",
    "👩\u200d👩\u200d👧",
    "🧑\u200d🚀",
    "🏳️\u200d🌈",
    "🇺🇦",
    "🇪🇺",
    "«quote»",
    "—",
    "a\u00a0b",
    "tab\there",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\u2028",
    ".",
]


def article(size: int = 5_000_000) -> str:
    rnd = random.Random(18)
    lines, total = [], 0
    while total < size:
        line = " ".join(rnd.choice(PIECES) for _ in range(rnd.randint(4, 30)))
        lines.append(line)
        total += len(line.encode()) + 2
    return "\r\n".join(lines) + "\r\n"


def rows(path: Path) -> list[tuple]:
    with Store.open_readonly(path) as s:
        [doc_id] = s.document_ids()
        return sorted((x.id, x.start, x.end, x.label, x.text) for x in s.spans(doc_id))


def hidden_window(qtbot, path: Path) -> MainWindow:
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    return window


def close(window: MainWindow) -> None:
    QApplication.processEvents()  # the lists' pending layouts still read from the store
    window.close()


@pytest.mark.slow
def test_10000_spans_on_a_5_mb_emoji_article_keep_exact_offsets(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    began = time.monotonic()
    source = tmp_path / "long.txt"
    source.write_bytes(article().encode("utf-8"))
    assert source.stat().st_size >= 5_000_000
    db = tmp_path / "long.db"
    with Store.open(db) as s:
        s.import_documents(read_paths([source]), annotator="import")

    window = hidden_window(qtbot, db)
    text = window.state.document.text
    positions = window.state.positions
    assert "\r" not in text and positions.qt_length > len(text)  # astral characters
    view = window.article.text
    rnd = random.Random(1)
    tries = 0
    while len(window.state.spans) < SPANS:
        tries += 1
        anchor = rnd.randrange(0, positions.qt_length - 1)
        end = min(positions.qt_length, anchor + rnd.randint(1, 60))
        if rnd.random() < 0.5:
            anchor, end = end, anchor  # dragged right to left
        cursor = view.textCursor()
        cursor.setPosition(anchor)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        window.annotating.apply_label(rnd.choice(["claim", "quote", "actor"]))
        assert not window.writer.pending
    made = time.monotonic()

    utf16 = positions.display_text().encode("utf-16-le")

    def inside_a_pair(qt: int) -> bool:
        unit = int.from_bytes(utf16[2 * qt : 2 * qt + 2], "little") if qt < len(utf16) // 2 else 0
        return 0xDC00 <= unit <= 0xDFFF

    stored = rows(db)
    assert len(stored) == SPANS
    for _id, start, end, _label, covered in stored:
        assert text[start:end] == covered
        covered.encode("utf-8")  # strict: no half of a surrogate pair
        assert not inside_a_pair(positions.to_qt(start)) and not inside_a_pair(positions.to_qt(end))
    close(window)

    # a restart: the same spans, and the window shows them all
    again = hidden_window(qtbot, db)
    assert again.span_model.rowCount() == SPANS
    assert sorted((x.id, x.start, x.end, x.label, x.text) for x in again.state.spans) == stored
    close(again)
    with Store.open(db) as s:
        assert s.verify() == []

    # an export and a re-import into a new database
    out = tmp_path / "long.jsonl"
    result = CliRunner().invoke(main, ["export", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    copy = tmp_path / "copy.db"
    result = CliRunner().invoke(main, ["import", str(copy), str(out)])
    assert result.exit_code == 0, result.output
    assert rows(copy) == stored
    with Store.open_readonly(copy) as s:
        assert s.document(s.document_ids()[0]).text == text
    print(
        f"\n{SPANS} spans from {tries} selections in {made - began:.1f} s; "
        f"all checks done after {time.monotonic() - began:.1f} s"
    )
