"""Pick the reader for each path by its suffix; read everything before anything is stored."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import IncomingDocument
from annotator.formats import native, plaintext

SUPPORTED = plaintext.SUFFIXES + native.SUFFIXES


def read_paths(paths: Iterable[Path]) -> list[IncomingDocument]:
    """Read every file (folders are searched recursively); the first bad one stops all."""
    documents: list[IncomingDocument] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED)
            if not files:
                raise InputError(path, f"holds no files to import ({', '.join(SUPPORTED)})")
            documents += read_paths(files)
        elif not path.exists():
            raise InputError(path, "no such file")
        else:
            documents += read_file(path)
    return documents


def read_file(path: Path) -> list[IncomingDocument]:
    suffix = path.suffix.lower()
    if suffix in plaintext.SUFFIXES:
        return [plaintext.read(path)]
    if suffix in native.SUFFIXES:
        return native.read(path)
    raise InputError(
        path, f"unknown file type {suffix or '(none)'!r}; Annotator imports {', '.join(SUPPORTED)}"
    )
