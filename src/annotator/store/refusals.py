"""The importer's refusals: labels that look like others, and documents set aside.

An import with ``--skip-invalid`` leaves out the documents the database refuses (an id
stored with another text, a relation to a span the document lacks, an id taken by other
content). The importer (store/importer.py) finds them all in one pass: before it checks a
document it notes how far its rows and plan had come (:func:`mark`); when the document is
refused, :func:`set_aside` takes back what it had added, so that the documents after it are
checked as if it had not come, and the checks go on. At the end :class:`Refused` carries
every refusal and the transaction is rolled back; the pipeline imports again without them,
once (formats/importing.py), where it used to import again once per refused document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from annotator.core.errors import InputError
from annotator.core.scheme import lookalike, lookalike_problem
from annotator.store.rows import ANNOTATOR, CONTENT, ID

if TYPE_CHECKING:
    import sqlite3



class Refused(InputError):
    """The documents a collecting import (``import_documents(collect=True)``) refused, all
    of them: ``errors``, one per document, in order. Nothing was stored."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        super().__init__(first.path, first.reason, line=first.line)
        self.errors = errors


def refuse_lookalikes(names: Iterable[str], labels: dict[str, str], origin: str) -> None:
    """A label new to the scheme may not look like one it has, or like another new one
    (core/scheme.py ``look``): the file's "claim\\u200b" is not a second "claim"."""
    new = [name for name in names if name not in labels]
    for name in new:
        other = lookalike(name, [*labels, *new])
        if other is not None:
            raise InputError(origin, lookalike_problem(name, other))


def mark(i: int, plan, new, run) -> tuple:
    """What :func:`set_aside` takes back to, noted before document ``i`` is checked."""
    doc_id = plan.doc_ids[i]
    return (i, len(new.documents), len(new.spans), len(new.relations),
            len(plan.span_ids_of.get(doc_id, ())), new.counts.get(doc_id, 0),
            len(run.summary.labels_added))  # fmt: skip


def set_aside(conn: sqlite3.Connection, exc: InputError, plan, new, run) -> None:
    """Note the refusal of the document being checked (``new.mark``) and take back what it
    added: its document row, span and relation rows (and their ids and contents in the
    plan), its spans among its document's, its count, the labels it added to the scheme.
    The checks resume with the next document."""
    i, documents, spans, relations, span_ids, count, labels = new.mark
    doc_id = plan.doc_ids[i]
    if len(new.documents) > documents:
        new.added_docs.pop(doc_id, None)
        run.position -= len(new.documents) - documents
        del new.documents[documents:]
    for rows, at, stored_rows, by_content, kind in (
        (new.spans, spans, plan.stored_spans, plan.span_content, "span"),
        (new.relations, relations, plan.stored_relations, plan.relation_content, "relation"),
    ):
        for row in rows[at:]:
            stored_rows.pop(row[ID], None)
            content = (*row[CONTENT], row[ANNOTATOR[kind]])
            if by_content.get(content) == row[ID]:
                del by_content[content]
        del rows[at:]
    if doc_id in plan.span_ids_of:
        del plan.span_ids_of[doc_id][span_ids:]
    new.counts[doc_id] = count
    for name in run.summary.labels_added[labels:]:
        del run.labels[name]
    del run.summary.labels_added[labels:]
    # The scheme held what run.labels holds, but for the labels this document added (some
    # may be there even though adding the others failed); none is used by a row yet.
    added = [(n,) for (n,) in conn.execute("SELECT name FROM labels") if n not in run.labels]
    conn.executemany("DELETE FROM labels WHERE name = ?", added)
    run.refused.append(exc)
    new.refused.add(i)
    new.resume = i + 1


def id_taken(kind: str, item_id: str, origin: str, *, numbered: bool = False) -> InputError:
    """Two files that number their spans "T1", "T2"... must not overwrite each other."""
    if numbered:  # a LocalId: the same number, annotator and document, another place
        return InputError(
            origin,
            f"a {kind} this file numbers like one the same annotator already has in this "
            f"document, at another place or with another label (an edited copy of a file "
            "imported before?); import it under another --annotator name",
        )
    return InputError(
        origin,
        f"{kind} id {item_id!r} is already used by another {kind} in the database; "
        "give each its own id",
    )
