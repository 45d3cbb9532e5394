"""Helpdesk vs django-helpdesk: the same four jobs, the same wrk load shape, side by side.

    .venv/bin/python bench/helpdesk_pages.py load --tickets 10000 --customers 5000   # once, with
        HELPDESK_BENCH_DB=var/bench/helpdesk-10k.sqlite3 (the peer's scale: 10,000 tickets)
    HELPDESK_BENCH_DB=var/bench/helpdesk-10k.sqlite3 .venv/bin/python bench/peer_compare.py
    .venv/bin/python bench/peer_compare.py --duration 10        # the 1M-ticket database

Starts `postventa web` (granian, 2 workers, DEBUG off) on the helpdesk bench database and runs
`wrk` with the peer harness's own Lua reporter (../shared/bench/peer/lib/wrk_report.lua), one
wrk thread and 16 connections, like ../shared/bench/peer/run_django_helpdesk.sh does, for:

- ticket create through the API (POST /api/v1/tickets/, JSON, API token)
- the public web form (POST /portal/help/new/, anonymous, CSRF cookie + token)
- the staff ticket list (GET /console/tickets/, the inbox with its default view)
- one ticket's page (GET /console/tickets/<id>/, rotating over tickets with 2-8 messages)

The django-helpdesk figures are the medians in ../shared/bench/peer/RESULTS.md (2026-11-23,
django-helpdesk 2.6.1, gunicorn 2 sync workers, SQLite WAL, 10,000 tickets), or, with
--peer-summary, the SUMMARY.txt of a fresh run_django_helpdesk.sh. Our figures are taken now, on
the same 2 cores, with whatever else is running (the load average is printed beside them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, load_note, table  # noqa: E402

PEER_LUA = ROOT.parent / "shared" / "bench" / "peer" / "lib" / "wrk_report.lua"

# django-helpdesk 2.6.1, 16 connections, median of 6 runs (../shared/bench/peer/RESULTS.md).
PEER = {
    "api_create": {"label": "API ticket create POST", "rps": 100.0, "p50": 158.4, "p99": 205.6},
    "web_form": {"label": "public ticket form POST", "rps": 165.6, "p50": 94.6, "p99": 135.5},
    "staff_list": {"label": "staff ticket list page", "rps": 118.8, "p50": 132.7, "p99": 174.3},
    "ticket_view": {"label": "view one ticket", "rps": 44.0, "p50": 352.5, "p99": 498.5},
}
OURS = {
    "api_create": "POST /api/v1/tickets/ (token, JSON)",
    "web_form": "POST /portal/help/new/ (anonymous, CSRF)",
    "staff_list": "GET /console/tickets/ (inbox, session)",
    "ticket_view": "GET /console/tickets/<id>/ (session)",
}
WRK_SCRIPT = """
dofile(%(lua)s)
paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i %% #paths) + 1])
end
"""


def peer_from_summary(path: Path) -> dict:
    """Medians from a fresh run_django_helpdesk.sh SUMMARY.txt (lines: name rps p50 p99 ...)."""
    names = {
        "hd_api_ticket_create_POST": "api_create",
        "hd_public_submit_POST": "web_form",
        "hd_staff_list_page": "staff_list",
        "hd_staff_view": "ticket_view",
    }
    out = {k: dict(v) for k, v in PEER.items()}
    for line in path.read_text().splitlines():
        for name, key in names.items():
            if line.startswith(name):
                numbers = re.findall(r"(?<![\[\-\d.])(\d+(?:\.\d+)?)(?=\s|$)", line)
                if len(numbers) >= 3:
                    out[key].update(rps=float(numbers[0]), p50=float(numbers[1]), p99=float(numbers[2]))
    return out


def run_wrk(port: int, paths: list[str], env: dict[str, str], seconds: int, conns: int) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is missing: apt-get install -y wrk (what the peer harness uses)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT % {"lua": json.dumps(str(PEER_LUA)), "paths": ", ".join(json.dumps(p) for p in paths)}
        )
    try:
        out = subprocess.run(
            [wrk, "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "30s", "-s", script.name,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=seconds + 60, check=False,
            env={**os.environ, "WRK_COUNT_STATUS": "1", **env},
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    match = re.search(r"^WRKJSON (.*)$", out, re.M)
    if not match:
        raise SystemExit(f"wrk gave no report:\n{out}")
    return json.loads(match.group(1))


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="wrk seconds per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="discarded warm-up seconds")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--peer-summary", type=Path, help="SUMMARY.txt of a fresh peer run")
    args = parser.parse_args(argv)
    args.duration = max(3, min(args.duration, 60))

    import helpdesk_pages as hp

    # The public form is rate-limited per address (5/min): lift it for the bench server only.
    os.environ["HELPDESK_FORM_RATE_PER_MINUTE"] = "100000000"
    os.environ["PUBLIC_RATE_LIMIT_PER_MINUTE"] = "100000000"
    db = hp.setup()
    import http_latency as hl
    from django.urls import reverse

    from postventa.customers.models import Customer
    from postventa.helpdesk.models import Message, Ticket

    ctx = hp.prepare(seed=11)
    peer = peer_from_summary(args.peer_summary) if args.peer_summary else PEER
    n_tickets = Ticket.objects.count()
    print(f"{load_note()}\nhelpdesk bench database: {db}; {n_tickets:,} tickets")
    customer_id = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    rng = random.Random(3)
    small = list(
        Message.objects.filter(ticket_id__in=ctx["five"]).values_list("ticket_id", flat=True).distinct()[:50]
    ) or [rng.choice(ctx["five"])]
    form_path = reverse("portal:help_new")
    port = hl.free_port()
    proc = hl.start_server(port, args.workers)
    results = []
    try:
        hl.wait_ready(port, proc, ctx["login"])
        session = hl.console_login(port, ctx["login"])
        anon = hl.Session(port)
        status, body, _ = anon.request("GET", form_path)
        token_match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not token_match or "csrftoken" not in anon.cookies:
            raise SystemExit(f"public form: HTTP {status}, no CSRF token")
        csrf_cookie = anon.cookies["csrftoken"]
        form_body = urlencode(
            {
                "csrfmiddlewaretoken": token_match.group(1).decode(),
                "name": "Bench Customer",
                "email": "bench.customer@example.org",
                "subject": "Warranty claim for device SN-0042",
                "body": "The screen flickers after the last firmware update. Bought in March, still under warranty.",
            }
        )
        api_body = json.dumps(
            {
                "customer_id": customer_id,
                "subject": "Warranty claim for device SN-0042",
                "body": "The screen flickers after the last firmware update. Bought in March, still under warranty.",
                "priority": "high",
            }
        )
        files = {}
        for name, content in (("form", form_body), ("api", api_body)):
            handle = tempfile.NamedTemporaryFile("w", suffix=".body", delete=False)  # noqa: SIM115
            handle.write(content)
            handle.close()
            files[name] = handle.name
        detail = ctx["detail"]
        scenarios = {
            "api_create": (
                ["/api/v1/tickets/"],
                {
                    "WRK_METHOD": "POST",
                    "WRK_BODY_FILE": files["api"],
                    "WRK_HEADERS": f"Authorization: Bearer {ctx['token']}||Content-Type: application/json",
                },
                201,
            ),
            "web_form": (
                [form_path],
                {
                    "WRK_METHOD": "POST",
                    "WRK_BODY_FILE": files["form"],
                    "WRK_HEADERS": f"Cookie: csrftoken={csrf_cookie}||Content-Type: application/x-www-form-urlencoded"
                    f"||Referer: http://127.0.0.1:{port}{form_path}",
                },
                200,
            ),
            "staff_list": (
                [ctx["inbox"]],
                {"WRK_HEADERS": f"Cookie: sessionid={session.cookies['sessionid']}"},
                200,
            ),
            "ticket_view": (
                [detail.format(id=i) for i in small],
                {"WRK_HEADERS": f"Cookie: sessionid={session.cookies['sessionid']}"},
                200,
            ),
        }
        for key, (paths, env, expected) in scenarios.items():
            if args.warmup:
                run_wrk(port, paths, env, args.warmup, args.connections)
            before = Ticket.objects.count()
            started = time.perf_counter()
            report = run_wrk(port, paths, env, args.duration, args.connections)
            ok = report["status"].get(str(expected), 0)
            results.append(
                {"key": key, **report, "expected": expected, "ok": ok, "created": Ticket.objects.count() - before,
                 "seconds": time.perf_counter() - started}
            )  # fmt: skip
        for path in files.values():
            os.unlink(path)
    finally:
        hl.stop_server(proc)
    rows = []
    for r in results:
        p = peer[r["key"]]
        rows.append(
            [
                p["label"],
                f"{p['rps']:.0f}",
                f"{r['rps']:.0f}",
                f"{r['rps'] / p['rps']:.1f}x",
                f"{p['p50']:.0f} / {p['p99']:.0f}",
                f"{r['p50_ms']:.0f} / {r['p99_ms']:.0f}",
                f"{r['ok']:,} x {r['expected']}" + (f" (+{r['requests'] - r['ok']} other)" if r["requests"] != r["ok"] else ""),
            ]
        )
    print(
        f"\nwrk -t1 -c{args.connections}, {args.duration} s per scenario after {args.warmup} s warm-up; "
        f"django-helpdesk: {'fresh run' if args.peer_summary else 'shared/bench/peer/RESULTS.md medians'}"
    )
    print(
        table(
            ["job", "django-helpdesk req/s", "Postventa req/s", "ratio", "peer p50/p99 ms", "ours p50/p99 ms",
             "our responses"],
            rows,
        )
    )  # fmt: skip
    for r in results:
        if r["key"] in ("api_create", "web_form"):
            print(f"  {r['key']}: {r['created']:,} tickets created during the measured run")
    return results


if __name__ == "__main__":
    main()
