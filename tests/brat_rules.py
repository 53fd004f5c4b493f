"""The rules brat's own parser (server/src/annotation.py of nlplab/brat, TextAnnotations)
applies to a ``.ann`` file and its ``.txt``, written out here to check our export with: brat's
code cannot be part of this project. Each rule names what annotation.py does.

- The file is split into lines as Python's ``str.splitlines`` splits them (it reads with
  ``codecs``' ``readlines``), so no line break of any kind can sit inside a line.
- ``ID<TAB>DATA[<TAB>TAIL]``; an id is letters (or ``#``) then digits, or ``*``; an id is
  defined once (DuplicateAnnotationIdError).
- ``T``: ``TYPE START END[;START END...]``; 0 <= START <= END <= length of the text; the
  fragments do not overlap (brat's test: a fragment that ends at or after an earlier one's
  start and starts before its end); the tail is a tab then the fragments' texts joined by
  one space ("does not match marked span(s)" otherwise).
- ``R``: ``TYPE Arg1:ID Arg2:ID``, exactly two arguments with different names.
- ``#``: ``TYPE ID`` then the note.
- Every id an annotation names is defined in the file ("ID ... not defined").
"""

from __future__ import annotations

import re
from pathlib import Path

_ID = re.compile(r"^([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*?)$")
_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
_TEXTBOUND = re.compile(r"^(\S+) (\d+ \d+(?:;\d+ \d+)*)$")


def problems(text: str, ann: str) -> list[str]:
    """What brat's parser would refuse in ``ann`` over ``text``; empty when it reads all."""
    found: list[str] = []
    defined: set[str] = set()
    references: list[tuple[str, str]] = []
    for number, line in enumerate(ann.splitlines(), start=1):
        where = f"line {number} {line!r}"
        ident, tab, rest = line.partition("\t")
        if not tab:
            found.append(f"{where}: no tab after the id")
            continue
        if ident != "*" and not _ID.match(ident):
            found.append(f"{where}: {ident!r} is not a brat id")
            continue
        if ident in defined:
            found.append(f"{where}: {ident} defined twice")
        defined.add(ident)
        data, _, tail = rest.partition("\t")
        kind = ident[0]
        if kind == "T":
            found += _textbound(where, data, tail, text)
        elif kind == "R":
            args = [a.split(":") for a in data.split()[1:]]
            if len(args) != 2 or any(len(a) != 2 for a in args) or args[0][0] == args[1][0]:
                found.append(f"{where}: a relation needs Arg1:ID Arg2:ID")
            else:
                references += [(where, a[1]) for a in args]
        elif kind == "#":
            words = data.split()
            if len(words) != 2:
                found.append(f"{where}: a note needs TYPE ID before its tab")
            else:
                references.append((where, words[1]))
        else:
            found.append(f"{where}: our export writes no {kind} lines")
    found += [f"{where}: {ref} is not defined" for where, ref in references if ref not in defined]
    return found


def _textbound(where: str, data: str, tail: str, text: str) -> list[str]:
    match = _TEXTBOUND.match(data)
    if not match:
        return [f"{where}: not 'TYPE START END[;START END]'"]
    fragments = [tuple(map(int, f.split())) for f in match.group(2).split(";")]
    out = []
    seen: list[tuple[int, int]] = []
    for start, end in fragments:
        if not 0 <= start <= end <= len(text):
            out.append(f"{where}: fragment {start}-{end} outside the text")
        if any(end >= s and start < e for s, e in seen):
            out.append(f"{where}: fragment {start}-{end} overlaps another")
        seen.append((start, end))
        if any(c in _BREAKS for c in text[start:end]):
            out.append(f"{where}: fragment {start}-{end} holds a line break")
    expected = " ".join(text[s:e] for s, e in fragments)
    rest = tail[len(expected) :]
    if tail[: len(expected)] != expected or (rest and not rest[0].isspace()):
        out.append(f"{where}: text {tail!r} does not match the text at its offsets {expected!r}")
    return out


def folder_problems(folder: Path) -> dict[str, list[str]]:
    """:func:`problems` for every ``.ann`` of a folder (files read without newline
    translation, as brat reads them)."""
    out = {}
    for ann in sorted(folder.glob("*.ann")):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        out[ann.name] = problems(text, ann.read_bytes().decode("utf-8"))
    return out
