"""How good the suggesters are: precision, recall and F1 per kind against a gold set of
the same articles (pure; the CLI and the bench print what this computes).

Spans match by label and offsets: *exact* (same start and end) or *overlap* (sharing a
character). Links match by label and their two spans, each matched the same way. A
predicted item is right when some gold item matches it (precision); a gold item is found
when some prediction matches it (recall). Two extra figures: *speaker*, the share of gold
quotes found (overlap) whose predicted said_by target matches a gold speaker of that
quote (a target of determiners only, "The", names no one and never matches); *actor
mentions*, the actors suggester's further mentions when the first mention of each gold
actor's words is given as marked (the rest of that actor's gold mentions
are what it should find), and how many of them repeat a gold source's name
(:func:`repeat_counts`, since PolNeAR marks only the actors that speak);
:func:`mention_counts` measures them against an exhaustive gold of every mention."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.core.model import Relation, Span
from annotator.core.suggestions import Suggestions
from annotator.suggest.mentions import REPORTING

Run = Callable[..., list[Suggestions]]
MATCHES = ("exact", "overlap")


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    text: str
    spans: Sequence[Span]
    relations: Sequence[Relation]


@dataclass(slots=True)
class Counts:
    predicted: int = 0
    right: int = 0  # predictions some gold item matches
    gold: int = 0
    found: int = 0  # gold items some prediction matches

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.predicted += other.predicted
        self.right += other.right
        self.gold += other.gold
        self.found += other.found

    def as_dict(self) -> dict:
        return {"predicted": self.predicted, "right": self.right, "gold": self.gold,
                "found": self.found, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(slots=True)
class Report:
    """Counts per kind ("quote", "said_by", ...) and per match ("exact", "overlap")."""

    kinds: dict[str, dict[str, Counts]] = field(default_factory=dict)
    speaker_right: int = 0
    speaker_asked: int = 0
    speaker_resolved: int = 0  # right, counting a gold pronoun as the name it stands for
    articles: int = 0
    # The seeded actors run's further mentions (see repeat_counts): proposed, overlapping
    # a gold source, and a repeat of a gold source's name.
    mentions_proposed: int = 0
    mentions_on_source: int = 0
    mentions_repeating: int = 0

    def counts(self, kind: str, match: str) -> Counts:
        return self.kinds.setdefault(kind, {m: Counts() for m in MATCHES})[match]

    @property
    def speaker(self) -> float:
        return self.speaker_right / self.speaker_asked if self.speaker_asked else 0.0

    @property
    def mention_repeats(self) -> float:
        return self.mentions_repeating / self.mentions_proposed if self.mentions_proposed else 0.0

    @property
    def speaker_through_pronouns(self) -> float:
        return self.speaker_resolved / self.speaker_asked if self.speaker_asked else 0.0

    def as_dict(self) -> dict:
        return {
            "articles": self.articles,
            "kinds": {k: {m: c.as_dict() for m, c in v.items()} for k, v in sorted(self.kinds.items())},
            "speaker": {"right": self.speaker_right, "asked": self.speaker_asked,
                        "accuracy": round(self.speaker, 4),
                        "right_through_pronouns": self.speaker_resolved,
                        "accuracy_through_pronouns": round(self.speaker_through_pronouns, 4)},
            "actor_mention_repeats": {"proposed": self.mentions_proposed,
                                      "on_a_gold_source": self.mentions_on_source,
                                      "repeating_a_source_name": self.mentions_repeating,
                                      "precision": round(self.mention_repeats, 4)},
        }


Range = tuple[int, int]


def _matches(a: Range, b: Range, how: str) -> bool:
    return a == b if how == "exact" else a[0] < b[1] and b[0] < a[1]


class _Index:
    """Ranges sorted by start, for the overlap look-ups of one article."""

    def __init__(self, ranges: Iterable[Range]):
        self.ranges = sorted(set(ranges))
        self.starts = [r[0] for r in self.ranges]
        self.longest = max((e - s for s, e in self.ranges), default=0)

    def hits(self, r: Range, how: str) -> list[Range]:
        if how == "exact":
            i = bisect_left(self.ranges, r)
            return [r] if i < len(self.ranges) and self.ranges[i] == r else []
        lo = bisect_left(self.starts, r[0] - self.longest)
        hi = bisect_left(self.starts, r[1])
        return [g for g in self.ranges[lo:hi] if _matches(g, r, "overlap")]


def predicted(suggestions: Sequence[Suggestions], existing: Sequence[Span],
              min_score: float = 0.0) -> tuple[dict[str, list[Range]], list[tuple[str, Range, Range]]]:
    """The spans (by label) and links (label, source range, target range) a run proposes,
    keeping those scored at least ``min_score``."""
    spans: dict[str, list[Range]] = {}
    links: list[tuple[str, Range, Range]] = []
    by_id = {f"span:{s.id}": (s.start, s.end) for s in existing}
    for run in suggestions:
        keys = dict(by_id)
        for s in run.spans:
            keys[s.key] = (s.start, s.end)
            if s.score >= min_score:
                spans.setdefault(s.label, []).append((s.start, s.end))
        for link in run.links:
            if link.score >= min_score and link.source in keys and link.target in keys:
                links.append((link.label, keys[link.source], keys[link.target]))
    return spans, links


def gold_items(article: GoldArticle) -> tuple[dict[str, list[Range]], list[tuple[str, Range, Range]]]:
    spans: dict[str, list[Range]] = {}
    where = {s.id: (s.start, s.end) for s in article.spans}
    for s in article.spans:
        spans.setdefault(s.label, []).append((s.start, s.end))
    links = [(r.label, where[r.source], where[r.target]) for r in article.relations
             if r.source in where and r.target in where]
    return spans, links


def score_article(report: Report, article: GoldArticle, suggestions: Sequence[Suggestions],
                  *, existing: Sequence[Span] = (), min_score: float = 0.0,
                  kinds: set[str] | None = None) -> None:
    """Add one article's predictions to ``report`` (only span and link labels in
    ``kinds`` when given)."""
    pred_spans, pred_links = predicted(suggestions, existing, min_score)
    gold_spans, gold_links = gold_items(article)
    labels = (set(pred_spans) | set(gold_spans))
    for label in labels if kinds is None else labels & kinds:
        pred, gold = pred_spans.get(label, []), gold_spans.get(label, [])
        gold_index, pred_index = _Index(gold), _Index(pred)
        for how in MATCHES:
            c = report.counts(label, how)
            c.predicted += len(pred)
            c.gold += len(gold)
            c.right += sum(1 for p in pred if gold_index.hits(p, how))
            c.found += sum(1 for g in gold if pred_index.hits(g, how))
    link_labels = {lk[0] for lk in pred_links} | {lk[0] for lk in gold_links}
    for label in link_labels if kinds is None else link_labels & kinds:
        pred = [lk for lk in pred_links if lk[0] == label]
        gold = [lk for lk in gold_links if lk[0] == label]
        for how in MATCHES:
            c = report.counts(label, how)
            c.predicted += len(pred)
            c.gold += len(gold)
            c.right += sum(1 for p in pred if any(_link_match(p, g, how) for g in gold))
            c.found += sum(1 for g in gold if any(_link_match(p, g, how) for p in pred))
    if kinds is None or "said_by" in kinds:
        _speakers(report, article.text, gold_spans, pred_spans.get("quote", []),
                  gold_links, pred_links)


def _link_match(p, g, how: str) -> bool:
    return p[0] == g[0] and _matches(p[1], g[1], how) and _matches(p[2], g[2], how)


# "who" and "which" too: PolNeAR marks the relative pronoun of "Lavrov, who said …" as
# the source, and it stands for its antecedent as "he" does.
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her", "them", "who", "which"}
# What a gold speaker may be that stands for a name before it: the pronouns, and the
# possessives and relatives PolNeAR also marks as a source ("Contrary to his claim “…”",
# "a report that said “…”").
_STANDS_FOR = _PRONOUNS | {"his", "their", "its", "my", "our", "whose", "that"}
# A gold speaker that is a verb of saying alone is the cue marked as the source by slip
# ("“…,” said Hester": the source "said"); it names no one to compare with.
_SAYING = frozenset(REPORTING.split("|"))


def _speakers(report: Report, text: str, gold_spans, pred_quotes, gold_links,
              pred_links) -> None:
    """For each gold quote with a gold speaker that a predicted quote overlaps: is the
    predicted said_by target of that quote one of its gold speakers (overlap)? Also
    counted "through pronouns": a gold speaker that is a pronoun ("he said", "Lavrov,
    who said", "his claim") stands for the nearest gold actor before it that is not one, and a
    prediction naming that actor (that very span, or a mention whose last word is one of
    its words: "Lavrov" for "Sergei Lavrov", "Cheung" for "Steven Cheung, a campaign
    spokesman,") is right, since the suggesters resolve pronouns (issue 17 asks them to)
    where the gold does not; and a gold speaker that is a name counts another mention of
    it (a prediction whose last word, capitalised, is one of its capitalised words: the
    same rule). A "he" or "she" stands for the nearest gold actor that may be one
    person (not "Some Republicans", "the report", "Smith and Jones"). A quote whose only gold speaker is a verb of saying (the cue marked as
    the source by slip) is not asked."""
    pred_index = _Index(pred_quotes)
    said: dict[Range, list[Range]] = {}
    for label, src, tgt in pred_links:
        if label == "said_by":
            said.setdefault(src, []).append(tgt)
    speakers: dict[Range, list[Range]] = {}
    for label, src, tgt in gold_links:
        if label == "said_by":
            speakers.setdefault(src, []).append(tgt)
    names = sorted(r for r in gold_spans.get("actor", [])
                   if _words(text, r) and _words(text, r)[-1] not in _STANDS_FOR)
    for quote in gold_spans.get("quote", []):
        if quote not in speakers:
            continue
        if all(" ".join(_words(text, g)) in _SAYING for g in speakers[quote]):
            continue  # only a slip of the gold names its speaker: not asked
        hits = pred_index.hits(quote, "overlap")
        if not hits:
            continue
        report.speaker_asked += 1
        # A predicted speaker that is only a determiner ("The" in "The company said")
        # names no one, whatever it overlaps.
        targets = [t for h in hits for t in said.get(h, []) if _names_someone(text, t)]
        if any(_matches(t, g, "overlap") for t in targets for g in speakers[quote]):
            report.speaker_right += 1
            report.speaker_resolved += 1
            continue
        for g in speakers[quote]:
            if " ".join(_words(text, g)) not in _STANDS_FOR:
                # A name: another mention of it is right too ("Espinoza" named after
                # the quotation before, for the gold "Espinoza" said after this one).
                if any(_same_name(text, t, g) for t in targets):
                    report.speaker_resolved += 1
                    break
                continue
            i = bisect_left(names, g)
            if " ".join(_words(text, g)) in _ONE_PERSON:
                while i and not _one_person(text, names[i - 1]):
                    i -= 1  # "he" stands for no "Some Republicans", no "the report"
            # The prediction names that actor: it is that very span, or its last word is
            # one of the actor's words ("Steven Cheung" for the gold "Steven Cheung, a
            # campaign spokesman,", whose last word is "spokesman").
            if i and any(_matches(t, names[i - 1], "overlap") or _same_name(text, t, names[i - 1])
                         for t in targets):
                report.speaker_resolved += 1
                break


# Pronouns that stand for one person, and what no one person is: a plural, a group or
# a thing named in lower case ("Delegates", "both unions", "his family, friends and
# employees", "a raft of new rules", "the report").
_ONE_PERSON = {"he", "she", "him", "his", "her", "i", "me", "my"}
_MANY = {"each", "both", "some", "many", "several", "few", "most", "all", "other", "others",
         "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens"}
_THINGS = {"report", "statement", "article", "piece", "letter", "ad", "poll", "survey", "study",
           "book", "video", "tweet", "post", "memo", "document", "bill", "law", "plan", "data",
           "website", "page", "campaign", "tape", "speech", "release", "email", "message",
           "complaint", "filing", "ruling", "order", "platform", "editorial", "column"}


def _one_person(text: str, r: Range) -> bool:
    """Whether the gold actor at ``r`` may be one person (see _ONE_PERSON): not "some" or
    "several" of a plural; else a name in it past its first word says it may ("9/11
    widow Terry Strada"); else not a quantity, a plural, a thing or two joined by
    "and"."""
    raw = text[r[0]:r[1]].split()
    head = text[r[0]:r[1]].split(",")[0]
    words = _words(text, (r[0], r[0] + len(head)))
    if not words or words[0] in _MANY and words[-1].endswith("s"):
        return False  # "Some Republicans", "Several Cruz associates"
    if any(w.lstrip("\"“‘(")[:1].isupper() for w in raw[1:]):
        return True
    if " and " in head or words[0] in _MANY:
        return False
    last = head.split()[-1].strip(".,;:!?()\"“”‘’'")
    plural = last.islower() and last.endswith("s") and not last.endswith(("ss", "us"))
    return not plural and not (last.islower() and words[-1] in _THINGS)


def _same_name(text: str, t: Range, g: Range) -> bool:
    """Whether the prediction ``t`` is another mention of the name ``g``: its last word,
    capitalised, is a capitalised word of ``g`` ("Lavrov" for "Sergei Lavrov, the
    foreign minister,"; not "He", not "spokesman")."""
    raw = text[t[0]:t[1]].split()
    if not raw or not raw[-1].lstrip("\"“‘(")[:1].isupper():
        return False
    last = _words(text, t)[-1]
    # (Not a possessive before more words: "Sanders’s campaign manager, Jeff Weaver,"
    # is no Sanders; "Quintanilla’s" alone is Quintanilla.)
    raw = text[g[0]:g[1]].split()
    capitalised = {w for n, (w, r) in enumerate(zip(_words(text, g), raw, strict=True))
                   if r.lstrip("\"“‘(")[:1].isupper() and (
                       n == len(raw) - 1 or not r.rstrip(",.;:").endswith(("’s", "'s", "s’", "s'")))}
    return last not in _STANDS_FOR and last in capitalised


_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "some", "many", "most",
                "other", "another", "each", "every", "his", "her", "their", "its", "our", "my",
                "your", "no", "all", "both", "such"}


def _names_someone(text: str, r: Range) -> bool:
    return any(w not in _DETERMINERS for w in _words(text, r))


def _words(text: str, r: Range) -> list[str]:
    """The words of ``r`` in lower case, without the punctuation around them nor a
    possessive "’s" ("Lavrov’s," -> "lavrov"; "his" and "Harris" keep their "s")."""
    out = []
    for w in text[r[0]:r[1]].split():
        w = w.strip(".,;:!?()\"“”‘’'").lower()
        out.append(w[:-2] if w.endswith(("’s", "'s")) else w)
    return out


def seeded_actors(article: GoldArticle, label: str = "actor") -> tuple[list[Span], GoldArticle]:
    """The first gold mention of each actor's words, given as marked, and the gold the
    actors suggester should then find: the other actor mentions."""
    first: dict[str, Span] = {}
    for s in sorted(article.spans, key=lambda s: s.start):
        if s.label == label:
            first.setdefault(" ".join(s.text.split()), s)
    seeds = list(first.values())
    seed_ids = {s.id for s in seeds}
    rest = [s for s in article.spans if s.label == label and s.id not in seed_ids]
    return seeds, GoldArticle(article.id, article.text, rest, ())


def evaluate(articles: Iterable[GoldArticle], run: Run, *, min_score: float = 0.0) -> Report:
    """Run the suggesters on each gold article from its bare text, and the actors
    suggester again from its seeded actors; count everything into one Report (the seeded
    run's figures under "actor mentions")."""
    report = Report()
    for article in articles:
        report.articles += 1
        suggestions = run(article.text, [], [])
        score_article(report, article, suggestions, min_score=min_score)
        seeds, rest = seeded_actors(article)
        if seeds:
            mentions = run(article.text, seeds, [], kinds={"actors"})
            only = [Suggestions(s.suggester, [x for x in s.spans if x.score >= 0.8], [])
                    for s in mentions]
            sub = Report()
            score_article(sub, rest, only, existing=seeds, kinds={"actor"})
            for how in MATCHES:
                report.counts("actor mentions", how).add(sub.counts("actor", how))
            n, on, repeating = repeat_counts(article, [(x.start, x.end) for s in only
                                                       for x in s.spans])
            report.mentions_proposed += n
            report.mentions_on_source += on
            report.mentions_repeating += repeating
    return report


# -- actor mentions, measured fairly ----------------------------------------------------

def first_marked(mentions: Sequence[tuple[Span, str]], marked: Iterable[Range]) -> list[Span]:
    """The first mention of each entity that an annotator marked (its range is in
    ``marked``): what the actors suggester is given in :func:`mention_counts`."""
    marked = set(marked)
    seeds: dict[str, Span] = {}
    for span, entity in sorted(mentions, key=lambda m: m[0].start):
        if (span.start, span.end) in marked:
            seeds.setdefault(entity, span)
    return list(seeds.values())


def mention_counts(text: str, mentions: Sequence[tuple[Span, str]], seeds: Sequence[Span],
                   run: Run, *, min_score: float = 0.8) -> dict[str, Counts]:
    """Precision and recall of the further mentions the actors suggester proposes (scored
    at least ``min_score``: its weaker candidates, titled names and organisations not yet
    marked, are left out) from ``seeds``, against an exhaustive gold: ``mentions``, every
    mention of every entity, each with its entity. A proposal is right when it matches a
    gold mention (exact, or sharing a character) of the entity of a seed whose words it
    repeats; the seeds themselves are neither predictions nor gold."""
    seed_ranges = {(s.start, s.end) for s in seeds}
    entity_of = {(s.start, s.end): e for s, e in mentions}
    wanted = {entity_of.get((s.start, s.end)) for s in seeds}
    gold = [((s.start, s.end), e) for s, e in mentions
            if (s.start, s.end) not in seed_ranges and e in wanted]
    proposed = [(s.start, s.end) for r in run(text, list(seeds), [], kinds={"actors"})
                for s in r.spans if s.score >= min_score]
    out = {}
    for how in MATCHES:
        c = Counts(predicted=len(proposed), gold=len(gold))
        c.right = sum(1 for p in proposed if any(_matches(p, g, how) for g, _ in gold))
        c.found = sum(1 for g, _ in gold if any(_matches(p, g, how) for p in proposed))
        out[how] = c
    return out


# A gold source whose text is one of these after its determiner is no name: a repeat of
# it ("officials", "the company", "he") need not be the same entity.
_ORG_WORDS = {"house", "states", "department", "court", "party", "times", "post", "news",
              "union", "nations", "office", "committee", "ministry", "council", "bank",
              "university", "agency", "service", "campaign", "administration", "congress",
              "senate", "government", "kingdom", "republic", "press", "street", "journal"}
_LEADS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its"}


def _source_names(text: str, golds: Iterable[Range]) -> tuple[set[str], set[str]]:
    """The names among gold sources (their text without a leading determiner, when every
    word is capitalised or a short joining word) and the surnames of the person-like ones
    (two or three capitalised words, the last no organisation's word)."""
    full: set[str] = set()
    last: set[str] = set()
    for a, b in golds:
        words = text[a:b].split()
        lead = ""
        while words and words[0].lower() in _LEADS:
            lead += words[0] + " "
            words = words[1:]
        if not words or words[0].lower() in _PRONOUNS:
            continue
        if not all(w[:1].isupper() or w[:1] == "(" or w in ("of", "for", "and", "in", "de")
                   for w in words) or not words[-1][:1].isupper():
            continue
        name = " ".join(words).rstrip(",.")
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        full.update((name, lead + name))
        if 2 <= len(words) <= 3 and words[-1].lower().strip(",.") not in _ORG_WORDS and all(
                w[:1].isupper() or w[:1] == "(" for w in words):
            last.add(words[-1].strip(",.’'").removesuffix("’s").removesuffix("'s"))
    return full, last


def repeat_counts(article: GoldArticle, proposed: Sequence[Range], label: str = "actor"
                  ) -> tuple[int, int, int]:
    """(proposed, overlapping a gold source, a repeat of a source's name): PolNeAR marks
    only the actors that are an attribution's source, so a further mention of a marked
    person that speaks nowhere is "wrong" by its gold. The second figure counts a proposal
    right when its text, whole words and the same case, is the name of a gold source of
    the same article (without its determiner: "White House" for "the White House") or the
    surname of a person-like source name ("Lavrov" for "Sergei Lavrov"). It checks that
    the suggester repeats names only (no "he", "officials" or "the company" repeated, no
    piece of a longer word, no surname of "the White House"); it cannot tell a place ("in
    Moscow") from the government of that name."""
    golds = [(s.start, s.end) for s in article.spans if s.label == label]
    index = _Index(golds)
    full, last = _source_names(article.text, golds)
    text = article.text
    overlapping = repeats = 0
    for a, b in proposed:
        hit = bool(index.hits((a, b), "overlap"))
        overlapping += hit
        whole = not (a and text[a - 1].isalnum()) and not (b < len(text) and text[b].isalnum())
        words = " ".join(text[a:b].split()).removesuffix("'s").removesuffix("’s")
        repeats += hit or (whole and (words in full or words in last))
    return len(proposed), overlapping, repeats
