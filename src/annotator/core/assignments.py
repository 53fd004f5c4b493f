"""A member's assignments from the team hub, as the document list shows them: assigned
articles first, each with how many of its other annotators are done."""

from __future__ import annotations

from collections.abc import Mapping


def assigned_first(ids: list[str], assigned: Mapping[str, object]) -> list[str]:
    """``ids`` with the assigned ones first, each group keeping the order it had (the list's
    sort applies within both)."""
    if not assigned:
        return ids
    return [d for d in ids if d in assigned] + [d for d in ids if d not in assigned]


def others_short(others: int, done: int) -> str:
    """The list's compact form, "1/2" (others done / others); "" with no other annotator."""
    return f"{done}/{others}" if others > 0 else ""


def others_done(others: int, done: int) -> str:
    """"1 of 2 others done"; "" when the article has no other annotator."""
    if others <= 0:
        return ""
    if others == 1:
        return "the other is done" if done else "the other is not done"
    return f"{done} of {others} others done"
