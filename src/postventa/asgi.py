"""ASGI entry point, for WebSockets only (live chat). HTTP is served by WSGI: it is faster here."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postventa.settings")
application = get_asgi_application()
