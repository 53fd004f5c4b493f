"""The Debian package on a clean system (``make package-test``, which runs ``make deb`` first).

A fresh Debian (debootstrap --variant=minbase, cached in build/debian-base) gets the package
through apt, which must find every library the app needs from its Depends; then the frozen
smoke test runs there as an annotator would start it (``annotator`` on the PATH, no
ANNOTATOR_HOME): first run seeding the window offscreen, import, export with exact offsets.
Purging the package must leave nothing but the annotator's own data. Needs root (chroot) and
debootstrap; ``make test`` skips it, ``make package-test`` never does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from annotator import __version__
from conftest import REPO, SEED

DIST = REPO / "dist"
BASE = REPO / "build" / "debian-base"
SUITE = os.environ.get("ANNOTATOR_DEB_SUITE", "bookworm")



def _mirror() -> str:
    """The Debian mirror this machine's apt uses (ANNOTATOR_DEB_MIRROR overrides it)."""
    if os.environ.get("ANNOTATOR_DEB_MIRROR"):
        return os.environ["ANNOTATOR_DEB_MIRROR"]
    sources = [Path("/etc/apt/sources.list"), *Path("/etc/apt/sources.list.d").glob("*.sources")]
    for source in sources:
        text = source.read_text("utf-8") if source.is_file() else ""
        for match in re.finditer(r"^(?:URIs:|deb)\s+(\S+/debian)/?\s", text, re.M):
            return match.group(1)
    raise RuntimeError("no Debian mirror in /etc/apt: set ANNOTATOR_DEB_MIRROR")
REQUIRED_ENV = "ANNOTATOR_PACKAGE_TEST"


def _debs() -> list[Path]:
    return sorted(DIST.glob(f"annotator_{__version__}_*.deb"))


def _why_not() -> str | None:
    if not os.environ.get(REQUIRED_ENV):
        return "a minute or two as root: run by `make package-test`"
    if not _debs():
        return "no dist/annotator_*.deb: run `make deb`"
    if os.geteuid() != 0:
        return "installing into a fresh Debian root needs root (chroot)"
    if shutil.which("debootstrap") is None:
        return "debootstrap is not installed (apt-get install debootstrap)"
    return None


if (_reason := _why_not()) is not None:
    if os.environ.get(REQUIRED_ENV):
        raise RuntimeError(f"tests/test_deb.py cannot run: {_reason}")
    pytest.skip(_reason, allow_module_level=True)

pytestmark = pytest.mark.packaging

ANNOTATOR = "anna"  # the desktop user in the fresh system
ARTICLE = {
    "id": "deb-1",
    "text": "Lavrov said: “NATO must stay out.” — Kiev 😀 disagreed.",
    "spans": [
        {"id": "a1", "start": 0, "end": 6, "label": "actor", "text": "Lavrov"},
        {"id": "q1", "start": 14, "end": 33, "label": "quote", "text": "NATO must stay out."},
    ],
    "relations": [{"id": "r1", "label": "said_by", "from": "q1", "to": "a1"}],
}
# Where the system may change while a package comes and goes: apt's and dpkg's own records.
BOOKKEEPING = ("var/lib/dpkg", "var/lib/apt", "var/cache", "var/log", "tmp", "proc", "etc/ld.so.cache")


def _base() -> Path:
    """A minimal Debian, made once per checkout (about 40 s) and copied for each run."""
    if not (BASE / "usr" / "bin" / "apt-get").exists():
        shutil.rmtree(BASE, ignore_errors=True)
        BASE.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["debootstrap", "--variant=minbase", SUITE, str(BASE), _mirror()],
            check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )
    return BASE


def in_root(root: Path, *command: str, user: bool = False, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"} | env
    if user:
        environment |= {"HOME": f"/home/{ANNOTATOR}", "QT_QPA_PLATFORM": "offscreen"}
    prefix = ["chroot", str(root)]
    if user:
        prefix += ["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups"]
    return subprocess.run(
        [*prefix, *command], capture_output=True, text=True, encoding="utf-8",
        env=environment, stdin=subprocess.DEVNULL, timeout=600, check=False,
    )


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, f"{done.args}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done.stdout


def listing(root: Path) -> set[str]:
    found = set()
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        if rel.startswith(BOOKKEEPING):
            dirs[:] = []
            continue
        found.update(os.path.normpath(os.path.join(rel, name)) for name in dirs + files)
    return found


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("debian") / "root"
    subprocess.run(["cp", "-a", str(_base()), str(root)], check=True)
    shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")
    ok(in_root(root, "useradd", "--create-home", "--uid", "1000", ANNOTATOR))
    subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
    try:
        yield root
    finally:
        subprocess.run(["umount", "-l", str(root / "proc")], check=False)


def test_installs_runs_and_purges_cleanly_on_a_fresh_debian(root: Path) -> None:
    before = listing(root)
    (deb,) = _debs()
    shutil.copy(deb, root / "tmp" / deb.name)
    ok(in_root(root, "apt-get", "update", "-q"))
    ok(in_root(root, "apt-get", "install", "-y", "-q", "--no-install-recommends", f"/tmp/{deb.name}",
               DEBIAN_FRONTEND="noninteractive"))

    # Every library the app and its Qt platform plugins load resolves on this system: from
    # the bundle (where the running app finds them, hence the path) or from Depends.
    opt = "/opt/annotator/_internal"
    needed = ["/opt/annotator/annotator", f"{opt}/PySide6/Qt/lib/libQt6Gui.so.6",
              f"{opt}/PySide6/Qt/lib/libQt6Widgets.so.6"] + [
        f"{opt}/PySide6/Qt/plugins/platforms/{p}"
        for p in ("libqxcb.so", "libqwayland.so", "libqoffscreen.so")
    ]
    for path in needed:
        found = ok(in_root(root, "ldd", path, LD_LIBRARY_PATH=opt))
        assert "not found" not in found, f"{path}\n{found}"

    assert ok(in_root(root, "annotator", "--version", user=True)).strip() == (
        f"annotator, version {__version__}"
    )
    home = root / "home" / ANNOTATOR
    config = home / ".config" / "annotator"
    config.mkdir(parents=True)
    (config / "settings.json").write_text('{"annotator": "anna"}', encoding="utf-8")
    os.chown(config.parent, 1000, 1000)
    os.chown(config, 1000, 1000)
    os.chown(config / "settings.json", 1000, 1000)

    # First run: the window opens on the database seeded from the bundle.
    done = in_root(root, "annotator", user=True, ANNOTATOR_QUIT_AFTER_MS="200")
    assert ok(done).strip() == "window shown: annotations.db — anna — Annotator", done.stderr
    seeded = home / ".local" / "share" / "annotator" / "annotations.db"
    assert seeded.is_file()

    # Import and export through the installed command.
    source = home / "article.jsonl"
    source.write_text(json.dumps(ARTICLE, ensure_ascii=False) + "\n", encoding="utf-8")
    os.chown(source, 1000, 1000)
    db = f"/home/{ANNOTATOR}/.local/share/annotator/annotations.db"
    assert "1 document(s) added" in ok(in_root(root, "annotator", "import", db, f"/home/{ANNOTATOR}/article.jsonl", user=True))
    ok(in_root(root, "annotator", "export", db, "-o", f"/home/{ANNOTATOR}/out.jsonl", user=True))
    records = [json.loads(line) for line in (home / "out.jsonl").read_text("utf-8").splitlines()]
    assert [r["text"] for r in records] == [SEED.read_text(encoding="utf-8"), ARTICLE["text"]]
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]

    # The menu entry, icons and metainfo are where desktops look.
    for path in ("usr/share/applications/annotator.desktop",
                 "usr/share/icons/hicolor/256x256/apps/annotator.png",
                 "usr/share/icons/hicolor/scalable/apps/annotator.svg",
                 "usr/share/metainfo/org.annotator.Annotator.metainfo.xml",
                 "usr/share/doc/annotator/copyright"):
        assert (root / path).is_file(), path

    ok(in_root(root, "apt-get", "purge", "-y", "-q", "--autoremove", "annotator",
               DEBIAN_FRONTEND="noninteractive"))
    left = listing(root) - before
    user_data = f"home/{ANNOTATOR}/"
    assert not (root / "opt" / "annotator").exists()
    assert sorted(p for p in left if not p.startswith(user_data)) == []
    assert seeded.is_file(), "purging the package must keep the annotator's data"
