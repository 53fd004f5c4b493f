"""Pull: bring what the hub holds for this member into the file, after the same checks a
received database passes (store/received.py), so a broken or hostile hub cannot poison it.

One REPEATABLE READ transaction reads everything new since the cursor. Versions are stamped
under an advisory lock (sync/schema.py), so rows commit in version order and ``version >
cursor`` never skips one. Documents are keyed by content: the ones assigned (or, for
reviewers, all) that the file lacks are fetched whole, their id and hash recomputed. Spans must
hold their article's text at their offsets, labels must be in the scheme, links must join spans
of their own article. One bad row refuses the whole pull with a message naming it; the file is
left as it was.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from operator import itemgetter

from annotator.core.annotators import reserved_name_problem
from annotator.core.bulk import collector_paused
from annotator.core.ids import document_id, text_sha256
from annotator.core.labels import Label
from annotator.core.link_rules import LinkRule
from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.syncitems import (
    DECISION,
    DOCUMENT_LABEL,
    KINDS,
    RELATION,
    SPAN,
    STATUS,
    Kind,
)
from annotator.store.syncing import pulled_row_names
from annotator.sync.connection import HubError
from annotator.sync.hub_rules import read_rules

_STATUSES = {"todo", "in_progress", "done"}


@dataclass
class Pulled:
    labels: list[Label] = field(default_factory=list)
    link_rules: list[LinkRule] | None = None  # None: the hub carries none (schema 1)
    documents: list[IncomingDocument] = field(default_factory=list)
    # kind -> its rows, tuples laid out by store.syncing.pulled_row_names
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    cursor: int = 0
    # items on articles this file does not hold and the hub no longer shows this member
    # (an assignment released): left on the hub, and counted
    elsewhere: int = 0


def read(conn, store, cursor: int, skip: tuple[int, int] | None = None) -> Pulled:
    """Everything new on the hub for this member since ``cursor``, checked. ``skip``: the
    versions this sync's push just wrote (a range no other writer can have rows in, since
    a push holds the write lock from its first row to its commit): already in the file."""
    # Everything up to the last version this push wrote is in the file now: the rows of
    # others below it are read here, this push's own are left out.
    pulled = Pulled(cursor=max(cursor, skip[1]) if skip else cursor)
    # (100,000 rows in a first pull, none in a cycle: core/bulk.py)
    with collector_paused(), conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        pulled.labels = [
            Label(name, kind, color, key, position, description)
            for name, kind, color, key, position, description in conn.execute(
                "SELECT name, kind, color, key, position, description FROM labels "
                "ORDER BY kind, position, name"
            )
        ]
        pulled.link_rules = read_rules(conn, pulled.labels)
        have = set(store.document_ids())
        visible = [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY position")]
        missing = [doc for doc in visible if doc not in have]
        if missing:
            pulled.documents = [
                _document(row) for row in conn.execute(
                    "SELECT id, source_id, text, text_sha256, title, source, author, published, "
                    "url, meta FROM documents WHERE id = ANY(%s) ORDER BY position", [missing]
                )
            ]
        known = have | {doc.id for doc in pulled.documents}
        for kind in KINDS:
            names = pulled_row_names(kind)
            columns = ", ".join(f'"{c}"' for c in names)
            lo, hi = skip or (0, -1)
            # No ORDER BY: a kind holds one row per item, so the order they are applied in
            # does not matter, and sorting 100,000 rows cost more than reading them.
            # Rows stay the tuples read (laid out by pulled_row_names): a dict for each of
            # a first pull's 100,000 cost a tenth of the pull.
            rows = conn.cursor(binary=True).execute(
                f"SELECT {columns} FROM {kind.table} WHERE version > %s "
                "AND NOT (version BETWEEN %s AND %s)",
                [cursor, lo, hi],
            ).fetchall()
            if rows:
                pulled.cursor = max(pulled.cursor, max(map(itemgetter(len(names) - 1), rows)))
            doc_at = names.index("document")
            kept = rows if known.issuperset(map(itemgetter(doc_at), rows)) \
                else [r for r in rows if r[doc_at] in known]
            pulled.elsewhere += len(rows) - len(kept)
            pulled.rows[kind.name] = kept
    with collector_paused():
        _check(pulled, store)
    return pulled


def my_assignments(conn) -> list[tuple[str, int, int]]:
    """This member's assignments, in the hub's article order: (document, other annotators of
    it, how many of them are done). Counts only: the hub's function answers for the member
    logged in, and their statuses stay behind row-level security."""
    rows = []
    for doc, others, done in conn.execute("SELECT * FROM hub_my_assignments()"):
        if not (isinstance(doc, str) and 0 <= done <= others):
            raise HubError(f"hub assignment {doc!r}: {done} of {others} others done makes "
                           "no sense; the list of your assignments was left as it was")
        rows.append((doc, others, done))
    return rows


def _document(row) -> IncomingDocument:
    doc_id, source_id, text, sha, title, source, author, published, url, meta = row
    where = f"hub documents row {doc_id}"
    if text_sha256(text) != sha:
        raise HubError(f"{where}: its text does not match its recorded hash; nothing pulled")
    if document_id(text, source_id) != doc_id:
        raise HubError(f"{where}: its id is not the one its text and source id make; "
                       "nothing pulled")
    import json

    try:
        extra = json.loads(meta)
    except ValueError as exc:
        raise HubError(f"{where}: meta is not JSON; nothing pulled") from exc
    if not isinstance(extra, dict):
        raise HubError(f"{where}: meta is not a JSON object; nothing pulled")
    return IncomingDocument(
        text=text, source_id=source_id,
        meta=DocumentMeta(title=title, source=source, author=author, published=published,
                          url=url, extra=extra),
        origin=where, id=doc_id,
    )


def _check(pulled: Pulled, store) -> None:
    kinds = {lb.name: lb.kind for lb in pulled.labels}
    texts = {doc.id: doc.text for doc in pulled.documents}

    def text_of(doc: str) -> str:
        if doc not in texts:  # read() kept only rows of articles the file holds or gets
            texts[doc] = store.document(doc).text
        return texts[doc]

    span_labels = {name for name, kind in kinds.items() if kind == "span"}
    rows = pulled.rows.get(SPAN.name, [])
    _annotators(SPAN, rows, gold_ok=True)
    id_at, doc_at, start_at, end_at, label_at, text_at, deleted_at = map(
        pulled_row_names(SPAN).index,
        ("id", "document", "start", "end", "label", "text", "deleted"))
    for row in rows:  # 100,000 in a reviewer's first pull: the short way, on the tuple read
        if row[deleted_at]:
            continue
        doc, start, end = row[doc_at], row[start_at], row[end_at]
        text = texts[doc] if doc in texts else text_of(doc)
        if row[label_at] not in span_labels or type(start) is not int \
                or type(end) is not int or not 0 <= start < end <= len(text) \
                or text[start:end] != row[text_at]:
            _span_refused(_named(SPAN, row), text, kinds)
    relations = [_named(RELATION, row) for row in pulled.rows.get(RELATION.name, [])]
    # id -> document, of the spans pulled alive (made only when links come too)
    spans = {row[id_at]: row[doc_at] for row in rows if not row[deleted_at]} \
        if relations else {}
    for row in relations:
        where = _Where(RELATION, row)
        _annotator(RELATION, row, gold_ok=True)
        if row["deleted"]:
            continue
        if kinds.get(row["label"]) != "relation":
            raise HubError(f"{where}: link type {row['label']!r} is not in the hub's scheme; "
                           "nothing pulled")
        for end in ("source", "target"):
            doc = spans.get(row[end]) or store.span_document(row[end])
            if doc != row["document"]:
                raise HubError(f"{where}: its {end} span {row[end]} is not a span of its "
                               "article; nothing pulled")
    for row in map(functools.partial(_named, STATUS), pulled.rows.get(STATUS.name, [])):
        _annotator(STATUS, row, gold_ok=False)
        if row["status"] not in _STATUSES:
            raise HubError(f"{_where(STATUS, row)}: unknown status {row['status']!r}; "
                           "nothing pulled")
    for row in map(functools.partial(_named, DOCUMENT_LABEL),
                   pulled.rows.get(DOCUMENT_LABEL.name, [])):
        _annotator(DOCUMENT_LABEL, row, gold_ok=True)
        if not row["deleted"] and kinds.get(row["label"]) != "document":
            raise HubError(f"{_where(DOCUMENT_LABEL, row)}: {row['label']!r} is not a document "
                           "label of the hub's scheme; nothing pulled")


    for row in map(functools.partial(_named, DECISION), pulled.rows.get(DECISION.name, [])):
        _annotator(DECISION, row, gold_ok=False)
        if row["deleted"]:
            continue
        if row["kind"] not in ("span", "relation") or row["verdict"] not in _VERDICTS \
                or row["owns_gold"] not in (0, 1):
            raise HubError(f"{_where(DECISION, row)}: not a verdict Annotator knows "
                           f"({row['kind']}, {row['verdict']}); nothing pulled")


def _named(kind: Kind, row: tuple) -> dict:
    """A pulled row as a dict of its columns, for the checks of the kinds that come few
    and for messages."""
    return dict(zip(pulled_row_names(kind), row, strict=True))


_VERDICTS = {"accepted", "rejected", "edited"}


def _span_refused(row: dict, text: str, kinds: dict[str, str]) -> None:
    """Raise the message that says what is wrong with the span ``row`` (on ``text``)."""
    where = _where(SPAN, row)
    if kinds.get(row["label"]) != "span":
        raise HubError(f"{where}: label {row['label']!r} is not a span label of the hub's "
                       "scheme; nothing pulled")
    start, end = row["start"], row["end"]
    if type(start) is not int or type(end) is not int:
        raise HubError(f"{where}: offsets {start!r}-{end!r} are not whole numbers; "
                       "nothing pulled")
    if not (0 <= start < end <= len(text)):
        raise HubError(f"{where}: offsets {start}-{end} are outside its article "
                       f"({len(text)} characters); nothing pulled")
    raise HubError(f"{where}: its text {row['text'][:40]!r} is not the article's text "
                   f"at {start}-{end} ({text[start:end][:40]!r}); nothing pulled")


def _annotators(kind: Kind, rows: list[tuple], *, gold_ok: bool) -> None:
    """:func:`_annotator` for each of ``rows`` (tuples as pulled), once per name (a pull
    brings few names, many times each); the message names the first row with a wrong
    name."""
    at = kind.columns.index("annotator")
    for name in set(map(itemgetter(at), rows)):
        if not (gold_ok and name == "gold") and _name_problem(name):
            _annotator(kind, _named(kind, next(row for row in rows if row[at] == name)),
                       gold_ok=gold_ok)


def _annotator(kind: Kind, row: dict, *, gold_ok: bool) -> None:
    name = row["annotator"]
    if gold_ok and name == "gold":
        return
    problem = _name_problem(name)
    if problem:
        raise HubError(f"{_where(kind, row)}: {problem}; nothing pulled")


@functools.lru_cache(maxsize=256)
def _name_problem(name: str) -> str | None:  # a pull brings few names, many times each
    return reserved_name_problem(name)


def _where(kind: Kind, row: dict) -> str:
    return f"hub {kind.table} row {kind.item(row)!r} ({row['annotator']})"


class _Where:
    """A row's place in a message, put into words only when a message is made."""

    __slots__ = ("kind", "row")

    def __init__(self, kind: Kind, row: dict) -> None:
        self.kind, self.row = kind, row

    def __str__(self) -> str:
        return _where(self.kind, self.row)

    def __format__(self, _spec: str) -> str:  # f"{where}" in the messages
        return str(self)
