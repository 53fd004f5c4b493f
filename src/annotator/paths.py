"""Every path the app writes to; the only user of appdirs.

``ANNOTATOR_HOME`` (or the ``--data-dir`` flag, which sets it) moves all of them under
one folder, which is what tests and portable installs use.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "annotator"
HOME_ENV = "ANNOTATOR_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "data"
    import appdirs

    return Path(appdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "config"
    import appdirs

    return Path(appdirs.user_config_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return data_dir() / "annotations.db"


def settings_file() -> Path:
    return config_dir() / "settings.json"
