"""``annotator export DB --layer suggestions``: the pending suggestions in the native JSONL
format (DESIGN.md), one article a line, each span and link with ``suggester``, ``score``
and ``reason``. Only articles that have suggestions are written. A link to a span already
in the article names that span, which is written too (it has an ``annotator`` and no
``suggester``), so that every link's ends are in its record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.suggestion_rows import EXISTING, Suggestion
from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import ExportReport, write_record
from annotator.store import Store


def export_suggestions(
    db: Path, output: Path, fmt: str, labels: tuple[str, ...], annotators: tuple[str, ...],
    statuses: tuple[str, ...], warn: Callable[[Store], None] | None = None,
) -> ExportReport:
    """The command line's ``export --layer suggestions``: options checked first, then the
    file written; ``warn`` is shown what the store noticed about the database."""
    check_options(fmt, annotators, statuses)
    report = ExportReport()
    with Store.open_readonly(db) as store:
        if warn is not None:
            warn(store)
        write_suggestions(store, output, frozenset(labels), report)
    return report


def check_options(fmt: str, annotators: tuple[str, ...], statuses: tuple[str, ...]) -> None:
    """Refuse what ``--layer suggestions`` cannot honour, before anything is written."""
    if fmt != "jsonl":
        raise AnnotatorError(
            f"--layer suggestions writes the native format; leave out --format {fmt} "
            "(or give --format jsonl)"
        )
    if annotators or statuses:
        option = "--annotator" if annotators else "--status"
        raise AnnotatorError(
            f"suggestions belong to no annotator yet, so {option} would select nothing "
            "from them; leave it out with --layer suggestions"
        )


def write_suggestions(
    store: Store, target: Path, labels: frozenset[str], report: ExportReport
) -> None:
    """Write every article's pending suggestions (only those with ``labels``, when given;
    a link is kept when its ends are) to ``target`` atomically, counting them in ``report``."""
    with atomic_write(target) as f:
        for doc_id in store.suggestion_documents():
            record = _record(store, doc_id, labels)
            if record is None:
                continue
            write_record(f, record)
            report.documents += 1
            report.spans += sum(1 for s in record["spans"] if "suggester" in s)
            report.relations += len(record["relations"])
    if not report.documents:
        report.notes.append("the database has no pending suggestions"
                            + (" with these labels" if labels else ""))  # fmt: skip


def _record(store: Store, doc_id: str, labels: frozenset[str]) -> dict[str, Any] | None:
    doc = store.document(doc_id)
    pending = store.suggestions(doc_id)
    spans = [s for s in pending if s.is_span and (not labels or s.label in labels)]
    kept = {s.id for s in spans}
    links = [
        s for s in pending
        if not s.is_span and (not labels or s.label in labels)
        and all(end in kept or end.startswith(EXISTING) for end in (s.source, s.target))
    ]
    if not spans and not links:
        return None
    items: list[dict[str, Any]] = [_span(s) for s in spans]
    there = sorted({end[len(EXISTING):] for s in links for end in (s.source, s.target)
                    if end.startswith(EXISTING)})  # fmt: skip
    for span_id in there:
        span = store.span(span_id)
        items.append({"id": span.id, "start": span.start, "end": span.end, "label": span.label,
                      "text": span.text, "annotator": span.annotator})  # fmt: skip
    items.sort(key=lambda item: (item["start"], item["end"], item["id"]))
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": doc.meta.as_dict() | {"source_id": doc.source_id},
        "spans": items,
        "relations": [_link(s) for s in links],
    }


def _span(s: Suggestion) -> dict[str, Any]:
    return {"id": s.id, "start": s.start, "end": s.end, "label": s.label, "text": s.text,
            "suggester": s.suggester, "score": s.score, "reason": s.reason,
            "created_at": s.created_at}  # fmt: skip


def _end(end: str) -> str:
    return end[len(EXISTING):] if end.startswith(EXISTING) else end


def _link(s: Suggestion) -> dict[str, Any]:
    return {"id": s.id, "label": s.label, "from": _end(s.source), "to": _end(s.target),
            "suggester": s.suggester, "score": s.score, "reason": s.reason,
            "created_at": s.created_at}  # fmt: skip
