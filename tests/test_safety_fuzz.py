"""Issue 6, item 17: every importer, fed malformed input, fails cleanly and imports nothing.

For each format that ``annotator import --format`` reads, hypothesis starts from a file that
the matching exporter wrote (or a plain article) and breaks it: bytes flipped, cut, repeated
or inserted; values deep in a JSON record swapped for values of any type; or noise. Reading
and importing such a file may succeed (then the stored offsets must be exact) or raise an
InputError that names the file; nothing else may escape, and a failed import leaves the
database as it was. atheris is not used: it needs a clang-built CPython extension that
does not install here.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.formats import EXPORTS
from annotator.formats.exporting import export
from annotator.formats.importing import import_read
from annotator.formats.reading import FORMATS, plan, read_sources
from annotator.store import Store

TEXT = 'Лавров said: "NATO 😀 must stay out."\r\nKyiv 👩‍👩‍👧 disagreed, said 王外长.\r\nEnd.'
# the importers' --format names, and the exporter that writes a sample of each
SAMPLES = {
    "jsonl": ("jsonl", "sample.jsonl"),
    "doccano": ("doccano-rel", "sample.jsonl"),
    "prodigy": ("prodigy", "sample.jsonl"),
    "labelstudio": ("labelstudio", "sample.json"),
    "brat": ("brat", "sample"),
}
TEXT_LIKE = {"text": "article.txt", "html": "page.html"}
EXAMPLES = int(os.environ.get("ANNOTATOR_FUZZ_EXAMPLES", "150"))  # per test; more to hunt


def test_every_import_format_is_fuzzed() -> None:
    assert set(FORMATS) - {"auto"} == set(SAMPLES) | set(TEXT_LIKE)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """format -> {file name: bytes} as our exporters write them."""
    folder = tmp_path_factory.mktemp("samples")
    store = Store.memory()
    from annotator.core.model import IncomingRelation

    for n in range(3):  # three records: a bad last one must not leave the first two behind
        normal = TEXT.replace("\r\n", "\n") + f" ({n})"
        spans = [
            IncomingSpan(*_at(normal, "Лавров"), "actor", id=f"a1-{n}"),
            IncomingSpan(*_at(normal, '"NATO 😀 must stay out."'), "quote", id=f"q1-{n}"),
            IncomingSpan(*_at(normal, "👩‍👩‍👧"), "actor", id=f"a2-{n}"),
        ]
        relation = IncomingRelation("said_by", f"q1-{n}", f"a1-{n}")
        doc = IncomingDocument(
            normal,
            f"s{n}.txt",
            DocumentMeta(title=f"Sample {n}"),
            "s",
            id=f"d{n}",
            spans=spans,
            relations=[relation],
        )
        store.import_documents([doc], annotator="alice")
    out: dict[str, dict[str, bytes]] = {}
    for fmt, (writer, name) in SAMPLES.items():
        target = folder / fmt / name
        target.parent.mkdir()
        export(store, target, EXPORTS[writer])
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        kept = [p for p in files if p.suffix in (".txt", ".ann", ".json", ".jsonl")]
        out[fmt] = {p.name: p.read_bytes() for p in kept[:2]}  # brat: one .txt and its .ann
    out["text"] = {"article.txt": TEXT.encode()}
    out["html"] = {
        "page.html": (
            "<html><head><title>Sample</title></head><body><article><h1>Sample</h1>"
            f"<p>{TEXT}</p><p>Second paragraph of the article, long enough to keep.</p>"
            "</article></body></html>"
        ).encode()
    }
    return out


def _at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


# -- ways to break a file -------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "\ud800", "claim", "T1", "-1", "😀"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def byte_mutations(draw, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate", "delete"]))
        if op == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b"\x00",
                        b"\xff",
                        b"\r",
                        b"\n",
                        b"\xef\xbb\xbf",
                        b'"',
                        b"{",
                        b"]",
                        b"\\u",
                        b"\t",
                        b"\xed\xa0\x80",
                        "😀".encode(),
                        b"\r\n\r\n",
                        b"-1",
                        b"99999999999999999999",
                    ]
                )
            )
        elif op == "repeat":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end]
        elif op == "truncate":
            del data[at:]
        else:
            del data[at]
    return bytes(data)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


@st.composite
def json_mutations(draw, data: bytes, many: bool) -> bytes:
    """Swap values deep inside the records for values of any type (or drop them)."""
    records = (
        [orjson.loads(line) for line in data.splitlines() if line.strip()]
        if many
        else [json.loads(data)]
    )
    for _ in range(draw(st.integers(1, 4))):
        record_index = draw(st.integers(0, len(records) - 1))
        paths = _paths(records[record_index])
        path = draw(st.sampled_from(paths))
        if not path:
            records[record_index] = draw(json_values)
            continue
        parent = records[record_index]
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    if many:
        return b"".join(
            json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n"
            for r in records
        )
    return json.dumps(records[0], ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


# -- the check ------------------------------------------------------------------------------


OUTCOMES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_outcomes():
    yield
    print(f"\nfuzzed imports: {dict(sorted(OUTCOMES.items()))}")


def check(files: dict[str, bytes], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        main = next(Path(folder) / n for n in files if not n.endswith(".ann"))
        store = Store.memory()
        try:
            result = read_sources(plan([main], fmt))
        except InputError as exc:
            assert main.name in str(exc) or Path(folder).name in str(exc), exc
            OUTCOMES[f"{fmt}: refused when read"] += 1
            return
        try:
            import_read(store, result, annotator="fuzz")
        except InputError as exc:
            assert main.name in str(exc), exc
            assert store.document_count() == 0 and not store.conn.in_transaction
            OUTCOMES[f"{fmt}: refused when stored"] += 1
            return
        assert store.verify() == []
        for doc_id in store.document_ids():
            text = store.document(doc_id).text
            for span in store.spans(doc_id):
                assert text[span.start : span.end] == span.text
        OUTCOMES[f"{fmt}: imported"] += 1


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("ANNOTATOR_FUZZ_EXAMPLES"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("fmt", sorted([*SAMPLES, *TEXT_LIKE]))
def test_broken_bytes_give_clean_errors_or_exact_imports(samples, fmt: str) -> None:
    files = samples[fmt]
    name = next(n for n in files if not n.endswith(".ann"))

    @FUZZ
    @given(st.data())
    def run(data) -> None:
        broken = dict(files)
        target = data.draw(st.sampled_from(sorted(files)))
        broken[target] = data.draw(byte_mutations(files[target]))
        check(broken, fmt)

    assert name
    run()


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "labelstudio"])
def test_values_of_any_type_anywhere_give_clean_errors(samples, fmt: str) -> None:
    [(name, data)] = samples[fmt].items()

    @FUZZ
    @given(st.data())
    def run(draw) -> None:
        check({name: draw.draw(json_mutations(data, many=name.endswith(".jsonl")))}, fmt)

    run()


@pytest.mark.parametrize("fmt", sorted([*SAMPLES, *TEXT_LIKE]))
def test_noise_gives_clean_errors(samples, fmt: str) -> None:
    names = sorted(samples[fmt])

    @FUZZ
    @given(st.lists(st.binary(max_size=300), min_size=len(names), max_size=len(names)))
    def run(blobs) -> None:
        check(dict(zip(names, blobs, strict=True)), fmt)

    run()
