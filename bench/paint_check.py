"""Is what the article view paints the same before and after a change made for speed?

A speed change of the article view must not change a pixel. This script drives the window
through a fixed sequence (text selections, label keys, deletes, undo and redo, spans
selected and unselected, spans that arrive and go without being selected as a team pull
brings them, scrolling far down the article and back, an edit at the top) and after each
step takes the viewport's pixels as they were painted bit by bit (the offscreen platform's
backing store, so a repaint that leaves a stale stretch shows), in the light and the dark
theme, for a long article (the painted view, long_view.py) and a short one (the formatted
view). Two trees are compared step by step:

    python bench/paint_check.py --base /path/to/the/other/tree

runs the sequence in this tree and in the other one (each with its own src/) and names
the first step whose pixels differ. ``--one OUT`` runs one sequence (the theme and size
from ANNOTATOR_THEME and PAINT_CHECK_SIZE) and writes its steps' hashes to OUT.
``--sizes 300000`` runs the long view only; ``--every`` names every step that differs;
``--ignore REGEX`` names the steps it matches apart and does not fail on them (a change
meant to alter how they look). With ``PAINT_CHECK_KEEP=FOLDER`` a ``--one`` run saves
each step's pixels there as PNG, to look at the steps that differ; with
``PAINT_CHECK_FRESH=1`` it also paints the whole viewport again after each step and names
the steps whose pixels as painted bit by bit differ from it (a stale stretch left).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (300_000, 30_000)  # characters: the long view, and the formatted one


def run_sequence(out: Path, size: int) -> None:
    sys.path.insert(0, str(HERE))
    import bench as b
    from PySide6.QtGui import QTextCursor

    from annotator.core.model import Relation, Span
    from annotator.store import Store

    folder = Path(tempfile.mkdtemp())
    rng = random.Random(11)
    text = b.article(size, rng)
    db = b._article_db(folder, "a.db", text, b.spans_for(text, size // 100, rng))
    with Store.open(db) as store:  # links between spans near the start, drawn as arcs
        doc_id = store.document_ids()[0]
        first_spans = sorted(store.spans(doc_id), key=lambda s: s.start)[:60]
        quotes = [s for s in first_spans if s.label in ("quote", "claim")]
        actors = [s for s in first_spans if s.label == "actor"]
        for n, q in enumerate(quotes[:12]):
            a = min(actors, key=lambda a: abs(a.start - q.start))
            when = f"2026-01-01T00:00:{n:02d}Z"
            kind = "said_by" if q.label == "quote" else "claimed_by"
            store.add_relation(Relation(f"r{n:03d}", doc_id, kind, q.id, a.id, "bench", when,
                                        when))
    app, window = b._open_window(db)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.03)
    while window.checking():
        app.processEvents()
        time.sleep(0.01)
    view, positions, state = window.article.text, window.state.positions, window.state
    screen = window.screen()
    keep = os.environ.get("PAINT_CHECK_KEEP")  # a folder: each step's pixels saved there
    fresh, stale = bool(os.environ.get("PAINT_CHECK_FRESH")), []
    shots: list[str] = []

    def shot(what: str) -> None:
        for _ in range(3):
            app.processEvents()
        if state.selected_span() is not None:  # (for --ignore: the selection's looks)
            what += " [span selected]"
        image = screen.grabWindow(window.winId()).toImage()  # as painted, not repainted
        port = view.viewport()
        top = port.mapTo(window, port.rect().topLeft())
        image = image.copy(top.x(), top.y(), port.width(), port.height())
        shots.append(f"{what}\t{hashlib.sha1(bytes(image.constBits())).hexdigest()[:16]}")
        if keep:  # to look at a step that differs
            image.save(str(Path(keep) / f"{len(shots):02d} {what}.png"))
        if fresh:  # the whole viewport painted again: the same pixels, or a stale stretch
            port.repaint()
            again = screen.grabWindow(window.winId()).toImage().copy(
                top.x(), top.y(), port.width(), port.height())
            if again != image:
                stale.append(what)

    def select_text(a: int, n: int) -> None:
        cursor = view.textCursor()
        cursor.setPosition(positions.to_qt(a))
        cursor.setPosition(positions.to_qt(a + n), QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)

    def top_offset() -> int:
        return positions.from_qt(view.cursorForPosition(view.viewport().rect().topLeft())
                                 .position())

    shown = top_offset()
    shot("start")
    r = random.Random(3)
    for i in range(14):
        a, n = shown + r.randrange(0, 1200), r.choice([4, 9, 25, 70])
        select_text(a, n)
        shot(f"text selected {a} {n}")
        window.annotating.apply_label(["claim", "quote", "actor"][i % 3])
        shot(f"add {i}")
        if i % 4 == 1:
            window.undo_stack.undo()
            shot("undo add")
            window.undo_stack.redo()
            shot("redo add")
        if i % 3 == 0:
            window.annotating.delete()
            shot("delete")
            window.undo_stack.undo()
            shot("undo delete")
            window.undo_stack.redo()
            shot("redo delete")
        if i % 5 == 2:
            near = state.spans.overlapping(shown, shown + 1500)
            picked = near[r.randrange(len(near))]
            state.select(picked.id)
            shot(f"select {picked.label} {picked.start}")
            linked = [s for s in near if state.relations_of(s.id)]
            if linked:
                state.select(linked[r.randrange(len(linked))].id)
                shot("select linked")
            state.select(None)
            shot("select none")
        if i % 2 == 0:  # a span that arrives (and goes) unselected, as a team pull brings it
            a, n = shown + r.randrange(0, 1200), r.choice([5, 12, 40])
            pulled = Span(f"pull{i}", state.document.id, a, a + n,
                          ["claim", "quote", "actor"][i % 3], state.document.text[a:a + n],
                          "bench", "", "")
            state.add(pulled)
            shot("pulled in")
            if i % 4 == 0:
                state.remove(pulled.id)
                shot("pulled out")
    bar = view.verticalScrollBar()
    for k in range(14):  # far down the article and back (paragraphs scrolled past)
        bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep() * 3))
        shot(f"scrolled {k}")
    bar.setValue(0)
    shot("back at the top")
    select_text(top_offset() + 40, 12)
    shot("text selected at the top")
    window.annotating.apply_label("quote")
    shot("add at the top")
    window.undo_stack.undo()
    shot("undo at the top")
    out.write_text("\n".join(shots) + "\n")
    if fresh:
        print(f"{len(stale)} of {len(shots)} steps differ from the viewport painted whole"
              + "".join(f"\n  {what}" for what in stale))


def compare(base: Path, *, sizes: tuple[int, ...] = SIZES, ignore: str = "",
            every: bool = False) -> int:
    """Run the sequence in this tree and in ``base``; 0 when every step's pixels match
    (but the steps whose names match the regular expression ``ignore``, which are named
    apart); ``every`` names every step that differs, not only the first."""
    mine, theirs = HERE.parent, base.resolve()
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        for theme in ("light", "dark"):
            for size in sizes:
                results = []
                for tree in (theirs, mine):
                    out = Path(folder) / f"{tree.name}-{theme}-{size}.txt"
                    env = dict(os.environ, ANNOTATOR_THEME=theme, PAINT_CHECK_SIZE=str(size),
                               ANNOTATOR_SUGGEST_ON_OPEN="0", QT_QPA_PLATFORM="offscreen",
                               PYTHONPATH=str(tree / "src"))
                    subprocess.run([sys.executable, str(HERE / "paint_check.py"), "--one",
                                    str(out)], env=env, check=True, cwd=tree,
                                   stderr=subprocess.DEVNULL)
                    results.append(out.read_text().splitlines())
                differ = [(a, b) for a, b in zip(*results, strict=True) if a != b]
                where = f"{theme} theme, {size:,} characters"
                if every:
                    for a, _b in differ:
                        print(f"{where}: differs: {a.split(chr(9))[0]}")
                ignored: list[str] = []
                if ignore:
                    ignored = [a for a, _b in differ if re.search(ignore, a.split("\t")[0])]
                    if ignored:
                        print(f"{where}: {len(ignored)} steps matching {ignore!r} differ "
                              f"(not counted)")
                    differ = [(a, b) for a, b in differ if a not in ignored]
                steps = len(results[0]) - len(ignored)
                others = "the other " if ignore else "all "
                if differ:
                    failed += 1
                    print(f"{where}: {len(differ)} of {len(results[0])} steps differ, "
                          f"first: {differ[0][0].split(chr(9))[0]}")
                else:
                    print(f"{where}: {others}{steps} steps paint the same pixels")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, help="the other tree (its src/ is run)")
    parser.add_argument("--one", type=Path, help="run one sequence, write its hashes here")
    parser.add_argument("--sizes", type=lambda v: tuple(int(n) for n in v.split(",")),
                        default=SIZES, help="the article sizes to run, e.g. 300000 (the "
                        "long view only); default: %(default)s")
    parser.add_argument("--ignore", default="", metavar="REGEX",
                        help="steps whose names match are compared and named, not counted "
                        "(a change meant to alter how they look)")
    parser.add_argument("--every", action="store_true",
                        help="name every step that differs, not only the first")
    args = parser.parse_args()
    if args.one is not None:
        run_sequence(args.one, int(os.environ.get("PAINT_CHECK_SIZE", SIZES[0])))
        return 0
    if args.base is None:
        parser.error("give --base (the tree to compare with) or --one")
    return compare(args.base, sizes=args.sizes, ignore=args.ignore, every=args.every)


if __name__ == "__main__":
    sys.exit(main())
