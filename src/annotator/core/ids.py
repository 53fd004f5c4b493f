"""Identifiers and timestamps. Ids are global so that databases merge without collisions."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime


def new_id() -> str:
    return uuid.uuid4().hex


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def document_id(text: str, source_id: str) -> str:
    """A document is identified by its text and its source id, so re-importing adds nothing."""
    h = hashlib.sha256()
    h.update(source_id.encode("utf-8", "surrogatepass"))
    h.update(b"\x00")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def content_span_id(document: str, start: int, end: int, label: str, annotator: str) -> str:
    """A stable id for a span that arrives without one, so a re-import matches it.

    ``annotator`` is the span's annotator as stored (the import's ``--annotator`` when the
    file names none): two people's identical spans are two spans. (Before issue 14 the
    ``--annotator`` name was left out, so a second annotator's file found the first one's
    spans "already present"; store/importer.py still finds spans stored that way by their
    content.)"""
    key = f"{document}\x00{start}\x00{end}\x00{label}\x00{annotator}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class LocalId(str):
    """An id made from what a file numbers per document (brat's ``T1``, a doccano entity
    id, a Label Studio region): unique within that file's document, not across the people
    whose files number their items alike. The store never stores it as it is: it is
    :func:`qualified` by the annotator of the item it names (so Alice's and Bob's ``T1``
    are two spans, and re-importing Alice's file as Alice finds hers again).

    A ``str`` so that readers pass it around (a relation's ends) like any id."""

    __slots__ = ()


def qualified(local: str, annotator: str) -> str:
    """The stored id of the item a file calls ``local``, annotated by ``annotator``."""
    key = f"{local}\x00{annotator}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
