"""The command line. With no command, ``annotator [DB]`` opens the window.

annotator [DB]                         open the window (default: the user's database)
annotator import DB FILE...            add articles (and their annotations) to DB
annotator export DB -o OUT.jsonl       write the dataset (--format for doccano, brat, ...)
annotator stats DB                     count documents, spans and relations
annotator snapshot / review-import / agreement / adjudicate   review (README, "Review")
annotator --version
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from annotator import __version__, paths, settings
from annotator.cli_text import ReadingBar as _ReadingBar
from annotator.cli_text import echo as _echo
from annotator.cli_text import echo_json as _echo_json
from annotator.cli_text import fail as _fail
from annotator.cli_text import progress as _progress
from annotator.cli_text import warn as _warn
from annotator.core.display import shown
from annotator.core.errors import AnnotatorError
from annotator.core.vocabulary import ALL, EXPORT_LAYERS, STATUSES, SUGGESTIONS_LAYER
from annotator.formats import EXPORT_NAMES, EXPORTS, IMPORT_NAMES, IMPORTS, export_format


class _WindowByDefault(click.Group):
    """``annotator`` and ``annotator PATH.db`` open the window; known words are commands."""

    # The group's own options; anything else that is not a command belongs to "open".
    _OWN = {"--data-dir": 1, "--version": 0, "--help": 0}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        i = 0
        while i < len(args):
            arg = args[i]
            name = arg.split("=", 1)[0]
            if name in self._OWN:
                i += 1 + (self._OWN[name] if "=" not in arg else 0)
                continue
            if arg not in self.commands:  # a database path, or an option of the window
                args.insert(i, "open")
            break
        return super().parse_args(ctx, args)


def _check_person(name: str, where: str) -> None:
    """A person's annotator name may not be one Annotator keeps for itself ("gold")."""
    from annotator.core.annotators import reserved_name_problem

    problem = reserved_name_problem(name)
    if problem:
        raise click.UsageError(f"{where}: {problem}")


@click.group(cls=_WindowByDefault, invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Keep every user file under this folder (same as {paths.HOME_ENV}).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """Annotate claims, quotes and actors in news articles."""
    if data_dir is not None:
        os.environ[paths.HOME_ENV] = str(data_dir)
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_window)


@main.command("open", hidden=True)
@click.argument("db", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--annotator", help="Your name for this session (otherwise asked once).")
def open_window(db: Path | None = None, annotator: str | None = None) -> None:
    """Open the window on DB (default: your own database, seeded on first run)."""
    if annotator is not None:
        _check_person(annotator, "--annotator")
    from annotator.gui.app import run  # Qt only when a window is wanted

    sys.exit(run(db, annotator=annotator))


# From the registry, which names the readers and writers without loading them, so that
# `annotator --version` imports no reader (a test checks).
_IMPORT_FORMATS = ("auto", *IMPORTS)  # IMPORT_NAMES adds every other name export takes


@main.command("import")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--annotator", help="Name recorded on spans that come without one.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_NAMES),
    default="auto",
    show_default=True,
    help="Read every FILE as this format. auto: by suffix, and for .jsonl by the first "
    "record's keys (.txt/.md article, or brat when a .ann lies beside it; .html/.htm news "
    "page; .json Label Studio; .jsonl native, doccano or Prodigy). Export's names too "
    "(doccano-rel is doccano; csv holds no text to import).",
)
@click.option(
    "--offsets",
    type=click.Choice(["utf16", "codepoint", "grapheme", "utf8"]),
    help="Unit of doccano offsets (default: utf16, or the unit a line declares; grapheme: a "
    "project counting grapheme clusters). Other formats count code points.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the good records and write the bad ones, with file, line and reason, to "
    "the rejects file (instead of stopping at the first and importing nothing).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where --skip-invalid writes the rejected records [default: DB.rejects.jsonl].",
)
@click.option("--text-field", metavar="NAME",
              help="The field of a Label Studio task's data that holds the text (the $NAME "
              "of its config's <Text value=...>). Default: text, or else the one long text "
              "field, which the summary names.")  # fmt: skip
@click.option("--as-suggestions", is_flag=True,
              help="Put the files' spans and relations (a model's output: Label Studio "
              "predictions, Prodigy, doccano, native) in the suggestion layer, to be accepted "
              "or rejected in the window, instead of the annotations. Needs --suggester.")
@click.option("--suggester", metavar="NAME",
              help="With --as-suggestions: the name the suggestions go under (a new import "
              "under the same name replaces its pending ones; rejected ones stay out).")
def import_command(
    db: Path,
    files: tuple[Path, ...],
    annotator: str | None,
    fmt: str,
    offsets: str | None,
    skip_invalid: bool,
    rejects: Path | None,
    text_field: str | None,
    as_suggestions: bool,
    suggester: str | None,
) -> None:
    """Add articles and annotated documents to DB, all or nothing.

    Each of FILES may be a folder: it is searched recursively. Labels the database does not
    know yet are added to its scheme. Importing the same file again adds nothing.
    """
    from annotator.formats.importing import import_files

    who = annotator or settings.annotator_name() or settings.default_annotator_name()
    _check_person(who, "--annotator" if annotator else "your annotator name")
    if as_suggestions != bool(suggester) or (suggester and not suggester.strip()):
        raise click.UsageError("--as-suggestions and --suggester NAME go together")
    try:
        with _ReadingBar() as bar:
            report = import_files(
                db,
                files,
                annotator=who,
                fmt=fmt,
                unit=offsets,
                skip_invalid=skip_invalid,
                rejects=rejects,
                text_field=text_field,
                progress=bar,
                suggester=suggester.strip() if as_suggestions else None,
                warn=lambda warning: _echo(f"warning: {warning}", err=True),
            )
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    _echo(f"{db}: {report.describe()}")
    if report.rejects is not None:
        _echo(f"rejected records written to {report.rejects}")


_EXPORT_FORMATS = tuple(EXPORTS)  # the formats; EXPORT_NAMES adds their other spellings


@main.command("export")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, allow_dash=True),
    help="File to write (replaced atomically); a folder for brat; - for standard output "
    "(a pipe or device is written as it is, not replaced).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_NAMES),
    default="jsonl",
    show_default=True,
    help="jsonl: native; doccano: plain form (label triples); doccano-rel: entities and "
    "relations; prodigy: Prodigy/spaCy tasks; labelstudio (or label-studio): Label Studio "
    "JSON; brat: a folder of .txt/.ann; csv: one row per span.",
)
@click.option(
    "--offsets",
    type=click.Choice(["codepoint", "utf16", "grapheme", "utf8"]),
    help="Offset unit. doccano: utf16 (default), codepoint or grapheme (a project counting "
    "grapheme clusters); csv: codepoint (default), utf16 or utf8; the others: codepoint only.",
)
@click.option(
    "--label",
    "labels",
    multiple=True,
    help="Only spans (or relations) with this label; repeat for more. Relations are kept "
    "when both their spans are.",
)
@click.option(
    "--annotator",
    "annotators",
    multiple=True,
    help="Only spans and relations by this annotator; repeat for more.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only documents with this status (for the --annotator names if given, else for "
    "anyone who worked on them); repeat for more.",
)
@click.option(
    "--layer",
    type=click.Choice(EXPORT_LAYERS),
    default=ALL,
    show_default=True,
    help="gold: only the adjudicated gold layer (spans and relations by \"gold\"); "
    "annotators: everyone's but gold's; all: both; suggestions: the pending suggestions "
    "(native JSONL, each with suggester, score and reason), never part of the others.",
)
def export_command(
    db: Path,
    output: Path,
    fmt: str,
    offsets: str | None,
    labels: tuple[str, ...],
    annotators: tuple[str, ...],
    statuses: tuple[str, ...],
    layer: str,
) -> None:
    """Write every document of DB with its spans and relations."""
    from annotator.formats.atomic import STDOUT, is_stream
    from annotator.formats.exporting import export_selected
    from annotator.store import Store

    if layer == SUGGESTIONS_LAYER:  # nobody's data yet: its own writer
        from annotator.formats.suggestion_export import export_suggestions

        try:
            report = export_suggestions(db, output, fmt, labels, annotators, statuses, _warn)
        except AnnotatorError as exc:
            raise _fail(exc) from exc
        return _finish_export(output, report, is_stream(output))
    target = export_format(fmt)
    if target.folder and output == STDOUT:
        raise click.UsageError(f"--format {fmt} writes a folder: give -o a folder, not -")
    err = is_stream(output)  # -o -, /dev/stdout, a pipe: the data has stdout to itself
    try:
        with (
            Store.open_readonly(db) as store,
            _progress(store.document_count(), "Writing") as bar,
        ):
            _warn(store)
            report = export_selected(
                store, output, target, unit=offsets, labels=labels, annotators=annotators,
                statuses=statuses, layer=layer,
                on_document=(lambda: bar.update(1)) if bar else None,
            )
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    _finish_export(output, report, err)


def _finish_export(output: Path, report, err: bool) -> None:
    from annotator.formats.atomic import STDOUT

    name = "standard output" if output == STDOUT else output
    _echo(f"{name}: {report.describe()}", err=err)
    for note in report.notes:
        _echo(f"note: {note}", err=err)


@main.command("labels")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--export", "export_to", type=click.Path(path_type=Path),
              help="Write the scheme as JSON to this file.")
@click.option("--import", "import_from", type=click.Path(path_type=Path, dir_okay=False),
              help="Add the labels of a scheme JSON file (their colours and keys win).")
def labels_command(db: Path, export_to: Path | None, import_from: Path | None) -> None:
    """List DB's label scheme (span labels and link types), or import/export it as JSON."""
    import json

    from annotator.core import scheme
    from annotator.formats.atomic import atomic_write
    from annotator.formats.scheme_file import read_scheme
    from annotator.store import Store, StoreError

    try:
        if import_from is not None:
            incoming, rules = read_scheme(import_from)
            with Store.open(db, create=False) as store:
                _warn(store)
                scheme.check_merge((x.name for x in store.labels(None)), incoming,
                                   str(import_from))  # fmt: skip
                try:
                    added = store.merge_scheme(incoming, rules)
                except StoreError as exc:
                    raise AnnotatorError(f"{import_from}: {exc}") from None
            _echo(f"{db}: scheme merged; new: {', '.join(added) or 'none'}")
        with Store.open_readonly(db) as store:
            _warn(store)
            labels = [*store.labels("span"), *store.labels("relation"), *store.labels("document")]
            usage = {label.name: store.label_usage(label.name) for label in labels}
            rules = store.link_rules()
        if export_to is not None:
            with atomic_write(export_to) as f:
                f.write(json.dumps(scheme.to_json(labels, rules), indent=2).encode("utf-8"))
            _echo(f"{export_to}: {len(labels)} label(s) written")
            return
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    for label in labels:
        kind = {"span": "label", "relation": "link", "document": "doc"}[label.kind]
        key = label.key or "-"
        joins = f"  joins {rules[label.name].describe()}" if label.name in rules else ""
        _echo(f"{kind:<5} {label.name:<16} key {key:<2} {label.color}  {usage[label.name]:>7} used"
                   + joins + (f"  {label.description}" if label.description else ""))


@main.command("stats")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_command(db: Path, as_json: bool) -> None:
    """Count the documents, spans (by label and annotator) and relations in DB."""
    from dataclasses import asdict

    from annotator.store import Store
    from annotator.store.export_queries import stats

    try:
        with Store.open_readonly(db) as store:
            _warn(store)
            figures = stats(store)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    if as_json:
        data = {k: dict(v) if isinstance(v, list) else v for k, v in asdict(figures).items()}
        _echo_json(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _echo(f"documents  {figures.documents} ({figures.documents_with_spans} with spans)")
    _echo(f"spans      {figures.spans}")
    _table("by label", figures.spans_by_label)
    _table("by annotator", _gold_apart(figures.spans_by_annotator))
    _echo(f"relations  {figures.relations}")
    _table("by label", figures.relations_by_label)
    _table("by annotator", _gold_apart(figures.relations_by_annotator))
    if figures.document_labels or figures.document_labels_by_label:  # a scheme that has them
        _echo(f"document labels  {figures.document_labels}")
        _table("articles by label", figures.document_labels_by_label)
        _table("by annotator", _gold_apart(figures.document_labels_by_annotator))


def _gold_apart(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The gold layer is not an annotator: shown last, under its own name."""
    from annotator.core.annotators import GOLD

    return [r for r in rows if r[0] != GOLD] + [
        ("(gold layer)", n) for name, n in rows if name == GOLD
    ]


def _table(title: str, rows: list[tuple[str, int]]) -> None:
    if not rows:
        return
    width = max(len(name) for name, _ in rows)
    _echo(f"  {title}")
    for name, n in rows:
        _echo(f"    {name:<{width}}  {n:>7}")


@main.command("debug-info", hidden=True)
def debug_info() -> None:
    """Print versions and bundled-file locations as JSON (bug reports, frozen-app smoke test)."""
    from annotator.diagnostics import debug_info_text
    from annotator.gui.about import qt_versions

    _echo_json(debug_info_text(qt_versions()))


# -- review (issue 5) -------------------------------------------------------------------------


@main.command("snapshot")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
def snapshot_command(db: Path, out: Path) -> None:
    """Write OUT, a self-contained copy of DB that is safe to send for review.

    Made with SQLite's VACUUM INTO: one file, no -wal beside it. DB is only read; an
    existing OUT is never replaced.
    """
    from annotator.store import Store
    from annotator.store.sharing import snapshot

    try:
        with Store.open_readonly(db) as store:
            _warn(store)
        snapshot(db, out)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    _echo(f"{out}: snapshot of {db} written")


@main.command("review-import")
@click.argument("review", type=click.Path(dir_okay=True, path_type=Path))
@click.argument("shared", nargs=-1, required=True, type=click.Path(path_type=Path))
def review_import_command(review: Path, shared: tuple[Path, ...]) -> None:
    """Copy the databases SHARED, received from annotators, into REVIEW.

    Each is opened read-only and checked (application, version, schema, quick_check, text
    hashes); one refused file imports nothing. The received files are never changed.
    Importing the same file again adds nothing.
    """
    from annotator.store.sharing import import_shared

    try:
        summary = import_shared(review, shared, opened=_warn)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    _echo(f"{review}: {summary.added()}")
    for line in summary.lines():  # each annotator's version, then what the schemes brought
        _echo(f"{review}: {line}")


@main.command("adjudicate")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--progress", is_flag=True,
              help="Print, per document and in all, how many of the annotators' spans and "
              "relations have a verdict (decided/total). The default.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def adjudicate_command(db: Path, progress: bool, as_json: bool) -> None:
    """How far the adjudication of DB has come (verdicts are given in the review window).

    Every span and relation of the annotators (not the gold layer's own) is an item; an
    item is decided once it is accepted, edited or rejected. DB is only read.
    """
    from annotator.store import Store

    try:
        with Store.open_readonly(db) as store:
            _warn(store)
            by_document = store.adjudication_progress_by_document()
            decided, total = store.adjudication_progress()
            titles = {row.id: row.title for row in store.documents()}
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    if as_json:
        data = {
            "decided": decided,
            "total": total,
            "documents": [
                {"id": doc_id, "title": titles.get(doc_id, ""), "decided": d, "total": t}
                for doc_id, (d, t) in by_document.items()
            ],
        }
        _echo_json(json.dumps(data, indent=2, ensure_ascii=False))
        return
    rows = [
        (titles.get(doc_id) or doc_id, d, t) for doc_id, (d, t) in by_document.items() if t
    ]
    width = max([len("document"), *(min(len(name), 60) for name, _, _ in rows)])
    _echo(f"{'document':<{width}}  {'decided':>7}  {'total':>7}  {'done':>5}")
    for name, d, t in rows:
        shown = name if len(name) <= 60 else name[:57] + "..."
        _echo(f"{shown:<{width}}  {d:>7}  {t:>7}  {_percent(d, t):>5}")
    untouched = sum(1 for d, t in by_document.values() if not t)
    _echo(f"{'all':<{width}}  {decided:>7}  {total:>7}  {_percent(decided, total):>5}")
    if untouched:
        _echo(f"({untouched} document(s) without annotations left out)")


def _percent(part: int, whole: int) -> str:
    return "-" if not whole else f"{100 * part // whole}%"


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@main.command("agreement")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--by", type=click.Choice(["label", "document"]),
              help="One table per label or per document (default: the whole corpus).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def agreement_command(db: Path, by: str | None, as_json: bool) -> None:
    """Inter-annotator agreement in DB: exact and overlap span F1, Cohen's kappa (pairs)
    and Krippendorff's alpha (nominal) on per-character labels; per document label, percent
    agreement and kappa on the articles both annotators labelled; links (matched by type
    and their spans' matches): precision, recall, F1 and kappa, per link type. See README,
    "Review"."""
    from annotator.review import AgreementError, from_store, link_agreement
    from annotator.review.agreement import document_label_lines, document_labels_from_store
    from annotator.store import Store

    try:
        with Store.open_readonly(db) as store:
            _warn(store)
            labels = document_labels_from_store(store)  # per document label, after the spans
            report = from_store(store, by=by)
            links = link_agreement.from_store(store)  # and the links, after those
    except AgreementError as exc:
        raise click.ClickException(shown(f"{db}: {exc}", keep="\n")) from exc
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    if as_json:
        data = report.as_dict() | {"document_labels": [x.as_dict() for x in labels],
                                   "links": links.as_dict() if links else None}
        _echo_json(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _echo(f"{len(report.annotators)} annotators, {len(report.documents)} document(s) "
               f"with spans: {', '.join(report.annotators)}")
    for scope in report.scopes:
        heading = {"corpus": "corpus", "label": f"label {scope.key}",
                   "document": f"document {scope.title or scope.key}"
                   + (f" ({scope.key})" if scope.title else "")}[scope.kind]
        rows = [(" + ".join(f.annotators), f) for f in scope.pairs]
        rows.append(("all annotators", scope.overall))
        width = max(len(name) for name, _ in rows)
        _echo("")
        _echo(heading)
        _echo(f"  {'annotators':<{width}}  {'spans':>11}  {'exact F1':>8}  "
                   f"{'overlap F1':>10}  {'kappa':>6}  {'alpha':>6}")
        for name, f in rows:
            counts = "/".join(str(n) for n in f.spans)
            _echo(f"  {name:<{width}}  {counts:>11}  {_figure(f.exact_f1):>8}  "
                       f"{_figure(f.overlap_f1):>10}  {_figure(f.kappa):>6}  "
                       f"{_figure(f.alpha):>6}")
    for line in document_label_lines(labels) + link_agreement.link_lines(links):
        _echo(line)


from annotator.cli_review import review_history_command  # noqa: E402  (it needs main's helpers)

main.add_command(review_history_command)

from annotator.cli_hub import TEAM_COMMANDS  # noqa: E402 (the team hub: cli_hub.py)

list(map(main.add_command, TEAM_COMMANDS))

from annotator.cli_suggest import SUGGEST_COMMANDS  # noqa: E402 (suggestions: cli_suggest.py)

list(map(main.add_command, SUGGEST_COMMANDS))
