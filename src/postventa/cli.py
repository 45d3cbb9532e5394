"""The `postventa` command: one entry point for running, operating and scripting Postventa.

Most sub-commands are Django management commands under a friendlier name; `serve` runs the web
server, the job worker (with its scheduler) and, later, the chat listener as one supervised group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

COMMANDS = {
    "migrate": ("migrate", "Create or update the database tables."),
    "demo": ("demo", "Load the demo shop (idempotent; --once skips if already loaded)."),
    "createadmin": ("createadmin", "Create an administrator account."),
    "import-orders": ("import_orders", "Import orders from a CSV file."),
    "export-customer": ("export_customer", "Export everything about a customer as JSON (GDPR)."),
    "erase-customer": ("erase_customer", "Anonymise a customer's personal data (GDPR)."),
    "check": ("check", "Check the configuration and the database."),
    "worker": ("run_huey", "Run the job worker and scheduler."),
    "manage": (None, "Run any Django management command."),
}


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postventa.settings")
    import django

    django.setup()


def _usage() -> str:
    lines = ["usage: postventa COMMAND [options]", "", "commands:"]
    lines.append(f"  {'serve':<16} Run web + worker + scheduler (http://127.0.0.1:8000).")
    lines.append(f"  {'web':<16} Run only the web server (granian, WSGI).")
    lines.append(f"  {'chat':<16} Run only the live chat listener (granian, ASGI WebSockets).")
    for name, (_, help_text) in COMMANDS.items():
        lines.append(f"  {name:<16} {help_text}")
    return "\n".join(lines)


def _granian_args(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", "4",
        "--no-ws",
        "postventa.wsgi:application",
    ]  # fmt: skip


def _chat_args(host: str, port: int) -> list[str]:
    # One ASGI worker for WebSockets only: plain HTTP stays on the (faster) WSGI listener.
    return [
        sys.executable, "-m", "granian",
        "--interface", "asgi",
        "--host", host,
        "--port", str(port),
        "--workers", "1",
        "--no-access-log",
        "postventa.asgi:application",
    ]  # fmt: skip


def chat(argv: list[str]) -> int:
    from django.conf import settings

    _django_setup()
    os.execv(sys.executable, _chat_args(settings.CHAT_HOST, settings.CHAT_PORT))  # noqa: S606
    return 0  # not reached


def web(argv: list[str]) -> int:
    from django.conf import settings

    _django_setup()
    _collect_static_quietly()
    os.execv(sys.executable, _granian_args(settings.WEB_HOST, settings.WEB_PORT, settings.WEB_WORKERS))  # noqa: S606
    return 0  # not reached


def _collect_static_quietly() -> None:
    # WhiteNoise serves from the finders too, but a collected, compressed copy is faster.
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def serve(argv: list[str]) -> int:
    """Web + worker (+ scheduler) as child processes; Ctrl-C or SIGTERM stops them all."""
    _django_setup()
    from django.conf import settings

    _collect_static_quietly()
    children: list[subprocess.Popen] = []
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "postventa.settings")
    specs = [
        ("web", _granian_args(settings.WEB_HOST, settings.WEB_PORT, settings.WEB_WORKERS)),
        ("worker", [sys.executable, "-m", "postventa", "worker"]),
        ("chat", _chat_args(settings.CHAT_HOST, settings.CHAT_PORT)),
    ]
    for _name, args in specs:
        children.append(subprocess.Popen(args, env=env, start_new_session=True))

    url = f"http://{settings.WEB_HOST}:{settings.WEB_PORT}"
    print()
    print(f"  Postventa is running at {url}/console/  (customer side: {url}/)")
    print(f"  API docs: {url}/api/v1/docs")
    print(f"  Live chat sockets: ws://{settings.CHAT_HOST}:{settings.CHAT_PORT}/ws/  (demo: {url}/chat/demo/)")
    try:
        from postventa.demo.logins import demo_logins

        logins = demo_logins()
    except Exception:  # noqa: BLE001 - the banner must never stop the server from starting
        logins = []
    if logins:
        print("  Demo logins (username / password):")
        for username, password, role in logins:
            print(f"    {username:<12} {password:<22} {role}")
    print("  Press Ctrl-C to stop.")
    print()

    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        for child in children:
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    try:
        while not stopping:
            for child in children:
                code = child.poll()
                if code is not None:
                    print(f"postventa: a child process exited with code {code}; stopping.", file=sys.stderr)
                    exit_code = code or 1
                    stop()
                    break
            time.sleep(0.5)
    finally:
        stop()
        deadline = time.time() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
    return exit_code


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_usage())
        sys.exit(0)
    command, rest = argv[0], argv[1:]
    if command == "serve":
        sys.exit(serve(rest))
    if command == "web":
        sys.exit(web(rest))
    if command == "chat":
        sys.exit(chat(rest))
    if command not in COMMANDS:
        print(f"postventa: unknown command {command!r}.\n\n{_usage()}", file=sys.stderr)
        sys.exit(2)
    _django_setup()
    from django.core.management import execute_from_command_line

    django_command = COMMANDS[command][0]
    if command == "migrate":
        from django.conf import settings
        from django.core.management import call_command

        execute_from_command_line(["postventa", "migrate", *rest])
        if "DatabaseCache" in settings.CACHES["default"]["BACKEND"]:
            # The embedded cache (rate limits, lockouts) is a table too.
            call_command("createcachetable", verbosity=0)
        return
    if django_command is None:
        execute_from_command_line(["postventa", *rest])
    else:
        execute_from_command_line(["postventa", django_command, *rest])


if __name__ == "__main__":
    main()
