"""Shared fixtures. Tests never touch the real user folders: ANNOTATOR_HOME is a temp dir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_47da632286d522d7.txt"


@pytest.fixture(autouse=True)
def annotator_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    return home


@pytest.fixture
def store():
    from annotator.store import Store

    s = Store.memory()
    yield s
    s.close()


@pytest.fixture
def seed_db(tmp_path: Path) -> Path:
    """A database file holding the sample article, with no spans yet."""
    from annotator.formats.reading import read_paths
    from annotator.store import Store

    path = tmp_path / "seed.db"
    with Store.open(path) as s:
        s.import_documents(read_paths([SEED]), annotator="import")
    return path


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A copy of the sample article in a temp folder."""
    target = tmp_path / SEED.name
    shutil.copy(SEED, target)
    return target
