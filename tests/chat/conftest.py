"""Chat fixtures: a widget, a channel layer on a temporary SQLite file, socket helpers."""

from __future__ import annotations

import pytest
from chattools import ORIGIN


@pytest.fixture
def layer_path(tmp_path, settings):
    path = str(tmp_path / "layer.sqlite3")
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "postventa.messaging.chat.layers.SQLiteChannelLayer",
            "CONFIG": {"path": path, "poll_interval": 0.01},
        }
    }
    return path


@pytest.fixture
def widget(transactional_db, layer_path):
    from postventa.messaging.chat.models import WidgetConfig

    return WidgetConfig.objects.create(
        name="Shop",
        allowed_origins=[ORIGIN],
        greeting_es="¡Hola!",
        greeting_en="Hi!",
        offline_form_enabled=True,
    )


@pytest.fixture
def available_agent(make_user):
    return make_user("alex.live", role="agent", availability="available", first_name="Alex")
