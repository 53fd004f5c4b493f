"""What a bug report needs to know about this install (``annotator debug-info``, Help ▸
Report a problem): one place, so the window copies exactly what the command prints."""

from __future__ import annotations

import json
import platform
import sys

from annotator import __version__, paths


def debug_info(qt: dict[str, str]) -> dict[str, object]:
    """Versions, where the bundled files are read from and where the user's data lives.
    ``qt`` is gui.about.qt_versions() (passed in: this module imports no Qt)."""
    from annotator import resources
    from annotator.store.opening import sqlite_version

    return {
        "version": __version__,
        "python": sys.version.split()[0],
        "sqlite_version": sqlite_version(),
        **qt,
        "system": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "resources": str(resources.resource("annotator.desktop").parent),
        "seeds": [str(p) for p in resources.seed_files()],
        "data_dir": str(paths.data_dir()),
        "config_dir": str(paths.config_dir()),
    }


def debug_info_text(qt: dict[str, str]) -> str:
    return json.dumps(debug_info(qt), indent=2, ensure_ascii=False)


# What the frozen app bundles, and under which licence (the full texts: the Debian package's
# copyright file, each package's .dist-info in the bundle, the font's OFL.txt).
BUNDLED_LICENCES: tuple[tuple[str, str], ...] = (
    ("Annotator", "MIT"),
    ("Qt 6 and PySide6 (Qt for Python)", "LGPL-3.0"),
    ("Charis SIL font", "SIL Open Font License 1.1"),
    ("Python", "PSF License 2.0"),
    ("psycopg 3", "LGPL-3.0"),
    ("libpq (PostgreSQL client)", "PostgreSQL License"),
    ("SQLite", "public domain"),
    ("sqlite-utils", "Apache-2.0"),
    ("click", "BSD-3-Clause"),
    ("orjson", "Apache-2.0 or MIT"),
    ("appdirs", "MIT"),
    ("trafilatura", "Apache-2.0"),
    ("lxml", "BSD-3-Clause"),
    ("Babel", "BSD-3-Clause"),
    ("jusText", "BSD-2-Clause"),
)
