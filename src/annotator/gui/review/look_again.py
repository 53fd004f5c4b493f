"""Verdicts that need another look (issue 16): a later version from an annotator changed
or deleted the item they were given on (store/versions.py flags them).

The review window marks them where the reviewer looks anyway: the Decision column of the
group and the Verdict column of the link read "⚑ look again · …" (its tooltip says what
the item was and is now), and the Groups tab counts them and lists them all in its
tooltip, deleted items too (they have no group any more: their gold item stays until the
reviewer removes it, or `annotator review-history --settle` keeps it). Deciding the item
again settles its flag.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QTabWidget

from annotator.gui.review.models import GroupTableModel, LinkTableModel
from annotator.store.versions import Flag

GROUPS_TAB = 0


def show_flags(
    tables: tuple[GroupTableModel, LinkTableModel], tabs: QTabWidget, flags: Sequence[Flag]
) -> None:
    """Give the review window's tables the flags of the open article (before they are
    shown again), and count and list them on the Groups tab."""
    why = {f.item: f"Needs another look: {f.line()}" for f in flags}
    for model in tables:
        model.flagged = why
    title = f"Groups (⚑ {len(flags)} to look at again)" if flags else "Groups"
    tabs.setTabText(GROUPS_TAB, title)
    tabs.setTabToolTip(GROUPS_TAB, "\n".join(why.values()))
