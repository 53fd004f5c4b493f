"""User settings in a small JSON file in the config dir (written atomically)."""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

from annotator import paths


def load() -> dict[str, Any]:
    path = paths.settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # a damaged settings file must not stop the app; it is rewritten on save
    return data if isinstance(data, dict) else {}


def save(values: dict[str, Any]) -> None:
    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = load() | values
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def annotator_name() -> str | None:
    """The name recorded on every span, once the user has confirmed it."""
    name = load().get("annotator")
    return name.strip() if isinstance(name, str) and name.strip() else None


def default_annotator_name() -> str:
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):
        return "annotator"


def set_annotator_name(name: str) -> None:
    save({"annotator": name.strip()})


RECENT_COUNT = 8  # File ▸ Recent databases


def _recent_file():
    # A file of its own beside settings.json: opening a database is not a setting the user
    # chose (a scripted first run writes no settings), and a damaged list loses nothing else.
    return paths.config_dir() / "recent_databases.json"


def recent_databases() -> list[str]:
    """The databases opened last, the newest first (absolute paths, at most eight)."""
    try:
        value = json.loads(_recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, str) and p][:RECENT_COUNT]


def _save_recent(names: list[str]) -> None:
    path = _recent_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(names[:RECENT_COUNT], indent=2, ensure_ascii=False),
                       encoding="utf-8")  # fmt: skip
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only config folder costs the list, not the database being opened


def remember_database(path: str) -> None:
    """``path`` goes to the top of the recent list (once)."""
    _save_recent([path, *(p for p in recent_databases() if p != path)])


def forget_database(path: str) -> None:
    _save_recent([p for p in recent_databases() if p != path])


def clear_recent_databases() -> None:
    _save_recent([])
