"""What the speaker rules read in the text around a quotation, apart from the rules
themselves (speakers.py): a quotation mark between two places, a sentence's opening
words, the paragraph before a place."""

from __future__ import annotations

import re

from annotator.suggest import naming


def quoted(text: str, a: int, b: int) -> bool:
    """Whether a quotation mark stands between ``a`` and ``b`` (the speaker found is then
    another quotation's)."""
    piece = text[a:b].rstrip(" \t“\"«„")
    return any(m in piece for m in "“”\"«»")


def subject_name(words: str, rest: str) -> bool:
    """Whether the words a sentence opens with (``rest`` the words between them and the
    quotation) may be its speaking subject: not "It", not a noun phrase the quotation
    ends, not an opening word ("Though", "Following Monday's debate", "Contrary") nor
    a party's initials ("D-Va")."""
    first = words.split()[0]
    if first == "It" or first in ("The", "A", "An", "This", "That") and (
            len(words.split()) == 1 or not re.match(r"[ \t\xa0]+[a-z]", rest)):
        return False  # "The so-called “peace plan” failed": the quotation is in the subject
    # (An opening "But" or "In" is left to _who, which reads past it.)
    return not (first in naming.OPENING_WORDS or first.endswith(("ing", "ly")) or re.match(r"[DRI]-[A-Z]", first))


def said(m: re.Match) -> str:
    return " ".join(m.group(0).strip(" \t,.;:!?—–-“”\"«»„").split())


def paragraph_before(text: str, at: int) -> int:
    """Where the paragraph before the one holding ``at`` starts (its line end before it;
    -1 at the text's start), looked for a few thousand characters back (a text with no
    line end costs what a short paragraph does)."""
    cut = text.rfind("\n", max(0, at - 3000), at)
    while cut > 0 and text[cut - 1].isspace():
        cut -= 1
    return text.rfind("\n", max(0, cut - 3000), cut)
