"""Who may be speaking: the names, titled names, pronouns and "the minister"-like noun
phrases of an article, found once with a few regular expressions (the whole article in one
pass each, so a 5 MB article costs a fraction of a second)."""

from __future__ import annotations

import re
from dataclasses import dataclass

REPORTING = (
    "say|says|said|tell|tells|told|add|adds|added|warn|warns|warned|urge|urges|urged|"
    "state|states|stated|declare|declares|declared|insist|insists|insisted|note|notes|noted|"
    "explain|explains|explained|argue|argues|argued|claim|claims|claimed|ask|asks|asked|"
    "reply|replies|replied|write|writes|wrote|announce|announces|announced|promise|"
    "promises|promised|stress|stresses|stressed|predict|predicts|predicted|suggest|"
    "suggests|suggested|admit|admits|admitted|acknowledge|acknowledges|acknowledged|"
    "complain|complains|complained|report|reports|reported|confirm|confirms|confirmed|"
    "allege|alleges|alleged|believe|believes|believed|think|thinks|thought|maintain|"
    "maintains|maintained|deny|denies|denied|vow|vows|vowed|estimate|estimates|estimated|"
    "tweet|tweets|tweeted|contend|contends|contended|assert|asserts|asserted|recall|"
    "recalls|recalled|point out|points out|pointed out|concede|concedes|conceded|continue|"
    "continues|continued|exclaim|exclaims|exclaimed|observe|observes|observed|respond|"
    "responds|responded|comment|comments|commented|joke|jokes|joked|recount|recounts|"
    "recounted|reiterate|reiterates|reiterated|emphasize|emphasizes|emphasized|quipped|"
    "testified|agreed|agrees|remarked|remarks|shouted|yelled|wondered|explained|writes|"
    "put it|conclude|concludes|concluded|echo|echoes|echoed|boast|boasts|boasted|charge|"
    "charges|charged|counter|counters|countered|caution|cautions|cautioned|lament|laments|"
    "lamented|pledge|pledges|pledged|post|posts|posted|proclaim|proclaims|proclaimed|retort|"
    "retorts|retorted|scoffed|sighed|thank|thanks|thanked|mused|saying|telling|adding|"
    "calling|labeling|warning|noting|arguing|writing|explaining|claiming|insisting"
)


def trie(words) -> str:
    """A regular expression matching any of ``words``, as a trie of alternations: the
    engine then tries one branch per character instead of every word at every place,
    which makes a scan of a 5 MB article several times faster."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if ends:
            body = f"(?:{body})?" if len(alts) == 1 else body + "?"
        return body

    return emit(root)


# The verbs of saying as a trie (the same words as REPORTING; a word of it, not a prefix,
# once followed by a word boundary).
REPORTING_RE = trie(sorted(set(REPORTING.split("|"))))

TITLES = (
    "President|Vice President|Prime Minister|Foreign Minister|Defense Minister|Minister|"
    "Secretary of State|Secretary|Senator|Sen\\.|Rep\\.|Representative|Governor|Gov\\.|"
    "Chancellor|General|Gen\\.|Mayor|Judge|Justice|Dr\\.|Mr\\.|Mrs\\.|Ms\\.|Speaker|"
    "Ambassador|Chairman|Chairwoman|Director|Spokesman|Spokeswoman|Leader|Pope|King|Queen|"
    "Prince|Sheikh|Commissioner|Attorney General|Candidate|Nominee"
)
PRONOUNS = {"he", "she", "they", "it", "we", "i"}
# Capitalised words that start a sentence or a clause rather than a name.
_NOT_NAMES_WORDS = (
    "The A An But And Or In On At After Before When While Meanwhile However Yet So If As "
    "This That These Those There Here It He She They We I You His Her Their Our Its My Your "
    "What Who Why How Where Which Some Many Most Other Another Each Every No Not Also Still "
    "Now Then Last Next First For From By With Without About Under Over Since Until During "
    "Although Though Because Despite Instead Asked Mr Mrs Ms According Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Speaking Even Just Only Such"
)
_NOT_NAMES = NOT_NAMES = set(_NOT_NAMES_WORDS.split())
_WORD = r"[A-Z][\w'’.&-]*"
_NAME = re.compile(rf"\b{_WORD}(?:[ \t]+(?:(?:of|for|de|von|van|al|bin|la|and)[ \t]+)?{_WORD})*")
# The same without \b, so that the engine skips to the capitals (\b has it try every
# place); _names() checks \b itself.
_NAME_AT = re.compile(_NAME.pattern.removeprefix("\\b"))
_COMMON = re.compile(
    r"\b(?:the|a|an|another|one|two|three|several|many|some|other|senior|top)[ \t]+"
    r"(?:[\w-]+[ \t]+){0,2}?"
    r"(?:minister|ministry|spokesman|spokeswoman|spokesperson|official|officials|source|"
    r"sources|president|leader|leaders|lawmakers?|senator|governor|diplomat|diplomats|"
    r"analysts?|experts?|critics|statement|report|campaign|government|agency|police|"
    r"prosecutors?|authorities|group|aide|aides|adviser|advisers|advisor|chairman|candidate|"
    r"nominee|secretary|observers|residents|witnesses|military|army|company|poll|survey|"
    r"study|administration|officer|officers|ambassador|envoy|judge|spokesperson|network|"
    r"newspaper|paper|website|magazine|daily|host|reporter|correspondent|lawyer|attorney)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:he|she|they|it|we|He|She|They|It|We|I)\b")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    kind: str  # "name", "common" (the minister), "pronoun"


def _names(text: str, pos: int, stop: int):
    """What _NAME.finditer(text, pos, stop) finds: _NAME_AT's matches where \\b holds
    before them (the start, or no word's character before), looked for again from the
    next character where it does not (a capital inside a word, "McDonald")."""
    search = _NAME_AT.search
    while (m := search(text, pos, stop)) is not None:
        i = m.start()
        if i and (text[i - 1].isalnum() or text[i - 1] == "_"):
            pos = i + 1
            continue
        yield m
        pos = m.end()


def name_spans(text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
    """The capitalised names (with their titles) starting in ``text[pos:endpos]``, as
    (start, end), in order: a sentence's first word, a possessive and a full stop left
    out."""
    out: list[tuple[int, int]] = []
    for m in _names(text, pos, len(text) if endpos is None else endpos):
        start, end = m.span()
        one = m.group()
        if " " not in one and "\t" not in one:  # one word, the most of them: quickly
            if one.rstrip(".") in _NOT_NAMES or one in ("It", "I", "He", "She", "We", "They"):
                continue
            if one.endswith(("'s", "’s")):
                end -= 2
            while end > start and text[end - 1] in ".’'":
                end -= 1
            if start < end:
                out.append((start, end))
            continue
        words = one.split()
        while words and words[0].rstrip(".") in _NOT_NAMES:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
            words = words[1:]
        while words and words[-1] in ("and", "of", "for"):
            end = start + text[start:end].rindex(words[-1])
            while end > start and text[end - 1].isspace():
                end -= 1
            words = words[:-1]
        if text[end - 2:end] in ("'s", "’s"):
            end -= 2  # the possessive: "Russia's foreign minister" names Russia
        while end > start and text[end - 1] in ".’'":
            end -= 1  # a sentence's full stop is no part of the name
        if words and start < end and text[start:end] not in ("It", "I", "He", "She", "We",
                                                               "They"):
            out.append((start, end))
    return out


def names(text: str) -> list[Mention]:
    """Capitalised names (with their titles) and noun phrases that may speak, in order."""
    out = [Mention(a, b, "name") for a, b in name_spans(text)]
    out.extend(Mention(m.start(), m.end(), "common") for m in _COMMON.finditer(text))
    out.extend(Mention(m.start(), m.end(), "pronoun") for m in _PRONOUN.finditer(text))
    out.sort(key=lambda m: (m.start, -m.end))
    return out
