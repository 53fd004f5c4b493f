"""Which labels a link type joins: ``said_by`` a quote to an actor, ``claimed_by`` a claim
to an actor (brat's ``Arg1:``/``Arg2:`` in annotation.conf, INCEpTION's relation layer's
"attach to"). A rule with no labels on one end lets any span label stand there; a link
type with no rule joins anything (a corpus's own relation types come without one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from annotator.core.errors import AnnotatorError


@dataclass(frozen=True)
class LinkRule:
    relation: str
    sources: tuple[str, ...] = ()  # the labels a link of this type may start at (): any
    targets: tuple[str, ...] = ()  # the labels it may end at (): any

    def allows(self, source: str, target: str) -> bool:
        return (not self.sources or source in self.sources) and (
            not self.targets or target in self.targets
        )

    def describe(self) -> str:
        return f"{' or '.join(self.sources) or 'any label'} → {' or '.join(self.targets) or 'any label'}"


Rules = Mapping[str, LinkRule]

DEFAULT_RULES: tuple[LinkRule, ...] = (
    LinkRule("said_by", ("quote",), ("actor",)),
    LinkRule("claimed_by", ("claim",), ("actor",)),
)


class LinkRuleError(AnnotatorError):
    """A scheme file's link rule that cannot be read; the message names the file."""


def problem(rules: Rules, relation: str, source: str, target: str) -> str | None:
    """Why a ``relation`` link from a ``source`` span to a ``target`` span breaks the
    scheme, or None when the scheme allows it."""
    rule = rules.get(relation)
    if rule is None or rule.allows(source, target):
        return None
    return (f"a {relation} link joins {rule.describe()}; "
            f"this one would join {source} → {target}")  # fmt: skip


def allowed_types(rules: Rules, types: Iterable[str], source: str, target: str) -> list[str]:
    """The link types (of ``types``, in order) that may join ``source`` to ``target``."""
    return [t for t in types if problem(rules, t, source, target) is None]


def relabel_problem(
    rules: Rules, label: str, links: Iterable[tuple[str, bool, str]]
) -> str | None:
    """Why a span cannot take ``label`` given its ``links`` — each (type, whether the span
    is the link's source, the label at the link's other end) — or None."""
    for relation, is_source, other in links:
        source, target = (label, other) if is_source else (other, label)
        why = problem(rules, relation, source, target)
        if why:
            return why
    return None


def target_labels(rules: Rules, types: Iterable[str], source: str) -> set[str] | None:
    """The labels a link from a ``source`` span may end at, or None for any."""
    found: set[str] = set()
    for t in types:
        rule = rules.get(t)
        if rule is None or not rule.targets:
            if rule is None or not rule.sources or source in rule.sources:
                return None
            continue
        if not rule.sources or source in rule.sources:
            found.update(rule.targets)
    return found


def to_json(rule: LinkRule) -> dict:
    return {"from": list(rule.sources), "to": list(rule.targets)}


def from_json(item: dict, name: str, where: str) -> LinkRule | None:
    """The rule of a scheme file's link type (its ``from`` and ``to`` lists), or None."""
    if item.get("from") is None and item.get("to") is None:
        return None
    ends = []
    for key in ("from", "to"):
        value = item.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise LinkRuleError(
                f"{where}: link type {name!r}: \"{key}\" must be a list of label names"
            )
        ends.append(tuple(dict.fromkeys(value)))
    return LinkRule(name, *ends)


def check(rules: Iterable[LinkRule], kinds: Mapping[str, str]) -> list[str]:
    """The problems of ``rules`` against a scheme's labels (name -> kind)."""
    problems = []
    for rule in rules:
        if kinds.get(rule.relation) != "relation":
            problems.append(f"{rule.relation!r}: a rule is only for a link type")
        for name in (*rule.sources, *rule.targets):
            if kinds.get(name) != "span":
                problems.append(f"{rule.relation!r}: {name!r} is not a span label of the scheme")
    return problems
