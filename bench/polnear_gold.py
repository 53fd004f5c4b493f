"""PolNeAR (github:networkdynamics/PolNeAR) as gold JSONL in Annotator's native format, one
file per split (train, dev, test), for the suggesters' evaluation (bench part "suggest").

    python bench/polnear_gold.py MIRROR OUT_DIR

MIRROR is a clone of the repository (a bare one works: files are read with ``git
cat-file``); OUT_DIR receives train.jsonl, dev.jsonl and test.jsonl. Nothing of PolNeAR is
committed to Annotator: this script makes the files where you ask.

Each article takes its first annotator's brat file (sorted by name; a few articles were
annotated twice, for agreement). Each attribution (a brat event with Source, Cue and
Content) becomes, in our scheme: its Content a ``quote`` when the content holds a quotation
mark (“ ” " « » „, or the two apostrophes '' some of its sources print for a
double quotation mark: ''We will win,'' she said) and a ``claim`` otherwise (PolNeAR's own split of direct and indirect
speech; reported speech in our scheme is a claim unless quoted); its Source an ``actor``;
and a ``said_by`` (quote) or ``claimed_by`` (claim) link from the content to the source.
A discontinuous content ("The talks, he said, failed") gives one span per fragment, each
linked to the source. An attribution without a source or content is left out, and
counted in the summary line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SPLITS = ("train", "dev", "test")
QUOTE_MARKS = set("“”\"«»„")


class Mirror:
    """Files of a git repository (bare or not), read through one ``git cat-file``."""

    def __init__(self, path: Path):
        self.path = path
        self.proc = subprocess.Popen(
            ["git", "--git-dir", str(self._git_dir(path)), "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    @staticmethod
    def _git_dir(path: Path) -> Path:
        return path / ".git" if (path / ".git").exists() else path

    def names(self, folder: str) -> list[str]:
        out = subprocess.run(
            ["git", "--git-dir", str(self._git_dir(self.path)), "ls-tree", "-r", "--name-only",
             "HEAD", folder], check=True, capture_output=True, text=True).stdout
        return sorted(out.split())

    def read(self, name: str) -> str:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"HEAD:{name}\n".encode())
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if header[-1] == b"missing":
            raise FileNotFoundError(name)
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)
        return data.decode("utf-8")

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def _fragments(offsets: str) -> list[tuple[int, int]]:
    return [tuple(int(x) for x in part.split()) for part in offsets.split(";")]


def convert_article(doc_id: str, text: str, ann: str, counts: dict) -> dict:
    """One article's record: its text, spans and links (see the module's words)."""
    boxes: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events = []
    for line in ann.splitlines():
        if line.startswith("T") and line.count("\t") >= 2:
            tid, middle, _words = line.split("\t", 2)
            kind, offsets = middle.split(" ", 1)
            boxes[tid] = (kind, _fragments(offsets))
        elif line.startswith("E") and "\t" in line:
            events.append(dict(arg.split(":", 1) for arg in line.split("\t")[1].split()))
    spans: dict[tuple[str, int, int], str] = {}
    relations = []

    def span(label: str, a: int, b: int) -> str:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        key = (label, a, b)
        if key not in spans:
            spans[key] = f"{label[0]}{len(spans) + 1}"
        return spans[key]

    for event in events:
        source, content = boxes.get(event.get("Source", "")), boxes.get(event.get("Content", ""))
        if source is None or content is None:
            counts["attributions without source or content"] += 1
            continue
        a, b = source[1][0][0], source[1][-1][1]
        whole = "".join(text[x:y] for x, y in content[1])
        quoted = any(c in QUOTE_MARKS for c in whole) or "''" in whole
        label = "quote" if quoted else "claim"
        counts[label] += 1
        target = span("actor", a, b)
        for x, y in content[1]:
            if text[x:y].strip():
                relations.append({"label": "said_by" if quoted else "claimed_by",
                                  "from": span(label, x, y), "to": target})
    seen = set()
    unique = []
    for rel in relations:
        key = (rel["label"], rel["from"], rel["to"])
        if key not in seen:
            seen.add(key)
            unique.append(rel)
    return {
        "id": doc_id,
        "text": text,
        "meta": {"source": "PolNeAR"},
        "spans": [{"id": sid, "label": label, "start": a, "end": b, "text": text[a:b]}
                  for (label, a, b), sid in sorted(spans.items(), key=lambda kv: kv[0][1])],
        "relations": unique,
    }


def convert(mirror_path: Path, out_dir: Path) -> dict[str, Path]:
    mirror = Mirror(mirror_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    try:
        for split in SPLITS:
            anns: dict[str, list[str]] = defaultdict(list)
            for name in mirror.names(f"data/{split}/attributions"):
                stem = Path(name).stem.rsplit("_", 1)[0]
                anns[stem].append(name)
            counts: dict[str, int] = defaultdict(int)
            path = out_dir / f"{split}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for text_name in mirror.names(f"data/{split}/text"):
                    stem = Path(text_name).stem
                    if not anns.get(stem):
                        counts["articles without annotation"] += 1
                        continue
                    text = mirror.read(text_name)
                    record = convert_article(stem, text, mirror.read(anns[stem][0]), counts)
                    counts["articles"] += 1
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written[split] = path
            print(f"{split}: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())),
                  file=sys.stderr)
    finally:
        mirror.close()
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
