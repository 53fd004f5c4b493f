"""Annotator names: the ones Annotator keeps for itself, and what a person may be called.

``GOLD`` owns the adjudicated layer: spans and relations in the ordinary tables whose
annotator is "gold" (see store/adjudication.py). ``IMPORT`` owns annotations imported
without a name. Neither may be a person's name, or a person's work would be taken for
the gold standard (or for nobody's).
"""

from __future__ import annotations

GOLD = "gold"
IMPORT = "import"
RESERVED_NAMES = frozenset({GOLD, IMPORT})


def reserved_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a person's annotator name, or None when it can."""
    if not isinstance(name, str) or not name.strip():
        return "an annotator name must not be empty"
    if name.strip().casefold() in RESERVED_NAMES:
        return (
            f"{name.strip()!r} is reserved ({GOLD!r} marks the adjudicated gold layer, "
            f"{IMPORT!r} annotations imported without a name); choose another annotator name"
        )
    return None
