"""Which database to open, and the first run: create it and import the bundled seeds."""

from __future__ import annotations

from pathlib import Path

from annotator import paths, resources
from annotator.store import Store, StoreError


def open_database(path: Path | None) -> Store:
    """Open ``path`` (created if missing), or the user's own database, seeded on first run."""
    if path is not None:
        return Store.open(path)
    default = paths.default_database()
    if default.exists():
        return Store.open(default)
    try:
        default.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"{default.parent}: cannot create the data folder ({exc.strerror})"
        ) from exc
    if not default.exists():  # (checked again: another instance may have made it meanwhile)
        from annotator.formats.importing import import_files  # the first run only

        # new=True: built under a draft name and linked into place when complete, so that
        # an instance starting at the same moment finds no database or the seeded one
        import_files(default, resources.seed_files(), annotator="import", new=True)
    return Store.open(default)
