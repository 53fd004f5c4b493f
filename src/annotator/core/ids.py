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
    """A stable id for a span that arrives without one, so a re-import matches it."""
    key = f"{document}\x00{start}\x00{end}\x00{label}\x00{annotator}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
