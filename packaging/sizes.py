"""What each part of the frozen app costs on disk (``make package`` prints it).

    python packaging/sizes.py [dist/annotator] [--top 25]

Groups the bundle by what a person would cut: each Qt library and plugin folder, each Python
package, the interpreter, the shared libraries copied from the system. Sizes are of the
files as they lie (symlinks not counted twice).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def part_of(rel: Path) -> str:
    parts = rel.parts
    if parts[0] != "_internal" or len(parts) == 1:
        return parts[0]
    inner = parts[1:]
    if inner[:2] == ("PySide6", "Qt") and len(inner) > 3:
        if inner[2] == "plugins":
            return f"Qt plugins/{inner[3]}"
        if inner[2] == "lib":
            return f"Qt lib/{inner[3].split('.so')[0].split('.dll')[0]}"
        return f"Qt {inner[2]}"
    if len(inner) == 1:
        name = inner[0]
        if name.startswith(("libpython", "python3", "base_library")):
            return "Python interpreter"
        return "system libraries (lib*.so)" if name.startswith("lib") else name
    if inner[0].endswith(".dist-info"):
        return "package metadata (.dist-info)"
    return inner[0] if inner[0] != "python3.11" else "Python interpreter"


def sizes(dist: Path) -> Counter[str]:
    totals: Counter[str] = Counter()
    for path in dist.rglob("*"):
        if path.is_file() and not path.is_symlink():
            totals[part_of(path.relative_to(dist))] += path.stat().st_size
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", nargs="?", type=Path, default=REPO / "dist" / "annotator")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if not args.dist.is_dir():
        sys.exit(f"sizes.py: no frozen app in {args.dist}: run `make package` first")
    totals = sizes(args.dist)
    whole = sum(totals.values())
    print(f"{args.dist}: {whole / 1e6:.1f} MB")
    for name, size in totals.most_common(args.top):
        print(f"  {size / 1e6:7.1f} MB  {100 * size / whole:4.1f}%  {name}")
    rest = whole - sum(s for _, s in totals.most_common(args.top))
    if rest:
        print(f"  {rest / 1e6:7.1f} MB         the other {len(totals) - args.top} parts")


if __name__ == "__main__":
    main()
