"""Spanish and English catalogs are complete, compiled, and cover every string in the code."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from postventa.core.i18n_tools import PACKAGE_DIR, catalog_dirs, nested_ignores

SOURCE_DIRS = [d for d in catalog_dirs() if (d / "locale" / "es" / "LC_MESSAGES" / "django.po").exists()]


def _po(directory: Path, lang: str):
    with open(directory / "locale" / lang / "LC_MESSAGES" / "django.po", "rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("directory", SOURCE_DIRS, ids=lambda d: d.relative_to(PACKAGE_DIR.parent).as_posix())
def test_spanish_catalog_is_complete_and_compiled(directory):
    catalog = _po(directory, "es")
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"untranslated in {directory.name}: {missing[:10]}"
    assert not fuzzy, f"fuzzy (unchecked) in {directory.name}: {fuzzy[:10]}"
    with open(directory / "locale" / "es" / "LC_MESSAGES" / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in catalog:
        if message.id and not message.pluralizable:
            got = compiled.pgettext(message.context, message.id) if message.context else compiled.gettext(message.id)
            assert got == message.string, f"{directory.name}: run `make messages` ({message.id!r})"


def test_every_app_with_strings_has_a_catalog():
    have = {d.name for d in SOURCE_DIRS}
    for directory in catalog_dirs():
        if directory == PACKAGE_DIR:
            continue
        uses_gettext = any(
            "gettext" in p.read_text(errors="ignore") or "{% translate" in p.read_text(errors="ignore")
            for p in directory.rglob("*")
            if p.suffix in {".py", ".html", ".txt"} and "migrations" not in p.parts
        )
        if uses_gettext:
            assert directory.name in have, f"{directory.name} has translatable strings but no Spanish catalog"


@pytest.mark.skipif(shutil.which("xgettext") is None and not os.environ.get("CI"), reason="needs gettext (xgettext)")
@pytest.mark.parametrize("directory", SOURCE_DIRS, ids=lambda d: d.relative_to(PACKAGE_DIR.parent).as_posix())
def test_catalog_covers_every_string_in_the_code(directory, tmp_path):
    """Re-extract the strings into a copy and compare: a string added without `make messages` fails."""
    copy = tmp_path / directory.name
    shutil.copytree(directory, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    extra = nested_ignores(directory)
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "es", "--no-location", "--settings=postventa.settings", *extra],
        cwd=copy, check=True, capture_output=True,
    )
    extracted = {m.id for m in _po(copy, "es") if m.id}
    committed = {m.id for m in _po(directory, "es") if m.id}
    assert extracted <= committed, f"strings missing from {directory.name}'s catalog: {sorted(extracted - committed)[:10]}"
