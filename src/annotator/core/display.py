"""Text from files shown on a terminal: what it would act on, hide or reorder is escaped.

Labels, annotator names, titles and file names come from other people's files. Printed raw,
an escape sequence (``\\x1b[2J``) would act on the terminal, a right-to-left override
(``\\u202e``) would reverse what follows it, a NUL or a zero-width character would hide a
difference. :func:`shown` writes each such character as its escape, the way Python writes it
in a string's repr, so that what is printed is what is there. The command line passes every
line it prints through it (cli.py ``_echo``).
"""

from __future__ import annotations

import re
import unicodedata

# What a terminal acts on or does not show: controls (C0, DEL, C1), format characters
# (bidi embeddings, overrides and isolates, zero-width joiners and spaces, the BOM, soft
# hyphens, tags), line and paragraph separators, surrogates, private use and unassigned
# code points. Spaces of other widths (no-break, thin) are shown as they are.
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
# The same test as a regular expression, for speed on long outputs: every character
# outside printable ASCII is looked at.
_SUSPECT = re.compile(r"[^\x20-\x7e\n\t]|[\n\t]")


def hidden(char: str) -> bool:
    """True for a character :func:`shown` escapes."""
    return unicodedata.category(char) in _HIDDEN


def shown(text: str, *, keep: str = "", json: bool = False) -> str:
    """``text`` with every character a terminal would act on or not show written as an
    escape: ``\\x1b``, ``\\u202e``, ``\\U000e0041``. ``keep`` lists characters printed as
    they are (``"\\n"`` for a message of several lines). With ``json`` every escape is a JSON
    one (``\\u001b``, astral characters as a surrogate pair), so a JSON text stays valid."""
    if not isinstance(text, str):
        text = str(text)

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in keep or not hidden(char):
            return char
        code = ord(char)
        if json:
            if code > 0xFFFF:
                code -= 0x10000
                return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
            return f"\\u{code:04x}"
        if code < 0x100:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return _SUSPECT.sub(escape, text)
