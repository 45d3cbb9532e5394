"""`postventa manage mail_listener --host 127.0.0.1 --port 2525 [--lmtp]`: inbound mail server."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Receive email for active mailboxes over SMTP (or LMTP) and queue it for processing."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP instead of SMTP.")

    def handle(self, *args, host: str, port: int, lmtp: bool, **options):
        from postventa.messaging.email.listener import make_controller

        controller = make_controller(host=host, port=port, lmtp=lmtp)
        controller.start()
        self.stdout.write(f"Listening for {'LMTP' if lmtp else 'SMTP'} on {host}:{port}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_a: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
