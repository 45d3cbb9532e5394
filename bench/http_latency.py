"""HTTP latency of the pages and endpoints staff use most, against the bench database.

    .venv/bin/python bench/http_latency.py                 # 200 sequential requests per endpoint + wrk
    .venv/bin/python bench/http_latency.py -n 500 --wrk-seconds 10 --explain

Starts `postventa web` (granian, WSGI) on a free 127.0.0.1 port, signs in to the console as the
demo admin and creates an API token, then measures each endpoint: p50/p95 over N sequential
requests on one keep-alive connection (the figure the targets are about), and, if `wrk` is
installed, throughput and latency under a little concurrency for a bounded few seconds.
`--explain` also runs each endpoint in-process and prints its query count and slowest queries
with the database's plan, which is how to find the app and index at fault when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, bench_env, load_note, setup_django, summary_ms, table  # noqa: E402

TARGETS_MS = {"detail": 30.0, "list": 50.0, "info": None}
ADMIN = ("admin", "postventa-admin")
TOKEN_SCOPES = ["customers:read", "orders:read", "catalog:read"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """One keep-alive connection with a cookie jar and optional headers."""

    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port = port
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, extra: dict | None = None):
        headers = {**self.headers, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return response.status, data, response


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = bench_env()
    env.update({"PORT": str(port), "HOST": "127.0.0.1", "WEB_WORKERS": str(workers), "DEBUG": "false"})
    log = open(Path(tempfile.gettempdir()) / f"postventa-bench-web-{port}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "postventa", "web"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def wait_ready(port: int, proc: subprocess.Popen, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the web server exited with code {proc.returncode}; see its log in /tmp")
        try:
            status, _, _ = Session(port).request("GET", path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the web server did not answer within 60 s")


def console_login(port: int, login_path: str) -> Session:
    session = Session(port)
    status, body, _ = session.request("GET", login_path)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match:
        raise SystemExit(f"console login page: HTTP {status}, no CSRF token")
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": ADMIN[0], "password": ADMIN[1]}
    )
    status, _, _ = session.request(
        "POST",
        login_path,
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}{login_path}",
        },
    )
    if status != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"console login failed (HTTP {status}): is the demo admin in the bench database?")
    return session


def prepare(seed: int) -> dict:
    """In this process, against the bench DB: an API token, sample ids and the URLs to hit."""
    from django.db.models import Count, Max, Min
    from django.urls import NoReverseMatch, reverse

    from postventa.accounts.models import ApiToken, User
    from postventa.accounts.tokens import token_create
    from postventa.customers.models import Customer
    from postventa.orders.models import Order

    admin = User.objects.filter(username=ADMIN[0]).first()
    if admin is None or not Order.objects.exists():
        raise SystemExit("the bench database is empty: run bench/load_data.py first")
    ApiToken.objects.filter(user=admin, name="bench http_latency").delete()  # the previous run's
    _token, secret = token_create(
        acting_user=admin, owner=admin, name="bench http_latency", scopes=TOKEN_SCOPES
    )
    rng = random.Random(seed)
    bounds = Order.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    order_ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(200)]
    bounds = Customer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    customer_ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(200)]
    # The customers with the most orders make the heaviest 360 pages: measure them too.
    heavy = list(
        Order.objects.values("customer_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("customer_id", "n")[:5]
    )

    def url(name: str, fallback: str, **kwargs) -> str:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return fallback.format(**kwargs)

    return {
        "token": secret,
        "order_ids": order_ids,
        "customer_ids": customer_ids,
        "heavy": heavy,
        "login": url("console:login", "/console/login/"),
        "customer_360": url("console:customer_detail", "/console/customers/{pk}/", pk=0).replace(
            "/0/", "/{id}/"
        ),
        "console_orders": url("console:order_list", "/console/orders/"),
        "console_customers": url("console:customer_list", "/console/customers/"),
        "dashboard": url("console:dashboard", "/console/"),
        "api": "/api/v1",
    }


def endpoints(ctx: dict) -> list[dict]:
    api = ctx["api"]
    heavy_ids = [cid for cid, _n in ctx["heavy"]]
    return [
        {
            "name": "API order detail",
            "kind": "detail",
            "auth": "token",
            "paths": [f"{api}/orders/{i}" for i in ctx["order_ids"]],
        },
        {
            "name": "console customer 360",
            "kind": "detail",
            "auth": "session",
            "paths": [ctx["customer_360"].format(id=i) for i in ctx["customer_ids"]],
        },
        {
            "name": "console customer 360 (top buyers)",
            "kind": "detail",
            "auth": "session",
            "paths": [ctx["customer_360"].format(id=i) for i in heavy_ids],
        },
        {"name": "API orders list", "kind": "list", "auth": "token", "paths": [f"{api}/orders?page_size=50"]},
        {
            "name": "API orders list ?status=paid",
            "kind": "list",
            "auth": "token",
            "paths": [f"{api}/orders?page_size=50&status=paid"],
        },
        {
            "name": "API customers list",
            "kind": "list",
            "auth": "token",
            "paths": [f"{api}/customers/?page_size=50"],
        },
        {"name": "console orders list", "kind": "list", "auth": "session", "paths": [ctx["console_orders"]]},
        {
            "name": "console customers list",
            "kind": "list",
            "auth": "session",
            "paths": [ctx["console_customers"]],
        },
        # No target: the landing page every agent opens first; counts over the whole database.
        {"name": "console dashboard", "kind": "info", "auth": "session", "paths": [ctx["dashboard"]]},
    ]


def measure(session: Session, paths: list[str], n: int) -> tuple[list[float], dict[int, int]]:
    statuses: dict[int, int] = {}
    for path in paths[:5]:  # warm-up: templates, caches, connection
        session.request("GET", path)
    samples = []
    for i in range(n):
        path = paths[i % len(paths)]
        start = time.perf_counter()
        status, _body, _ = session.request("GET", path)
        samples.append(time.perf_counter() - start)
        statuses[status] = statuses.get(status, 0) + 1
    return samples, statuses


WRK_SCRIPT = """
paths = {%s}
i = 0
%s
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def run_wrk(
    port: int, paths: list[str], headers: dict[str, str], seconds: int, connections: int
) -> dict | None:
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    lua_paths = ", ".join(json.dumps(p) for p in paths[:200])
    lua_headers = "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (lua_paths, lua_headers))
    try:
        out = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=False,
        ).stdout
    finally:
        os.unlink(script.name)

    def ms(label: str) -> float | None:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else None,
        "p50": ms("50"),
        "p90": ms("90"),
        "p99": ms("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


class QueryTimer:
    """A database execute wrapper: every statement with its own perf_counter duration."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - start, sql, params))


def explain(ctx: dict, endpoint: dict, profile: bool) -> None:
    """Query count, SQL share and the slowest queries of one request, run in-process, with plans."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client

    from postventa.accounts.models import User

    client = Client()
    if endpoint["auth"] == "session":
        client.force_login(User.objects.get(username=ADMIN[0]))
        headers = {}
    else:
        headers = {"Authorization": f"Bearer {ctx['token']}"}
    path = endpoint["paths"][0]
    client.get(path, headers=headers)  # warm
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        total = (time.perf_counter() - start) * 1000
    # SQLite does most of a query's work while rows are fetched, after execute() returns, so the
    # wrapper's figure is a lower bound: replay each SELECT with fetchall() for its full cost.
    replayed = []
    with connection.cursor() as cursor:
        for _seconds, sql, params in timer.queries:
            if sql.lstrip().upper().startswith("SELECT"):
                start = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                replayed.append((time.perf_counter() - start, sql, params))
    sql_ms = sum(q[0] for q in replayed) * 1000
    print(f"\n[{endpoint['name']}] {path}: HTTP {response.status_code}, {len(timer.queries)} queries")
    print(f"  {total:.1f} ms in-process; its SELECTs replayed with fetchall take {sql_ms:.1f} ms")
    print("  (the rest is Python: view, serialisation, templates)")
    for seconds, sql, params in sorted(replayed, key=lambda q: -q[0])[:3]:
        print(f"  {seconds * 1000:7.2f} ms  {' '.join(sql.split())[:220]}")
        if seconds * 1000 >= 1:
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql, params)
                for row in cursor.fetchall():
                    print(f"           plan: {row[-1]}")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(path, headers=headers)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        print("  profile of 5 requests, by own time:")
        for line in lines[-13:]:
            print("   ", line[:160])


def verdict_of(result: dict) -> str:
    if not result["ok"]:
        return f"HTTP {result['statuses']}"
    if result["target"] is None:
        return "info"
    return "PASS" if result["pass"] else "FAIL"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="Sequential requests per endpoint.")
    parser.add_argument("--wrk-seconds", type=int, default=5, help="wrk duration per endpoint (0: skip wrk).")
    parser.add_argument("--connections", type=int, default=4, help="wrk concurrent connections.")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes.")
    parser.add_argument("--explain", action="store_true", help="Print query counts and plans per endpoint.")
    parser.add_argument(
        "--profile", action="store_true", help="With --explain: a Python profile per endpoint."
    )
    args = parser.parse_args(argv)
    args.n = max(20, min(args.n, 5000))
    args.wrk_seconds = max(0, min(args.wrk_seconds, 60))

    db = setup_django()
    ctx = prepare(seed=42)
    print(load_note())
    print(f"bench database: {db}; top buyers: {', '.join(f'#{c} ({n} orders)' for c, n in ctx['heavy'][:3])}")
    port = free_port()
    proc = start_server(port, args.workers)
    results = []
    try:
        wait_ready(port, proc, ctx["login"])
        session = console_login(port, ctx["login"])
        token = Session(port, {"Authorization": f"Bearer {ctx['token']}", "Accept": "application/json"})
        for ep in endpoints(ctx):
            client = session if ep["auth"] == "session" else token
            samples, statuses = measure(client, ep["paths"], args.n)
            stats = summary_ms(samples)
            target = TARGETS_MS[ep["kind"]]
            wrk = None
            if args.wrk_seconds:
                headers = (
                    {"Cookie": f"sessionid={session.cookies['sessionid']}"}
                    if ep["auth"] == "session"
                    else {"Authorization": f"Bearer {ctx['token']}"}
                )
                wrk = run_wrk(port, ep["paths"], headers, args.wrk_seconds, args.connections)
            ok = statuses.get(200, 0) == args.n
            results.append(
                {
                    "name": ep["name"],
                    "kind": ep["kind"],
                    **stats,
                    "target": target,
                    "statuses": statuses,
                    "ok": ok,
                    "pass": ok and (target is None or stats["p95"] <= target),
                    "wrk": wrk,
                }
            )
    finally:
        stop_server(proc)
    rows = []
    for r in results:
        wrk = r["wrk"] or {}
        verdict = verdict_of(r)
        rows.append(
            [
                r["name"],
                f"{r['p50']:.1f}",
                f"{r['p95']:.1f}",
                f"{r['max']:.1f}",
                f"<= {r['target']:.0f}" if r["target"] else "-",
                verdict,
                f"{wrk['rps']:.0f}" if wrk.get("rps") else "-",
                f"{wrk['p50']:.1f}/{wrk['p99']:.1f}" if wrk.get("p99") else "-",
            ]
        )
    print(f"\n{args.n} sequential requests per endpoint (ms); wrk: {args.connections} connections, ", end="")
    print(f"{args.wrk_seconds} s each")
    print(table(["endpoint", "p50", "p95", "max", "target p95", "verdict", "wrk req/s", "wrk p50/p99"], rows))
    if args.explain:
        for ep in endpoints(ctx):
            explain(ctx, ep, args.profile)
    return {"db": db, "results": results, "load": load_note()}


if __name__ == "__main__":
    main()
