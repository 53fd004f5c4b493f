"""A scheme file (``annotator labels --export`` writes one): read once here for the command
line, the window's scheme editor and the team hub, so a bad file gets the same message
wherever it is opened."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core import scheme
from annotator.core.errors import AnnotatorError
from annotator.core.labels import Label
from annotator.core.link_rules import LinkRule


def read_scheme(path: Path | str) -> tuple[list[Label], list[LinkRule]]:
    """The labels and link rules of the scheme file ``path``; AnnotatorError naming the
    file when it cannot be read, is not JSON, is nested too deeply or is not a scheme."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnnotatorError(f"{path}: cannot be read as JSON ({exc})") from exc
    except RecursionError as exc:
        raise AnnotatorError(f"{path}: nested too deeply to be a scheme") from exc
    return scheme.from_json(data, str(path)), scheme.rules_from_json(data, str(path))
