"""Words of a text the way spaCy's blank English tokenizer cuts them, for the Prodigy export.

Prodigy tasks carry ``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``), spans give
``token_start``/``token_end`` and relations join tokens; spaCy's tooling rebuilds a ``Doc``
from the words and their ``ws`` flags. spaCy itself stays a test dependency, so this module
follows the same procedure on its own:

- the text is cut at spaces; one space after a word is that word's ``ws``, any other run of
  white space (a line break, a second space) is a token of its own, so that the words and
  their ``ws`` give back the text exactly;
- each piece loses its leading and trailing punctuation one mark at a time (quotes,
  brackets, ``'s``, a full stop after a lower-case letter, a digit or two capitals, units
  after a number), stopping at a known exception (``Mr.``, ``U.S.``, ``don't`` is ``do`` +
  ``n't``) or a URL;
- what is left is split at hyphens between letters, ``/`` and ``:`` between words, a comma
  between letters, a full stop between a lower-case and a capital letter, ``...``.

tests/test_prodigy.py compares the result with ``spacy.blank("en")`` on news text. Where
the two could still differ (rare exceptions of spaCy's tables) nothing breaks: the words
always cover the text exactly, and :func:`tokenize` cuts a word wherever a span starts or
ends inside it, so every span lies on token boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    ws: bool  # followed by one space, which belongs to no token


# -- exceptions ---------------------------------------------------------------------------

_ABBREVIATIONS = """
Mr. Mrs. Ms. Dr. Prof. St. Jr. Sr. Gen. Gov. Sen. Rep. Rev. Lt. Col. Sgt. Capt. Cmdr. Adm.
Maj. Mt. Ft. Inc. Ltd. Co. Corp. Bros. vs. v. e.g. i.e. a.m. p.m. Ph.D. Jan. Feb. Mar. Apr.
Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga.
Ill. Ind. Kan. Ky. La. Md. Mass. Mich. Minn. Miss. Mo. Neb. Nev. Okla. Ore. Pa. Tenn. Va.
Wash. Wis. U.S. U.K. U.N. E.U. N.Y. D.C. L.A.
"""


def _contractions() -> dict[str, tuple[str, ...]]:
    """``we're`` -> ``we`` + ``'re`` and ``don't`` -> ``do`` + ``n't``, with either apostrophe
    and in lower, title and upper case."""
    pairs: dict[str, tuple[str, str]] = {}
    for pronoun, endings in (
        ("i", ("m", "ve", "ll", "d")),
        ("you", ("re", "ve", "ll", "d")),
        ("he", ("ll", "d")),
        ("she", ("ll", "d")),
        ("it", ("ll", "d")),
        ("we", ("re", "ve", "ll", "d")),
        ("they", ("re", "ve", "ll", "d")),
        ("who", ("re", "ve", "ll", "d")),
        ("there", ("re", "ve", "ll", "d")),
        ("that", ("ll", "d")),
    ):
        for ending in endings:
            pairs[f"{pronoun}'{ending}"] = (pronoun, f"'{ending}")
    for verb in [
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "could",
        "would",
        "should",
        "must",
        "might",
        "need",
        "ai",
    ]:
        pairs[f"{verb}n't"] = (verb, "n't")
    pairs["can't"] = ("ca", "n't")
    pairs["won't"] = ("wo", "n't")
    pairs["shan't"] = ("sha", "n't")
    table: dict[str, tuple[str, ...]] = {}
    for word, parts in pairs.items():
        for apostrophe in ("'", "\u2019"):
            for case in (str.lower, _title, str.upper):
                cased = case(word.replace("'", apostrophe))
                split = len(parts[0])
                table[cased] = (cased[:split], cased[split:])
    for word, parts in (("cannot", ("can", "not")), ("gonna", ("gon", "na"))):
        for case in (str.lower, _title):
            cased = case(word)
            table[cased] = (cased[: len(parts[0])], cased[len(parts[0]) :])
    return table


def _title(word: str) -> str:
    return word[:1].upper() + word[1:]


_SPECIAL: dict[str, tuple[str, ...]] = {
    **{a: (a,) for a in _ABBREVIATIONS.split()},
    **{f"{c}.": (f"{c}.",) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
    **{
        e: (e,)
        for e in [
            ":)",
            ":-)",
            ":(",
            ":-(",
            "):",
            "(:",
            ";)",
            ";-)",
            ":D",
            ":P",
            ":*",
            "<3",
            ":/",
            "o_O",
            "^_^",
            "...",
            "--",
            "---",
        ]
    },
    "o'clock": ("o'clock",),
    "and/or": ("and/or",),
    "ma'am": ("ma'am",),
    **_contractions(),
}

# -- affixes ------------------------------------------------------------------------------

_QUOTES = "'\"\u201d\u201c`\u2018\u00b4\u2019\u201a,\u201e\u00bb\u00ab\u300c\u300d\u300e\u300f\uff08\uff09\u3014\u3015\u3010\u3011\u300a\u300b\u3008\u3009\u27e6\u27e7"
_PUNCT = "\u2026,:;!?\u00bf\u061f\u00a1()[]{}<>_#*&\u3002\uff1f\uff01\uff0c\u3001\uff1b\uff1a\uff5e\u00b7\u0964\u060c\u06d4\u061b\u066a"
_CURRENCY = "$\u00a3\u20ac\u00a5\u0e3f\u20bd\ufdfc\u20b4\u20b9\u20a9\u20aa\u20ba\u20a6\u20b1"
_PREFIX_CHARS = set(_QUOTES + _PUNCT + _CURRENCY + "\u00a7%=\u2014\u2013")
_SUFFIX_CHARS = set(_QUOTES + _PUNCT + "\u2014\u2013")
_UNITS = [
    "km",
    "km²",
    "km³",
    "m",
    "m²",
    "m³",
    "dm",
    "cm",
    "cm²",
    "mm",
    "mm²",
    "ha",
    "µm",
    "nm",
    "yd",
    "in",
    "ft",
    "kg",
    "g",
    "mg",
    "µg",
    "t",
    "lb",
    "oz",
    "m/s",
    "km/h",
    "kmh",
    "mph",
    "hPa",
    "Pa",
    "mbar",
    "mb",
    "MB",
    "kb",
    "KB",
    "gb",
    "GB",
    "tb",
    "TB",
    "T",
    "G",
    "M",
    "K",
    "%",
]
_ELLIPSIS = re.compile(r"\.\.+|\u2026")
_HYPHENS = ("---", "--", "\u2014\u2014", "-", "\u2013", "\u2014", "~")
_URL = re.compile(
    r"(?i)^(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?:com|org|net|edu|gov|int|info|io|co|uk|de|fr|ru|ua|eu)(?:/\S*)?)$"
)


def _icon(char: str) -> bool:
    return unicodedata.category(char) == "So" and char != "\u00b0"


def _lowerish(char: str) -> bool:
    """A lower-case letter, or a letter of a script without case (Chinese, Arabic, ...):
    spaCy's rules treat both alike."""
    return char.isalpha() and not char.isupper()


def _prefix(s: str) -> int:
    if m := _ELLIPSIS.match(s):
        return m.end()
    for money in ("US$", "C$", "A$"):
        if s.startswith(money):
            return len(money)
    first = s[0]
    if first == "+":
        return 0 if s[1:2].isdigit() else 1
    return 1 if first in _PREFIX_CHARS or _icon(first) else 0


def _suffix(s: str) -> int:
    """The length of the suffix spaCy's leftmost-match rule finds, or 0."""
    best = 0
    if m := re.search(r"(?:\.\.+|\u2026)$", s):
        best = len(s) - m.start()
    for ending in ("'s", "'S", "\u2019s", "\u2019S"):
        if s.endswith(ending):
            best = max(best, len(ending))
    for unit in (*_UNITS, *_CURRENCY):
        n = len(unit)
        if len(s) > n and s.endswith(unit) and s[-n - 1].isdigit():
            best = max(best, n)
    last = s[-1]
    if last in _SUFFIX_CHARS or _icon(last) or last == "+" and s[-2:-1].isdigit():
        best = max(best, 1)
    elif last == "." and len(s) > 1:
        before = s[-2]
        if (
            before.isdigit()
            or _lowerish(before)
            or before in "%\u00b2-+"
            or before in _QUOTES
            or before in _PUNCT
            or (len(s) > 2 and s[-3].isupper() and before.isupper())
            or (len(s) > 2 and s[-3] == "\u00b0" and before in "FfCcKk")
        ):
            best = max(best, 1)
    return best


def _infixes(s: str) -> Iterable[tuple[int, int]]:
    """Where ``s`` is split inside, as (start, end) of each infix, left to right."""
    i = 0
    while i < len(s):
        if m := _ELLIPSIS.match(s, i):
            yield i, m.end()
            i = m.end()
            continue
        char = s[i]
        before, after = s[i - 1] if i else "", s[i + 1 : i + 2]
        if _split_here(char, before, after):
            yield i, i + 1
        elif (before.isalpha() or before.isdigit()) and (
            hyphen := next((h for h in _HYPHENS if s.startswith(h, i)), None)
        ):
            if s[i + len(hyphen) : i + len(hyphen) + 1].isalpha():
                yield i, i + len(hyphen)
                i += len(hyphen)
                continue
        elif char in ":<>=/" and (before.isalpha() or before.isdigit()) and after.isalpha():
            yield i, i + 1
        i += 1


def _split_here(char: str, before: str, after: str) -> bool:
    """Whether the one character ``char`` is an infix between ``before`` and ``after``."""
    if _icon(char):
        return True
    if char in "+-*^":  # arithmetic between numbers: 2014-15, 3*4
        return before.isdigit() and (after.isdigit() or after == "-")
    if char == ".":  # a sentence run on: end.Next
        return (_lowerish(before) or (before != "" and before in _QUOTES)) and (
            after.isupper() or (after != "" and after in _QUOTES)
        )
    if char == ",":
        return before.isalpha() and after.isalpha()
    return False


@lru_cache(maxsize=4096)
def _pieces(word: str) -> tuple[int, ...]:
    """The lengths of the tokens of ``word`` (a run of characters without white space)."""
    prefixes: list[int] = []
    suffixes: list[int] = []
    s = word
    while s:
        if s in _SPECIAL:
            break
        size = len(s)
        pre = _prefix(s)
        if pre and s[pre:] in _SPECIAL:
            prefixes.append(pre)
            s = s[pre:]
            break
        suf = _suffix(s[pre:]) if s[pre:] else 0
        if suf and s[:-suf] in _SPECIAL:
            suffixes.append(suf)
            s = s[:-suf]
            break
        if pre and suf and pre + suf <= len(s):
            prefixes.append(pre)
            suffixes.append(suf)
            s = s[pre:-suf]
        elif pre:
            prefixes.append(pre)
            s = s[pre:]
        elif suf:
            suffixes.append(suf)
            s = s[:-suf]
        if s in _SPECIAL or len(s) == size:
            break
    middle: list[int] = []
    if s in _SPECIAL:
        middle = [len(p) for p in _SPECIAL[s]]
    elif s and _URL.match(s):
        middle = [len(s)]
    elif s:
        at = 0
        for start, end in _infixes(s):
            if start == 0:
                continue  # spaCy never splits off an infix at the very start
            if start > at:
                middle.append(start - at)
            middle.append(end - start)
            at = end
        if at < len(s):
            middle.append(len(s) - at)
    return (*prefixes, *middle, *reversed(suffixes))


def tokenize(text: str, starts: Iterable[int] = (), ends: Iterable[int] = ()) -> list[Token]:
    """The tokens of ``text``, cut so that a token starts at each offset in ``starts`` and
    one ends at each offset in ``ends`` (the spans that will be given by token). A span that
    starts or ends on the single space after a word makes that space a token of its own."""
    tokens: list[Token] = []
    for start, end in _chunks(text):
        if text[start].isspace():
            tokens.append(Token(start, end, False))
            continue
        at = start
        for length in _pieces(text[start:end]):
            tokens.append(Token(at, at + length, False))
            at += length
    for i, token in enumerate(tokens):
        if text[token.end : token.end + 1] == " " and not text[token.start].isspace():
            tokens[i] = Token(token.start, token.end, True)
    starts, ends = set(starts), set(ends)
    cuts = sorted(starts | ends)
    if not cuts:
        return tokens
    out: list[Token] = []
    for token in tokens:
        inside = cuts[bisect_right(cuts, token.start) : bisect_left(cuts, token.end)]
        edges = [token.start, *inside, token.end]
        for k in range(len(edges) - 1):
            out.append(Token(edges[k], edges[k + 1], token.ws and k == len(edges) - 2))
        if token.ws and (token.end in starts or token.end + 1 in ends):
            out[-1] = Token(out[-1].start, out[-1].end, False)
            out.append(Token(token.end, token.end + 1, False))
    return out


def _chunks(text: str) -> Iterable[tuple[int, int]]:
    """Runs of non-space and of white space; the one space that ends a word is left out
    of the run after it (it is that word's ``ws``)."""
    i, n = 0, len(text)
    while i < n:
        j = i
        space = text[i].isspace()
        while j < n and text[j].isspace() == space:
            j += 1
        if space and i > 0 and text[i] == " ":
            i += 1  # the word's own trailing space
            if i == j:
                continue
        yield i, j
        i = j
