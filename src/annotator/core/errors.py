"""Errors a user can act on. Anything else is a bug and should fail loudly."""

from __future__ import annotations


class AnnotatorError(Exception):
    """An error caused by the user's input or environment, with a message fit to show them."""


class InputError(AnnotatorError):
    """Bad input in a file: names the file and, when known, the line."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
