"""Phone tests read the English source strings (one test checks the Spanish catalog on purpose)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
