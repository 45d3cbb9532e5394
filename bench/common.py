"""Shared helpers of the bench scripts: the bench database, Django setup, timing, tables."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_DB = BENCH_DIR / "bench.sqlite3"


def bench_env() -> dict[str, str]:
    """Environment for the bench: its own SQLite file (or DATABASE_URL) and its own job queue."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env.setdefault("SQLITE_PATH", str(DEFAULT_DB))
    env.setdefault("HUEY_SQLITE_PATH", str(BENCH_DIR / "huey.sqlite3"))
    env.setdefault("DJANGO_SETTINGS_MODULE", "postventa.settings")
    env.setdefault("LOG_LEVEL", "WARNING")
    env["POSTVENTA_TESTING"] = "0"
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def setup_django() -> str:
    """Point this process at the bench database and start Django; returns a label for the DB."""
    os.environ.update(bench_env())
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"{db['ENGINE'].rsplit('.', 1)[-1]}:{db['NAME']}"


def migrate_quietly() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(samples: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "mean": statistics.fmean(ms),
    }


class Timer:
    """Wall time and this process's CPU time: on a busy machine the CPU figure is the fair one."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.cpu_start = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu_seconds = time.process_time() - self.cpu_start


def cpu_canary() -> float:
    """Milliseconds for a fixed Python loop: higher than usual means a busy or slower machine."""
    start = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i % 7
    return (time.perf_counter() - start) * 1000


def load_note() -> str:
    """The machine's load, printed beside figures: other processes on 2 cores slow everything."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores, cpu canary {cpu_canary():.0f} ms"


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
