"""Plain text and Markdown articles (.txt, .md).

The text is kept as it is, except that line ends become LF (Qt shows CRLF as one
position; see README) and a leading UTF-8 byte-order mark is dropped. Title, byline,
date and URL are read from the usual layout of a saved news article without changing
the text: the first line is the title, a line "By ..." the byline, a line that is a
date the publication date, and "Original url:" (or a bare URL on the last line) the URL.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.offsets import normalize_newlines
from annotator.formats.textfile import BOM, read_utf8

_HEADER_LINES = 8
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"<?(https?://[^\s>]+)>?")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y-%m-%d", "%B %d %Y")


def read(path: Path) -> IncomingDocument:
    text = read_utf8(path)
    if text.startswith(BOM):
        text = text[1:]
    text, _ = normalize_newlines(text)
    if not text.strip():
        raise InputError(path, "is empty: there is no text to annotate")
    return IncomingDocument(
        text=text, source_id=path.name, meta=extract_meta(text, path.stem), origin=str(path)
    )


def extract_meta(text: str, fallback_title: str) -> DocumentMeta:
    lines = [line.strip() for line in text.split("\n")]
    header = [line for line in lines if line][:_HEADER_LINES]
    title = fallback_title
    if header and len(header[0]) <= 200:
        title = header[0].lstrip("#").strip() or fallback_title
    source = published = ""
    for line in header[1:]:
        plain = _LINK.sub(r"\1", line).strip()
        if not source and plain.lower().startswith("by "):
            source = plain[3:].strip()
        elif not published:
            published = _parse_date(plain)
    return DocumentMeta(title=title, source=source, published=published, url=_find_url(lines))


def _parse_date(line: str) -> str:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(line, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def _find_url(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        if line.lower().startswith(("original url", "source url", "url:")):
            rest = " ".join(lines[i : i + 3])
            match = _URL.search(rest)
            if match:
                return match.group(1)
    tail = [line for line in lines if line][-1:]
    match = _URL.fullmatch(tail[0]) if tail else None
    return match.group(1) if match else ""
