"""Build a Debian package of the frozen app: ``make deb`` (after ``make package``).

    python packaging/deb.py [dist/annotator] [-o dist]

Lays out /opt/annotator (the PyInstaller folder), /usr/bin/annotator, the .desktop file, the
hicolor icons, the AppStream metainfo and /usr/share/doc/annotator/copyright, then runs
``dpkg-deb --build``. The X11/xcb libraries PyInstaller copied from the build machine are left
out of /opt: the package Depends on Debian's own (security updates, the same libxcb as the X
server talks to), found with ``dpkg -S`` on this machine. Linux only; needs dpkg-deb.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
from email.utils import formatdate
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAME = "annotator"
METAINFO = "org.annotator.Annotator.metainfo.xml"
# Libraries a Debian system provides and must provide itself (X11 client libraries: the
# bundle's copies came from the build machine). Matched against file names in _internal/.
SYSTEM_LIBS = re.compile(r"^lib(X11|X11-xcb|Xau|Xdmcp|Xext|Xrender|xcb(-[a-z-]+)?|xkbcommon(-x11)?)\.so")
# What the bundle links against but PyInstaller never copies (the C library, GL, Wayland),
# by soname: they must come from the system too.
NOT_BUNDLED = (
    "libc.so.6", "libGL.so.1", "libEGL.so.1", "libxcb.so.1",
    "libwayland-client.so.0", "libwayland-cursor.so.0", "libwayland-egl.so.1",
)


def version() -> str:
    text = (REPO / "src/annotator/__init__.py").read_text("utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


# Debian's package for each library the bundle takes from the system (the same names in
# bookworm and trixie). tests/test_deb.py installs the package on a fresh Debian and checks
# with ldd that every library of the app then resolves.
PACKAGES = {
    "libc.so.6": "libc6", "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1",
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1", "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6", "libXext.so.6": "libxext6", "libXrender.so.1": "libxrender1",
    "libxcb.so.1": "libxcb1", "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0", "libxcb-dri3.so.0": "libxcb-dri3-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def depends(sonames: list[str]) -> list[str]:
    unknown = [s for s in sonames if s not in PACKAGES]
    if unknown:
        sys.exit(f"deb.py: which Debian package ships {', '.join(unknown)}? Add it to PACKAGES")
    return sorted({PACKAGES[s] for s in sonames})


def copy_app(dist: Path, opt: Path) -> list[str]:
    """Copy the frozen folder, leaving out the system's libraries; return their sonames."""
    left_out = []

    def ignore(folder: str, names: list[str]) -> list[str]:
        if Path(folder).name != "_internal":
            return []
        skipped = [n for n in names if SYSTEM_LIBS.match(n)]
        left_out.extend(skipped)
        return skipped

    shutil.copytree(dist, opt, symlinks=True, ignore=ignore)
    return sorted(left_out)


def strip_libraries(opt: Path) -> None:
    """Debug symbols out of the bundled shared objects (Debian ships them stripped; a few MB).
    The executable itself is left alone: PyInstaller appends its archive to it."""
    libraries = [
        str(p) for p in opt.rglob("*.so*")
        if p.is_file() and not p.is_symlink() and p.read_bytes()[:4] == b"\x7fELF"
    ]
    if libraries and shutil.which("strip"):
        subprocess.run(["strip", "--strip-unneeded", *libraries], check=True)


def normalise_modes(root: Path) -> None:
    """Debian's modes: directories and programs 0755, everything else 0644 (.so included)."""
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir() or path.parent.name == "annotator" and path.name == NAME and "opt" in path.parts:
            path.chmod(0o755)
        else:
            path.chmod(0o644)
    root.chmod(0o755)


def changelog(ver: str) -> bytes:
    entry = (
        f"{NAME} ({ver}) unstable; urgency=medium\n\n"
        f"  * Release {ver}; see CHANGELOG.md in the source for what changed.\n\n"
        f" -- Annotator developers <annotator-developers@users.noreply.github.com>  {formatdate(usegmt=False)}\n"
    )
    return gzip.compress(entry.encode("utf-8"), mtime=0)


def control(ver: str, arch: str, deps: list[str], size_kb: int) -> str:
    return (
        f"Package: {NAME}\nVersion: {ver}\nArchitecture: {arch}\n"
        "Maintainer: Annotator developers <annotator-developers@users.noreply.github.com>\n"
        f"Installed-Size: {size_kb}\nDepends: {', '.join(deps)}\n"
        "Section: science\nPriority: optional\n"
        "Homepage: https://github.com/annotator-project/annotator\n"
        "Description: annotate claims, quotes and actors in news articles\n"
        " Annotator is a desktop application for marking spans of news articles\n"
        " (claims, quotes, actors) and the links between them (said_by, claimed_by),\n"
        " with exact character offsets, review of several annotators' work and\n"
        " export to JSONL, brat, CoNLL and other formats.\n"
        " .\n"
        " This package ships the self-contained build under /opt/annotator.\n"
    )


def build(dist: Path, out_dir: Path) -> Path:
    if not (dist / NAME).is_file():
        sys.exit(f"deb.py: no frozen app in {dist}: run `make package` first")
    ver, arch = version(), architecture()
    stage = REPO / "build" / "deb" / f"{NAME}_{ver}_{arch}"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / NAME
    left_out = copy_app(dist, opt)

    usr = stage / "usr"
    (usr / "bin").mkdir(parents=True)
    (usr / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")  # across top-level dirs: absolute
    resources = REPO / "resources"
    apps = usr / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(resources / "annotator.desktop", apps / "annotator.desktop")
    icons = usr / "share" / "icons" / "hicolor"
    for png in sorted((resources / "icons").glob("annotator-*.png")):
        px = png.stem.rsplit("-", 1)[1]
        target = icons / f"{px}x{px}" / "apps"
        target.mkdir(parents=True)
        shutil.copy(png, target / "annotator.png")
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy(resources / "icons" / "annotator.svg", icons / "scalable" / "apps" / "annotator.svg")
    metainfo = usr / "share" / "metainfo"
    metainfo.mkdir(parents=True)
    shutil.copy(resources / METAINFO, metainfo / METAINFO)
    doc = usr / "share" / "doc" / NAME
    doc.mkdir(parents=True)
    shutil.copy(REPO / "packaging" / "debian" / "copyright", doc / "copyright")
    (doc / "changelog.gz").write_bytes(changelog(ver))
    overrides = usr / "share" / "lintian" / "overrides"
    overrides.mkdir(parents=True)
    shutil.copy(REPO / "packaging" / "debian" / "lintian-overrides", overrides / NAME)

    deps = depends(sorted({*left_out, *NOT_BUNDLED}))
    strip_libraries(opt)
    normalise_modes(stage)
    size_kb = sum(p.lstat().st_size for p in stage.rglob("*")) // 1024
    debian = stage / "DEBIAN"
    debian.mkdir(mode=0o755)
    (debian / "control").write_text(control(ver, arch, deps, size_kb), "utf-8")
    sums = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(stage)
        if rel.parts[0] != "DEBIAN":
            sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {rel}\n")
    (debian / "md5sums").write_text("".join(sums), "utf-8")
    for f in debian.iterdir():
        f.chmod(0o644)

    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{NAME}_{ver}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "-z3", "--build", str(stage), str(deb)],
        check=True, stdout=subprocess.DEVNULL,
    )
    print(f"{deb}: {deb.stat().st_size / 1e6:.1f} MB, Depends: {', '.join(deps)}")
    return deb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", nargs="?", type=Path, default=REPO / "dist" / NAME)
    parser.add_argument("-o", "--out", type=Path, default=REPO / "dist")
    args = parser.parse_args()
    os.umask(0o022)
    build(args.dist, args.out)


if __name__ == "__main__":
    main()
