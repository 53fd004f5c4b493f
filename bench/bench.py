"""Benchmarks of issue 7: print each figure as median and worst of several runs beside its
target, plus peak memory, and write them to bench/results.json. Never fails on speed.

    python bench/bench.py            # full sizes (5 MB article, 100,000 documents)
    python bench/bench.py --small    # tiny sizes: checks the benchmark still runs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan  # noqa: E402
from annotator.core.offsets import normalize_newlines  # noqa: E402
from annotator.store import Store  # noqa: E402

WORDS = ["minister", "said", "NATO", "Ukraine", "“we", "will", "not”", "—", "😀", "👩‍👩‍👧",
         "Kiev", "talks", "e\u0301te\u0301", "Лавров", "北约"]
RESULTS: dict[str, dict] = {}


def record(name: str, seconds: list[float], target: str, unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    med, worst = statistics.median(seconds) * scale, max(seconds) * scale
    RESULTS[name] = {"median": round(med, 3), "worst": round(worst, 3), "unit": unit,
                     "runs": len(seconds), "target": target}
    print(f"{name:<58} median {med:9.2f} {unit}  worst {worst:9.2f} {unit}   target {target}")


def article(size_bytes: int, rng: random.Random) -> str:
    parts, n = [], 0
    while n < size_bytes:
        para = " ".join(rng.choice(WORDS) for _ in range(80)) + ".\r\n\r\n"
        parts.append(para)
        n += len(para.encode())
    text, _ = normalize_newlines("".join(parts))  # what an import stores
    return text


def spans_for(text: str, count: int, rng: random.Random) -> list[IncomingSpan]:
    out = []
    for i in range(count):
        a = rng.randrange(0, max(1, len(text) - 200))
        b = min(len(text), a + rng.randint(3, 120))
        out.append(IncomingSpan(a, b, rng.choice(["claim", "quote", "actor"]), id=f"s{i}",
                                annotator="bench"))
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def bench_article(folder: Path, size: int, count: int, runs: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from annotator.gui import app as gui_app
    from annotator.gui.main_window import MainWindow

    rng = random.Random(7)
    text = article(size, rng)
    db = folder / "article.db"
    with Store.open(db) as store:
        store.import_documents(
            [IncomingDocument(text, "big", DocumentMeta(title="Big"), "bench",
                              spans=spans_for(text, count, rng))],
            annotator="bench",
        )
    app = gui_app.application()
    opens, jumps, pages, adds, removes, memory = [], [], [], [], [], []
    for _ in range(runs):
        before = rss_mb()
        t = time.perf_counter()
        window = MainWindow(store=Store.open(db), annotator="bench")
        window.show()
        app.processEvents()
        window.article.text.viewport().repaint()
        opens.append(time.perf_counter() - t)
        memory.append(rss_mb() - before)
        view = window.article.text
        bar = view.verticalScrollBar()
        t = time.perf_counter()
        bar.setValue(bar.maximum())
        view.viewport().repaint()
        jumps.append(time.perf_counter() - t)
        bar.setValue(0)
        for _ in range(10):
            t = time.perf_counter()
            QTest.keyClick(view, Qt.Key.Key_PageDown)
            view.viewport().repaint()
            pages.append(time.perf_counter() - t)
        positions = window.state.positions
        for i in range(20):
            a = rng.randrange(0, len(text) - 50)
            cursor = view.textCursor()
            cursor.setPosition(positions.to_qt(a))
            cursor.setPosition(positions.to_qt(a + 9), QTextCursor.MoveMode.KeepAnchor)
            view.setTextCursor(cursor)
            t = time.perf_counter()
            window.annotating.apply_label(["claim", "quote", "actor"][i % 3])
            view.viewport().repaint()
            adds.append(time.perf_counter() - t)
            t = time.perf_counter()
            window.annotating.delete()
            view.viewport().repaint()
            removes.append(time.perf_counter() - t)
        window.close()
    label = f"{len(text.encode()) / 1e6:.1f} MB article, {count:,} spans"
    record(f"open to first paint ({label})", opens, "<= 1 s", "s")
    record("add one span (change + repaint)", adds, "median <= 2 ms, worst <= 16 ms")
    record("remove one span (change + repaint)", removes, "median <= 2 ms, worst <= 16 ms")
    record("page down", pages, "<= 16 ms")
    record("jump to end", jumps, "<= 50 ms")
    RESULTS["memory over the window before opening (MB)"] = {
        "median": round(statistics.median(memory), 1), "worst": round(max(memory), 1),
        "unit": "MB", "target": "<= 50 MB over the bare text"}
    print(f"{'memory of the open article (RSS growth)':<58} median {statistics.median(memory):9.1f} MB")


def bench_autosave(folder: Path, edits: int) -> None:
    from annotator.core.editing import make_span

    db = folder / "autosave.db"
    with Store.open(db) as store:
        store.import_documents([IncomingDocument(article(50_000, random.Random(1)), "a",
                                                 DocumentMeta(title="A"), "bench")],
                               annotator="bench")
        doc = store.document(store.document_ids()[0])
        words = [m.span() for m in re.finditer(r"\w+", doc.text)][:edits]
        times = []
        for a, b in words:
            span = make_span(doc, a, b, "claim", "bench", known_labels={"claim"}, existing=[])
            t = time.perf_counter()
            store.add_span(span)
            times.append(time.perf_counter() - t)
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    RESULTS["autosave of one edit, p99"] = {"median": round(statistics.median(times) * 1000, 3),
                                            "p99": round(p99 * 1000, 3), "unit": "ms",
                                            "target": "p99 <= 2 ms"}
    print(f"{'autosave of one edit (WAL, synchronous=FULL)':<58} median "
          f"{statistics.median(times) * 1000:9.2f} ms  p99 {p99 * 1000:9.2f} ms   target p99 <= 2 ms")


def bench_corpus(folder: Path, documents: int, spans_per_doc: int, runs: int) -> None:
    rng = random.Random(3)
    source = folder / "corpus.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for i in range(documents):
            text = " ".join(rng.choice(WORDS) for _ in range(60)) + f" report {i}."
            spans = []
            for j in range(spans_per_doc):
                a = rng.randrange(0, len(text) - 20)
                spans.append({"id": f"d{i}s{j}", "start": a, "end": a + 8,
                              "label": rng.choice(["claim", "quote", "actor"]),
                              "text": text[a:a + 8]})
            f.write(json.dumps({"id": f"doc{i}", "text": text,
                                "meta": {"title": f"Report {i}"}, "spans": spans},
                               ensure_ascii=False) + "\n")
    cli = [sys.executable, "-m", "annotator"]
    imports, exports = [], []
    for r in range(runs):
        db = folder / f"corpus{r}.db"
        t = time.perf_counter()
        subprocess.run([*cli, "import", str(db), str(source)], check=True, capture_output=True)
        imports.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([*cli, "export", str(db), "-o", str(folder / "out.jsonl")], check=True,
                       capture_output=True)
        exports.append(time.perf_counter() - t)
    label = f"{documents:,} documents, {documents * spans_per_doc:,} spans"
    record(f"import ({label}) via the CLI", imports, "<= 15 s", "s")
    record(f"export ({label}) to native JSONL", exports, "<= 10 s", "s")

    from PySide6.QtCore import Qt

    from annotator.gui import app as gui_app
    from annotator.gui.models import DocumentTableModel

    gui_app.application()
    store = Store.open(folder / "corpus0.db")
    firsts, sorts, searches = [], [], []
    for _ in range(runs):
        model = DocumentTableModel(store, annotator="bench")
        t = time.perf_counter()
        model.refresh()
        for row in range(min(40, model.rowCount())):
            model.data(model.index(row, 0))
        firsts.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.sort(0, Qt.SortOrder.DescendingOrder)
        model.data(model.index(0, 0))
        sorts.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.set_filter(search="report 4", status=None)
        model.data(model.index(0, 0)) if model.rowCount() else None
        searches.append(time.perf_counter() - t)
    record("document list: first page", firsts, "<= 100 ms")
    record("document list: sort by title", sorts, "<= 100 ms")
    record("document list: full-text search", searches, "<= 100 ms")
    store.close()


def bench_startup(folder: Path, runs: int) -> None:
    env = dict(os.environ, ANNOTATOR_HOME=str(folder / "home"), ANNOTATOR_QUIT_AFTER_MS="1")
    (folder / "home" / "config").mkdir(parents=True, exist_ok=True)
    (folder / "home" / "config" / "settings.json").write_text('{"annotator": "bench"}')
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "annotator"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in proc.stdout:
            if line.startswith("window shown"):
                times.append(time.perf_counter() - t)
                break
        proc.wait(timeout=60)
    record("start to a usable window (source install)", times[1:] or times, "<= 0.5 s", "s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    small = args.small
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        folder = Path(tmp)
        bench_startup(folder, 1 if small else 5)
        bench_autosave(folder, 50 if small else 1000)
        bench_article(folder, 20_000 if small else 5_000_000, 200 if small else 100_000,
                      1 if small else 3)
        bench_corpus(folder, 200 if small else 100_000, 10, 1 if small else 2)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    RESULTS["peak memory of the benchmark process (MB)"] = {"value": round(peak, 1)}
    print(f"{'peak memory (benchmark process)':<58} {peak:9.1f} MB")
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
               "small": small, "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    args.output.write_text(json.dumps({"machine": machine, "results": RESULTS}, indent=2))
    print(f"written: {args.output}")


if __name__ == "__main__":
    main()
