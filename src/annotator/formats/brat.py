"""brat standoff: a ``NAME.txt`` with its ``NAME.ann`` beside it (brat_read.py reads,
brat_write.py writes; this module is the name the registry and the import pipeline know).

Offsets are **code points**, end exclusive. Lines of the ``.ann`` file:

- ``T1<TAB>Label START END<TAB>text`` becomes a span; its text is checked against the
  ``.txt`` (a line break inside a span may be written as a space).
- Fragments parted only by line breaks and the white space around them
  (``T1<TAB>quote 9 21;22 40<TAB>...``) are one selection across lines, as brat writes it,
  and become one span.
- A **discontinuous** ``T3<TAB>Label 0 12;20 35<TAB>...`` becomes **one span per fragment**,
  each with the label and the note "part K of N of discontinuous brat annotation T3". Annotator
  spans are contiguous, and a span covering the gap would claim words the annotator left out
  (the "she said" inside a quote); every fragment keeps its exact text. A relation to such an
  annotation is made for each fragment. The export writes the parts back as one T line.
- ``R1<TAB>Label Arg1:T1 Arg2:T2`` becomes a relation from Arg1 to Arg2.
- ``#1<TAB>AnnotatorNotes T1<TAB>note`` becomes the note of that span (or relation).
- An event ``E1<TAB>Type:T3 Role:T4 Role2:E2`` keeps its trigger T3 as a span (noted as the
  trigger of E1) and becomes one relation per argument, from the trigger to the argument (an
  event argument stands for its trigger), labelled by the role without brat's repeat number
  (``Theme2`` is a ``Theme``), the relation's note naming the role and the event.
- Attributes (``A``, ``M``), normalisations (``N``), comments of other types than
  AnnotatorNotes and notes on events or attributes go into the note of the span or relation
  they are about; an equivalence ``*<TAB>Equiv T2 T5 T6`` becomes relations T2->T5, T5->T6.
  Each such line is counted in the import summary with what became of it.

Ids are made from the document, the ``.ann`` file and the brat id: brat numbers per file, and
each annotator's ``.ann`` of one text numbers from T1.

brat counts ``\\r\\n`` as one character (brat#853) while other tools count two. When the
``.txt`` has CRLF line ends, the offsets are read in whichever of the two texts every span's
text matches; then, as everywhere, line ends become LF. brat keeps no annotator: an import
records the ``--annotator`` name.

The export writes a folder with one ``.txt`` and ``.ann`` per document (named after the file
the document came from, else after its title) and an ``annotation.conf`` that declares the
labels, so brat opens it as it is; every line is one that brat's own parser accepts.
"""

from __future__ import annotations

from annotator.formats.brat_read import ann_for, read
from annotator.formats.brat_write import MARKER, ann_text, write
from annotator.formats.units import Unit

UNIT: Unit = "codepoint"
CONFIG_FILES = ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf")

__all__ = ["CONFIG_FILES", "MARKER", "UNIT", "ann_for", "ann_text", "read", "write"]
