"""The frozen bundle's size and what it is made of (issue 21, "Frozen bundle").

    .venv/bin/python bench/bench_bundle.py [FOLDER] [--top 15] [--installer SETUP.EXE] [--compare OLD_FOLDER]

FOLDER is a PyInstaller one-dir build (default: .cache/frozen/current, the folder scripts/frozen_smoke.sh last
checked). Prints the installed size (bytes on disk as `du` counts them, symbolic links as links) and the top
parts by size. A part is a package folder or a single library: PySide6 is split into its Qt libraries, plugins
and bindings, the `*.libs` folders (auditwheel-bundled libraries) and the fonts into their files, so ICU,
OpenBLAS, one font or one libcrypto each show as one line. There is no floor to run beside it: the target is
absolute (installed ≤ 250 MB, installer ≤ 100 MB; MB here is MiB, as `du -h` counts). --compare prints, for
the parts that changed most, their size in an older build and in this one (what each cut bought).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
# Folders shown one level (or, for Qt, two levels) deeper than the top of _internal.
SPLIT = ("PySide6/Qt/lib", "PySide6/Qt/plugins", "PySide6/Qt", "PySide6", "resources/fonts", "resources")


def disk_bytes(path: Path) -> int:
    st = path.lstat()
    return st.st_blocks * 512


def part_of(rel: str) -> str:
    """The part a file under _internal belongs to."""
    for folder in SPLIT:
        if rel.startswith(folder + "/"):
            rest = rel[len(folder) + 1 :]
            return folder + "/" + rest.split("/", 1)[0]
    top = rel.split("/", 1)[0]
    if top.endswith(".libs") and "/" in rel:
        return rel  # one auditwheel-bundled library (numpy.libs/libscipy_openblas64_…)
    return top


def measure(folder: Path) -> tuple[int, int, Counter[str]]:
    total = files = 0
    parts: Counter[str] = Counter()
    internal = folder / "_internal"
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(dirpath) / name
            size = disk_bytes(path)
            total += size
            files += 1
            try:
                rel = path.relative_to(internal).as_posix()
            except ValueError:
                rel = "(program) " + path.relative_to(folder).as_posix()
            parts[part_of(rel) if not rel.startswith("(program)") else rel] += size
    return total, files, parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / ".cache" / "frozen" / "current"))
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--installer", help="an installer .exe to report beside the folder")
    parser.add_argument("--compare", help="an older one-dir build: the parts that changed most")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    if not (folder / "_internal").is_dir():
        print(f"{folder} is not a one-dir build (no _internal); run scripts/frozen_smoke.sh first")
        return 1
    total, files, parts = measure(folder)
    print(f"bundle {folder}: {total / MIB:.1f} MiB installed ({total:,} bytes on disk, {files} files)")
    print(f"target ≤ 250 MiB: {'met' if total <= 250 * MIB else 'NOT met'}")
    print(f"top {args.top} parts:")
    for name, size in parts.most_common(args.top):
        print(f"  {size / MIB:7.1f} MiB  {name}")
    rest = total - sum(size for _, size in parts.most_common(args.top))
    print(f"  {rest / MIB:7.1f} MiB  everything else ({max(len(parts) - args.top, 0)} parts)")
    if args.compare:
        old_total, old_files, old_parts = measure(Path(args.compare).resolve())
        print(f"compared with {args.compare}: {old_total / MIB:.1f} MiB, {old_files} files")
        names = set(parts) | set(old_parts)
        changed = sorted(names, key=lambda n: -abs(parts.get(n, 0) - old_parts.get(n, 0)))
        for name in changed[: args.top]:
            before, after = old_parts.get(name, 0), parts.get(name, 0)
            print(f"  {before / MIB:7.1f} → {after / MIB:6.1f} MiB ({(after - before) / MIB:+6.1f})  {name}")
        rest = sum(parts.get(n, 0) - old_parts.get(n, 0) for n in changed[args.top :])
        print(f"  {rest / MIB:+23.1f} MiB  the other parts")
    if args.installer:
        size = Path(args.installer).stat().st_size
        print(
            f"installer {args.installer}: {size / MIB:.1f} MiB ({size:,} bytes); target ≤ 100 MiB: "
            f"{'met' if size <= 100 * MIB else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
