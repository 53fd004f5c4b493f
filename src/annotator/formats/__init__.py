"""Readers and writers, one module per format, and the registry that names them.

The registry says which formats there are, the file suffixes each reads, the offset units
each counts in and where each writer lives. It names modules rather than importing them
(:meth:`ExportFormat.writer` loads one when it is first used), so ``annotator --version``
and the window's start load no reader (trafilatura alone takes a second): this file imports
nothing of the package.

Imports run one way, from the top down:

- ``importing`` (the import pipeline) -> ``reading`` (which reader for which file) -> the
  format modules;
- ``exporting`` (choose, check, hand to a writer) -> the format modules, found here;
- the format modules -> ``records`` (what every reader shares), ``export_types`` (what every
  writer is given), ``units``, ``textfile``, ``atomic``; none of them imports a module above.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.formats.units import Unit

_ALL_UNITS: tuple[Unit, ...] = ("codepoint", "utf16", "utf8")  # units.UNITS, spelled here
_JSONL = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class ImportFormat:
    """A format ``annotator import --format`` reads (formats/reading.py reads it)."""

    name: str
    suffixes: tuple[str, ...]  # what --format auto, and a folder, take for this format
    units: tuple[Unit, ...]  # the offset units its files may count in; () when it has none


@dataclass(frozen=True)
class ExportFormat:
    """A format ``annotator export --format`` writes."""

    name: str
    module: str  # in annotator.formats
    function: str  # its writer: export_types.Writer, or StoreWriter when ``reads_store``
    units: tuple[Unit, ...]  # the first is the default
    folder: bool = False
    reads_store: bool = False  # the native format: SQLite builds its span lists

    def writer(self) -> Callable[..., Any]:
        """The writer, its module loaded on first use."""
        return getattr(importlib.import_module(f"annotator.formats.{self.module}"), self.function)


IMPORTS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat("text", (".txt", ".md"), ()),
        ImportFormat("html", (".html", ".htm"), ()),
        ImportFormat("jsonl", _JSONL, ("codepoint",)),
        ImportFormat("doccano", (*_JSONL, ".json"), ("utf16", "codepoint", "utf8")),
        ImportFormat("prodigy", (*_JSONL, ".json"), ("codepoint",)),
        ImportFormat("labelstudio", (".json",), ("codepoint",)),
        ImportFormat("brat", (".txt", ".ann"), ("codepoint",)),
    )
}
# Every suffix some format reads, in the order above (the window's file dialog offers them).
SUPPORTED: tuple[str, ...] = tuple(dict.fromkeys(s for f in IMPORTS.values() for s in f.suffixes))

EXPORTS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("jsonl", "native", "write_store", ("codepoint",), reads_store=True),
        ExportFormat("doccano", "doccano", "write_plain", ("utf16", "codepoint")),
        ExportFormat("doccano-rel", "doccano", "write_relations", ("utf16", "codepoint")),
        ExportFormat("prodigy", "prodigy", "write", ("codepoint",)),
        ExportFormat("labelstudio", "labelstudio", "write", ("codepoint",)),
        ExportFormat("brat", "brat", "write", ("codepoint",), folder=True),
        ExportFormat("csv", "csvfile", "write", _ALL_UNITS),
    )
}
