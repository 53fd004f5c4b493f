"""News pages saved from a browser (.html, .htm), read with trafilatura.

trafilatura finds the article in the page (navigation, adverts, related links and reader
comments are left out) and its title, author, date, site name and URL. Paragraphs become
lines. A page in which no article text is found (an index page, a login wall) is an error
that names the file.

trafilatura drops every character that Python does not call printable; among them are the
zero-width joiner of emoji sequences (👩‍👩‍👧), the zero-width non-joiner that Persian and
Hindi words need and the bidirectional marks of Arabic and Hebrew text. So those format
characters are swapped for placeholders in the parsed page and restored in the result;
only soft hyphens (layout hints that would break search) and byte-order marks are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.offsets import normalize_newlines

MIN_CHARACTERS = 100  # below this, what trafilatura finds is a page's chrome, not an article
_SAVED_FROM = re.compile(rb"<!-- saved from url=\(\d+\)(https?://[^\s>]+?) ?-->")
_DROPPED = {"\u00ad", "\ufeff"}
_PLACEHOLDERS = 0x13000  # Egyptian hieroglyphs: printable, and absent from news text
_PLACEHOLDER_RANGE = re.compile("[\U00013000-\U0001342f]")


def read(path: Path) -> IncomingDocument:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from exc
    import trafilatura  # a second or so to import: only when a page is read
    from trafilatura.utils import load_html

    tree = load_html(data) if data.strip() else None
    if tree is None:
        raise InputError(path, "is not an HTML page that can be read")
    restore = _protect_format_characters(tree)
    result = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = restore(getattr(result, "text", None) or "").strip()
    if len(text) < MIN_CHARACTERS:
        raise InputError(
            path,
            f"no article found in the page ({len(text)} characters of text); "
            "save the article's own page, not an index or a login page",
        )
    text, _ = normalize_newlines(text)
    url = result.url or _saved_from(data)
    meta = DocumentMeta(
        title=restore(result.title or "") or path.stem,
        source=restore(result.sitename or ""),
        author=restore(result.author or ""),
        published=result.date or "",
        url=url or "",
    )
    return IncomingDocument(text=text, source_id=url or path.name, meta=meta, origin=str(path))


def _saved_from(data: bytes) -> str:
    """The address that Chrome and Internet Explorer note in a page they save."""
    match = _SAVED_FROM.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else ""


def _protect_format_characters(tree):
    """Swap format characters (category Cf) in the page's text for printable placeholders;
    return the function that swaps them back."""
    found: dict[str, str] = {}

    def swap(text: str) -> str:
        if text.isprintable():
            return text
        out = []
        for char in text:
            if char not in _DROPPED and unicodedata.category(char) == "Cf":
                char = found.setdefault(char, chr(_PLACEHOLDERS + len(found)))
            out.append(char)
        return "".join(out)

    elements = list(tree.iter())
    texts = [t for e in elements for t in (e.text, e.tail) if isinstance(t, str)]
    if any(_PLACEHOLDER_RANGE.search(t) for t in texts):
        return lambda text: text  # a page with hieroglyphs keeps trafilatura's behaviour
    for element in elements:
        if isinstance(element.text, str):
            element.text = swap(element.text)
        if isinstance(element.tail, str):
            element.tail = swap(element.tail)
    if not found:
        return lambda text: text
    back = {placeholder: char for char, placeholder in found.items()}
    pattern = re.compile("|".join(map(re.escape, back)))
    return lambda text: pattern.sub(lambda m: back[m.group()], text)
