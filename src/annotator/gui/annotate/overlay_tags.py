"""How the label tags over the article are laid out (the overlay's part, overlay.py): one
tag per span above the line where it starts, none over another on its line, each whole on
screen, in short forms on a line too crowded for the names."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPixmap

from annotator.core.arcs import short_tags, tag_text
from annotator.core.model import Span


@dataclass(slots=True)
class DrawnTag:
    span: Span
    # its edges, as numbers (a page shows hundreds of tags, made again at each scroll; a
    # paint asks of every tag whether it is in the area)
    left: float
    low: float  # its top
    right: float
    high: float  # its bottom
    text: str
    note: bool
    line: float = 0.0  # the top of the line it is over
    x: int = field(init=False, repr=False, compare=False)  # the pixel its picture starts at
    y: int = field(init=False, repr=False, compare=False)
    # its picture, unselected, made at its first paint (the scene goes with the page's
    # colours, the labels' and the font)
    picture: QPixmap | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.x, self.y = math.floor(self.left + 0.5), math.floor(self.low + 0.5)  # as Qt rounds

    @property
    def rect(self) -> QRectF:
        """Its box (made at each ask)."""
        return QRectF(self.left, self.low, self.right - self.left, self.high - self.low)


class TagLaying:
    """The tags of a scene, for :class:`~annotator.gui.annotate.overlay.Overlay` (which
    gives ``view``, ``state``, ``_tag_rise`` and ``_tag_metrics``)."""

    def _lay_tags(self, scene, places, tag_h: float) -> None:
        """One tag per span above its first line; tags that would overlap on a line move
        right (an outer span's before the nested one's that starts with it), then those
        that would run past the text's right edge move back left, as far as they must:
        each tag whole on screen (one cut to "cla" by the edge named no label). A line
        whose tags do not fit side by side gets their short forms ("c", "q", "a")."""
        get, rise, tags = self.state.spans.get, self._tag_rise(tag_h), scene.tags
        # (the same order however the places came: a line laid again after an edit is
        # laid as a rebuild lays it, two spans over the same words included)
        order = sorted((top, x, -(span := get(span_id)).length, span_id, width, span)
                       for span_id, (x, top, width) in places.items())
        port = self.view.viewport().geometry()
        left_edge, right_edge = port.left() + 1.0, float(port.right())  # (its last pixel)
        shorts: dict[str, str] | None = None
        line: list[list] = []  # one line's tags: [x as laid, top, width, id, span, x asked]

        def lay_line() -> None:
            nonlocal shorts
            texts = None
            last = line[-1]
            if last[0] + last[2] > right_edge and not pull_back(line, left_edge, right_edge):
                if shorts is None:  # more than the line holds: their short forms
                    shorts = short_tags(self.state.span_labels())
                metrics, texts, end = self._tag_metrics(), [], -1e9
                for entry in line:  # laid again from where each asked to be
                    span = entry[4]
                    texts.append(shorts.get(span.label) or tag_text(span.label))
                    entry[2] = tag_width(metrics, texts[-1], span)
                    entry[0] = max(entry[5], end + 2)
                    end = entry[0] + entry[2]
                pull_back(line, left_edge, right_edge, crowded=True)
            for k, (x, top, width, span_id, span, asked) in enumerate(line):
                if x != asked or texts is not None:
                    places[span_id] = (x, top, width)
                low = top - rise
                tags.append(DrawnTag(span, x, low, x + width, low + tag_h,
                                     texts[k] if texts else tag_text(span.label),
                                     bool(span.note), top))
            line.clear()

        right, top_now = -1e9, None
        for top, x, _length, span_id, width, span in order:
            if top != top_now:
                if line:
                    lay_line()
                right, top_now = -1e9, top
            laid = x if x >= right + 2 else right + 2
            right = laid + width
            line.append([laid, top, width, span_id, span, x])
        if line:
            lay_line()


def tag_width(metrics, text: str, span: Span) -> float:
    """A tag's width: its text, its padding and, for a span with a note, the note's mark."""
    return metrics.horizontalAdvance(text) + 8 + (6 if span.note else 0)


def pull_back(line: list[list], left: float, right: float, *, crowded: bool = False) -> bool:
    """Move the tags of one line (each ``[x, top, width, ...]``, in order, none over the
    one before it) back left from ``right``, the last first, as far as each must. False
    when they do not fit between ``left`` and ``right`` side by side (some may have moved:
    the caller lays the line again from where each asked to be). ``crowded``: then they are
    spread evenly from ``left`` to ``right``, each over the next by the same few pixels
    (not piled at the left, over words not theirs)."""
    limit = right
    for entry in reversed(line):
        if entry[0] + entry[2] <= limit:
            break  # (and none before it: they end left of it)
        if limit - entry[2] < left:
            if not crowded:
                return False
            step = max(0.0, right - left - line[-1][2]) / max(1, len(line) - 1)
            for k, each in enumerate(line):
                each[0] = left + k * step
            return True
        entry[0] = limit - entry[2]
        limit = entry[0] - 2
    return True
