"""Which occurrences "label all occurrences" proposes, and why it leaves the others out.

The window shows every whole-word occurrence of the selected span's text; this module
judges each one: an occurrence already covered by (or covering, or crossing) a span of
the same label is never added, since a span nested in one of its own label is almost
always a slip (an actor "Lavrov" inside the actor "Sergei Lavrov"); one in the headline
or inside a web address is offered unticked, for the annotator to decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.model import Document, Span
from annotator.core.textnav import occurrences


@dataclass(frozen=True, slots=True)
class Occurrence:
    start: int
    end: int
    ticked: bool  # proposed: ticked when the list is first shown
    allowed: bool  # may be ticked at all (False: it would repeat or nest a span of the label)
    reason: str = ""  # why it is not proposed ("" when it is)


def plan(
    doc: Document, span: Span, overlapping: Callable[[int, int], list[Span]]
) -> list[Occurrence]:
    """Every whole-word occurrence of ``span``'s text in ``doc``, judged for marking with
    ``span``'s label; ``overlapping(a, b)`` gives the spans sharing a character with
    ``[a, b)`` (SpanSet.overlapping), so only the spans near each occurrence are looked at."""
    text, label = doc.text, span.label
    headline = _headline(doc)
    found = []
    for a, b in occurrences(text, span.text):
        same = [s for s in overlapping(a, b) if s.label == label]
        reason = _clash(a, b, same, span.id, label)
        if reason:
            found.append(Occurrence(a, b, False, False, reason))
        elif headline is not None and headline[0] <= a < headline[1]:
            found.append(Occurrence(a, b, False, True, "in the headline"))
        elif _in_web_address(text, a, b):
            found.append(Occurrence(a, b, False, True, "inside a web address"))
        else:
            found.append(Occurrence(a, b, True, True))
    return found


def _clash(a: int, b: int, same: list[Span], selected: str, label: str) -> str:
    """Why a span of ``label`` over ``[a, b)`` would clash with ``same`` (spans of that
    label sharing a character with it), or ""."""
    for s in same:
        if (s.start, s.end) == (a, b):
            return "the selected span" if s.id == selected else f"already marked as {label}"
    for s in same:
        if s.start <= a and b <= s.end:
            return f"inside “{_short(s.text)}”, already {label}"
    for s in same:
        if a <= s.start and s.end <= b:
            return f"would hold “{_short(s.text)}”, already {label}"
    for s in same:
        return f"overlaps “{_short(s.text)}”, already {label}"
    return ""


def _headline(doc: Document) -> tuple[int, int] | None:
    """Where the article's text repeats its title as a line of its own, near the top
    (news pages put the headline first); None when it does not."""
    title = " ".join(doc.meta.title.split())
    if not title:
        return None
    at = 0
    for line in doc.text[:4000].split("\n"):
        if " ".join(line.split()) == title:
            return at, at + len(line)
        at += len(line) + 1
    return None


def _in_web_address(text: str, a: int, b: int) -> bool:
    lo = a
    while lo > 0 and not text[lo - 1].isspace() and a - lo < 2000:
        lo -= 1
    hi = b
    while hi < len(text) and not text[hi].isspace() and hi - b < 2000:
        hi += 1
    word = text[lo:hi].lower()
    return "://" in word or word.lstrip("<([\"'").startswith("www.")


def context(text: str, start: int, end: int, width: int = 70) -> tuple[str, int, int]:
    """The line around ``[start, end)``, cut to about ``width`` characters either side
    (with "…" where cut) and with its white space runs shown as one space; and where the
    occurrence lies in it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    lo, hi = max(line_start, start - width), min(line_end, end + width)
    head, tail = text[lo:start], text[end:hi]
    before = ("…" if lo > line_start else "") + " ".join(head.split())
    before += " " if head[-1:].isspace() and before else ""
    match = " ".join(text[start:end].split())
    if len(match) > 2 * width:  # a long quote: its two ends say which it is
        match = match[: width] + " … " + match[-width // 2 :]
    after = (" " if tail[:1].isspace() else "") + " ".join(tail.split())
    after += "…" if hi < line_end else ""
    return before + match + after, len(before), len(before) + len(match)


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
