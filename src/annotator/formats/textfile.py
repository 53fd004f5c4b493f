"""Reading text files strictly: UTF-8 only, with errors that point at the line."""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import InputError

BOM = "\ufeff"


def read_utf8(path: Path) -> str:
    """Decode a whole file as UTF-8, naming the line and column of a bad byte."""
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(path, "is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from exc
    if b"\x00" in data[:8192]:
        raise InputError(path, "is a binary file, not UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            path,
            f"is not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} "
            "(save it as UTF-8 and import it again)",
            line=line,
        ) from exc
