"""Shared fixtures: staff personas, an API client with a real token, a real SMTP server."""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

os.environ.setdefault("POSTVENTA_TESTING", "1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.RATE_LIMITS_DISABLED = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()


# Reference rows that data migrations write: (migration module, function, model that holds them).
SEEDED_BY_MIGRATIONS = (
    ("postventa.aftercare.returns.migrations.0002_default_policy_and_reasons", "forwards", "returns.ReturnReason"),
    ("postventa.aftercare.warranties.migrations.0002_seed_jurisdictions", "seed", "warranties.LegalRule"),
    ("postventa.aftercare.warranties.migrations.0003_spanish_citations", "forwards", None),
)


@pytest.fixture(autouse=True)
def _rows_seeded_by_migrations(request):
    """Put back the rows data migrations create (return reasons and policy, legal guarantee rules).

    A transactional test (live server, browser) flushes the database when it ends, which removes
    them for every later test in the same process, as if the migrations had never run.
    """
    if request.node.get_closest_marker("django_db") is None and "_django_db_helper" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    import importlib

    from django.apps import apps

    missing = False
    for module, function, model in SEEDED_BY_MIGRATIONS:
        if model is not None:
            missing = not apps.get_model(model).objects.exists()
        if missing:
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def make_user(db):
    from postventa.accounts.models import User

    def make(username: str, role: str = "agent", **extra) -> User:
        user = User.objects.create_user(username=username, password="correct-horse-battery", role=role, **extra)
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("ana.admin", role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def supervisor(make_user):
    return make_user("sara.supervisor", role="supervisor")


@pytest.fixture
def agent(make_user):
    return make_user("alex.agent", role="agent")


@pytest.fixture
def analyst(make_user):
    return make_user("nora.analyst", role="analyst")


@pytest.fixture
def console_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def api_token(admin_user):
    """A bearer secret for the admin with every scope."""
    from postventa.accounts.tokens import VALID_SCOPES, token_create

    _, secret = token_create(acting_user=admin_user, owner=admin_user, name="tests", scopes=sorted(VALID_SCOPES))
    return secret


@pytest.fixture
def api(client, api_token):
    """A Django test client that sends the admin's API token."""

    class ApiClient:
        def __init__(self, secret):
            self.headers = {"Authorization": f"Bearer {secret}"}

        def get(self, path, **params):
            return client.get(path, params, headers=self.headers)

        def post(self, path, data=None):
            return client.post(path, data or {}, content_type="application/json", headers=self.headers)

        def put(self, path, data=None):
            return client.put(path, data or {}, content_type="application/json", headers=self.headers)

        def patch(self, path, data=None):
            return client.patch(path, data or {}, content_type="application/json", headers=self.headers)

        def delete(self, path):
            return client.delete(path, headers=self.headers)

    return ApiClient(api_token)


@dataclass
class SmtpSink:
    """Messages received by a real aiosmtpd server on 127.0.0.1."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list = field(default_factory=list)

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        deadline = time.time() + timeout
        while len(self.messages) < count and time.time() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in (m["To"] or "").lower()]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; settings point Django's SMTP backend at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=free_port())
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                sink.envelopes.append(envelope)
                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def drain_outbox(db):
    """Run the worker's outbox drain in-process (what the Huey task does)."""
    from postventa.core import outbox

    def drain(**kwargs) -> int:
        return outbox.drain(**kwargs)

    return drain


# --- Browser (Debian's chromium through Playwright; never `playwright install`) ---------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process: Playwright's sync API allows one running instance per thread."""
    # Playwright's sync API runs an event loop; Django refuses sync DB calls from inside one.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context_factory(browser, settings):
    settings.RATE_LIMITS_DISABLED = True
    contexts = []

    def make(locale: str = "es-ES"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser_context_factory):
    page = browser_context_factory("es-ES").new_page()
    page.set_default_timeout(10_000)
    return page
