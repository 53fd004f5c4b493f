"""Reported speech: clauses a verb of saying introduces without quotation marks.

Three shapes, each the whole sentence around a reporting verb (no sentence is read twice):
- "X warned NATO not to offer ..." / "X said (that) it will ..." : the clause after the
  verb (and after its object up to "that", "to" or "not to");
- "The talks failed, X said." / "..., said X." : the sentence before the attribution;
- "According to X, the talks failed." / "..., according to X.".
A clause that is mostly inside quotation marks is the direct-quote suggester's."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.suggest.mentions import REPORTING, trie

# Verbs of saying, and those of thinking that PolNeAR counts as attribution ("X believes
# …", "X worries …"): a trie, so one scan of a 5 MB article finds them all.
_THINKING = (
    "believe believes believed think thinks thought worry worries worried fear fears "
    "feared hope hopes hoped expect expects expected know knows knew feel feels felt "
    "contend contends contended insist insists insisted deny denies denied argue argues "
    "argued acknowledge acknowledges acknowledged concede concedes conceded say says said "
    "suggest suggests suggested indicate indicates indicated show shows showed found find "
    "finds reveal reveals revealed signal signals signaled signalled accuse accuses "
    "accused blame blames blamed criticize criticizes criticized criticise criticised "
    "praise praises praised dismiss dismisses dismissed question questions questioned "
    "recommend recommends recommended propose proposes proposed demand demands demanded "
    "call calls called describe describes described imply implies implied "
    "talked talking speak speaks spoke complain complains complained seem seems seemed appear appears "
    "appeared want wants wanted endorse endorses endorsed decline declines declined refuse "
    "refuses refused defend defends defended support supports supported seek seeks sought "
    "see sees saw cite cites cited conclude concludes concluded urge urges urged plan plans "
    "planned recall recalls recalled agree agrees agreed oppose opposes opposed mention "
    "mentions mentioned raise raises raised express expresses expressed blast blasts "
    "blasted slam slams slammed attack attacks attacked rail rails railed hail hails hailed "
    "welcome welcomes welcomed reject rejects rejected predict predicts predicted "
    "articulate articulates articulated demand demands demanded wonder wonders wondered")
# Words of the lists that are nouns or auxiliaries more often than verbs of saying in
# news ("the state", "a post", "seemed to"): on PolNeAR train the clauses they gave were
# right four times in ten or less.
_NOT_SAYING = ("state states post posts seemed")
CLAIM_VERBS = sorted((set(REPORTING.split("|")) | set(_THINKING.split()))
                     - set(_NOT_SAYING.split()))
_VERBS_RE = trie(CLAIM_VERBS)
_HIT_WORDS = trie(CLAIM_VERBS + ['according to', 'According to'])
# A verb of saying where no word's character nor a hyphen is before it, found in three
# parts that the engine runs fast (a look-behind before the verb has it try every place
# of the text): after such an ASCII character (a set it skips to), after such a character
# outside ASCII (rare: each is looked at), at the text's start.
_HIT = re.compile(rf"[\x00-\x2c\x2e\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f](?:{_HIT_WORDS})\b")
_HIT_HERE = re.compile(rf"(?:{_HIT_WORDS})\b")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _hits(text: str) -> list[int]:
    """Where the verbs of saying of ``text`` start, in order."""
    out = [m.start() + 1 for m in _HIT.finditer(text)]
    more = [0] if _HIT_HERE.match(text) else []
    for m in _NOT_ASCII.finditer(text):
        after = m.end()
        if not (m.group().isalnum() or m.group() == "_") and _HIT_HERE.match(text, after):
            more.append(after)
    # (No verb of saying holds another one after its first word, so the parts overlap
    # nowhere: tests/test_suggest_speed.py checks it.)
    return sorted(out + more) if more else out


_SUBJECT = (
    r"(?P<subj>[A-Z][\w.&-]*['’]s(?:[ \t]+[a-z-]+){1,2}|"
    r"(?:[A-Z][\w'’.&-]*[ \t]+){0,5}[A-Z][\w'’.&-]*|[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I|"
    r"[Ii]t|(?:[Tt]he|[Aa]n?|[Aa]nother)[ \t]+(?:[\w-]+[ \t]+){0,2}[\w-]+)"
)
_ADV = r"(?:(?:has|have|had|also|long|later|then|again|once|earlier|previously|recently|" \
       r"further|never|would|will|could|still|now|already|just|even|often|always|" \
       r"\w+ly)[ \t]+){0,3}"
_VERB = rf"(?P<verb>{_VERBS_RE})\b"
# After the subject's verb: an object up to "that" / "to" / "not to", or straight on.
_LEAD = r"(?:that[ \t]+|(?=not[ \t]+to\b)|(?=to\b))"
_OBJ = r"(?:[ \t]+(?!that\b|not\b|to\b)[\w'’.-]+){1,3}?"
# "X (, the …,) has long said (NATO) that/to …": the subject and its adverbs, matched
# whole from a word's start to the verb (tried at the few word starts before a verb, not
# searched for at every place), then the verb and what leads into its clause.
# A subject may carry appositions: "Jillian Chase, 27, a Tinder user in New York,",
# "insiders in two states — Nevada and South Carolina —".
_APPOSED = r"(?:(?:,[^,\n]{1,60}){1,3},|[ \t]+[—–][^—–\n]{1,60}[—–])?"
_SUBJECT_THEN = re.compile(rf"{_SUBJECT}{_APPOSED}[ \t]+{_ADV}")
_VERB_THEN = re.compile(
    rf"{_VERB}(?:(?P<obj>{_OBJ})[ \t]*,?[ \t]+(?P<lead>{_LEAD})|[ \t]*,?[ \t]+(?P<bare>that[ \t]+)?)")
_SUBJECT_FIRSTS = set("hstwia")  # he, she, they, we, it, the, a, an, another
_WORD_STARTS = re.compile(r"(?:(?<=[ \t“\"(])|^)[^ \t]")
# _SUBJECT_THEN matched whole up to where the search ends (as its fullmatch there), at a
# word start (where a capital, a pronoun or a determiner begins): the character before it
# taken in, so that the engine skips to the places worth trying (a look-behind would have
# it try every place); the sentence's first word is tried on its own.
_SUBJECT_TO_END = re.compile(rf"(?:{_SUBJECT_THEN.pattern})\Z")
_SUBJECT_AT_WORD = re.compile(rf"[ \t“\"(](?=[A-Zhstwia])(?:{_SUBJECT_THEN.pattern})\Z")
_BEFORE_WORD = re.compile(r"[ \t“\"(](?=[^ \t])")  # a word start is after each
_ADVERBS = {"has", "have", "had", "also", "long", "later", "then", "again", "once", "earlier",
            "previously", "recently", "further", "never", "would", "will", "could", "still",
            "now", "already", "just", "even", "often", "always"}
# After the clause: ", X said." / ", said X." / ", according to X."
_TAIL = r"(?![ \t]+(?:that|to|not|it|they|he|she|we)\b)(?:[ \t]+[\w'’-]+){0,6}?[ \t]*" \
        r"(?:,[^\n]{0,160}?)?[.!?]?[”\"’)]*[ \t]*$"
# At a sentence's end after a comma, any few words before a verb of saying are its
# subject ("…, officials in Kiev said on Monday.").
_ANY_SUBJECT = r"(?P<subj>(?:[\w'’.&-]+[ \t]+){0,5}?[\w'’.&-]+)"
_BACKWARD = [
    re.compile(rf",[ \t]+{_ANY_SUBJECT}[ \t]+{_ADV}{_VERB}{_TAIL}"),
    re.compile(rf",[ \t]+{_VERB}[ \t]+{_SUBJECT}{_TAIL}"),
    re.compile(rf",[ \t]+according[ \t]+to[ \t]+{_SUBJECT}{_TAIL}"),
]
# An attribution set inside the clause: "The plan, Lavrov said, was dead."
_INSERTED = re.compile(rf",[ \t]+{_SUBJECT}[ \t]+{_ADV}{_VERB}[ \t]*,[ \t]+(?=\w)")
_ACCORDING = re.compile(rf"^[ \t]*[Aa]ccording[ \t]+to[ \t]+{_SUBJECT}[^,\n]{{0,60}},[ \t]+")
# "Polls show that …" reports; "the tour showed the city" does not.
_SKIP_VERBS = {"show", "shows", "showed", "found", "find", "finds"}
_MIN_WORDS = 2
# Verbs whose object comes first ("urged Kiev to", "told reporters that"): the clause is
# what follows "to" or "that", never the object.
_OBJECT_FIRST = re.compile(r"(?:tell|tells|told|warn|warns|warned|urge|urges|urged|ask|asks|"
                           r"asked|promise|promises|promised|remind|reminds|reminded)$")
# A clause does not begin with these: "said at talks with ...", "said on Monday."
_NOT_A_CLAUSE = re.compile(
    r"(?:at|in|on|during|after|before|with|by|for|from|of|about|to|earlier|later|last|"
    r"yesterday|today|tonight|this|next|when|while|as|in a|so|too|so far)\b", re.IGNORECASE)
# ([ \t][ \t]* for [ \t]+: a pattern that opens with a set of characters lets the engine
# skip to the places worth trying.)
_AND_AGAIN = re.compile(
    rf"[ \t][ \t]*and[ \t]+{_VERB}(?:(?P<obj>{_OBJ})[ \t]*,?[ \t]+(?P<lead>{_LEAD})|"
    rf"[ \t]*,?[ \t]+(?P<bare>that[ \t]+)?)"
)


@dataclass(frozen=True, slots=True)
class Reported:
    start: int
    end: int
    subject: tuple[int, int]
    reason: str
    score: float


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start] in ",;:—–-" or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in ".,;:!?—–-" or text[end - 1].isspace()):
        end -= 1
    return start, end


_A_MARK = re.compile("[“”\"«»„]")


def _quoted_share(text: str, start: int, end: int) -> float:
    """The share of ``[start, end)`` between its first and last quotation mark."""
    if _A_MARK.search(text, start, end) is None:
        return 0.0  # the most of them: one search, not six
    firsts = [i for i in (text.find(m, start, end) for m in "“”\"«»„") if i >= 0]
    last = max(text.rfind(m, start, end) for m in "“”\"«»„")
    first = min(firsts)
    if last <= first:
        return 0.0
    return (last - first) / max(1, end - start)


def reported(text: str, quoted: Sequence[tuple[int, int]] = ()) -> list[Reported]:
    """The reported clauses of ``text`` in order. Only the sentences holding a verb of
    saying are read: one scan finds the verbs, each sentence is cut around its verb. A
    verb inside a quotation (``quoted``: sorted ranges) reports nothing of ours."""
    out: list[Reported] = []
    done = -1
    n = len(text)
    starts = [a for a, _ in quoted]
    s = e = -1
    sentence = ""
    for at in _hits(text):
        if at < done:
            continue  # in a sentence already read, which held a clause
        q = bisect_right(starts, at) - 1
        if q >= 0 and quoted[q][1] > at:
            continue
        if not s <= at < e:
            s, e = _sentence_around(text, at, n)
            sentence = text[s:e]
        for found in _clauses(text, s, e, sentence, at - s):
            a, b = found.start, found.end
            q = bisect_right(starts, b) - 1
            if q >= 0 and quoted[q][1] > a:
                continue  # the quotes suggester's; a later verb of the sentence may report
            # (Split no further than counting to _MIN_WORDS needs.)
            if len(text[a:b].split(None, _MIN_WORDS)) >= _MIN_WORDS and (
                    _quoted_share(text, a, b) < 0.6):
                out.append(found)
                done = e  # one reading of a sentence that holds a clause
    return out


# A full stop that ends no sentence: after an initial or an abbreviation (U.S., Mr.,
# Sen., Jan.), or before a word in lower case.
_ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt",
                  "St", "Jr", "Sr", "Inc", "Co", "Corp", "Ltd", "No", "vs", "Jan", "Feb",
                  "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "Ft", "Mt", "Prof",
                  "Rev", "Pres", "Amb", "Atty", "Supt", "Calif", "Mass", "Fla", "Ill"}


def _ends_sentence(text: str, i: int) -> bool:
    """Whether the mark at ``i`` (". ", "! ", "? " found there) ends a sentence."""
    if text[i] != ".":
        return True
    j = i
    while j > 0 and (text[j - 1].isalpha()):
        j -= 1
    word = text[j:i]
    if len(word) == 1 or word in _ABBREVIATIONS or (j > 0 and text[j - 1] == "."):
        return False
    k = i + 1
    while k < len(text) and text[k] in " \t":
        k += 1
    return not (k < len(text) and text[k].islower())


_END_MARK = re.compile(r"[.?!;] ")
_END_BACKWARDS = re.compile(r" [.?!;]")  # the same, in a reversed string


def _sentence_around(text: str, at: int, n: int) -> tuple[int, int]:
    """The sentence holding ``at``: from after the last sentence end (". ", "! ", "? "
    that ends one, or a line end) before it to the first after it (its full stop and
    closing marks included)."""
    lo = max(0, at - 600)
    start = text.rfind("\n", lo, at)
    # The nearest ". ", "? ", "! " or "; " before ``at`` that ends a sentence: one search
    # of the few hundred characters before it, read backwards.
    window = max(lo, start)
    for m in _END_BACKWARDS.finditer(text[window:at][::-1]):
        i = at - m.end()
        if _ends_sentence(text, i):
            start = max(start, i)
            break
    start = lo if start < 0 else start + 1
    while start < at and text[start] in " \t”\"’)":
        start += 1
    hi = min(n, at + 1000)
    line = text.find("\n", at, hi)
    end = line if line >= 0 else hi
    for m in _END_MARK.finditer(text, at, end):
        if _ends_sentence(text, m.start()):
            end = m.start()
            break
    end = end + 1 if end < line or (line < 0 and end < hi) else end
    end = min(end, n)
    while end < n and text[end] in "”\"’)":
        end += 1
    if end > start and text[end - 1] == "\n":
        end -= 1
    return start, end


def _one(text: str, s: int, e: int, sentence: str, verb_at: int) -> list[Reported]:
    """A clause the attribution follows (", X said.", "The plan, X said, was dead") or
    one "According to X," opens."""
    inserted = _INSERTED.search(sentence, max(0, verb_at - 100), verb_at + 60)
    if inserted is not None and inserted.start() and (sentence[inserted.start() - 1].isalnum()):
        subj = (s + inserted.start("subj"), s + inserted.end("subj"))
        verb = inserted.group("verb")
        out = []
        for (a, b), where in (((s, s + inserted.start()), "before"),
                              ((s + inserted.end(), e), "after")):
            a, b = _trim(text, a, b)
            if a < b:
                out.append(Reported(a, b, subj, f"clause {where} “{verb}” set in it", 0.55))
        return out
    back = None
    # The patterns start at a comma a few words before this verb (", officials in Kiev
    # said", ", said X", ", according to X"): only those commas are tried.
    lo = max(0, verb_at - 70)
    comma = sentence.rfind(",", lo, verb_at + 1)
    while back is None and comma > 0:
        for p in _BACKWARD:
            back = p.match(sentence, comma)
            if back is not None:
                break
        comma = sentence.rfind(",", lo, comma)
    if back is not None:
        a, b = _trim(text, s, s + back.start())
        subj = (s + back.start("subj"), s + back.end("subj"))
        verb = back.groupdict().get("verb") or "according to"
        return [Reported(a, b, subj, f"clause before “{verb}”, subject after it", 0.6)]
    acc = _ACCORDING.match(sentence)
    if acc is not None:
        a, b = _trim(text, s + acc.end(), e)
        subj = (s + acc.start("subj"), s + acc.end("subj"))
        return [Reported(a, b, subj, "clause after “according to …,”", 0.6)]
    return []


# "…, saying (that) …": the clause after a participle of saying, the sentence's subject
# its speaker.
_PARTICIPLE = re.compile(
    r",[ \t]+(?P<verb>saying|adding|arguing|noting|insisting|warning|claiming|explaining|"
    r"stressing|suggesting|declaring|asserting|contending|writing|referring[ \t]+to|"
    r"citing|calling[ \t]+(?:it|them|him|her)|telling[ \t]+[\w'’.-]+"
    r"(?:[ \t]+[\w'’.-]+)?|calling[ \t]+on[ \t]+[\w'’.-]+(?:[ \t]+[\w'’.-]+)?)"
    r"[ \t]+(?:that[ \t]+)?")
# The subject a sentence opens with: a determiner and its noun ("The department"), else
# a name or a pronoun.
_OPENING_SUBJECT = re.compile(
    rf"[ \t“\"]*(?:(?P<det>(?:The|A|An|This|These|Those|His|Her|Their|Its)[ \t]+[\w'’-]+"
    rf"(?:[ \t]+[A-Z][\w'’-]*)*)|{_SUBJECT})[ \t]+")


def _participle(text: str, s: int, sentence: str) -> list[Reported]:
    m = _PARTICIPLE.search(sentence)
    if m is None:
        return []
    opening = _OPENING_SUBJECT.match(sentence)
    g = "det" if opening is not None and opening.group("det") else "subj"
    if opening is None or opening.end(g) > m.start():
        return []
    a, b = _trim(text, s + m.end(), s + len(sentence))
    return [Reported(a, b, (s + opening.start(g), s + opening.end(g)),
                     f"clause after “{m.group('verb').split()[0]}”, the sentence's subject "
                     f"speaking", 0.5)]


# Verbs whose object, after a preposition, is what was said.
_PREP_WORDS = ("talk talks talked talking speak speaks spoke spoken complain complains "
                  "complained warn warns warned call calls called ask asks asked write writes "
                  "wrote comment comments commented said says argue argues argued")
_PREP_VERBS = set(_PREP_WORDS.split())
_PREP_LEAD = re.compile(r"[ \t]*(?:about|of|for|against|on|over)\b")
_VERB_HERE = re.compile(rf"{_VERB}(?P<that>[ \t]+that\b)?")


def _subject_before(sentence: str, verb_at: int) -> tuple[int, int] | None:
    """Where the subject of the verb at ``verb_at`` is: the longest that ends, with its
    adverbs, right at the verb, starting at one of the last ten words before it (a
    subject with its appositions is at most ten words)."""
    lo = max(0, verb_at - 100)
    # The first word start from which the subject runs to the verb, found in one search
    # (what trying each word start in turn finds, at a fraction of the cost) ...
    m = _SUBJECT_TO_END.match(sentence, 0, verb_at) if lo == 0 else None
    if m is None:
        m = _SUBJECT_AT_WORD.search(sentence, max(0, lo - 1), verb_at)
        if m is None:
            return None
    if len(_BEFORE_WORD.findall(sentence, m.start("subj"), verb_at)) < 10:
        return m.span("subj")
    # ... unless it lies further back than the last ten: those are tried in turn.
    starts = [w.start() for w in _WORD_STARTS.finditer(sentence, lo, verb_at)]
    for at in starts[-10:]:
        if not (sentence[at].isupper() or sentence[at] in _SUBJECT_FIRSTS):
            continue  # no subject starts there (a capital, a pronoun or a determiner does)
        m = _SUBJECT_THEN.fullmatch(sentence, at, verb_at)
        if m is not None:
            return m.span("subj")
    return None


_A_WORD = re.compile(r"[\w'’.&-]+")


def _words_before(sentence: str, verb_at: int) -> tuple[int, int] | None:
    """The last few words (at most five, none past a comma or a dash) before the verb at
    ``verb_at``, its adverbs left out."""
    lo = max(0, verb_at - 80)
    cut = max(sentence.rfind(c, lo, verb_at) for c in ",;:(—–“”\"")
    words: list[tuple[int, int]] = []
    start = max(lo, cut + 1)
    for m in _A_WORD.finditer(sentence, start, verb_at):
        words.append(m.span())
    while words and (sentence[words[-1][0]:words[-1][1]] in _ADVERBS
                     or sentence[words[-1][0]:words[-1][1]].endswith("ly")):
        words.pop()
    if not words or sentence[words[-1][0]:words[-1][1]] in ("and", "but", "or"):
        return None  # "X did Y and said …": no few words of their own speak
    return words[max(0, len(words) - 5)][0], words[-1][1]


def _any_subject(text: str, s: int, sentence: str, verb_at: int) -> list[Reported]:
    """A verb of saying whose subject none of the patterns name ("Four in 10 voters
    see …", "many Latinos had expected …"): the few words before it speak, the rest of
    the sentence is what they say; scored lower."""
    verb = _VERB_HERE.match(sentence, verb_at)
    if verb is None or verb.group("verb").lower() in _SKIP_VERBS and not verb.group("that"):
        return []
    subj = _words_before(sentence, verb_at)
    after = sentence[verb.end():]
    if subj is None or not after.strip() or after.lstrip()[:1] in "“\"«„:" or (
            not verb.group("that") and (_NOT_A_CLAUSE.match(after.lstrip())
                                        or _OBJECT_FIRST.search(verb.group("verb").lower()))):
        return []
    a, b = _trim(text, s + verb.end(), s + len(sentence))
    return [Reported(a, b, (s + subj[0], s + subj[1]),
                     f"clause after “{verb.group('verb')}”, the words before it speaking", 0.4)]


def _clauses(text: str, s: int, e: int, sentence: str, verb_at: int = 0) -> list[Reported]:
    """The reported clauses of one sentence (several when verbs of saying are joined with
    "and": "warned NATO not to …, and told the United States not to …")."""
    one = _one(text, s, e, sentence, verb_at)
    if one:
        return one
    # The subject stands just before the first verb: the search starts a little before it.
    fwd = _VERB_THEN.match(sentence, verb_at)
    where = _subject_before(sentence, verb_at) if fwd is not None else None
    if where is None and fwd is not None and sentence[:verb_at].rstrip().endswith(" and"):
        # "The department has deemed them personal and says it …": the sentence's subject.
        opening = _OPENING_SUBJECT.match(sentence)
        if opening is not None and opening.end() <= verb_at:
            where = opening.span("det" if opening.group("det") else "subj")
    if where is None:
        return _participle(text, s, sentence) or _any_subject(text, s, sentence, verb_at)
    if fwd.group("verb").lower() in _SKIP_VERBS and not (fwd.group("lead")
                                                        or fwd.group("bare")):
        return []
    subj = (s + where[0], s + where[1])
    verbs = [fwd]
    # (Searched for only when " and" is there: most sentences have none after the verb.)
    while len(verbs) < 4 and (sentence.find(" and", verbs[-1].end()) >= 0
                              or sentence.find("\tand", verbs[-1].end()) >= 0) and (
            more := _AND_AGAIN.search(sentence, verbs[-1].end())):
        verbs.append(more)
    out: list[Reported] = []
    for n, match in enumerate(verbs):
        verb = match.group("verb")
        lead = match.group("lead") if match.group("obj") else match.group("bare")
        stop = verbs[n + 1].start() if n + 1 < len(verbs) else len(sentence)
        after = sentence[match.end():stop]
        if not after.strip() or after[:1] in "“\"«„:":
            continue  # a direct quotation follows: the quotes suggester's
        prep = _PREP_LEAD.match(after) if verb.lower() in _PREP_VERBS else None
        if prep is not None and lead is None:
            # "talked about immigration", "called for a ban", "warned of a crisis": what
            # follows the preposition is what was said.
            a, b = _trim(text, s + match.end() + prep.end(), s + stop)
            out.append(Reported(a, b, subj, f"what follows “{verb}{prep.group(0).rstrip()}”",
                                0.45))
            continue
        if lead is None and (_OBJECT_FIRST.search(verb.lower()) or _NOT_A_CLAUSE.match(after)):
            continue  # "urged Kiev and the rebels …", "said at talks …": no clause
        a, b = _trim(text, s + match.end(), s + stop)
        if match.group("obj") and lead is not None and not lead.startswith("that") and \
                not _OBJECT_FIRST.search(verb.lower()):
            # "said the U.S. needs to …": no object before "to" for a verb that takes
            # none; the clause is all that follows the verb.
            a, b = _trim(text, s + match.start("obj"), s + stop)
            lead = None
        how = "“that”" if lead and lead.startswith("that") else ("“to”" if lead is not None
                                                              else "verb")
        again = ", same subject" if n else ""
        then = _PARTICIPLE.search(sentence, match.end(), stop)
        if then is not None:
            # "X defended the plan, saying that walls work": two clauses, one speaker.
            a, b = _trim(text, a, s + then.start())
            c, d = _trim(text, s + then.end(), s + stop)
            if c < d:
                out.append(Reported(c, d, subj, f"clause after “{then.group('verb').split()[0]}”"
                                                f"{again or ', same subject'}", 0.5))
        if a < b:
            out.append(Reported(a, b, subj, f"clause after “{verb}” ({how}){again}",
                                0.45 if how == "verb" else 0.6))
    out.sort(key=lambda r: r.start)
    return out
