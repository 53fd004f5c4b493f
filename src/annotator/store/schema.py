"""Schema migrations: append-only, each a named function; ``user_version`` counts them.

All pending migrations run in one transaction (the caller's). Never edit a migration
that has shipped: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from annotator.core.ids import utc_now
from annotator.core.labels import DEFAULT_LABELS
from annotator.core.link_rules import DEFAULT_RULES

APPLICATION_ID = 0x414E4E54  # "ANNT"

Migration = Callable[["sqlite_utils.Database"], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    for statement in _INITIAL.split(";\n"):
        if statement.strip():
            db.execute(statement)
    now = utc_now()
    db["labels"].insert_all(
        {
            "name": label.name,
            "kind": label.kind,
            "color": label.color,
            "key": label.key,
            "position": label.position,
            "description": label.description,
        }
        for label in DEFAULT_LABELS
    )
    db.execute("INSERT INTO annotators (name, created_at) VALUES ('import', ?)", [now])


@migration
def m002_status_counts_search(db: sqlite_utils.Database) -> None:
    """Per-annotator document status, a span count for sorting, document notes,
    full-text search.

    The search index has no triggers: the store, the only writer, fills it when a
    document is imported (texts never change afterwards).
    """
    for statement in _STATUS.split(";\n"):
        if statement.strip():
            db.execute(statement)
    db.execute(
        "UPDATE documents SET span_count = "
        "(SELECT count(*) FROM spans WHERE spans.document = documents.id)"
    )
    db["documents"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=False)


@migration
def m003_span_counts_apart(db: sqlite_utils.Database) -> None:
    """Span counts move to a table of their own. SQLite rewrites a whole row on UPDATE, so
    counting one more span on a 5 MB article rewrote (and synced) its 5 MB text
    (tests/test_safety_big_article.py). ``documents.span_count`` stays, unused and no
    longer kept up to date: dropping a column needs SQLite 3.35 and rewrites the table.
    """
    for statement in _SPAN_COUNTS.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migration
def m004_covering_document_indexes(db: sqlite_utils.Database) -> None:
    """The document list asks for 100,000 ids in title (or date, source, import) order:
    indexes that hold the id answer from the index alone, without a lookup per row."""
    for column in ("position", "title", "source", "published"):
        db.execute(f"DROP INDEX IF EXISTS documents_{column}")
    db.execute("CREATE INDEX documents_position_id ON documents (position, id)")
    db.execute("CREATE INDEX documents_title_id ON documents (title COLLATE NOCASE, position, id)")
    db.execute("CREATE INDEX documents_source_id ON documents (source COLLATE NOCASE, position, id)")
    db.execute("CREATE INDEX documents_published_id ON documents (published, position, id)")


@migration
def m005_decisions(db: sqlite_utils.Database) -> None:
    """A reviewer's verdict on each annotator's span or relation (issue 5, adjudication).

    ``item`` is the original's id (a span or a relation; the originals are never changed),
    ``gold`` the gold span or relation it produced (annotator "gold", in the ordinary
    tables). ``owns_gold`` is 1 on the decision that made its gold item: only a gold item
    made by decisions is removed when no decision points to it any more, never one that was
    imported or drawn by hand.
    """
    for statement in _DECISIONS.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migration
def m006_span_view_indexes(db: sqlite_utils.Database) -> None:
    """Opening an article reads its spans' offsets, labels and annotators from one
    covering index, in order, with no lookup per row (100,000 spans: 0.1 s instead of
    0.5 s), and the few notes from a partial index. The old ``(document, start)`` index is
    a prefix of the new one, so it goes: one index less to fill on import."""
    db.execute("DROP INDEX spans_document_start")
    db.execute("CREATE INDEX spans_view ON spans (document, start, end, id, label, annotator)")
    db.execute("CREATE INDEX spans_noted ON spans (document, id, note) WHERE note IS NOT NULL")


@migration
def m007_document_labels(db: sqlite_utils.Database) -> None:
    """Document labels (issue 14): a third kind of label, about a whole article (stance,
    genre, "no claims"), set or not per annotator and article.

    SQLite cannot change a CHECK constraint in place, so ``labels`` is rebuilt (SQLite's
    documented way: new table, copy, drop, rename), with foreign keys off for the migration
    and checked before it commits (opening.py ``_migrate``); every table that refers to
    ``labels`` by name refers to the new one. Span and document labels share one set of
    keys (both are set by a bare key in the window), so the unique index groups them.
    """
    for statement in _DOCUMENT_LABELS.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migration
def m008_full_text_index_in_larger_runs(db: sqlite_utils.Database) -> None:
    """The full-text index keeps what it has indexed in memory until it holds 16 MB, not
    FTS5's default of 1 MB, before writing it out as a new segment: each segment written
    sets off merges with those before it, and with sixteen times fewer, indexing 100,000
    news articles (250 MB of text) took 10 s of CPU instead of 29 s. Only imports feed
    the index; the setting is kept in the index's own config table. (``hashsize`` is a
    setting of FTS5, in its source since 2015, that its documentation does not list.)"""
    db.execute(
        "INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', ?)",
        [FULL_TEXT_HASH_BYTES],
    )


@migration
def m009_link_rules(db: sqlite_utils.Database) -> None:
    """Which span labels each link type joins (issue 15): ``said_by`` quote -> actor,
    ``claimed_by`` claim -> actor, where the scheme has those labels. A label the links
    already stored join is added to its end's list, so an upgrade leaves no stored link
    breaking its rule; no rows on an end: any label may stand there."""
    db.execute(_LINK_RULES)
    kinds = dict(db.execute("SELECT name, kind FROM labels").fetchall())
    for rule in DEFAULT_RULES:
        if kinds.get(rule.relation) != "relation":
            continue
        for side, names in (("source", rule.sources), ("target", rule.targets)):
            if not all(kinds.get(name) == "span" for name in names):
                continue  # the scheme was changed: leave this end open
            used = [row[0] for row in db.execute(
                f"SELECT DISTINCT s.label FROM relations r JOIN spans s ON s.id = r.{side} "
                "WHERE r.label = ? ORDER BY s.label", [rule.relation],
            )]  # fmt: skip
            for name in dict.fromkeys([*names, *used]):
                db.execute(
                    "INSERT INTO link_rules (relation, side, label) VALUES (?, ?, ?)",
                    [rule.relation, side, name],
                )


@migration
def m010_received_versions(db: sqlite_utils.Database) -> None:
    """What each annotator sent for review, version by version, and the verdicts a new
    version put in doubt (issue 16). (m009 is another part's; the merge orders them.)

    ``received_versions``: one row per annotator and content received (the file, when, the
    file's hash, a hash of that annotator's content, and counts). ``review_flags``: a
    verdict given on an item that a later version changed or deleted. A flag holds the
    ``decided_at`` of the verdict it questions: a new verdict on the item settles it, with
    no hook in the code that decides (store/versions.py).
    """
    for statement in _RECEIVED_VERSIONS.split(";\n"):
        if statement.strip():
            db.execute(statement)


_RECEIVED_VERSIONS = """
CREATE TABLE received_versions (
    id INTEGER PRIMARY KEY,
    annotator TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    file TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    documents INTEGER NOT NULL DEFAULT 0,
    spans INTEGER NOT NULL DEFAULT 0,
    links INTEGER NOT NULL DEFAULT 0,
    document_labels INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0,
    flagged INTEGER NOT NULL DEFAULT 0,
    UNIQUE (annotator, version)
);
CREATE TABLE review_flags (
    item TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('span', 'relation')),
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('changed', 'deleted')),
    was TEXT NOT NULL,
    now TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL REFERENCES received_versions (id),
    decided_at TEXT NOT NULL,
    flagged_at TEXT NOT NULL
);
CREATE INDEX review_flags_document ON review_flags (document)
"""


@migration
def m011_decision_notes(db: sqlite_utils.Database) -> None:
    """A reviewer's note on a verdict (issue 16): why a span went into gold as it did, or
    why it was rejected. The gold item the verdict made carries the same note, so it is
    exported with gold wherever span notes go."""
    db.execute("ALTER TABLE decisions ADD COLUMN note TEXT")


FULL_TEXT_HASH_BYTES = 16 * 1024 * 1024


@migration
def m012_team_hub_sync(db: sqlite_utils.Database) -> None:
    """What syncing with a team hub needs (store/syncing.py): the hub's identity, the member
    and the pull cursor; the version and digest of every item the hub holds; parked
    conflicts. Empty in a file that never syncs."""
    for statement in _SYNC.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migration
def m013_suggestions(db: sqlite_utils.Database) -> None:
    """The suggestion layer (store/suggestions.py): what suggesters propose per article,
    kept apart from spans and relations; what was rejected, by content, so that a new run
    does not bring it back; and the suggester an accepted span or relation came from."""
    for statement in _SUGGESTIONS.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migration
def m014_hub_assignments(db: sqlite_utils.Database) -> None:
    """The articles the hub assigns to this file's member, with how many of the article's
    other annotators there are and how many of them are done (the hub tells a member the
    counts only, never the others' work): the document list shows them first. Replaced whole
    at each sync; empty in a file that never syncs."""
    db.execute(
        "CREATE TABLE hub_assignments ("
        "document TEXT PRIMARY KEY NOT NULL, "
        "others INTEGER NOT NULL DEFAULT 0, "
        "others_done INTEGER NOT NULL DEFAULT 0)"
    )

SCHEMA_VERSION = len(MIGRATIONS)
# guard.fingerprint() of the schema all the migrations make: a file that has exactly it is
# known good without running them (tests/test_store.py fails, printing the new value, when a
# migration changes it; a stale value only makes opening slower, never wrong).
SCHEMA_FINGERPRINT = "b45f0b419fe63c5dc13b1bc895d8148b87808a05304e627feb867af79efeaf49"

_SUGGESTIONS = """
CREATE TABLE suggestions (
    id TEXT PRIMARY KEY NOT NULL,
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('span', 'relation')),
    suggester TEXT NOT NULL,
    label TEXT NOT NULL REFERENCES labels (name) ON UPDATE CASCADE ON DELETE CASCADE,
    start INTEGER,
    end INTEGER,
    source TEXT,
    target TEXT,
    score REAL NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK ((kind = 'span' AND start >= 0 AND end > start AND source IS NULL)
           OR (kind = 'relation' AND start IS NULL AND source IS NOT NULL
               AND target IS NOT NULL))
);
CREATE INDEX suggestions_document ON suggestions (document, suggester);
CREATE TABLE suggestion_rejections (
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('span', 'relation')),
    content TEXT NOT NULL,
    rejected_at TEXT NOT NULL,
    PRIMARY KEY (document, kind, content)
);
CREATE TABLE provenance (
    item TEXT PRIMARY KEY NOT NULL,
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('span', 'relation')),
    suggester TEXT NOT NULL,
    score REAL NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    accepted_at TEXT NOT NULL
);
CREATE INDEX provenance_document ON provenance (document)
"""

_LINK_RULES = """
CREATE TABLE link_rules (
    relation TEXT NOT NULL REFERENCES labels (name) ON UPDATE CASCADE ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('source', 'target')),
    label TEXT NOT NULL REFERENCES labels (name) ON UPDATE CASCADE ON DELETE CASCADE,
    PRIMARY KEY (relation, side, label)
)
"""

_SYNC = """
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
CREATE TABLE sync_items (
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    annotator TEXT NOT NULL,
    document TEXT NOT NULL,
    version INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (kind, item)
);
CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    local TEXT NOT NULL,
    hub_version INTEGER NOT NULL,
    parked_at TEXT NOT NULL,
    resolved TEXT
)
"""

_DOCUMENT_LABELS = """
CREATE TABLE labels_new (
    name TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('span', 'relation', 'document')),
    color TEXT NOT NULL,
    key TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT ''
);
INSERT INTO labels_new (name, kind, color, key, position, description)
    SELECT name, kind, color, key, position, description FROM labels;
DROP TABLE labels;
ALTER TABLE labels_new RENAME TO labels;
CREATE UNIQUE INDEX labels_kind_key
    ON labels (CASE kind WHEN 'relation' THEN 'relation' ELSE 'span' END, key)
    WHERE key IS NOT NULL;
CREATE TABLE document_labels (
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    label TEXT NOT NULL REFERENCES labels (name) ON UPDATE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators (name) ON UPDATE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (document, label, annotator)
);
CREATE INDEX document_labels_label ON document_labels (label)
"""

_DECISIONS = """
CREATE TABLE decisions (
    item TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('span', 'relation')),
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected', 'edited')),
    gold TEXT,
    owns_gold INTEGER NOT NULL DEFAULT 0 CHECK (owns_gold IN (0, 1)),
    reviewer TEXT NOT NULL REFERENCES annotators (name) ON UPDATE CASCADE,
    decided_at TEXT NOT NULL
);
CREATE INDEX decisions_document ON decisions (document);
CREATE INDEX decisions_gold ON decisions (gold) WHERE gold IS NOT NULL
"""

_SPAN_COUNTS = """
CREATE TABLE span_counts (
    document TEXT PRIMARY KEY NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    spans INTEGER NOT NULL DEFAULT 0
);
INSERT INTO span_counts (document, spans)
    SELECT d.id, (SELECT count(*) FROM spans s WHERE s.document = d.id) FROM documents d;
DROP INDEX documents_span_count;
CREATE INDEX span_counts_spans ON span_counts (spans);
"""

_STATUS = """
ALTER TABLE documents ADD COLUMN span_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN note TEXT;
CREATE INDEX documents_title ON documents (title COLLATE NOCASE);
CREATE INDEX documents_source ON documents (source COLLATE NOCASE);
CREATE INDEX documents_published ON documents (published);
CREATE INDEX documents_span_count ON documents (span_count);
CREATE TABLE document_status (
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators (name) ON UPDATE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (document, annotator)
);
CREATE INDEX document_status_annotator ON document_status (annotator, status);
"""

_INITIAL = """
CREATE TABLE annotators (
    name TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE labels (
    name TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('span', 'relation')),
    color TEXT NOT NULL,
    key TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX labels_kind_key ON labels (kind, key) WHERE key IS NOT NULL;
CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    source_id TEXT NOT NULL,
    text TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX documents_position ON documents (position);
CREATE TABLE spans (
    id TEXT PRIMARY KEY NOT NULL,
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start INTEGER NOT NULL CHECK (start >= 0),
    end INTEGER NOT NULL CHECK (end > start),
    label TEXT NOT NULL REFERENCES labels (name) ON UPDATE CASCADE,
    text TEXT NOT NULL,
    annotator TEXT NOT NULL REFERENCES annotators (name) ON UPDATE CASCADE,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX spans_document_start ON spans (document, start);
CREATE TABLE relations (
    id TEXT PRIMARY KEY NOT NULL,
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    label TEXT NOT NULL REFERENCES labels (name) ON UPDATE CASCADE,
    source TEXT NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
    target TEXT NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators (name) ON UPDATE CASCADE,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX relations_document ON relations (document);
CREATE INDEX relations_source ON relations (source);
CREATE INDEX relations_target ON relations (target);
"""
