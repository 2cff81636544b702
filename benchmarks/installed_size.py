"""How much a ward's server installs: `pip install .` of two revisions of this project,
each into a fresh venv, and the size of what lands in site-packages.

The baseline is the earlier revision (by default the last one before the dependencies
were trimmed), measured in the same run; printed are both sizes, the ratio, and the
largest packages of each, so a dependency that creeps back in shows.

    .venv/bin/python benchmarks/installed_size.py --before a53e3d9 --after HEAD
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def installed(revision: str, into: Path) -> dict[str, int]:
    """Bytes per top-level entry of site-packages after `pip install .` of `revision`."""
    source, venv = into / "source", into / "venv"
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(source)], check=True)
    [site] = venv.glob("lib/python*/site-packages")
    # pip and setuptools come with every venv: not the product's.
    skip = ("pip", "setuptools", "_distutils_hack", "distutils-precedence.pth")
    return {entry.name: tree_size(entry) if entry.is_dir() else entry.stat().st_size
            for entry in site.iterdir() if not entry.name.startswith(skip)}


def largest(sizes: dict[str, int], count: int = 8) -> str:
    top = sorted(sizes.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{name} {size / 1e6:.1f}" for name, size in top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="a53e3d9")
    parser.add_argument("--after", default="HEAD")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = installed(args.before, Path(tmp) / "before")
        after = installed(args.after, Path(tmp) / "after")
    total_before, total_after = sum(before.values()), sum(after.values())
    print(f"before ({args.before}): {total_before / 1e6:.1f} MB in site-packages")
    print(f"  largest (MB): {largest(before)}")
    print(f"after ({args.after}): {total_after / 1e6:.1f} MB in site-packages")
    print(f"  largest (MB): {largest(after)}")
    print(f"ratio after/before: {total_after / total_before:.2f}")
    gone = sorted(name for name in before if name not in after and not name.endswith("-info"))
    print(f"no longer installed: {', '.join(gone)}")


if __name__ == "__main__":
    main()
