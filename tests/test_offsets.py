"""core/offsets.py: the one module where Qt positions (UTF-16 units, CRLF collapsed) meet
stored offsets (code points). Property tests mix every kind of text that makes the two
disagree, and a real QTextDocument is the judge of what Qt does."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotator.core.offsets import QtPositionMap, normalize_newlines, trim_whitespace

# --------------------------------------------------------------------------- strategies

ASTRAL_CHARS = ["😀", "🎉", "𝐀", "𠀀", "🇫🇷", "👍🏽", "\U0010fffd"]
ZWJ_SEQUENCES = ["👩\u200d👩\u200d👧", "🏳\ufe0f\u200d🌈", "👨\u200d💻"]
COMBINING = ["e\u0301", "a\u0308", "\u0301", "n\u0303\u0323"]
BREAKS = ["\r\n", "\r", "\n", "\t", "\xa0", "\u2028", "\u2029", " ", "  "]
RTL = ["مرحبا", "שלום", "\u200f", "\u202b", "עִבְרִית"]
CJK = ["中文", "日本語", "한국어", "、", "。"]

words = st.text(alphabet=string.ascii_letters + string.digits + ".,'\"-", min_size=1, max_size=8)
fixed_pieces = st.sampled_from(ASTRAL_CHARS + ZWJ_SEQUENCES + COMBINING + BREAKS + RTL + CJK)
any_char = st.characters(exclude_categories=("Cs",))  # any code point but lone surrogates

pieces = st.one_of(words, fixed_pieces, fixed_pieces, any_char)
texts = st.lists(pieces, max_size=30).map("".join)
# Texts certain to hold the troublesome characters.
cr_texts = st.lists(
    st.one_of(words, st.sampled_from(["\r\n", "\r", "\n", "😀", "é"])), max_size=25
).map("".join)

PARAGRAPH_SEPARATOR = "\u2029"


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def is_crlf_cr(text: str, i: int) -> bool:
    return text[i] == "\r" and text[i + 1 : i + 2] == "\n"


def is_crlf_lf(text: str, i: int) -> bool:
    """True for the LF of a CRLF pair (the offset that lies between CR and LF)."""
    return 0 < i < len(text) and text[i] == "\n" and text[i - 1] == "\r"


def legal_offsets(text: str) -> list[int]:
    return [i for i in range(len(text) + 1) if not is_crlf_lf(text, i)]


def high_surrogate(ch: str) -> str:
    return chr(0xD800 + ((ord(ch) - 0x10000) >> 10))


def low_surrogate(ch: str) -> str:
    return chr(0xDC00 + ((ord(ch) - 0x10000) & 0x3FF))


def qt_shows(ch: str) -> str:
    """The first UTF-16 unit that a QTextDocument holds for code point ``ch``."""
    if ch in ("\n", "\r", "\u2029", "\ufdd0", "\ufdd1"):
        # Line ends become block separators; U+FDD0/U+FDD1 are Qt's frame markers.
        return PARAGRAPH_SEPARATOR
    if ord(ch) > 0xFFFF:
        return high_surrogate(ch)
    return ch


def selected_text_of(s: str) -> str:
    """What QTextCursor.selectedText() gives for stored text ``s`` (line ends as U+2029)."""
    out = s.replace("\r\n", "\n").replace("\r", "\n")
    for ch in ("\n", "\ufdd0", "\ufdd1"):
        out = out.replace(ch, PARAGRAPH_SEPARATOR)
    return out


# --------------------------------------------------------------------------- examples


def test_astral_example_exact_numbers():
    m = QtPositionMap("a😀b")
    assert [m.to_qt(i) for i in range(4)] == [0, 1, 3, 4]
    assert m.qt_length == 4
    assert m.from_qt(2, side="start") == 1
    assert m.from_qt(2, side="end") == 2
    assert m.from_qt(1, side="start") == m.from_qt(1, side="end") == 1
    assert m.from_qt(3, side="start") == m.from_qt(3, side="end") == 2
    assert m.range_from_qt(2, 2) == (1, 2)  # a caret inside the emoji selects all of it
    assert m.range_from_qt(4, 2) == (1, 3)  # a backwards selection
    assert m.range_to_qt(1, 2) == (1, 3)
    assert m.display_text() == "a😀b"


def test_crlf_example_exact_numbers():
    text = "ab\r\ncd"
    m = QtPositionMap(text)
    assert [m.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 2, 2, 3, 4, 5]
    assert m.qt_length == 5
    assert m.display_text() == "ab\ncd"
    # Position 2 is the line break: both roundings land before the CR.
    assert m.from_qt(2, side="start") == 2
    assert m.from_qt(2, side="end") == 2
    # A selection that ends at the line break leaves the whole CRLF out ...
    assert m.range_from_qt(0, 2) == (0, 2)
    # ... and one that crosses it takes the whole CRLF.
    assert m.range_from_qt(0, 3) == (0, 4)
    assert m.range_from_qt(2, 3) == (2, 4)
    assert m.range_from_qt(3, 5) == (4, 6)


def test_crlf_at_end_and_start():
    m = QtPositionMap("\r\nx\r\n")
    assert m.qt_length == 3
    assert m.display_text() == "\nx\n"
    assert m.from_qt(0, side="end") == 0
    assert m.from_qt(1, side="start") == 2
    assert m.from_qt(2, side="start") == 3
    assert m.from_qt(2, side="end") == 3
    assert m.from_qt(3, side="start") == m.from_qt(3, side="end") == 5


def test_lone_cr_and_cr_before_crlf():
    m = QtPositionMap("a\rb")
    assert [m.to_qt(i) for i in range(4)] == [0, 1, 2, 3]
    assert m.display_text() == "a\nb"
    m = QtPositionMap("a\r\r\nb")
    assert [m.to_qt(i) for i in range(6)] == [0, 1, 2, 2, 3, 4]
    assert m.display_text() == "a\n\nb"
    assert m.qt_length == 4


def test_characters_that_keep_one_position():
    text = "a\u2028b\u2029c\xa0d\te"
    m = QtPositionMap(text)
    assert [m.to_qt(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert m.display_text() == text


def test_zwj_sequences_count_every_code_point():
    family = "👩\u200d👩\u200d👧"
    m = QtPositionMap(family)
    assert len(family) == 5
    assert m.qt_length == 8 == utf16_len(family)
    assert [m.to_qt(i) for i in range(6)] == [0, 2, 3, 5, 6, 8]
    flag = "🏳\ufe0f\u200d🌈"
    m = QtPositionMap(flag)
    assert [m.to_qt(i) for i in range(5)] == [0, 2, 3, 4, 6]
    assert m.range_from_qt(1, 5) == (0, 4)


def test_combining_rtl_cjk_are_one_unit_each():
    text = "e\u0301 مرحبا 中文"
    m = QtPositionMap(text)
    assert m.qt_length == len(text)
    assert m.from_qt(1, side="start") == 1  # Qt may put a caret between e and its accent


def test_bad_arguments():
    m = QtPositionMap("a😀b")
    with pytest.raises(ValueError):
        m.to_qt(-1)
    with pytest.raises(ValueError):
        m.to_qt(4)
    with pytest.raises(ValueError):
        m.from_qt(1, side="middle")
    # Qt positions out of range are clamped.
    assert m.from_qt(-5, side="start") == 0
    assert m.from_qt(99, side="end") == 3


def test_empty_text():
    m = QtPositionMap("")
    assert m.qt_length == 0
    assert m.to_qt(0) == 0
    assert m.from_qt(0, side="start") == m.from_qt(0, side="end") == 0
    assert m.range_from_qt(0, 0) == (0, 0)


def test_trim_whitespace_examples():
    text = " \t\xa0ab c\u2028\r\n "
    assert trim_whitespace(text, 0, len(text)) == (3, 7)
    assert text[3:7] == "ab c"
    assert trim_whitespace("abc", 1, 2) == (1, 2)
    assert trim_whitespace("abc", 1, 1) == (1, 1)
    start, end = trim_whitespace("a \u2029\xa0 b", 1, 5)
    assert start == end and 1 <= start <= 5


def test_normalize_newlines_examples():
    new, remap = normalize_newlines("a\r\nb\rc\n")
    assert new == "a\nb\nc\n"
    assert [remap(i) for i in range(8)] == [0, 1, 1, 2, 3, 4, 5, 6]
    same, identity = normalize_newlines("no\ncarriage\u2028return")
    assert same == "no\ncarriage\u2028return"
    assert [identity(i) for i in range(5)] == list(range(5))


# --------------------------------------------------------------------------- properties


@given(texts)
def test_to_qt_is_monotonic_and_ends_at_utf16_length(text):
    m = QtPositionMap(text)
    qt = [m.to_qt(i) for i in range(len(text) + 1)]
    assert qt[0] == 0
    assert all(a <= b for a, b in zip(qt, qt[1:], strict=False))
    # Only the CR of a CRLF pair has no width; an astral character has two.
    for i, ch in enumerate(text):
        width = 0 if is_crlf_cr(text, i) else utf16_len(ch)
        assert qt[i + 1] - qt[i] == width
    assert qt[-1] == m.qt_length == utf16_len(m.display_text())


@given(texts)
def test_display_text_has_only_lf_line_ends(text):
    m = QtPositionMap(text)
    shown = m.display_text()
    assert "\r" not in shown
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    if expected[:1] in ("\ufeff", "\ufffe"):  # Qt would drop it; an invisible stand-in
        expected = "\u2060" + expected[1:]
    assert shown == expected


@given(texts)
def test_round_trip_through_qt(text):
    m = QtPositionMap(text)
    for i in legal_offsets(text):
        q = m.to_qt(i)
        assert m.from_qt(q, side="start") == i
        assert m.from_qt(q, side="end") == i
    for i in range(1, len(text)):
        if is_crlf_lf(text, i):  # between CR and LF: the break stays whole
            assert m.from_qt(m.to_qt(i), side="start") == i - 1
            assert m.from_qt(m.to_qt(i), side="end") == i - 1


@given(texts)
def test_from_qt_never_splits_a_surrogate_pair(text):
    m = QtPositionMap(text)
    boundaries = {m.to_qt(i): i for i in legal_offsets(text)}
    for p in range(m.qt_length + 1):
        lo = m.from_qt(p, side="start")
        hi = m.from_qt(p, side="end")
        assert 0 <= lo <= hi <= len(text)
        assert not is_crlf_lf(text, lo) and not is_crlf_lf(text, hi)
        # The result covers the Qt position.
        assert m.to_qt(lo) <= p <= m.to_qt(hi)
        if p in boundaries:
            assert lo == hi == boundaries[p]
        else:
            # Only the middle of an astral character is not a boundary.
            assert hi == lo + 1
            assert ord(text[lo]) > 0xFFFF
            assert m.to_qt(lo) == p - 1 and m.to_qt(hi) == p + 1
        # A Python slice by these offsets never cuts a character in half.
        assert utf16_len(text[lo:hi]) == m.to_qt(hi) - m.to_qt(lo) + text[lo:hi].count("\r\n")


@given(texts, st.data())
def test_range_from_qt_in_either_direction(text, data):
    m = QtPositionMap(text)
    a = data.draw(st.integers(0, m.qt_length))
    b = data.draw(st.integers(0, m.qt_length))
    start, end = m.range_from_qt(a, b)
    assert (start, end) == m.range_from_qt(b, a)
    assert 0 <= start <= end <= len(text)
    qa, qb = m.range_to_qt(start, end)
    assert qa <= min(a, b) and max(a, b) <= qb
    # Widening is at most one astral character at each side.
    assert min(a, b) - qa <= 1 and qb - max(a, b) <= 1


@given(cr_texts)
def test_crlf_stays_whole(text):
    m = QtPositionMap(text)
    for i in range(len(text) - 1):
        if not is_crlf_cr(text, i):
            continue
        q = m.to_qt(i)  # Qt position of the line break
        # A selection ending at the line break ends before the CR.
        for s in range(q + 1):
            start, end = m.range_from_qt(s, q)
            assert end == i
        # A selection starting at the line break starts before the CR.
        for e in range(q, m.qt_length + 1):
            start, end = m.range_from_qt(q, e)
            assert start == i
            # Whatever it covers, it never holds half a CRLF.
            assert not is_crlf_lf(text, end)
            assert end == i or end >= i + 2


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts)
@example(text="\ufeff")
@example(text="\ufffeab")
@example(text="\ufeff\ufeffx\r\ny")
def test_positions_match_a_real_qt_document(qapp, text):
    from PySide6.QtGui import QTextCursor, QTextDocument

    m = QtPositionMap(text)
    # setPlainText drops a leading U+FEFF, so only the display text is exact for those.
    shown = "\u2060" + text[1:] if text[:1] in ("\ufeff", "\ufffe") else text
    for given_text in (m.display_text(), text) if shown == text else (m.display_text(),):
        doc = QTextDocument()
        doc.setPlainText(given_text)
        assert doc.characterCount() - 1 == m.qt_length
        for i, ch in enumerate(text):
            q = m.to_qt(i)
            if is_crlf_cr(text, i):
                assert q == m.to_qt(i + 1)
                continue
            assert doc.characterAt(q) == qt_shows(shown[i]), (i, ch)
            if ord(ch) > 0xFFFF:
                assert doc.characterAt(q + 1) == low_surrogate(ch)
                assert m.to_qt(i + 1) == q + 2
            else:
                assert m.to_qt(i + 1) == q + 1
        assert doc.characterAt(m.qt_length) == PARAGRAPH_SEPARATOR  # the last block's end

        # A cursor selection made from a stored range shows exactly that text.
        cursor = QTextCursor(doc)
        offsets = legal_offsets(text)
        for a, b in zip(offsets, offsets[len(offsets) // 2 :], strict=False):
            qa, qb = m.range_to_qt(a, b)
            cursor.setPosition(qa)
            cursor.setPosition(qb, QTextCursor.MoveMode.KeepAnchor)
            assert cursor.selectedText() == selected_text_of(shown[a:b])
            assert m.range_from_qt(cursor.selectionStart(), cursor.selectionEnd()) == (a, b)


@given(texts)
def test_normalize_newlines_properties(text):
    new, remap = normalize_newlines(text)
    assert "\r" not in new
    assert new == text.replace("\r\n", "\n").replace("\r", "\n")
    mapped = [remap(i) for i in range(len(text) + 1)]
    assert mapped[0] == 0 and mapped[-1] == len(new)
    assert all(a <= b for a, b in zip(mapped, mapped[1:], strict=False))
    offsets = legal_offsets(text)
    for a in offsets:
        for b in offsets:
            if a > b:
                continue
            expected = text[a:b].replace("\r\n", "\n").replace("\r", "\n")
            assert new[remap(a) : remap(b)] == expected
    for i in range(len(text)):
        if is_crlf_lf(text, i):  # between CR and LF: before the new LF
            assert remap(i) == remap(i - 1) and new[remap(i)] == "\n"


@given(texts, st.data())
def test_normalize_then_map_agrees_with_map_of_original(text, data):
    """Qt positions do not change when an importer normalises line ends."""
    new, remap = normalize_newlines(text)
    before, after = QtPositionMap(text), QtPositionMap(new)
    assert before.qt_length == after.qt_length
    # what setPlainText gets: the text, a leading byte-order mark shown as U+2060 (the
    # same invisible width) because setPlainText would drop it and move every position
    shown = "\u2060" + new[1:] if new[:1] in ("\ufeff", "\ufffe") else new
    assert before.display_text() == after.display_text() == shown
    for i in legal_offsets(text):
        assert before.to_qt(i) == after.to_qt(remap(i))


@given(texts, st.data())
def test_trim_whitespace_properties(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    a, b = trim_whitespace(text, start, end)
    assert start <= a <= b <= end
    if a < b:
        assert not text[a].isspace()
        assert not text[b - 1].isspace()
    # Only white space was cut away.
    assert text[start:a] == "" or text[start:a].isspace()
    assert text[b:end] == "" or text[b:end].isspace()
    if a == b:
        assert text[start:end] == "" or text[start:end].isspace()
    assert trim_whitespace(text, a, b) == (a, b)


def test_a_leading_byte_order_mark_keeps_its_position(qapp):
    """setPlainText drops a leading U+FEFF; the map shows it as U+2060 instead."""
    from PySide6.QtGui import QTextDocument

    for mark in ("\ufeff", "\ufffe"):
        m = QtPositionMap(mark + "ab")
        doc = QTextDocument()
        doc.setPlainText(m.display_text())
        assert doc.characterCount() - 1 == m.qt_length == 3
        assert doc.characterAt(m.to_qt(1)) == "a"


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts)
@example(text="a😀b\r\nc👩\u200d👩\u200d👧d\re\u2029f😀")
def test_block_positions_agree_with_the_article_map_in_every_block(qapp, text):
    """What the long view paints with: positions within one block of a real Qt document,
    turned into offsets and back by the block alone, exactly as the article-wide map does
    (at every boundary between characters of the block)."""
    from PySide6.QtGui import QTextDocument

    m = QtPositionMap(text)
    doc = QTextDocument()
    doc.setPlainText(m.display_text())
    block = doc.firstBlock()
    while block.isValid():
        base, shown = block.position(), block.text()
        positions = m.block(base, shown)
        assert positions.first == m.from_qt(base)
        q = 0
        for k in range(len(shown) + 1):
            offset = positions.first + k
            assert positions.to_qt(offset) == q == m.to_qt(offset) - base
            assert positions.from_qt(q) == offset == m.from_qt(base + q)  # a boundary
            if k < len(shown):
                q += utf16_len(shown[k])
        block = block.next()
