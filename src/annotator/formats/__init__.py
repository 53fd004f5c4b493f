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

_ALL_UNITS: tuple[Unit, ...] = ("codepoint", "utf16", "utf8")  # units.UNITS but graphemes
# doccano counts UTF-16 (JavaScript string indices), or grapheme clusters in a project that
# "counts grapheme clusters as one character"; code points are for other tools' converters.
_DOCCANO_UNITS: tuple[Unit, ...] = ("utf16", "codepoint", "grapheme")
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
    reads_store: bool = False  # native and brat: SQLite builds their span lists

    def writer(self) -> Callable[..., Any]:
        """The writer, its module loaded on first use."""
        return getattr(importlib.import_module(f"annotator.formats.{self.module}"), self.function)


IMPORTS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat("text", (".txt", ".md"), ()),
        ImportFormat("html", (".html", ".htm"), ()),
        ImportFormat("jsonl", _JSONL, ("codepoint",)),
        ImportFormat("doccano", (*_JSONL, ".json"), (*_DOCCANO_UNITS, "utf8")),
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
        ExportFormat("doccano", "doccano", "write_plain", _DOCCANO_UNITS),
        ExportFormat("doccano-rel", "doccano", "write_relations", _DOCCANO_UNITS),
        ExportFormat("prodigy", "prodigy", "write", ("codepoint",)),
        ExportFormat("labelstudio", "labelstudio", "write", ("codepoint",)),
        ExportFormat(
            "brat", "brat_write", "write_store", ("codepoint",), folder=True, reads_store=True
        ),
        ExportFormat("csv", "csvfile", "write", _ALL_UNITS),
    )
}

# Other names ``--format`` takes, on both commands: Label Studio spells itself with a hyphen.
ALIASES: dict[str, str] = {"label-studio": "labelstudio"}
# Names export writes that import reads with another reader: doccano's relation form is one
# of the forms the doccano reader reads.
IMPORTED_AS: dict[str, str] = {"doccano-rel": "doccano", **ALIASES}
# Names export writes that no import can read, and why (import says so instead of refusing
# the name: every name export takes, import takes too).
EXPORT_ONLY: dict[str, str] = {
    "csv": "a CSV export lists spans without their documents' text, so it cannot be "
    "imported; import the jsonl (or doccano, prodigy, labelstudio, brat) export instead",
}
IMPORT_NAMES: tuple[str, ...] = ("auto", *IMPORTS, *IMPORTED_AS, *EXPORT_ONLY)
EXPORT_NAMES: tuple[str, ...] = (*EXPORTS, *ALIASES)


def export_format(name: str) -> ExportFormat:
    """The export format ``--format name`` means (an alias included)."""
    return EXPORTS[ALIASES.get(name, name)]
