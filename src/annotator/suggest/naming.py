"""Whether capitalised words name someone: a sentence's end inside a run of capitals, and
a word alone at a sentence's start ("Hours", "Bombs", "Harsh") told from a name by how the
article uses it elsewhere."""

from __future__ import annotations

import re

# Abbreviations whose full stop ends no sentence (titles, states, companies).
_ABBREVIATIONS = {"Mrs", "Sen", "Rep", "Gov", "Gen", "Col", "Prof", "Sgt", "Capt", "Cmdr",
                  "Adm", "Lt", "Jr", "Sr", "St", "Inc", "Corp", "Co", "Ltd", "Ft", "Mt", "Ave",
                  "Calif", "Fla", "Ariz", "Mass", "Conn", "Tenn", "Wash", "Mich", "Minn", "Wis",
                  "Ill", "Ind", "Okla", "Nev", "Colo", "Ore", "Ala", "Ark", "Del", "Ga", "Kan",
                  "Ky", "La", "Md", "Miss", "Mo", "Mont", "Neb", "Va", "Vt", "Wyo", "Pa", "Tex",
                  "Dept", "Gov't", "No", "Vol", "Rev", "Msgr", "Fr"}


def sentence_cut(words: list[str]) -> int:
    """The index of the word after the last sentence end inside ``words`` (a word of
    three letters or more ending in a full stop, no abbreviation, initial or "U.S."),
    0 when none."""
    for k in range(len(words) - 1, 0, -1):
        w = words[k - 1]
        if w.endswith((".", ".”", '."')):
            core = w.rstrip(".”\"")
            if len(core) >= 3 and "." not in core and core not in _ABBREVIATIONS:
                return k
    return 0



_NEAR = 20_000  # characters either side where a word's other uses are looked for


class NameUse:
    """Whether a capitalised word is used as a name in the article near a place: inside a
    sentence (after a lower-case word, a comma, a title or another name: "Mr. Obama",
    "Barack Obama", "said Obama"), not followed by another capitalised word (the
    "Democratic" of "the Democratic Party" is an adjective)."""

    def __init__(self, text: str):
        self.text = text
        self._known: dict[tuple[str, int], bool] = {}

    def named(self, word: str, at: int) -> bool:
        key = (word, at // _NEAR)
        if key not in self._known:
            lo = max(0, key[1] * _NEAR - _NEAR)
            text = self.text
            known = False
            # (The word searched for alone, a literal the engine skips to; what stands
            # before each use is read after.)
            for m in re.finditer(rf"(?<![\w'’.-]){re.escape(word)}\b(?![ \t]+[A-Z])", text[lo:lo + 3 * _NEAR]):
                before = text[max(0, lo + m.start() - 12):lo + m.start()]
                if _INSIDE.search(before):
                    known = True
                    break
            self._known[key] = known
        return self._known[key]


# What stands before a name used inside a sentence: a lower-case word or a comma, a
# title, another capitalised word ("Barack Obama").
_INSIDE = re.compile(r"(?:[a-z0-9,;:’']|\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Prof|Rev)\.|"
                     r"[A-Z][\w'’-]*[A-Za-z])[ \t]+$")
