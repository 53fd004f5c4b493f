"""What every peer-format reader shares: outcomes, JSONL lines, offsets checked and mapped.

A reader yields one outcome per record: an :class:`IncomingDocument`, a :class:`Rejected`
record (bad input: the strict import stops at the first, ``--skip-invalid`` writes it to the
rejects file) or a :class:`Skipped` one (well-formed, but nothing Annotator keeps, such as a
Prodigy answer "reject" or a brat attribute line).

Beside them it yields a :class:`Counted` for whatever part of a record it does not store as
it came: ``Counted(path, line, LEFT_OUT, "relation", "given by token indices only")``,
``Counted(path, line, CONVERTED, "label", "a doccano label number named after ...", 3)``,
``Counted(path, line, KEPT_ONCE, "duplicate span", "...")``. The summary adds up the counts
of each (action, what, reason) and shows every one with the first's file and line
(formats/importing.py), so a reader need not add them up itself. Repeats within one record
are counted by :func:`tidy`, which the pipeline runs on every document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from annotator.core.annotators import reserved_name_problem
from annotator.core.bulk import collector_paused
from annotator.core.errors import InputError
from annotator.core.ids import LocalId, document_id
from annotator.core.model import CONVERTED as CONVERTED  # re-exported for the readers
from annotator.core.model import KEPT_ONCE, Counted, DocumentMeta, IncomingDocument
from annotator.core.model import LEFT_OUT as LEFT_OUT
from annotator.core.model import locate as locate  # re-exported for the readers
from annotator.core.offsets import normalize_newlines
from annotator.core.scheme import invisible_problem
from annotator.formats.textfile import BOM
from annotator.formats.units import Unit, UnitMap
from annotator.store.received import MAX_META_DEPTH

META_FIELDS = ("title", "source", "author", "published", "url")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    reason: str
    record: str | None = None  # the offending input, where it is short enough to keep

    @property
    def where(self) -> str:
        return self.path if self.line is None else f"{self.path}, line {self.line}"

    def error(self) -> InputError:
        return InputError(self.path, self.reason, line=self.line)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.path, "line": self.line, "reason": self.reason, "record": self.record}


class Rejected(Problem):
    """A record that is wrong: a strict import stops here."""


class Skipped(Problem):
    """A record that is well-formed but holds nothing Annotator keeps."""


Outcome = IncomingDocument | Rejected | Skipped | Counted


class RecordError(ValueError):
    """Raised inside a reader for a bad record; the reader turns it into a Rejected."""


# -- JSON Lines ---------------------------------------------------------------------------


def jsonl_lines(path: Path) -> Iterator[tuple[int, Any, str] | Rejected]:
    """Yield ``(line number, parsed value, raw line)`` or a Rejected for each non-blank line.

    The cycle collector is paused until the last line is read (core/bulk.py)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Rejected(str(path), None, f"cannot be read ({exc.strerror})")
        return
    with collector_paused():
        yield from _parsed_lines(path, data)


def _lines(data: bytes) -> Iterator[bytes]:
    """The lines of ``data``, as ``data.split(b"\\n")`` gives them but one at a time: the
    list of them all would be made in one go, holding every other thread (the window's,
    while it imports) for as long as a large file takes."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        yield data[start:end]
        start = end + 1
    yield data[start:]


def _parsed_lines(path: Path, data: bytes) -> Iterator[tuple[int, Any, str] | Rejected]:
    seen = False
    for number, raw in enumerate(_lines(data), start=1):
        if not raw.strip():
            continue
        seen = True
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = (
                f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} "
                "(save it as UTF-8 and import it again)"
            )
            yield Rejected(str(path), number, reason, raw.decode("utf-8", "replace"))
            continue
        if line.startswith(BOM):
            reason = "starts with a byte-order mark; save the file as UTF-8 without BOM"
            yield Rejected(str(path), number, reason, line.rstrip("\r"))
            continue
        try:
            value = orjson.loads(raw)  # from bytes: from a str, orjson would encode it again
        except orjson.JSONDecodeError:
            try:  # again from the text, for an error that counts columns in characters
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield Rejected(str(path), number, f"not valid JSON ({exc})", line.rstrip("\r"))
                continue
        yield number, value, line.rstrip("\r")
    if not seen:
        yield Rejected(str(path), None, "is empty: no documents in it")


def first_record(path: Path) -> Any:
    """The first JSON record of a JSONL file, for format detection (None if unreadable)."""
    try:
        with path.open("rb") as f:
            for raw in f:
                if raw.strip():
                    return orjson.loads(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, orjson.JSONDecodeError):
        return None
    return None


def records_of(path: Path, parse: Callable[[Any, int], Iterable[Outcome]]) -> Iterator[Outcome]:
    """Run ``parse(record, line) -> Iterator[Outcome]`` over each line of a JSONL file,
    turning a RecordError into a Rejected that names the line and keeps the raw record."""
    for item in jsonl_lines(path):
        if isinstance(item, Rejected):
            yield item
            continue
        number, value, raw = item
        try:
            yield from parse(value, number)
        except RecordError as exc:
            yield Rejected(str(path), number, str(exc), raw)


# -- documents, texts and offsets ---------------------------------------------------------


def object_of(value: Any, what: str = "a record") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"expected {what} as a JSON object, found {type(value).__name__}")
    return value


def text_of(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f'"{key}" must be a non-empty string')
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RecordError(f'"{key}" holds a lone surrogate at {exc.start}: not valid text') from exc
    return value


def integer(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise RecordError(f"{what} must be an integer, not {value!r}")
    return value


def list_of(record: dict[str, Any], key: str) -> list:
    """``record[key]`` as a list (a missing or null one is empty)."""
    value = record.get(key) or []
    if not isinstance(value, list):
        raise RecordError(f'"{key}" must be a list')
    return value


def name_of(value: Any) -> str | None:
    """A person's name given as a non-empty string; anything else is no name."""
    return value if isinstance(value, str) and value else None


def split_meta(fields: dict[str, Any], *, skip: tuple[str, ...] = ()) -> DocumentMeta:
    """Title, source, author, published and url from ``fields``; every other key (except
    ``skip`` and ``source_id``) is kept in ``extra``. A non-string known field is extra too."""
    known = {k: v for k, v in fields.items() if k in META_FIELDS and isinstance(v, str)}
    extra = {
        k: v
        for k, v in fields.items()
        if k not in known and k not in skip and k != "source_id" and v is not None
    }
    return DocumentMeta(**known, extra=extra)


def source_id_of(explicit: Any, *candidates: Any) -> str:
    """``explicit`` if it is a string (an export of ours writes the source id, maybe empty);
    otherwise the first candidate that is a non-empty string or an integer, as a string."""
    if isinstance(explicit, str):
        return explicit
    for value in candidates:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | str) and str(value):
            return str(value)
    return ""


def local_id(doc_key: str, *parts: Any) -> LocalId:
    """An id for a span or relation that a file numbers per document ("T1", 5, ...), so
    that two documents' "T1" never meet and re-importing a file finds the same ids. It is
    a :class:`LocalId`: the store adds the item's annotator to it (two people's files
    number their items alike), so a reader need not know the ``--annotator`` name."""
    key = "\x00".join([doc_key, *map(str, parts)])
    return LocalId(hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32])


class TextMap:
    """A text as it arrived (``raw``) and as it is stored (``text``: LF line ends).

    :meth:`span` takes offsets counted in ``unit`` in the raw text, checks them (and, if
    given, the span's own copy of its text), and returns code points in the stored text.
    """

    def __init__(self, raw: str, unit: Unit = "codepoint") -> None:
        self.raw = raw
        self.text, self._remap = normalize_newlines(raw)
        self.units = UnitMap(raw, unit)

    def doc_key(self, source_id: str, doc_id: str | None = None) -> str:
        """The id the store will give this document (see Store.import_documents)."""
        return doc_id or document_id(self.text, source_id)

    def span(
        self,
        start: Any,
        end: Any,
        *,
        what: str,
        claimed: Any = None,
        loose: bool = False,
    ) -> tuple[int, int]:
        start = integer(start, f"{what}: start")
        end = integer(end, f"{what}: end")
        try:
            cp_start, cp_end = self.units.from_unit(start), self.units.from_unit(end)
        except ValueError as exc:
            raise RecordError(f"{what}: {exc}") from None
        if cp_start >= cp_end:
            raise RecordError(f"{what}: offsets {start}-{end} are empty or reversed")
        if claimed is not None:
            self.check_text(cp_start, cp_end, claimed, what=what, loose=loose)
        return self.stored(cp_start, cp_end, what=what)

    def check_text(self, start: int, end: int, claimed: Any, *, what: str, loose: bool) -> None:
        actual = self.raw[start:end]
        if not isinstance(claimed, str):
            raise RecordError(f"{what}: its text must be a string, not {claimed!r}")
        same = squeeze(claimed) == squeeze(actual) if loose else claimed == actual
        if not same:
            raise RecordError(
                f"{what}: its text {claimed!r} differs from the text at its offsets, {actual!r}"
            )

    def stored(self, start: int, end: int, *, what: str) -> tuple[int, int]:
        """Map code points in the raw text to code points in the stored (LF) text."""
        new_start, new_end = self._remap(start), self._remap(end)
        if self.raw[end - 1 : end + 1] == "\r\n":
            new_end += 1  # an end between CR and LF keeps the line end it began
        if new_start >= new_end:
            raise RecordError(f"{what}: offsets cover only part of a line end")
        return new_start, new_end


def squeeze(text: str) -> str:
    """White space collapsed, for tools that collapse it in their copy of a span's text."""
    return _SPACE.sub(" ", text).strip()


def document(
    textmap: TextMap,
    *,
    source_id: str,
    meta: DocumentMeta,
    origin: str,
    spans: list | None = None,
    relations: list | None = None,
) -> IncomingDocument:
    return IncomingDocument(
        text=textmap.text,
        source_id=source_id,
        meta=meta,
        origin=origin,
        spans=spans or [],
        relations=relations or [],
    )


# -- repeats within one record ------------------------------------------------------------

_SAME_SPAN = "the same start, end, label and annotator twice in one record"
_SAME_RELATION = "the same label, ends and annotator twice in one record"


def tidy(doc: IncomingDocument) -> Rejected | list[Counted]:
    """Refuse a record with a name it may not bring (:func:`names_problem`); keep once
    each span and relation a record gives twice, and count the repeats.

    A span is the same as another when both have the same id, or when neither has an id of
    its own (none, or a :class:`LocalId`) and they have the same start, end, label and
    annotator (a Prodigy line with a span twice; two Label Studio regions alike). A
    relation to a dropped repeat is moved to the span kept; a note only the repeat had is
    added to the kept one's. One id given to two different items is an error."""
    path, line = locate(doc.origin)
    problem = names_problem(doc)
    if problem:
        return Rejected(path, line, problem)
    counted = []
    renamed: dict[str, str] = {}
    for kind, items, content, what, reason in (
        ("span", doc.spans, _span_content, "duplicate span", _SAME_SPAN),
        ("relation", doc.relations, _relation_content, "duplicate relation", _SAME_RELATION),
    ):
        if kind == "relation" and renamed:
            for r in items:
                r.source = renamed.get(r.source, r.source)
                r.target = renamed.get(r.target, r.target)
        by_id: dict[str, tuple] = {}
        by_content: dict[tuple, Any] = {}
        kept = []
        for item in items:
            key = content(item)
            if item.id is not None:
                before = by_id.get(item.id)
                if before is not None:
                    if before != key:
                        reason = f"{kind} id {item.id!r} is used for two {kind}s"
                        return Rejected(path, line, reason)
                    continue
                by_id[item.id] = key
            if item.id is None or isinstance(item.id, LocalId):
                first = by_content.get(key)
                if first is not None:
                    if item.id is not None:
                        if first.id is None:
                            first.id = item.id
                        else:
                            renamed[item.id] = first.id
                    if item.note and item.note != first.note:
                        first.note = "\n".join(filter(None, [first.note, item.note]))
                    continue
                by_content[key] = item
            kept.append(item)
        if len(kept) < len(items):
            counted.append(Counted(path, line, KEPT_ONCE, what, reason, len(items) - len(kept)))
            items[:] = kept
    return counted


def names_problem(doc: IncomingDocument) -> str | None:
    """Why a record's annotator names or labels cannot be stored, or None.

    A file may not write the gold layer, nor pass its work off as imported without a name:
    an annotator name Annotator keeps for itself (``gold``, ``import``, in any case, with
    spaces around) is refused, not renamed, since any new name would be a person's that
    nobody chose. A label may hold no control or invisible character (core/scheme.py).
    The meta may be nested at most as deep as a received database's (every export writes
    it, and the JSON writers stop at a few hundred levels)."""
    if doc.meta.extra and _deeper_than(doc.meta.extra, MAX_META_DEPTH):
        return f"meta is nested more than {MAX_META_DEPTH} levels deep"
    for items, kind in ((doc.spans, "span"), (doc.relations, "relation")):
        if any(item.id is not None and not item.id.strip() for item in items):
            # an id of "" would be stored as such, and every received-database check
            # (and a reviewer's review-import) refuses it: say so now, at the source
            return f"a {kind} id must not be empty (leave it out to have one made)"
    for items, kind in (
        (doc.spans, "span"), (doc.relations, "relation"), (doc.document_labels, "document label")
    ):
        if not items:
            continue
        for name in {item.annotator for item in items}:
            if name is not None and (problem := _person(name)):
                return f"{kind} by annotator {name!r}: {problem}"
        for name in {item.label for item in items}:
            if problem := _label(name):
                return f"{kind} label {name!r}: {problem}"
    return None


def _deeper_than(value: Any, limit: int) -> bool:
    """True if ``value`` (parsed JSON) nests lists and objects more than ``limit`` deep;
    without recursion, so that no depth raises RecursionError."""
    level = [value]
    for _ in range(limit):
        level = [
            item
            for v in level
            for item in (v.values() if isinstance(v, dict) else v)
            if isinstance(item, dict | list)
        ]
        if not level:
            return False
    return True


@lru_cache(maxsize=1024)
def _person(name: str) -> str | None:
    problem = reserved_name_problem(name)
    if problem and name.strip():  # an empty name is no name: the import's own is used
        return problem.replace("choose another annotator name", "rename it in the file")
    return None


@lru_cache(maxsize=1024)
def _label(name: str) -> str | None:
    return invisible_problem(name) if isinstance(name, str) else None


def _span_content(s) -> tuple:
    return (s.start, s.end, s.label, s.annotator)


def _relation_content(r) -> tuple:
    return (r.label, r.source, r.target, r.annotator)
