"""The pending suggestions one decision (accept, reject) reads: by id, and the links that
end at some of them, not all of a long article's tens of thousands.

The links that end at a suggestion are those of its run (a run's links end at its own span
suggestions or at spans), so whoever read the article's suggestions after it was made
knows them all: the window says which they are (:class:`~annotator.core.suggestion_rows.Around`)
and each is read again here by its id, so a suggestion decided or replaced meanwhile by
another program is never taken for pending. Without the window's word (the command line,
accept-all), the article's suggestions are read whole."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.suggestion_rows import EXISTING, SPAN, SUGGESTION_COLUMNS, Around, Suggestion
from annotator.store.errors import StoreError


class Pending:
    """An article's pending suggestions, read as a decision asks for them."""

    def __init__(self, conn, doc_id: str, around: Around | None = None,
                 label: str | None = None) -> None:  # fmt: skip
        """``label``: the suggestions with it and every link are read at once (an
        accept-all of that label), others when asked for."""
        self.conn, self.document, self.around = conn, doc_id, around
        self.rows: dict[str, Suggestion | None] = {}  # None: not pending
        self._by_end: dict[str, set[str]] | None = None  # read whole: links by their ends
        self._whole = False  # every pending suggestion is in rows
        self._text: str | None = None
        if around is None:
            self._read_all(label)

    @classmethod
    def of(cls, conn, suggestion_id: str, around: Around | None = None) -> Pending:
        """The article of a pending suggestion (refused when it is no longer pending)."""
        row = conn.execute("SELECT document FROM suggestions WHERE id = ?",
                           [suggestion_id]).fetchone()  # fmt: skip
        if row is None:
            raise StoreError("This suggestion is no longer pending (accepted or rejected "
                             "meanwhile, or replaced by a new run).")  # fmt: skip
        return cls(conn, row[0], around)

    def text(self) -> str:
        if self._text is None:
            row = self.conn.execute("SELECT text FROM documents WHERE id = ?",
                                    [self.document]).fetchone()  # fmt: skip
            if row is None:
                raise StoreError(f"there is no article {self.document!r} in this database")
            self._text = row[0]
        return self._text

    def _read_all(self, label: str | None = None) -> None:
        text = None
        self._by_end = {}
        self._whole = label is None
        some = "" if label is None else " AND (label = ? OR kind = 'relation')"
        for row in self.conn.execute(
            f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE document = ?{some} "
            "ORDER BY kind DESC, start, end, id",
            [self.document] + ([] if label is None else [label]),
        ):
            if text is None:
                text = self.text()
            s = self.rows[row[0]] = suggestion_of(row, text)
            if not s.is_span:
                for end in (s.source, s.target):
                    self._by_end.setdefault(end, set()).add(s.id)

    def _read(self, ids: Iterable[str]) -> None:
        wanted = [i for i in ids if i not in self.rows]
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk:chunk + 500]
            for i in part:
                self.rows[i] = None
            for row in self.conn.execute(
                f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE document = ? AND id IN "
                f"({', '.join('?' * len(part))})",
                [self.document, *part],
            ):
                text = (self.around.text(row[5], row[6]) if self.around is not None
                        else self.text()[row[5]:row[6]]) if row[2] == SPAN else ""  # fmt: skip
                self.rows[row[0]] = Suggestion(*row, text)

    def get(self, suggestion_id: str) -> Suggestion | None:
        if suggestion_id.startswith(EXISTING):
            return None
        if suggestion_id not in self.rows and not self._whole:
            self._read([suggestion_id])
        return self.rows.get(suggestion_id)

    def __getitem__(self, suggestion_id: str) -> Suggestion:
        s = self.get(suggestion_id)
        if s is None:
            raise StoreError("This suggestion is no longer pending (accepted or rejected "
                             "meanwhile, or replaced by a new run).")  # fmt: skip
        return s

    def values(self) -> list[Suggestion]:
        """Every pending suggestion of the article (read whole first)."""
        if not self._whole:
            self.rows = {}
            self._read_all()
        return [s for s in self.rows.values() if s is not None]

    def with_label(self, label: str) -> list[Suggestion]:
        """The pending suggestions with ``label`` (all read, if not read before)."""
        if self._by_end is None:
            self.rows = {}
            self._read_all(label)
        return [s for s in self.rows.values() if s is not None and s.label == label]

    def links_at(self, ids: Iterable[str]) -> list[Suggestion]:
        """The pending links with an end at one of ``ids``."""
        ids = set(ids)
        if self._by_end is not None:
            found = {link for i in ids for link in self._by_end.get(i, ())}
        else:
            known = self.around.links_at(ids) if self.around is not None else None
            if known is None:  # a suggestion the window does not show: the database says
                found = {row[0] for row in self.conn.execute(
                    "SELECT id, source, target FROM suggestions WHERE document = ? "
                    "AND kind = 'relation'", [self.document])
                    if row[1] in ids or row[2] in ids}  # fmt: skip
            else:
                found = set(known)
            self._read(found)
        links = [self.get(i) for i in sorted(found)]
        return [s for s in links
                if s is not None and not s.is_span and (s.source in ids or s.target in ids)]


def suggestion_of(row: tuple, text: str) -> Suggestion:
    # (made once, not made then replaced: a long article has tens of thousands)
    return Suggestion(*row, text[row[5]:row[6]] if row[2] == SPAN else "")
