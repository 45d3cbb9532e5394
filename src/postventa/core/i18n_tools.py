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
    """Every directory that owns a catalog: the apps, then the project level."""
    apps = sorted(p for p in PACKAGE_DIR.iterdir() if (p / "apps.py").exists())
    return [*apps, PACKAGE_DIR]


def _project_ignores() -> list[str]:
    ignores = []
    for app in catalog_dirs()[:-1]:
        ignores += ["--ignore", f"{app.name}/*"]
    return ignores


def makemessages(directory: Path) -> None:
    django_admin = Path(sys.executable).with_name("django-admin")
    args = [str(django_admin), "makemessages", "--no-obsolete", "--no-location", "--settings=postventa.settings"]
    for lang in LANGUAGES:
        args += ["-l", lang]
    if directory == PACKAGE_DIR:
        args += _project_ignores()
    (directory / "locale").mkdir(exist_ok=True)
    subprocess.run(args, cwd=directory, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def compilemessages(directory: Path) -> None:
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run(
        [str(django_admin), "compilemessages", "--settings=postventa.settings"], cwd=directory, check=True
    )


def main() -> None:
    for directory in catalog_dirs():
        makemessages(directory)
        compilemessages(directory)
        print(f"catalogs refreshed: {directory.relative_to(PACKAGE_DIR.parent)}")


if __name__ == "__main__":
    main()
