"""Folders the wheel carries as package data: the templates, the demo organisation and
calendar, the migrations. They are found through `importlib.resources`, from wherever the
package is installed, never from the current folder: `pip install .` then `ntvt run` from
any directory finds them.

Jinja2, Starlette's static files and Alembic all want a real folder on disk, not a
`Traversable`: a wheel installs as plain files, so `files()` gives a `Path`. A package run
from a zip file would not, and is refused with a clear message rather than half-working.
"""

from importlib.resources import files
from pathlib import Path


def package_folder(package: str, *parts: str) -> Path:
    found = files(package).joinpath(*parts)
    if not isinstance(found, Path) or not found.is_dir():
        raise RuntimeError(f"{package}/{'/'.join(parts)} is not a folder on disk ({found!r}): "
                           "install NTVT with pip, not as a zip file")
    return found
