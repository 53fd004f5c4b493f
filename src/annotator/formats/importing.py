"""Store what was read, in one transaction, and account for what was left out.

Most bad records are caught while reading. A few can only be seen against the database (a
document id already used for another text, a relation to a span that is not there): in
strict mode that error rolls the whole import back; with ``--skip-invalid`` the document is
set aside as rejected and the import is run again without it, still in one transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from annotator.core.errors import InputError
from annotator.formats.atomic import atomic_write
from annotator.formats.reading import ReadResult, locate
from annotator.formats.records import Problem, Rejected, Skipped
from annotator.store import ImportSummary, Store

_SHOWN_REASONS = 5


@dataclass
class ImportReport:
    summary: ImportSummary
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def describe(self) -> str:
        parts = [self.summary.describe()]
        if self.skipped:
            parts.append(f"{len(self.skipped)} record(s) skipped ({_reasons(self.skipped)})")
        if self.rejected:
            first = self.rejected[0]
            parts.append(
                f"{len(self.rejected)} bad record(s) rejected (the first: {first.where}: "
                f"{first.reason})"
            )
        return "; ".join(parts)


def import_read(
    store: Store, result: ReadResult, *, annotator: str, skip_invalid: bool = False
) -> ImportReport:
    documents = list(result.documents)
    rejected = list(result.rejected)
    while True:
        try:
            summary = store.import_documents(documents, annotator=annotator)
        except InputError as exc:
            bad = [d for d in documents if d.origin == exc.path]
            if not skip_invalid or not bad:
                raise
            documents = [d for d in documents if d.origin != exc.path]
            rejected.append(Rejected(*locate(exc.path), exc.reason))
            continue
        return ImportReport(summary, rejected, list(result.skipped))


def write_rejects(problems: list[Problem], target: Path) -> None:
    """One JSON object a line: file, line, reason and the record as it was (when short)."""
    with atomic_write(target) as f:
        for problem in problems:
            f.write(orjson.dumps(problem.as_dict()))
            f.write(b"\n")


def _reasons(problems: list[Problem]) -> str:
    counts = Counter(p.reason for p in problems)
    shown = [
        f"{n} × {reason}" if n > 1 else reason for reason, n in counts.most_common(_SHOWN_REASONS)
    ]
    if len(counts) > _SHOWN_REASONS:
        shown.append(f"{len(counts) - _SHOWN_REASONS} other reason(s)")
    return "; ".join(shown)
