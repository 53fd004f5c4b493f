"""What an export to a format that names no annotator (doccano, brat) writes without names.

A doccano ``label`` triple or a brat ``T`` line says nothing of who made it: Alice's and
Bob's spans are written side by side, and their identical spans twice, and an import of the
file makes them all one person's (the identical ones kept once). Exporting one annotator at
a time keeps them apart; when an export holds several annotators' work, its notes say so.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.model import Relation, Span
from annotator.formats.export_types import ExportReport


class Unnamed:
    """Counts the spans and relations written, by whom, and the spans identical (place and
    label) to another annotator's in the same document; :meth:`tell` adds the note."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.spans = self.relations = self.identical = 0
        self.people: set[str] = set()

    def add(self, spans: Iterable[Span], relations: Iterable[Relation] = ()) -> None:
        """The spans and relations of one document, as written."""
        owners: dict[tuple[int, int, str], set[str]] = {}
        for s in spans:
            self.spans += 1
            self.people.add(s.annotator)
            owners.setdefault((s.start, s.end, s.label), set()).add(s.annotator)
        self.identical += sum(len(who) - 1 for who in owners.values())
        for r in relations:
            self.relations += 1
            self.people.add(r.annotator)

    def add_records(self, spans: list[dict], relations: list[dict]) -> None:
        """As :meth:`add`, for spans and relations in the native record's keys (as the
        brat export reads them); a document by one annotator has no identical spans."""
        who = {s["annotator"] for s in spans}
        if len(who) > 1:
            owners: dict[tuple[int, int, str], set[str]] = {}
            for s in spans:
                owners.setdefault((s["start"], s["end"], s["label"]), set()).add(s["annotator"])
            self.identical += sum(len(each) - 1 for each in owners.values())
        self.spans += len(spans)
        self.people |= who
        self.relations += len(relations)
        self.people.update(r["annotator"] for r in relations)

    def tell(self, report: ExportReport) -> None:
        if len(self.people) < 2:  # one person's work: importing it --annotator NAME is whole
            return
        links = f" and {self.relations} relation(s)" if self.relations else ""
        alike = (
            f"; {self.identical} span(s) identical (place and label) to another annotator's "
            "in the same document, which an import keeps once"
            if self.identical
            else ""
        )
        report.notes.append(
            f"{self.spans} span(s){links} by {len(self.people)} annotators written without "
            f"their names, which {self.fmt} cannot hold{alike} (export one annotator at a time "
            "with --annotator to keep them apart)"
        )
