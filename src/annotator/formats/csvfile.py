"""CSV of spans, one row per span, for spreadsheets (export only: it holds no document text).

Columns: document_id, title, span_id, label, start, end, text, annotator, note, created_at.
Offsets are code points by default; ``--offsets utf16`` or ``utf8`` suit JavaScript or
byte-oriented readers. The file is UTF-8 **with a byte-order mark**: without it Excel reads a
CSV in the computer's legacy code page and garbles Cyrillic, CJK and emoji; LibreOffice,
pandas (``encoding="utf-8-sig"``) and Python's ``csv`` handle the mark. Rows end in CRLF and
fields are quoted where needed (RFC 4180), so a span that crosses lines stays one cell.
Cells are written as they are, never prefixed against spreadsheet formulas: the text column
must stay equal to the document's text at the offsets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import ExportDocument, ExportReport, without_document_labels
from annotator.formats.units import Unit, UnitMap

COLUMNS = (
    "document_id",
    "title",
    "span_id",
    "label",
    "start",
    "end",
    "text",
    "annotator",
    "note",
    "created_at",
)


def write(docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport) -> None:
    with atomic_write(target) as f:
        out = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
        rows = csv.writer(out)
        rows.writerow(COLUMNS)
        for item in without_document_labels(docs, report, "a CSV export"):
            doc = item.document
            units = UnitMap(doc.text, unit)
            for s in item.spans:
                rows.writerow(
                    (
                        doc.id,
                        doc.meta.title,
                        s.id,
                        s.label,
                        units.to_unit(s.start),
                        units.to_unit(s.end),
                        s.text,
                        s.annotator,
                        s.note or "",
                        s.created_at,
                    )
                )
        out.flush()
        out.detach()  # atomic_write closes the file itself
    if report.relations:
        report.notes.append(f"{report.relations} relation(s) not in the CSV: it lists spans")
        report.relations = 0
