"""Exports never leave a half-written file: write beside the target, fsync, rename.

A process killed while writing leaves only its hidden temporary file; the next write to the
same target removes the ones whose process is gone (their names carry the process id).

A stream cannot be replaced, only written: ``-`` (standard output) and a target that is not
a regular file (a pipe, a FIFO, ``/dev/stdout``, a terminal) are written directly, and never
opened for reading first (reading one's own pipe would wait forever).
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from annotator.core.errors import AnnotatorError

_DATABASE_MAGIC = (b"SQLite format 3\x00", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
STDOUT = Path("-")  # the command line's ``-o -``


def is_stream(target: Path) -> bool:
    """Whether ``target`` is written as it is, not replaced: ``-`` or an existing file that
    is not a regular one (nor a folder)."""
    if Path(target) == STDOUT:
        return True
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextmanager
def atomic_write(target: Path) -> Iterator[BinaryIO]:
    target = Path(target)
    if is_stream(target):
        with _stream(target) as f:
            yield f
        return
    if target.is_dir():
        raise AnnotatorError(f"{target}: is a folder; give a file name to write")
    _refuse_database(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise AnnotatorError(f"{target}: the folder {folder} does not exist")
    _remove_stale(folder, target)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise AnnotatorError(f"{target}: cannot write here ({exc.strerror})") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fchmod(f.fileno(), _mode_for(target))
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_folder(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AnnotatorError(f"{target}: cannot be written ({exc.strerror})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _stream(target: Path) -> Iterator[BinaryIO]:
    """Standard output, or a pipe or device opened for writing only."""
    name = "standard output" if target == STDOUT else str(target)
    try:
        if target == STDOUT:
            sys.stdout.flush()  # what was printed before comes first
            f = None
            out = sys.stdout.buffer
        else:
            f = out = target.open("wb")
    except OSError as exc:
        raise AnnotatorError(f"{name}: cannot be written ({exc.strerror})") from exc
    try:
        yield out
        out.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): say so, and keep Python from failing again on
        # the closed pipe when it flushes standard output at exit.
        if f is None:
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise AnnotatorError(f"{name} was closed before the export was written") from None
    except OSError as exc:
        raise AnnotatorError(f"{name}: cannot be written ({exc.strerror})") from exc
    finally:
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()


def _remove_stale(folder: Path, target: Path) -> None:
    """Delete temporary files of earlier writes to ``target`` whose process has died."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return
    prefix = f".{target.name}."
    for stale in folder.glob(f"{glob.escape(prefix)}*.tmp"):
        pid = stale.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                stale.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. another user's process
    return True


def _refuse_database(target: Path) -> None:
    """Never replace a database (or its WAL) with an export, e.g. ``export a.db -o a.db``."""
    try:
        with target.open("rb") as f:
            head = f.read(16)
    except OSError:
        return
    if any(head.startswith(magic) for magic in _DATABASE_MAGIC):
        raise AnnotatorError(
            f"{target}: is a database file; refusing to overwrite it with an export"
        )


def _mode_for(target: Path) -> int:
    """Keep the mode of the file being replaced; a new one gets the usual 0666 - umask
    (mkstemp's 0600 would hide a shared dataset from colleagues)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every file system lets a folder be synced
    finally:
        os.close(fd)
