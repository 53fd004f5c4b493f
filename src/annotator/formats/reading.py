"""Find the files to import, pick each one's reader, read everything before anything is stored.

``--format auto`` decides by suffix and, for JSON Lines, by the keys of the first record:
``.txt``/``.md`` is an article (or, with a ``.ann`` beside it, a brat document), ``.html``/
``.htm`` a saved news page, ``.json`` a Label Studio export, and ``.jsonl``/``.ndjson`` is
Prodigy (keys such as ``_input_hash``, ``tokens``, ``answer``), doccano (``label``, ``labels``,
``entities``, ``data``, ``cats``, or 1.x ``annotations`` with offsets) or else native.
``--format`` also takes every name export writes: ``doccano-rel`` is read by the doccano
reader, ``label-studio`` is ``labelstudio``, and ``csv`` is refused with the reason.

Strict reading raises the first bad record as an :class:`InputError`; lenient reading
(``--skip-invalid``) collects it and goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import IncomingDocument
from annotator.formats import (
    EXPORT_ONLY,
    IMPORT_NAMES,
    IMPORTED_AS,
    IMPORTS,
    SUPPORTED,
    brat,
    doccano,
    html,
    labelstudio,
    native,
    plaintext,
    prodigy,
)
from annotator.formats.records import (
    Counted,
    Outcome,
    Rejected,
    Skipped,
    first_record,
    tidy,
)
from annotator.formats.units import Unit
from annotator.store.opening import not_a_file

FORMATS = ("auto", *IMPORTS)  # the formats read; IMPORT_NAMES adds export's other names


@dataclass(frozen=True)
class Source:
    """One thing to read: a file in a known format (for brat, the .txt and its .ann)."""

    path: Path
    fmt: str
    ann: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class ReadResult:
    documents: list[IncomingDocument] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    counted: list[Counted] = field(default_factory=list)  # of the documents read


def read_paths(paths: Iterable[Path]) -> list[IncomingDocument]:
    """Read every file (folders are searched recursively); the first bad record stops all."""
    return read_sources(plan(paths)).documents


def plan(paths: Iterable[Path], fmt: str = "auto") -> list[Source]:
    """The sources to read, in order; a missing path or an unknown file type is an error."""
    if fmt not in IMPORT_NAMES:
        raise AnnotatorError(f"unknown format {fmt!r}; use one of {', '.join(IMPORT_NAMES)}")
    if fmt in EXPORT_ONLY:
        raise AnnotatorError(f"--format {fmt}: {EXPORT_ONLY[fmt]}")
    fmt = IMPORTED_AS.get(fmt, fmt)
    sources: list[Source] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = _folder(path, fmt)
            if not found:
                wanted = SUPPORTED if fmt == "auto" else IMPORTS[fmt].suffixes
                raise InputError(path, f"holds no files to import ({', '.join(wanted)})")
            sources += found
        elif not path.exists():
            raise InputError(path, "no such file")
        else:
            _refuse_not_a_file(path)
            sources.append(_source(path, fmt, explicit=True))
    for source in sources:  # a brat text's .ann, or the .txt of a .ann, is read too
        for path in (source.path, source.ann):
            if path is not None:
                _refuse_not_a_file(path)
    return list(dict.fromkeys(sources))


def _refuse_not_a_file(path: Path) -> None:
    """A FIFO, a socket or a device is refused before it is opened: reading a FIFO that no
    program writes would wait forever, and a device never ends."""
    kind = not_a_file(path)
    if kind is not None:
        raise InputError(path, f"is {kind}, not a file; Annotator imports only regular files")


def read_sources(
    sources: Iterable[Source],
    *,
    unit: Unit | None = None,
    text_field: str | None = None,
    skip_invalid: bool = False,
    on_source: Callable[[Source], None] | None = None,
) -> ReadResult:
    """Read every source; ``unit`` is ``--offsets`` (doccano), ``text_field`` is
    ``--text-field`` (Label Studio)."""
    result = ReadResult()
    for source in sources:
        for outcome in read_source(source, unit=unit, text_field=text_field):
            if isinstance(outcome, Skipped):
                result.skipped.append(outcome)
                continue
            if isinstance(outcome, Counted):
                result.counted.append(outcome)
                continue
            if isinstance(outcome, IncomingDocument):
                repeats = tidy(outcome)  # the same span twice in a record: kept once, counted
                if isinstance(repeats, Rejected):
                    outcome = repeats
                else:
                    result.counted += repeats
            if isinstance(outcome, Rejected):
                if not skip_invalid:
                    raise outcome.error()
                result.rejected.append(outcome)
            else:
                result.documents.append(outcome)
        if on_source is not None:
            on_source(source)
    return result


def read_source(
    source: Source, *, unit: Unit | None = None, text_field: str | None = None
) -> Iterator[Outcome]:
    path = source.path
    units = IMPORTS[source.fmt].units
    if unit is not None and units and unit not in units:
        raise AnnotatorError(
            f"--offsets {unit} applies to doccano files; {path} ({source.fmt}) counts code points"
        )
    if source.fmt in ("text", "html"):
        reader = plaintext if source.fmt == "text" else html
        try:
            yield reader.read(path)
        except InputError as exc:
            yield Rejected(exc.path, exc.line, exc.reason)
    elif source.fmt == "jsonl":
        yield from native.read(path)
    elif source.fmt == "doccano":
        yield from doccano.read(path, unit)
    elif source.fmt == "prodigy":
        yield from prodigy.read(path)
    elif source.fmt == "labelstudio":
        yield from labelstudio.read(path, text_field=text_field)
    elif source.fmt == "brat":
        yield from _brat(source)
    else:  # pragma: no cover - plan() only makes the formats above
        raise AssertionError(source.fmt)


# -- choosing -----------------------------------------------------------------------------


def _folder(folder: Path, fmt: str) -> list[Source]:
    wanted = SUPPORTED if fmt == "auto" else IMPORTS[fmt].suffixes
    files = sorted(p for p in _walk(folder) if p.suffix.lower() in wanted)
    sources = []
    for path in files:
        _refuse_not_a_file(path)  # before _source, which may open it to sniff its format
        if path.suffix.lower() == ".ann":
            if not path.with_suffix(".txt").exists():
                sources.append(Source(path.with_suffix(".txt"), "brat", path))
            continue  # read with its .txt
        sources.append(_source(path, fmt, explicit=False))
    return sources


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under ``folder`` that is not a folder (files, and FIFOs or devices, which
    plan refuses), hidden ones left out. Folders reached through symbolic links are searched
    too, each real folder once: a link back up the tree is not a loop forever."""
    seen: set[tuple[int, int]] = set()
    todo = [folder]
    while todo:
        current = todo.pop()
        try:
            info = current.stat()
            entries = list(os.scandir(current))
        except OSError as exc:
            raise InputError(current, f"cannot be read ({exc.strerror})") from exc
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # through a link: the folder it leads to
            except OSError:
                is_dir = False
            if is_dir:
                todo.append(Path(entry.path))
            elif entry.is_symlink() and not os.path.exists(entry.path):
                continue  # a link to nothing, as a folder listing shows it: not a file to read
            else:
                yield Path(entry.path)


def _source(path: Path, fmt: str, *, explicit: bool) -> Source:
    suffix = path.suffix.lower()
    if fmt == "brat" or (fmt == "auto" and suffix == ".ann"):
        txt = path.with_suffix(".txt")
        return Source(txt, "brat", brat.ann_for(txt))
    if fmt != "auto":
        return Source(path, fmt)
    if suffix == ".txt" and brat.ann_for(path).exists():
        return Source(path, "brat", brat.ann_for(path))
    if suffix in IMPORTS["text"].suffixes:
        return Source(path, "text")
    if suffix in IMPORTS["html"].suffixes:
        return Source(path, "html")
    if suffix in IMPORTS["jsonl"].suffixes or suffix == ".json":
        return Source(path, _sniff(path, suffix))
    raise InputError(
        path, f"unknown file type {suffix or '(none)'!r}; Annotator imports {', '.join(SUPPORTED)}"
    )


def _sniff(path: Path, suffix: str) -> str:
    if suffix == ".json":
        with path.open("rb") as f:
            head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"{"):
            return "labelstudio"
    record = first_record(path)
    if prodigy.looks_like(record):
        return "prodigy"
    if doccano.looks_like(record):
        return "doccano"
    return "jsonl"


# -- reading ------------------------------------------------------------------------------


def _brat(source: Source) -> Iterator[Outcome]:
    ann = source.ann or brat.ann_for(source.path)
    if not source.path.exists():
        yield Rejected(str(ann), None, f"has no {source.path.name} beside it")
        return
    if not ann.exists():  # --format brat on a text with no annotations yet
        ann = None
    yield from brat.read(source.path, ann) if ann else _brat_text_only(source.path)


def _brat_text_only(txt: Path) -> Iterator[Outcome]:
    try:
        yield plaintext.read(txt)
    except InputError as exc:
        yield Rejected(exc.path, exc.line, exc.reason)
