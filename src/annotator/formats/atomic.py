"""Exports never leave a half-written file: write beside the target, fsync, rename.

A process killed while writing leaves only its hidden temporary file (or, for a folder
export, folder); the next write to the same target removes the ones whose process is gone
(their names carry the process id), once per export.

Targets that are not regular files are never replaced by one:

- ``-`` (standard output), ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N`` are the
  process's own open files: written through the open descriptor, never reopened or
  truncated (``-o /dev/stdout >> log`` appends, as the shell asked).
- A FIFO or a character device (a terminal, ``/dev/null``) is written directly and never
  opened for reading first (reading one's own pipe would wait forever). A FIFO is opened
  without waiting: if no program reads it within :data:`FIFO_WAIT` seconds, the export is
  refused with that reason rather than hanging.
- A block device (a disk) and a socket are refused.
- A symbolic link is written through, as the shell's ``>``, ``cp`` and editors do: the file
  it leads to is replaced atomically (the temporary file is made beside that file, not beside
  the link) and the link is kept. A link that leads nowhere (its file missing) or round in a
  loop is refused. :func:`link_note` says where the data went, for the export's summary.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from annotator.core.errors import AnnotatorError
from annotator.store.opening import not_a_file

_DATABASE_MAGIC = (b"SQLite format 3\x00", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
STDOUT = Path("-")  # the command line's ``-o -``
FIFO_WAIT = 3.0  # seconds a FIFO may take to find its reader (``export -o p & gzip < p``)
_LINK_HOPS = 40  # as the kernel's limit on links followed in one path
# Temporary files and folders of the writes to a target that were killed before they were
# done, from before their names carried the process id: removed once this old.
_LEGACY_AGE = 3600.0


def is_stream(target: Path) -> bool:
    """Whether ``target`` is written as it is, not replaced: ``-``, one of the process's own
    open files (``/dev/stdout``), or an existing FIFO or character device."""
    if Path(target) == STDOUT:
        return True
    try:
        where = destination(target)
    except AnnotatorError:
        return False  # refused when written
    return isinstance(where, int) or not_a_file(where) in (_FIFO, _CHARACTER)


_FIFO, _CHARACTER = "a FIFO (named pipe)", "a character device"


def destination(target: Path) -> Path | int:
    """Where a write to ``target`` lands: the file at the end of its symbolic links (which
    may not exist yet, if ``target`` is no link), or the number of the process's own open
    file it names (``/dev/stdout`` is 1). A dangling link or a loop of links is refused."""
    target = Path(target)
    if target == STDOUT:
        return 1
    path, followed = Path(os.path.abspath(target)), False
    for _ in range(_LINK_HOPS):
        # Follow the folders' links first, so that ``..`` in a link means what it does to
        # the system; then the name's own link, one step at a time, looking at each step
        # for a descriptor (the last step of /dev/stdout is /proc/self/fd/1, which a full
        # resolve would turn into the name of whatever the shell opened, a pipe included).
        path = Path(os.path.realpath(path.parent)) / path.name
        if path.parent in (Path("/proc/self/fd"), Path(f"/proc/{os.getpid()}/fd")) and (
            path.name.isdigit()
        ):
            return int(path.name)
        if not path.is_symlink():
            if followed and not path.exists():
                raise AnnotatorError(
                    f"{target}: is a symbolic link to {path}, which does not exist; nothing is "
                    "ever created through a link (give that name itself)"
                )
            return path
        path, followed = path.parent / os.readlink(path), True
    raise AnnotatorError(f"{target}: its symbolic links lead round in a loop")


def link_note(target: Path) -> str | None:
    """For an export's summary: where the data went when ``target`` is a symbolic link."""
    target = Path(target)
    if target == STDOUT or not target.is_symlink():
        return None
    try:
        where = destination(target)
    except AnnotatorError:
        return None
    if isinstance(where, int):
        return None  # /dev/stdout and its kind: the summary already says where
    return f"{target} is a symbolic link: {where} was written, and the link kept"


@contextmanager
def atomic_write(target: Path) -> Iterator[BinaryIO]:
    target = Path(target)
    where = destination(target)
    if isinstance(where, int):
        with _descriptor(target, where) as f:
            yield f
        return
    kind = not_a_file(where)
    if kind in (_FIFO, _CHARACTER):
        with _device(target, where, kind) as f:
            yield f
        return
    if kind is not None:
        raise AnnotatorError(f"{target}: is {kind}; an export is never written to one")
    if where.is_dir():
        raise AnnotatorError(f"{target}: is a folder; give a file name to write")
    _refuse_database(target, where)
    folder = where.parent
    if not folder.is_dir():
        raise AnnotatorError(f"{target}: the folder {folder} does not exist")
    remove_stale(where)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f"{_temp_prefix(where)}-", suffix=".tmp",
                                        dir=folder)  # fmt: skip
    except OSError as exc:
        raise AnnotatorError(f"{target}: cannot write here ({exc.strerror})") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fchmod(f.fileno(), _mode_for(where))
            os.fsync(f.fileno())
        os.replace(tmp, where)
        fsync_folder(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AnnotatorError(f"{target}: cannot be written ({exc.strerror})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _descriptor(target: Path, fd: int) -> Iterator[BinaryIO]:
    """Standard output (``-``, ``/dev/stdout``) or another of the process's open files."""
    name = "standard output" if target == STDOUT else str(target)
    if fd == 1:
        sys.stdout.flush()  # what was printed before comes first
        with _written(name, sys.stdout.buffer, on_stdout=True) as out:
            yield out
        return
    try:
        f = os.fdopen(os.dup(fd), "wb")
    except OSError as exc:
        raise AnnotatorError(f"{name}: cannot be written ({exc.strerror})") from exc
    with f, _written(name, f) as out:
        yield out


@contextmanager
def _device(target: Path, where: Path, kind: str) -> Iterator[BinaryIO]:
    """A FIFO or a character device, opened for writing only. Opened without waiting (a
    FIFO's open would otherwise wait for a reader forever, a serial line for its carrier),
    then written with the usual waits."""
    deadline = time.monotonic() + FIFO_WAIT
    while True:
        try:
            fd = os.open(where, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
            break
        except OSError as exc:
            if exc.errno == errno.ENXIO and kind == _FIFO and time.monotonic() < deadline:
                time.sleep(0.02)  # no reader yet: one may be starting beside us
                continue
            if exc.errno == errno.ENXIO and kind == _FIFO:
                raise AnnotatorError(
                    f"{target}: is {kind} that no program is reading (waited {FIFO_WAIT:g} s); "
                    "start its reader first, e.g. `cat FIFO > FILE &`"
                ) from None
            raise AnnotatorError(f"{target}: cannot be written ({exc.strerror})") from exc
    os.set_blocking(fd, True)
    with os.fdopen(fd, "wb") as f, _written(str(target), f) as out:
        yield out


@contextmanager
def _written(name: str, out: BinaryIO, *, on_stdout: bool = False) -> Iterator[BinaryIO]:
    try:
        yield out
        out.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): say so, and keep Python from failing again on
        # the closed pipe when it flushes standard output at exit.
        if on_stdout:
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise AnnotatorError(f"{name} was closed before the export was written") from None
    except OSError as exc:
        raise AnnotatorError(f"{name}: cannot be written ({exc.strerror})") from exc


# -- temporary files and folders ----------------------------------------------------------


def _temp_prefix(where: Path) -> str:
    return f".{where.name}.{os.getpid()}"


def temp_folder(where: Path, suffix: str) -> Path:
    """A new hidden folder beside ``where`` for a folder export (``suffix`` ``.tmp`` or
    ``.old``), named so that :func:`remove_stale` knows whose it is. Made with mkdir's usual
    mode (mkdtemp's 0700 would hide the export from colleagues)."""
    while True:
        folder = where.parent / f"{_temp_prefix(where)}-{secrets.token_hex(6)}{suffix}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
        except OSError as exc:
            raise AnnotatorError(f"{where}: cannot write here ({exc.strerror})") from exc


def remove_stale(where: Path) -> None:
    """Delete the temporary files and folders that writes to ``where`` left when their
    process was killed. Called once per export (the folder is read once): a brat export used
    to do this for each file it wrote, in the folder it was filling, which made it quadratic.

    A ``.old`` folder holds the previous export while the new one is moved into place; if
    its process died between the two moves, the previous export is put back first."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return
    prefix = f".{where.name}."
    owned = re.compile(r"(\d+)-[0-9a-zA-Z_]+\.(tmp|old)")
    legacy = re.compile(r"[0-9a-f]{12}\.tmp|[0-9a-z_]{8}\.old")  # before names held the pid
    for stale in where.parent.glob(f"{glob.escape(prefix)}*"):
        rest, dead = stale.name[len(prefix) :], False
        if match := owned.fullmatch(rest):
            dead = not _alive(int(match.group(1)))
        elif legacy.fullmatch(rest) and stale.is_dir() and not stale.is_symlink():
            with contextlib.suppress(OSError):
                dead = time.time() - stale.stat().st_mtime > _LEGACY_AGE
        else:
            continue
        if not dead:
            continue
        if stale.name.endswith(".old") and not where.exists() and not where.is_symlink():
            with contextlib.suppress(OSError):
                os.replace(stale / where.name, where)  # the previous export, back in place
        with contextlib.suppress(OSError):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale)
            else:
                stale.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. another user's process
    return True


def _refuse_database(target: Path, where: Path) -> None:
    """Never replace a database (or its WAL) with an export, e.g. ``export a.db -o a.db``.
    ``where`` is a regular file or missing: opening it to read cannot wait."""
    try:
        with where.open("rb") as f:
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


def fsync_folder(folder: Path) -> None:
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
