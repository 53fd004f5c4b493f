"""The one import pipeline: the command line, the window's worker and the first run call
:func:`import_files`, so a file is imported the same way wherever it comes from.

Everything is read before anything is stored. Most bad records are caught while reading. A
few can only be seen against the database (a document id already used for another text, a
relation to a span that is not there): in strict mode that error rolls the whole import back;
with ``skip_invalid`` the store checks every document, collects all it refuses
(store/refusals.py), and the import is run again once without them, still in one
transaction. The rejects file's place is checked before anything is read or stored.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from annotator.core.bulk import collector_paused, let_go
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import Counted, tally
from annotator.formats.atomic import atomic_write
from annotator.formats.reading import ReadResult, Source, plan, read_sources
from annotator.formats.records import Problem, Rejected, Skipped, locate
from annotator.formats.units import Unit
from annotator.store import ImportSummary, Store
from annotator.store.opening import made_or_opened
from annotator.store.refusals import Refused
from annotator.store.suggestion_import import SuggestionImport

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``. Stage ``"read"``: ``done`` of ``total`` files read
(reported once with 0 before the first). Stage ``"store"``: ``done`` of ``total`` documents
stored, reported before each one (it starts again from 0 when ``skip_invalid`` sets a
document aside). It is called from the thread that imports; an exception it raises stops the
import with nothing stored (the window's Cancel), and is never raised once the import has
been committed."""


@dataclass
class ImportReport:
    """What an import did. Nothing is left unsaid: besides what was added and what was
    there already, every record skipped or rejected and every item :class:`Counted` (kept
    once, converted, left out; by the readers and the store) is in :meth:`describe`."""

    summary: ImportSummary
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    rejects: Path | None = None  # where the rejected records were written, if any were
    counted: list[Counted] = field(default_factory=list)  # the readers'; the store's: summary
    suggested: SuggestionImport | None = None  # --as-suggestions: what went to suggestions

    def lines(self) -> list[str]:
        """The summary's phrases: what was stored first, then each count with its reason
        and the first one's file and line (a window may show them a line each)."""
        parts = self.summary.parts()
        if self.suggested is not None:
            parts += self.suggested.parts()
        if self.skipped:
            parts.append(f"{len(self.skipped)} record(s) skipped ({_reasons(self.skipped)})")
        if self.rejected:
            first = self.rejected[0]
            parts.append(
                f"{len(self.rejected)} bad record(s) rejected (the first: {first.where}: "
                f"{first.reason})"
            )
        return parts + tally([*self.counted, *self.summary.counted])

    def describe(self) -> str:
        return "; ".join(self.lines())


def default_rejects(db: Path) -> Path:
    """Where ``--skip-invalid`` writes the rejected records when not told: beside ``db``."""
    return Path(f"{db}.rejects.jsonl")


def import_files(
    db: Path,
    paths: Iterable[Path],
    *,
    annotator: str,
    fmt: str = "auto",
    unit: Unit | None = None,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    new: bool = False,
    text_field: str | None = None,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    suggester: str | None = None,
) -> ImportReport:
    """Import ``paths`` (files, or folders searched recursively) into the database ``db``,
    all or nothing; Qt-free, so a worker thread may run it.

    ``fmt`` reads every file as one format (``"auto"``: by suffix and first record, see
    formats/reading.py); ``unit`` is the unit of doccano offsets (``--offsets``);
    ``text_field`` the ``data`` field of Label Studio tasks that holds the text
    (``--text-field``);
    ``annotator`` is recorded on spans and relations that come without a name.

    Strict (the default), the first bad record raises an :class:`InputError` naming its file
    and line, and nothing is stored. With ``skip_invalid`` the bad records are left out and
    written, one JSON object a line, to ``rejects`` (default: ``DB.rejects.jsonl``); the
    report says where.

    ``db`` is opened, or made if missing: under a hidden draft name, given its name only
    when the import is complete, so that a failed import leaves no database behind and
    never removes one that another program made at ``db`` meanwhile (this import then goes
    into that one). With ``new`` (the first run's seeds), if another instance was quicker,
    its database is kept and this one dropped. ``warn`` is told what the store noticed about the
    file when it opened it (a network share, a sync folder). With ``suggester``
    (``--as-suggestions --suggester NAME``) the spans and relations read go to the
    suggestion layer under that name instead of the annotations. Errors are
    :class:`AnnotatorError`, with the message the command line prints.
    """
    sources = plan(paths, fmt)
    if text_field is not None and not any(s.fmt == "labelstudio" for s in sources):
        raise AnnotatorError("--text-field applies to Label Studio files; there are none here")
    rejects = rejects or default_rejects(db)
    if skip_invalid:
        check_rejects_target(rejects, Path(db), sources)
    # What is read lives until it is stored: the cycle collector stays paused over both
    # (core/bulk.py), and the documents are let go of a slice at a time before it runs
    # again, so that it never scans the millions of objects a large corpus makes and
    # other threads (the window's) are never held for long.
    with collector_paused():
        result = _read(
            sources, unit=unit, text_field=text_field, skip_invalid=skip_invalid,
            progress=progress,
        )

        def store_into(path: Path) -> ImportReport:
            with Store.open(path) as store:
                for warning in store.warnings if warn is not None else ():
                    warn(warning)
                return import_read(
                    store, result, annotator=annotator, skip_invalid=skip_invalid,
                    progress=progress, suggester=suggester,
                )

        try:
            # a new database is made beside its name and linked there when complete
            report = made_or_opened(Path(db), store_into, only_new=new)
        finally:
            let_go(result.documents)
    if report.rejected:
        report.rejects = rejects
        write_rejects(report.rejected, report.rejects)
    return report


def import_read(
    store: Store,
    result: ReadResult,
    *,
    annotator: str,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    suggester: str | None = None,
) -> ImportReport:
    """Store what was read, in one transaction (see the module's docstring); with
    ``suggester``, its annotations into the suggestion layer (store/suggestion_import.py)."""
    documents = list(result.documents)
    rejected = list(result.rejected)
    counted = list(result.counted)
    while True:  # once; again only if the store refuses what it let pass before
        suggested = None
        try:
            if suggester is not None:
                suggested = store.import_suggestions(
                    documents, suggester=suggester, annotator=annotator,
                    progress=_stored(progress, len(documents)),
                )
                summary = suggested.summary
            else:
                summary = store.import_documents(
                    documents, annotator=annotator, progress=_stored(progress, len(documents)),
                    collect=skip_invalid,
                )
        except InputError as exc:
            errors = exc.errors if isinstance(exc, Refused) else [exc]
            bad = {e.path for e in errors}
            if not skip_invalid or not any(d.origin in bad for d in documents):
                raise
            documents = [d for d in documents if d.origin not in bad]
            rejected += [Rejected(*locate(e.path), e.reason) for e in errors]
            # What was counted of a record set aside is not in the database either way.
            counted = [c for c in counted if c.where not in bad]
            continue
        return ImportReport(summary, rejected, list(result.skipped), counted=counted,
                            suggested=suggested)  # fmt: skip


def check_rejects_target(target: Path, db: Path, sources: list[Source]) -> None:
    """Refuse, before anything is read or stored, a rejects file that could not be
    written (its folder missing or read-only, a folder in its place) or whose writing would
    replace something of the user's: an input of this import, the database or one of its
    side files. Found afterwards, the good records would be stored and the rejects lost."""
    where = f"--rejects {target}"
    if target.is_dir():
        raise AnnotatorError(f"{where}: is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise AnnotatorError(f"{where}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise AnnotatorError(f"{where}: the folder {folder} cannot be written to")
    inputs = [p for s in sources for p in (s.path, s.ann) if p is not None]
    for path, what in [(p, "an input of this import") for p in inputs] + [
        (Path(f"{db}{side}"), "the database" if not side else f"the database's {side} file")
        for side in ("", "-wal", "-shm", "-journal")
    ]:
        if _same_file(target, path):
            raise AnnotatorError(f"{where}: is {what} ({path}); writing the rejects there "
                                 "would replace it")  # fmt: skip


def write_rejects(problems: list[Problem], target: Path) -> None:
    """One JSON object a line: file, line, reason and the record as it was (when short)."""
    with atomic_write(target) as f:
        for problem in problems:
            f.write(orjson.dumps(problem.as_dict()))
            f.write(b"\n")


def _same_file(a: Path, b: Path) -> bool:
    """The same file: the same path once links are resolved, or (a hard link) the same
    file on disk."""
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _stored(progress: Progress | None, total: int) -> Callable[[int], None] | None:
    return None if progress is None else lambda done: progress("store", done, total)


def _read(sources, *, progress: Progress | None, **options) -> ReadResult:
    if progress is None:
        return read_sources(sources, **options)
    total, done = len(sources), 0
    progress("read", 0, total)

    def one_more(_source) -> None:
        nonlocal done
        done += 1
        progress("read", done, total)

    return read_sources(sources, on_source=one_more, **options)


def _reasons(problems: list[Problem]) -> str:
    """Every reason, the most frequent first: a summary that hides nothing shows them all."""
    counts = Counter(p.reason for p in problems)
    return "; ".join(f"{n} × {reason}" if n > 1 else reason for reason, n in counts.most_common())
