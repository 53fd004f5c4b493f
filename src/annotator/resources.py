"""Find bundled files (seeds/, resources/) from a checkout, an installed wheel or a frozen app.

A wheel and the PyInstaller bundle carry them in ``annotator/_data/``; a checkout (and an
editable install) has them at the top of the repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _roots() -> list[Path]:
    roots = [_PACKAGE / "_data"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.insert(0, Path(frozen) / "annotator" / "_data")
    roots.append(_PACKAGE.parent.parent)  # src/annotator -> repository root
    return roots


def _folder(name: str) -> Path:
    for root in _roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found in {', '.join(map(str, _roots()))}")


def resource(name: str) -> Path:
    """Path of a file in resources/, e.g. ``resource("icons/annotator.svg")``."""
    folder = _folder("resources")
    path = folder / name
    if not path.is_file():
        known = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        raise FileNotFoundError(f"no resource {name!r}; known: {', '.join(known)}")
    return path


def seed_files() -> list[Path]:
    """The bundled sample articles, in name order."""
    folder = _folder("seeds")
    return sorted(p for p in folder.iterdir() if p.suffix in {".txt", ".md"})
