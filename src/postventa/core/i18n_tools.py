"""Refresh and compile the Spanish and English catalogs of every app: `make messages`.

Each app keeps its own catalog (src/postventa/<app>/locale), so people working on different apps
never edit the same .po file. Project-wide templates and settings live in src/postventa/locale.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "en")


def catalog_dirs() -> list[Path]:
    """Every directory that owns a catalog: the apps (nested ones too), then the project level."""
    apps = sorted(p.parent for p in PACKAGE_DIR.rglob("apps.py") if "migrations" not in p.parts)
    return [*apps, PACKAGE_DIR]


def nested_ignores(directory: Path) -> list[str]:
    """makemessages options that leave out the apps inside `directory` (they own their catalogs)."""
    ignores = []
    for app in catalog_dirs()[:-1]:
        if app != directory and directory in app.parents:
            ignores += ["--ignore", f"{app.relative_to(directory).as_posix()}/*"]
    return ignores


def _project_ignores() -> list[str]:
    return nested_ignores(PACKAGE_DIR)


def makemessages(directory: Path) -> None:
    django_admin = Path(sys.executable).with_name("django-admin")
    args = [str(django_admin), "makemessages", "--no-obsolete", "--no-location", "--settings=postventa.settings"]
    for lang in LANGUAGES:
        args += ["-l", lang]
    args += nested_ignores(directory)
    (directory / "locale").mkdir(exist_ok=True)
    subprocess.run(args, cwd=directory, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def compilemessages(directory: Path) -> None:
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run(
        [str(django_admin), "compilemessages", "--settings=postventa.settings"], cwd=directory, check=True
    )


def main() -> None:
    """All catalogs, or only those of the app directories given as arguments."""
    wanted = [Path(a).resolve() for a in sys.argv[1:]]
    for directory in catalog_dirs():
        if wanted and directory not in wanted:
            continue
        makemessages(directory)
        compilemessages(directory)
        print(f"catalogs refreshed: {directory.relative_to(PACKAGE_DIR.parent)}")


if __name__ == "__main__":
    main()
