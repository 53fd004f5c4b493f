"""What ``annotator import`` and ``annotator export`` are asked to do, as one value each.

The window's import and export dialogs fill these in; :meth:`run` calls the very functions
the command line calls (formats/importing.py ``import_files``, formats/exporting.py
``export_selected``), and :meth:`command` spells the command line that does the same, which
the dialogs show. Qt-free, so a worker thread runs them and the tests compare the two.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.vocabulary import ALL, SUGGESTIONS_LAYER

if TYPE_CHECKING:
    from annotator.formats.export_types import ExportReport
    from annotator.formats.importing import ImportReport, Progress


def _spelled(args: list[str]) -> str:
    return shlex.join(args)


@dataclass(frozen=True)
class ImportOptions:
    """``annotator import DB PATHS... [--format] [--offsets] [--text-field] [--annotator]
    [--skip-invalid [--rejects]]``."""

    paths: tuple[Path, ...]
    annotator: str
    fmt: str = "auto"
    unit: str | None = None  # --offsets; None: the format's own default
    text_field: str | None = None
    skip_invalid: bool = False
    rejects: Path | None = None  # None: DB.rejects.jsonl

    def argv(self, db: Path) -> list[str]:
        args = ["annotator", "import", str(db), *map(str, self.paths)]
        args += ["--annotator", self.annotator]
        if self.fmt != "auto":
            args += ["--format", self.fmt]
        if self.unit:
            args += ["--offsets", self.unit]
        if self.text_field:
            args += ["--text-field", self.text_field]
        if self.skip_invalid:
            args.append("--skip-invalid")
            if self.rejects is not None:
                args += ["--rejects", str(self.rejects)]
        return args

    def command(self, db: Path) -> str:
        return _spelled(self.argv(db))

    def run(self, db: Path, progress: Progress | None = None) -> ImportReport:
        from annotator.formats.importing import import_files  # formats load when first used

        return import_files(
            db, list(self.paths), annotator=self.annotator, fmt=self.fmt, unit=self.unit,
            skip_invalid=self.skip_invalid, rejects=self.rejects if self.skip_invalid else None,
            text_field=self.text_field, progress=progress,
        )


@dataclass(frozen=True)
class ExportOptions:
    """``annotator export DB -o OUTPUT [--format] [--offsets] [--label]... [--annotator]...
    [--status]... [--layer]``."""

    output: Path
    fmt: str = "jsonl"
    unit: str | None = None  # --offsets; None: the format's first unit
    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    layer: str = ALL

    def argv(self, db: Path) -> list[str]:
        args = ["annotator", "export", str(db), "-o", str(self.output)]
        if self.fmt != "jsonl":
            args += ["--format", self.fmt]
        if self.unit:
            args += ["--offsets", self.unit]
        for option, values in (("--label", self.labels), ("--annotator", self.annotators),
                               ("--status", self.statuses)):  # fmt: skip
            for value in values:
                args += [option, value]
        if self.layer != ALL:
            args += ["--layer", self.layer]
        return args

    def command(self, db: Path) -> str:
        return _spelled(self.argv(db))

    def run(
        self, db: Path, progress: Callable[[int, int], None] | None = None
    ) -> ExportReport:
        """Export as the command line does: read-only, the selection checked, written
        atomically; ``progress(done, total)`` documents (an exception it raises stops the
        export and leaves the previous file as it was)."""
        from annotator.formats import export_format
        from annotator.formats.exporting import export_selected
        from annotator.store import Store

        if self.layer == SUGGESTIONS_LAYER:  # nobody's data yet: its own writer, as the CLI's
            from annotator.formats.suggestion_export import export_suggestions

            if progress is not None:
                progress(0, 0)
            return export_suggestions(db, self.output, self.fmt, self.labels,
                                      self.annotators, self.statuses)  # fmt: skip
        with Store.open_readonly(db) as store:
            total, done = store.document_count(), [0]

            def one_more() -> None:
                done[0] += 1
                if progress is not None:
                    progress(done[0], total)

            if progress is not None:
                progress(0, total)
            return export_selected(
                store, self.output, export_format(self.fmt), unit=self.unit,
                labels=self.labels, annotators=self.annotators, statuses=self.statuses,
                layer=self.layer, on_document=one_more,
            )
