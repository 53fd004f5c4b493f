"""The hub's schema, roles and row-level security, written once by ``annotator hub init``.

Who may change what is decided by PostgreSQL, not by the app, so a member with a hand-written
SQL client gets no more than the app gives them:

- every member is a login role in one of three group roles (annotator, reviewer, lead), named
  after the hub's database so two hubs in one cluster never share rights;
- annotation rows (spans, links, statuses, document labels, notes) carry their annotator; a
  member may insert and update only rows whose annotator is ``current_user`` (the USING clause
  and the WITH CHECK clause both say so: ``USING (true) WITH CHECK (...)`` would let anyone take
  over another's row by updating it into their own name); gold rows are written by reviewers
  and the lead; nobody deletes (deletes are tombstones, so every client learns of them);
- the scheme, the documents and the assignments are written by the lead only;
- an annotator reads the documents assigned to them and their own rows; reviewers and the lead
  read everything.

Ordering never trusts a client's clock: each written row takes the next value of one sequence
(the column's default on insert, a trigger on update; members have no right to write those
columns themselves), after every writing statement has taken a transaction-level advisory
lock, so writes commit in the order of their versions and a client that pulls ``version >
cursor`` never skips a row committed later with a smaller version. Who wrote the row and when
are stamped the same way.
"""

from __future__ import annotations

from annotator.core.link_rules import DEFAULT_RULES

# Bumped whenever the hub's schema changes; an app refuses a hub newer than it knows, and
# ``hub init`` brings an older hub up to it (UPGRADES). 2: the scheme's link rules. 3: the
# policies ask a member's group once per statement (_REVIEWER, _LEAD), and the spans' articles
# are checked once each (_SPAN_DOCUMENTS).
HUB_SCHEMA_VERSION = 3

# The key of the advisory lock every write takes (any constant; "ANNT" like the local files).
WRITE_LOCK = 0x414E4E54

ROLE_KINDS = ("annotator", "reviewer", "lead")

# The channel on which the hub says, at each commit that wrote, that there is news to pull.
NEWS_CHANNEL = "annotator_hub_news"

# Tables of annotation work: one owner per row (its annotator), versioned, never deleted.
WORK_TABLES = ("spans", "relations", "document_status", "document_labels", "document_notes")
# Reviewers' verdicts: written by reviewers and the lead, each row in its reviewer's name,
# read by them only (an annotator never sees how their work was judged before the gold).
REVIEW_TABLES = ("decisions",)
# Tables only the lead writes.
LEAD_TABLES = ("labels", "documents", "assignments")


def group_role(database: str, kind: str) -> str:
    """The group role of one kind of member of the hub in ``database``."""
    return f"annotator_hub_{database}_{kind}"[:63]


def statements(database: str) -> list[str]:
    """Every statement of ``hub init``, in order; run in one transaction."""
    annotator, reviewer, lead = (group_role(database, kind) for kind in ROLE_KINDS)
    q = _quote_ident
    sql = [
        f"CREATE ROLE {q(kind_role)} NOLOGIN"
        for kind_role in (annotator, reviewer, lead)
    ]
    sql += [s for s in _TABLES.split(";\n") if s.strip()]
    sql += [
        # Membership tests used by the policies, with the group names of this hub inlined.
        f"""CREATE FUNCTION hub_is_reviewer() RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT pg_has_role(current_user, {_literal(reviewer)}, 'MEMBER')
                   OR pg_has_role(current_user, {_literal(lead)}, 'MEMBER') $$""",
        f"""CREATE FUNCTION hub_is_lead() RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT pg_has_role(current_user, {_literal(lead)}, 'MEMBER') $$""",
        # Once per writing statement, before any row takes its version: the lock that makes
        # versions commit in their order.
        f"""CREATE FUNCTION hub_lock() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({WRITE_LOCK});
                RETURN NULL;
            END $$""",
        # Once per writing statement, after it: tell listening clients there is news (they
        # pull; the payload is empty because what a member may see is theirs to ask for).
        f"""CREATE FUNCTION hub_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify({_literal(NEWS_CHANNEL)}, TG_TABLE_NAME);
                RETURN NULL;
            END $$""",
        # An inserted row takes its version, writer and time from the columns' defaults (the
        # members may not name those columns); an updated row is stamped again here.
        """CREATE FUNCTION hub_restamp() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = public, pg_temp AS $$
            BEGIN
                NEW.version := nextval('hub_version');
                NEW.written_by := session_user;
                NEW.written_at := now();
                RETURN NEW;
            END $$""",
        _SPAN_DOCUMENTS,
        """CREATE FUNCTION hub_documents_stay() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'documents are never removed from a hub (work refers to them)'
                    USING ERRCODE = 'restrict_violation';
            END $$""",
        "CREATE TRIGGER spans_documents AFTER INSERT ON spans REFERENCING NEW TABLE AS "
        "written FOR EACH STATEMENT EXECUTE FUNCTION hub_span_documents()",
        "CREATE TRIGGER spans_documents_moved AFTER UPDATE ON spans REFERENCING NEW TABLE AS "
        "written FOR EACH STATEMENT EXECUTE FUNCTION hub_span_documents()",
        "CREATE TRIGGER documents_stay BEFORE DELETE OR TRUNCATE ON documents "
        "FOR EACH STATEMENT EXECUTE FUNCTION hub_documents_stay()",
        # A member's own assignments with, for each, how many other annotators the article
        # has and how many of them are done: counts only, so an annotator learns the team's
        # pace on their articles without reading anyone's statuses (RLS hides those rows;
        # this function, running as the hub's owner, answers for the logged-in member only).
        """CREATE FUNCTION hub_my_assignments()
            RETURNS TABLE (document text, others integer, others_done integer)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT a.document,
                   (SELECT count(*) FROM assignments o WHERE o.document = a.document
                    AND o.active AND o.annotator <> a.annotator)::integer,
                   (SELECT count(*) FROM assignments o JOIN document_status s
                    ON s.document = o.document AND s.annotator = o.annotator
                    WHERE o.document = a.document AND o.active AND o.annotator <> a.annotator
                    AND s.status = 'done' AND NOT s.deleted)::integer
            FROM assignments a JOIN documents d ON d.id = a.document
            WHERE a.annotator = session_user AND a.active
            ORDER BY d.position $$""",
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC",
        "REVOKE ALL ON SEQUENCE hub_version FROM PUBLIC",
    ]
    everyone = f"{q(annotator)}, {q(reviewer)}, {q(lead)}"
    sql.append(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    sql.append(f"GRANT EXECUTE ON FUNCTION hub_is_reviewer(), hub_is_lead(), "
               f"hub_my_assignments() TO {everyone}")
    sql.append(f"GRANT SELECT ON hub_meta, members TO {everyone}")
    sql.append(f"GRANT USAGE ON SEQUENCE hub_version TO {everyone}")
    for table in (*WORK_TABLES, *REVIEW_TABLES, *LEAD_TABLES):
        sql.append(f"CREATE TRIGGER {table}_lock BEFORE INSERT OR UPDATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION hub_lock()")
        sql.append(f"CREATE TRIGGER {table}_stamp BEFORE UPDATE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION hub_restamp()")
        sql.append(f"CREATE TRIGGER {table}_news AFTER INSERT OR UPDATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION hub_notify()")
        # Not FORCEd: the hub's owner (who ran ``hub init``) administers it; members never
        # own a table, so the policies always apply to them.
        sql.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table in WORK_TABLES:
        sql.append(f"GRANT SELECT ON {table} TO {everyone}")
        sql.append(_column_grants(table, everyone))
    for table in REVIEW_TABLES:
        sql.append(f"GRANT SELECT ON {table} TO {everyone}")
        sql.append(_column_grants(table, f"{q(reviewer)}, {q(lead)}"))
    for table in LEAD_TABLES:
        sql.append(f"GRANT SELECT ON {table} TO {everyone}")
        sql.append(_column_grants(table, q(lead)))
    sql += _link_rules(database)
    sql += [create for _table, _name, create in _policies()]
    return sql


# A member's group, asked once per statement: as a subquery that refers to no row,
# PostgreSQL evaluates it once (an InitPlan) instead of for every row a policy looks at (a
# reviewer's first pull of 100,000 spans called pg_has_role 200,000 times).
_REVIEWER = "(SELECT hub_is_reviewer())"
_LEAD = "(SELECT hub_is_lead())"


def _policies() -> list[tuple[str, str, str]]:
    """The hub's row-level security, every policy as (table, name, CREATE statement)."""
    out = []

    def policy(table: str, name: str, rest: str) -> None:
        out.append((table, name, f"CREATE POLICY {name} ON {table} {rest}"))

    for table in WORK_TABLES:
        # Reading: one's own rows; reviewers and the lead read everyone's.
        policy(table, f"{table}_read",
               f"FOR SELECT USING (annotator = current_user OR {_REVIEWER})")
        # Writing: the same predicate before (USING) and after (WITH CHECK) the change.
        mine = f"(annotator = current_user AND document IN ({_ASSIGNED})) " \
               f"OR (annotator = 'gold' AND {_REVIEWER})"
        policy(table, f"{table}_insert", f"FOR INSERT WITH CHECK ({mine})")
        policy(table, f"{table}_update", f"FOR UPDATE USING ({mine}) WITH CHECK ({mine})")
    for table in REVIEW_TABLES:
        policy(table, f"{table}_read", f"FOR SELECT USING ({_REVIEWER})")
        # A verdict is changed only by the reviewer who gave it: another reviewer's push
        # on the same item finds it and is parked as a conflict (sync/push.py).
        own = f"annotator = current_user AND {_REVIEWER}"
        policy(table, f"{table}_insert", f"FOR INSERT WITH CHECK ({own})")
        policy(table, f"{table}_update", f"FOR UPDATE USING ({own}) WITH CHECK ({own})")
    for table in (*LEAD_TABLES, "link_rules"):
        policy(table, f"{table}_write", f"FOR INSERT WITH CHECK ({_LEAD})")
        policy(table, f"{table}_change", f"FOR UPDATE USING ({_LEAD}) WITH CHECK ({_LEAD})")
    policy("labels", "labels_read", "FOR SELECT USING (true)")
    policy("link_rules", "link_rules_read", "FOR SELECT USING (true)")
    policy("assignments", "assignments_read",
           f"FOR SELECT USING (annotator = current_user OR {_REVIEWER})")
    policy("documents", "documents_read", f"FOR SELECT USING ({_REVIEWER} OR id IN ({_ASSIGNED}))")
    return out


def _link_rules(database: str) -> list[str]:
    """The scheme's link rules (which span labels a link type joins, core/link_rules.py): one
    row per link type, written by the lead, read by everyone; empty arrays join anything (a
    rule is never deleted, only widened, so every member learns of the change)."""
    everyone = ", ".join(_quote_ident(group_role(database, kind)) for kind in ROLE_KINDS)
    lead = _quote_ident(group_role(database, "lead"))
    return [
        """CREATE TABLE link_rules (
            relation text PRIMARY KEY,
            sources text[] NOT NULL DEFAULT '{}',
            targets text[] NOT NULL DEFAULT '{}',
            version bigint NOT NULL DEFAULT nextval('hub_version'),
            written_by text NOT NULL DEFAULT session_user,
            written_at timestamptz NOT NULL DEFAULT now()
        )""",
        "REVOKE ALL ON link_rules FROM PUBLIC",
        "CREATE TRIGGER link_rules_lock BEFORE INSERT OR UPDATE ON link_rules "
        "FOR EACH STATEMENT EXECUTE FUNCTION hub_lock()",
        "CREATE TRIGGER link_rules_stamp BEFORE UPDATE ON link_rules "
        "FOR EACH ROW EXECUTE FUNCTION hub_restamp()",
        "CREATE TRIGGER link_rules_news AFTER INSERT OR UPDATE ON link_rules "
        "FOR EACH STATEMENT EXECUTE FUNCTION hub_notify()",
        "ALTER TABLE link_rules ENABLE ROW LEVEL SECURITY",
        f"GRANT SELECT ON link_rules TO {everyone}",
        _column_grants("link_rules", lead),  # (its policies: _policies)
        # the rules every new hub starts with, as a new local file does
        "INSERT INTO link_rules (relation, sources, targets) VALUES "
        + ", ".join(f"({_literal(r.relation)}, ARRAY[{', '.join(map(_literal, r.sources))}]"
                    f"::text[], ARRAY[{', '.join(map(_literal, r.targets))}]::text[])"
                    for r in DEFAULT_RULES),
    ]


# Every span written must be on an article the hub holds, checked once per statement over the
# rows it wrote (a hash join) instead of by a foreign key, whose check runs a query per row: a
# third of the time of a 100,000-span push. The articles those rows name are taken first
# (few, however many the rows), then looked up: looking up each row's cost three times as
# much (schema 3). It runs as the hub's owner, so it sees every article whatever the writer
# may read; rows of documents are never deleted (hub_documents_stay), so the check holds after.
_SPAN_DOCUMENTS = """CREATE OR REPLACE FUNCTION hub_span_documents() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE missing text;
    BEGIN
        SELECT w.document INTO missing FROM (SELECT DISTINCT document FROM written) w
            WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = w.document)
            LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'span on document %, which the hub does not hold', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END $$"""


def upgrade_statements(database: str, version: int) -> list[str]:
    """What brings a hub of schema ``version`` to HUB_SCHEMA_VERSION, in order (run by its
    owner in one transaction; ``hub init`` on an older hub does it)."""
    sql: list[str] = []
    if version < 2:
        sql += _link_rules(database)
    if version < 3:  # every policy made again as a new hub has it (the rights unchanged)
        sql.append(_SPAN_DOCUMENTS)
        for table, name, create in _policies():
            sql += [f"DROP POLICY IF EXISTS {name} ON {table}", create]
    sql.append(f"UPDATE hub_meta SET value = {_literal(str(HUB_SCHEMA_VERSION))} "
               "WHERE key = 'schema_version'")
    return sql


# The articles assigned to the member, as the member sees them (their own assignments): a
# plain subquery, which the planner hashes once per statement, not a function per row.
_ASSIGNED = "SELECT a.document FROM assignments a WHERE a.annotator = current_user AND a.active"


def _column_grants(table: str, roles: str) -> str:
    """INSERT and UPDATE on every column but the ones the hub stamps (version, writer, time):
    a member cannot choose a row's place in the order, nor write in another's name."""
    return f"""DO $$ DECLARE cols text; BEGIN
        SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
        FROM information_schema.columns WHERE table_schema = 'public'
        AND table_name = {_literal(table)}
        AND column_name NOT IN ('version', 'written_by', 'written_at');
        EXECUTE format('GRANT INSERT (%s), UPDATE (%s) ON %I TO {roles}', cols, cols,
                       {_literal(table)});
    END $$"""


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Columns follow the local store's (store/schema.py) so rows move between them unchanged;
# every table has version (the hub's order), written_by and written_at (set by the trigger).
_TABLES = """
CREATE SEQUENCE hub_version;
CREATE TABLE hub_meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE members (
    name text PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('annotator', 'reviewer', 'lead')),
    active boolean NOT NULL DEFAULT true,
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE labels (
    name text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('span', 'relation', 'document')),
    color text NOT NULL,
    key text,
    position integer NOT NULL DEFAULT 0,
    description text NOT NULL DEFAULT '',
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE documents (
    id text PRIMARY KEY,
    source_id text NOT NULL,
    text text NOT NULL,
    text_sha256 text NOT NULL,
    title text NOT NULL DEFAULT '',
    source text NOT NULL DEFAULT '',
    author text NOT NULL DEFAULT '',
    published text NOT NULL DEFAULT '',
    url text NOT NULL DEFAULT '',
    meta text NOT NULL DEFAULT '{}',
    position bigint NOT NULL,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE assignments (
    document text NOT NULL REFERENCES documents (id),
    annotator text NOT NULL REFERENCES members (name) ON UPDATE CASCADE,
    active boolean NOT NULL DEFAULT true,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document, annotator)
);
CREATE INDEX assignments_annotator ON assignments (annotator);
CREATE TABLE spans (
    id text PRIMARY KEY,
    document text NOT NULL,  -- on an article of the hub: checked by hub_span_documents()
    start integer NOT NULL CHECK (start >= 0),
    "end" integer NOT NULL CHECK ("end" > start),
    label text NOT NULL,
    text text NOT NULL,
    annotator text NOT NULL,
    note text,
    deleted boolean NOT NULL DEFAULT false,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now()
);
-- No index by document: nothing on the hub looks spans up by article, and each index is
-- paid for by every span pushed.
CREATE INDEX spans_version ON spans (version);
CREATE TABLE relations (
    id text PRIMARY KEY,
    document text NOT NULL REFERENCES documents (id),
    label text NOT NULL,
    source text NOT NULL REFERENCES spans (id),
    target text NOT NULL REFERENCES spans (id),
    annotator text NOT NULL,
    note text,
    deleted boolean NOT NULL DEFAULT false,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX relations_version ON relations (version);
CREATE TABLE document_status (
    document text NOT NULL REFERENCES documents (id),
    annotator text NOT NULL,
    status text NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
    updated_at text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document, annotator)
);
CREATE TABLE document_labels (
    document text NOT NULL REFERENCES documents (id),
    label text NOT NULL,
    annotator text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    created_at text NOT NULL,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document, label, annotator)
);
CREATE TABLE document_notes (
    document text NOT NULL REFERENCES documents (id),
    annotator text NOT NULL,
    note text,
    deleted boolean NOT NULL DEFAULT false,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document, annotator)
);
CREATE TABLE decisions (
    item text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('span', 'relation')),
    document text NOT NULL REFERENCES documents (id),
    verdict text NOT NULL CHECK (verdict IN ('accepted', 'rejected', 'edited')),
    gold text,
    owns_gold integer NOT NULL DEFAULT 0 CHECK (owns_gold IN (0, 1)),
    annotator text NOT NULL,
    decided_at text NOT NULL,
    note text,
    deleted boolean NOT NULL DEFAULT false,
    version bigint NOT NULL DEFAULT nextval('hub_version'),
    written_by text NOT NULL DEFAULT session_user,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_version ON decisions (version)
"""
