"""What the speaker rules read in the text around a quotation, apart from the rules
themselves (speakers.py): a quotation mark between two places, a sentence's opening
words, the paragraph before a place."""

from __future__ import annotations

import re
from collections.abc import Callable

from annotator.suggest import naming
from annotator.suggest.mentions import PRONOUNS

TITLED = re.compile(r"^(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|President|Senator|Governor|"
                     r"Secretary|Minister|Judge|Mayor)\b")
# Before a name that is an object or a place, not a speaker: "told MSNBC", "in Iraq".
OBJECT_BEFORE = re.compile(r"(?:\b(?:told|to|in|of|at|from|for|on|with|by|against|about|"
                            r"the|a|an|visited|met|called|than)|['’]s)[ \t\xa0]+$")
ABBREVIATION_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Lt|Col|Prof)\.[ \t\xa0]*$")
# "They said": a group named by a noun phrase just before ("the officials", "critics").
GROUP = re.compile(r"(?P<who>\b(?:the|The|many|Many|some|Some|other|Other)[ \t\xa0]+"
                    r"(?:[\w'’-]+[ \t\xa0]+){0,2}?[a-z][\w'’-]*s)\b")
# An opening conjunction before a sentence's subject: "And he made a point of saying".
CONJUNCTION = re.compile(r"[ \t“\"]*(?:And|But|So|Yet|Or|Then)[ \t\xa0]+(?=[a-zA-Z])")


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
    return text.rfind("\n", max(0, cut - 3000), cut) if cut > 0 else -1


def over_object(text: str, first: int, m: re.Match, opening: Callable) -> re.Match:
    """``m``, a speaker found before a verb of saying in the sentence starting at
    ``first``, or the subject that sentence opens with when ``m`` is a noun phrase in
    lower case after one to three words of a verb: their object ("Trump bemoaned the
    unrest and said", "he made a point of saying"), or when ``m`` is a clause opening
    with "that" ("Clinton told reporters on Tuesday that her campaign would …").
    ``opening(text, first, end)`` finds that subject."""
    at = m.start("who")
    if at <= first or not text[at].islower():
        return m
    subject = opening(text, first, at)
    fits = subject is not None and (text[subject.start("who")].isupper()
                                    or subject.group("who") in PRONOUNS)
    if text.startswith("that ", at):
        # "Clinton said that her campaign would …": a clause said, not who said it.
        return subject if fits and not quoted(text, subject.end(), at) else m
    if fits and _VERB_WORDS.fullmatch(text, subject.end(), at):
        return subject
    return m


_VERB_WORDS = re.compile(r"(?:[ \t\xa0]+[a-z]\w+){1,3}[ \t\xa0]+")


def sentence_start(text: str, left: int) -> int:
    """Where the sentence ending at ``left`` starts (looked for 400 characters back)."""
    lo = max(0, left - 400)
    cut = max(text.rfind("\n", lo, left), text.rfind(". ", lo, left),
              text.rfind("? ", lo, left), text.rfind("! ", lo, left),
              text.rfind(".” ", lo, left), text.rfind('." ', lo, left), text.rfind("; ", lo, left))
    return cut + 1 if cut >= 0 else lo


# A capitalised word alone that no "he" or "she" stands for, though an article uses it
# as it does a name: a state, a country, a people, a pronoun of no one.
_NO_ONE_WORDS = """
Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii Idaho
Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan
Minnesota Mississippi Missouri Montana Nebraska Nevada Hampshire Oklahoma Oregon
Pennsylvania Tennessee Texas Utah Vermont Wisconsin Wyoming Dakota Afghanistan Australia
Belgium Brazil Britain Cuba Egypt England Ethiopia France Germany Greece India Indonesia
Ireland Italy Japan Kazakhstan Kenya Lebanon Libya Nigeria Pakistan Poland Qatar Scotland
Spain Sweden Switzerland Taiwan Turkey Venezuela Vietnam Yemen Africa Asia Jewish Jews
Latino Latina Latinos Latinas Hispanic Hispanics Black Blacks White Whites Asian Asians
Muslim Muslims Christian Christians Catholic Catholics Arab Arabs Nobody Everyone
Everybody Someone Somebody Anyone Anybody Regardless To
"""
NO_ONE = set(_NO_ONE_WORDS.split())


# A verb in the past or present after a name: the name is its subject ("Clinton
# criticized", "Scott bristles").
SUBJECT_NEXT = re.compile(r"[ \t\xa0]+(?:[a-z]+ly[ \t\xa0]+)?(?!(?:was|has|is|as)\b)[a-z]{2,}(?:ed|es|s)\b")


def opening(text: str, pos: int = 0, endpos: int | None = None, *, subject_pattern: re.Pattern,
            opening_pattern: re.Pattern) -> re.Match | None:
    """The subject ``text[pos:endpos]`` opens with, after an opening phrase ("At one
    point, Cruz …") or "And", or a name with its apposition ("Donald Trump, her …,"):
    the two patterns are speakers.py's, a noun phrase with its apposition and one after an
    opening phrase."""
    endpos = len(text) if endpos is None else endpos
    lead = CONJUNCTION.match(text, pos, endpos)
    at = lead.end() if lead is not None else pos
    subject = subject_pattern.match(text, at, endpos)
    if subject is not None and subject.end() > subject.end("who") and (
            text[subject.start("who")].isupper()):
        return subject
    return opening_pattern.match(text, at, endpos)


def subject_after_comma(text: str, start: int, end: int) -> bool:
    """"On the show on Tuesday, Clinton criticized …": a name after a comma with a verb."""
    return text[max(0, start - 3):start].rstrip(" \t\xa0")[-1:] == "," and bool(
        SUBJECT_NEXT.match(text, end, end + 40))


def person(words: list[str]) -> bool:
    """Whether the words of a name may be one person's (no firm, place, people or dateline)."""
    if len(words) == 1 and (naming.not_a_person(words[0]) or words[0] in NO_ONE
                            or words[0].strip(".,’\x27").isupper()):
        return False  # ("HP", "Colorado", "Latinos", "Nobody": no "he" or "she")
    if len(words) > 1 and all(w.isupper() for w in words):
        return False  # a dateline: "MIDWAY ATOLL"
    if any(w.strip(".,") in _DAYS for w in words) or words[-1].strip(".,") in _FIRMS:
        return False  # "One Sunday", "Last March": when, not who
    return words[0][:1].isupper() and not any(w in naming.PERSON_BAD or w in naming.PLACES for w in words) and not any(
        w in naming.NOT_IN_A_NAME for w in words[1:])


_FIRMS = {"Energy", "Inc", "Corp", "Co", "LLC", "Ltd", "Airlines", "Airways", "Motors", "Oil",
          "Holdings", "Industries", "Technologies", "Systems", "Capital", "Partners", "Bancorp",
          "Pharmaceuticals", "Communications", "Entertainment", "Enterprises", "Network"}
_DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
         "January", "February", "March", "April", "June", "July", "August", "September",
         "October", "November", "December"}


def new_sentence(text: str, right: int, verb_end: int) -> bool:
    """Whether "X said" after a quotation ending at ``right`` opens a new sentence: the
    quotation ends with a full stop (not the comma of "“…,” X said") and the verb goes on
    to more words ("… in the neighborhood.” Russia insisted that Pyongyang …")."""
    inside = text[max(0, right - 3):right].rstrip("”\"»’'“ \t")
    return inside.endswith(".") and bool(re.match(r"[ \t\xa0]+[\w“\"]", text[verb_end:verb_end + 3]))
