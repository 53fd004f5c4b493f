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

Reading a page costs time and memory by its elements (trafilatura took 164 s and 1.2 GB for
a 50 MB page), so what no article needs is cut from the bytes first (scripts but their
JSON-LD metadata, styles, images embedded as data: addresses), and a page of more than
MAX_ELEMENTS elements, or a file over MAX_PAGE_BYTES, is refused with its size. A page
whose article is a tiny part of its text (under 1/500 of a page with over 200,000
characters of text) is refused too: what trafilatura kept is then most likely not the
article, and the message says how much it kept.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.offsets import normalize_newlines

MIN_CHARACTERS = 100  # below this, what trafilatura finds is a page's chrome, not an article
MAX_PAGE_BYTES = 200_000_000  # not even read
MAX_ELEMENTS = 100_000  # news pages have a few thousand; 100,000 take trafilatura some 10 s
TINY_PART = 500  # kept text under 1/500 of the page's text...
TINY_PART_OF = 200_000  # ...of a page with at least this many characters of text: refused
_OPENING = re.compile(rb"<(script|style)\b([^>]*)>", re.IGNORECASE)
_CLOSING = {b"script": re.compile(rb"</script\s*>", re.IGNORECASE),
            b"style": re.compile(rb"</style\s*>", re.IGNORECASE)}  # fmt: skip
_DATA_ADDRESS = re.compile(rb"(?<=[\"'=(])data:[A-Za-z0-9.+/;=,_%-]{1024,}")
_NOT_TEXT = {"script", "style", "noscript", "template"}
_SAVED_FROM = re.compile(rb"<!-- saved from url=\(\d+\)(https?://[^\s>]+?) ?-->")
_DROPPED = {"\u00ad", "\ufeff"}
_PLACEHOLDERS = 0x13000  # Egyptian hieroglyphs: printable, and absent from news text
_PLACEHOLDER_RANGE = re.compile("[\U00013000-\U0001342f]")


def read(path: Path) -> IncomingDocument:
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise InputError(
                path, f"is a {_size(size)} file: larger than any article page "
                f"(Annotator reads pages of up to {_size(MAX_PAGE_BYTES)}); {_SAVE_ALONE}"
            )  # fmt: skip
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from exc
    import trafilatura  # a second or so to import: only when a page is read
    from trafilatura.utils import load_html

    page = _without_code(data)
    tree = load_html(page) if page.strip() else None
    del page
    if tree is None:
        raise InputError(path, "is not an HTML page that can be read")
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise InputError(
            path,
            f"is a {_size(len(data))} page of {elements:,} elements, more than Annotator "
            f"reads in reasonable time and memory (an article's page has a few thousand; the "
            f"limit is {MAX_ELEMENTS:,}); {_SAVE_ALONE}",
        )
    page_characters = _text_characters(tree)
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
    kept = len("".join(text.split()))
    if page_characters >= TINY_PART_OF and kept * TINY_PART < page_characters:
        raise InputError(
            path,
            f"kept {len(text):,} characters of a {_size(len(data))} page "
            f"({100 * kept / page_characters:.2g}% of its {page_characters:,} characters of "
            f"text): check that this is the article; {_SAVE_ALONE}",
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


_SAVE_ALONE = "save the article alone (the browser's reader view), or its text as a .txt file"


def _size(n: int) -> str:
    if n >= 10_000_000:
        return f"{n / 1e6:.0f} MB"
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1e3))} KB"


def _without_code(data: bytes) -> bytes:
    """The page without what no article needs and parsing would pay for: scripts (but
    JSON-LD, where trafilatura finds the author and date), styles and data: addresses of
    1 KB or more (embedded images). One pass, in linear time: a script runs to its first
    closing tag, as HTML has it, and an unclosed one to the end."""
    parts, at = [], 0
    while (opening := _OPENING.search(data, at)) is not None:
        tag = opening.group(1).lower()
        closing = _CLOSING[tag].search(data, opening.end())
        end = closing.end() if closing else len(data)
        parts.append(data[at : opening.start()])
        if tag == b"script" and b"ld+json" in opening.group(2).lower():
            parts.append(data[opening.start() : end])
        at = end
    parts.append(data[at:])
    return _DATA_ADDRESS.sub(b"data:,", b"".join(parts))


def _text_characters(tree) -> int:
    """The characters of the page's text that are not white space (code left out)."""
    count = 0
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag not in _NOT_TEXT and element.text:
            count += len("".join(element.text.split()))
        if element.tail:
            count += len("".join(element.tail.split()))
    return count


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
