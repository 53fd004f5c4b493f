"""Issue 21, item 12: what made the brat export of 100,000 documents fit within 3x the JSONL
export (bench/bench.py --only brat) keeps the export's guarantees. Its files are made by a
thread of their own while the next documents are read, and a previous export is removed by
several threads: a file that cannot be made still stops the export with the reason and
leaves the previous export whole, and the removal never follows a link out of the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.formats import EXPORTS, brat_write
from annotator.formats.brat_write import remove_folder
from annotator.formats.exporting import export
from annotator.store import Store


def _corpus(path: Path, n: int) -> Path:
    with Store.open(path) as store:
        store.import_documents(
            [IncomingDocument(f"Report {i}: the minister said we will not.", f"report-{i}.txt",
                              DocumentMeta(title=f"Report {i}"), "test",
                              spans=[IncomingSpan(0, 6, "claim"), IncomingSpan(11, 19, "actor")])
             for i in range(n)],
            annotator="alice",
        )  # fmt: skip
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_file_that_cannot_be_made_stops_the_export_and_leaves_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _corpus(tmp_path / "a.db", 600)
    target = tmp_path / "brat"
    with Store.open_readonly(db) as store:
        export(store, target, EXPORTS["brat"])
        previous = _files(target)
        real_open = os.open

        def full_disk(path, flags, mode=0o777, **kw):  # noqa: ANN001, ANN202
            if str(path).endswith("report-400.ann"):  # in the middle, not in the last batch
                raise OSError(28, "No space left on device")
            return real_open(path, flags, mode, **kw)

        monkeypatch.setattr(brat_write.os, "open", full_disk)
        with pytest.raises(AnnotatorError, match="No space left on device") as info:
            export(store, target, EXPORTS["brat"])
    assert str(target) in str(info.value)
    assert _files(target) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "brat"]  # no hidden folder


def test_a_previous_export_is_removed_whole_and_nothing_outside_it(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    (folder / "sub" / "deeper").mkdir(parents=True)
    for i in range(500):  # enough for the threads
        (folder / f"report-{i}.txt").write_text("text", encoding="utf-8")
    (folder / "sub" / "deeper" / "a.ann").write_text("T1\tclaim 0 1\tx\n", encoding="utf-8")
    outside = tmp_path / "keep"
    outside.mkdir()
    (outside / "precious.txt").write_text("mine", encoding="utf-8")
    (folder / "link-to-a-folder").symlink_to(outside, target_is_directory=True)
    (folder / "link-to-a-file").symlink_to(outside / "precious.txt")
    remove_folder(folder)
    assert not folder.exists()
    assert (outside / "precious.txt").read_text(encoding="utf-8") == "mine"


def test_the_export_goes_on_after_many_files(tmp_path: Path) -> None:
    """More documents than the thread takes at a time, and a number that leaves a partial
    batch: every file is written, the counts are whole."""
    db = _corpus(tmp_path / "a.db", 333)
    target = tmp_path / "brat"
    with Store.open_readonly(db) as store:
        report = export(store, target, EXPORTS["brat"])
    assert report.documents == 333 and report.spans == 666
    names = {p.name for p in target.iterdir()}
    assert len(names) == 2 * 333 + 2
    text = "Report 332: the minister said we will not."
    assert (target / "report-332.txt").read_text(encoding="utf-8") == text
    assert (target / "report-332.ann").read_text(encoding="utf-8") == (
        f"T1\tclaim 0 6\tReport\nT2\tactor 11 19\t{text[11:19]}\n"
    )
