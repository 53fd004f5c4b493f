"""Rules for a label scheme: names, kinds, colours and keys that work together.

A label's name is shown in the window, in the command line's output and in every export,
and it is how a span is found again: it may hold no character a terminal acts on or that
hides or reorders text (a control, a bidi override, a zero-width space), and no two labels may
look the same (``Ｃlaim`` and ``Claim``, ``ﬁnding`` and ``finding``, ``claim`` and
``claim\u200b``), or an annotator picks one believing it is the other. Case is a visible
difference and is allowed: a new database's scheme has ``claim`` and ``quote``, and corpora
annotated with ``Claim`` and ``Quote`` (brat's argument-mining ones) import beside them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from annotator.core import link_rules
from annotator.core.display import hidden, shown
from annotator.core.errors import AnnotatorError
from annotator.core.link_rules import LinkRule
from annotator.core.model import LABEL_KINDS, Label

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Keys the window uses on their own; a label cannot take them.
RESERVED_KEYS = {"?", " "}
# Digits pick the numbered link candidates while linking: no link type may take one.
LINKING_DIGITS = set("123456789")


class SchemeError(AnnotatorError):
    """A scheme that cannot be saved; the message lists every problem."""


def key_group(kind: str) -> str:
    """Labels whose keys must differ: span and document labels are both set by a bare key
    in the annotating window, so they share one set of keys; link types have their own."""
    return "relation" if kind == "relation" else "span"


_ZWJ = "\u200d"  # joins an emoji sequence (a label may be one); not a difference on its own


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a label's name, or None when it can."""
    if not name.strip() or name != name.strip():
        return "a name must be non-empty, without spaces around it"
    return invisible_problem(name)


def invisible_problem(name: str) -> str | None:
    """Why ``name`` cannot be a label's name for what it holds (an import's rule: a file's
    label with spaces around it is kept as it came)."""
    bad = sorted({c for c in name if c != _ZWJ and hidden(c)})
    if bad:
        return (
            f"a name may not hold control or invisible characters "
            f"({', '.join(shown(c) for c in bad)})"
        )
    return None


def look(name: str) -> str:
    """What a name looks like: compatibility forms folded (``Ｃ`` is ``C``, ``ﬁ`` is
    ``fi``), invisible characters left out. Two names that look alike have the same look."""
    folded = unicodedata.normalize("NFKC", name)
    visible = "".join(c for c in folded if not hidden(c))
    return unicodedata.normalize("NFKC", visible)


def lookalike(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that looks like ``name`` without being it."""
    mine = look(name)
    return next((o for o in others if o != name and look(o) == mine), None)


def lookalike_problem(name: str, other: str) -> str:
    return (
        f"label {name!r} looks like the label {other!r} "
        "(they differ only in invisible characters or in compatibility forms such as "
        "full-width letters); use one name"
    )


def check(labels: list[Label]) -> None:
    problems = []
    names: set[str] = set()
    looks: dict[str, str] = {}
    keys: dict[tuple[str, str], str] = {}
    for label in labels:
        name = label.name
        problem = name_problem(name)
        if problem:
            problems.append(f"{name!r}: {problem}")
        if name in names:
            problems.append(f"{name!r}: two labels have this name")
        elif looks.get(look(name), name) != name:
            problems.append(f"{name!r}: {lookalike_problem(name, looks[look(name)])}")
        names.add(name)
        looks.setdefault(look(name), name)
        if label.kind not in LABEL_KINDS:
            problems.append(f"{name!r}: kind must be span, relation or document")
        if not _COLOR.match(label.color):
            problems.append(f"{name!r}: colour {label.color!r} is not #rrggbb")
        if label.key:
            if len(label.key) != 1 or label.key in RESERVED_KEYS:
                problems.append(f"{name!r}: key {label.key!r} must be one character, not ? or space")
            if label.kind == "relation" and label.key in LINKING_DIGITS:
                problems.append(f"{name!r}: key {label.key!r} picks a numbered candidate while "
                                "linking; give the link type another key")  # fmt: skip
            group = key_group(label.kind)
            other = keys.get((group, label.key.lower()))
            if other:
                problems.append(f"{name!r}: key {label.key!r} is already {other!r}'s")
            keys[(group, label.key.lower())] = name
    # A link type's key acts in the list of links and while linking, a label's key on the
    # article: one key doing both would be a surprise, so they differ too.
    for label in labels:
        if label.kind == "relation" and label.key:
            other = keys.get(("span", label.key.lower()))
            if other:
                problems.append(f"{label.name!r}: key {label.key!r} is already the label "
                                f"{other!r}'s")  # fmt: skip
    if problems:
        raise SchemeError("The label scheme cannot be saved:\n  " + "\n  ".join(problems))


def to_json(labels: list[Label], rules: Mapping[str, LinkRule] | None = None) -> dict:
    """A scheme file; a link type's rule is its ``from`` and ``to`` lists of span labels."""
    rules = rules or {}

    def item(label: Label) -> dict:
        out = {"name": label.name, "kind": label.kind, "color": label.color, "key": label.key,
               "description": label.description}  # fmt: skip
        if label.kind == "relation" and label.name in rules:
            out.update(link_rules.to_json(rules[label.name]))
        return out

    return {"annotator_scheme": 1, "labels": [item(label) for label in labels]}


def rules_from_json(data: object, where: str) -> list[LinkRule]:
    """The link rules of a scheme file (read after :func:`from_json` accepted it)."""
    found = []
    for item in data["labels"]:
        if (item.get("kind") or "span") == "relation":
            try:
                rule = link_rules.from_json(item, item["name"], where)
            except link_rules.LinkRuleError as exc:
                raise SchemeError(str(exc)) from None
            if rule is not None:
                found.append(rule)
    return found


def from_json(data: object, where: str) -> list[Label]:
    """Labels from a scheme file; ``where`` names the file in errors."""
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise SchemeError(f"{where}: not an Annotator label scheme (no \"labels\" list)")
    labels = []
    for i, item in enumerate(data["labels"]):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SchemeError(f"{where}: labels[{i}] needs a \"name\"")
        name = item["name"]
        for key, allowed in _FIELDS.items():
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                raise SchemeError(
                    f"{where}: label {name!r} (labels[{i}]): \"{key}\" must be {allowed}, "
                    f"not {type(value).__name__} {_short(value)}"
                )
        labels.append(Label(
            name=name, kind=item.get("kind") or "span", color=item.get("color") or "#888888",
            key=item.get("key") or None, position=i, description=item.get("description") or "",
        ))
    try:
        check(labels)
    except SchemeError as exc:
        raise SchemeError(f"{where}: {exc}") from None
    return labels


def check_merge(existing: Iterable[str], incoming: list[Label], where: str) -> None:
    """Refuse a label of a scheme file that looks like one the database has already."""
    existing = list(existing)
    problems = [
        lookalike_problem(label.name, other)
        for label in incoming
        if (other := lookalike(label.name, existing)) is not None
    ]
    if problems:
        raise SchemeError(f"{where}: " + "; ".join(problems))


# The fields of a label in a scheme file, besides its name: each a string (or absent/null).
_FIELDS = {
    "kind": "span or relation",
    "color": 'a colour written "#rrggbb"',
    "key": "one character",
    "description": "text",
}


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
