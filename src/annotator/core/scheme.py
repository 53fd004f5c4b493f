"""Rules for a label scheme: names, kinds, colours and keys that work together."""

from __future__ import annotations

import re

from annotator.core.errors import AnnotatorError
from annotator.core.model import LABEL_KINDS, Label

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Keys the window uses on their own; a label cannot take them.
RESERVED_KEYS = {"?", " "}


class SchemeError(AnnotatorError):
    """A scheme that cannot be saved; the message lists every problem."""


def key_group(kind: str) -> str:
    """Labels whose keys must differ: span and document labels are both set by a bare key
    in the annotating window, so they share one set of keys; link types have their own."""
    return "relation" if kind == "relation" else "span"


def check(labels: list[Label]) -> None:
    problems = []
    names: set[str] = set()
    keys: dict[tuple[str, str], str] = {}
    for label in labels:
        name = label.name
        if not name.strip() or name != name.strip():
            problems.append(f"{name!r}: a name must be non-empty, without spaces around it")
        if name in names:
            problems.append(f"{name!r}: two labels have this name")
        names.add(name)
        if label.kind not in LABEL_KINDS:
            problems.append(f"{name!r}: kind must be span, relation or document")
        if not _COLOR.match(label.color):
            problems.append(f"{name!r}: colour {label.color!r} is not #rrggbb")
        if label.key:
            if len(label.key) != 1 or label.key in RESERVED_KEYS:
                problems.append(f"{name!r}: key {label.key!r} must be one character, not ? or space")
            group = key_group(label.kind)
            other = keys.get((group, label.key.lower()))
            if other:
                problems.append(f"{name!r}: key {label.key!r} is already {other!r}'s")
            keys[(group, label.key.lower())] = name
    if problems:
        raise SchemeError("The label scheme cannot be saved:\n  " + "\n  ".join(problems))


def to_json(labels: list[Label]) -> dict:
    return {
        "annotator_scheme": 1,
        "labels": [
            {"name": label.name, "kind": label.kind, "color": label.color, "key": label.key,
             "description": label.description}
            for label in labels
        ],
    }


def from_json(data: object, where: str) -> list[Label]:
    """Labels from a scheme file; ``where`` names the file in errors."""
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise SchemeError(f"{where}: not an Annotator label scheme (no \"labels\" list)")
    labels = []
    for i, item in enumerate(data["labels"]):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SchemeError(f"{where}: labels[{i}] needs a \"name\"")
        labels.append(Label(
            name=item["name"], kind=item.get("kind", "span"), color=item.get("color", "#888888"),
            key=item.get("key") or None, position=i, description=item.get("description") or "",
        ))
    check(labels)
    return labels
