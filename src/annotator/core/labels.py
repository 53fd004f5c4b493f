"""The default label scheme (DESIGN.md). Each database carries its own copy."""

from __future__ import annotations

from annotator.core.model import Label

DEFAULT_LABELS: tuple[Label, ...] = (
    Label("claim", "span", "#f2b705", "1", 0, "A checkable assertion of fact or opinion"),
    Label("quote", "span", "#3d8bfd", "2", 1, "Words reported as said or written by someone"),
    Label("actor", "span", "#3fb950", "3", 2, "A person, organisation or state"),
    Label("said_by", "relation", "#3d8bfd", None, 0, "quote -> actor"),
    Label("claimed_by", "relation", "#f2b705", None, 1, "claim -> actor"),
)
