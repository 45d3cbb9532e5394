"""Run every bench in order and print one summary table (`make bench`).

    .venv/bin/python bench/run_all.py                   # full size: 200k customers, 1M orders
    .venv/bin/python bench/run_all.py --fraction 0.1    # a tenth of the data, same scripts

Each script runs in its own process (they each set Django up against the bench database) with a
time limit, so one that hangs cannot hold the others up.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ROOT, bench_env, load_note, table  # noqa: E402

RUNNER = """
import json, sys
sys.path.insert(0, {here!r})
import {module} as m
result = m.main({argv!r})
print("@@RESULT@@" + json.dumps(result, default=str))
"""


def run(module: str, argv: list[str], timeout: int) -> tuple[dict | None, float, str]:
    """Run bench/<module>.py main(argv) in a child process; its output streams through."""
    started = time.monotonic()
    code = RUNNER.format(here=str(HERE), module=module, argv=argv)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=bench_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - started, f"timed out after {timeout} s"
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            result = json.loads(line[len("@@RESULT@@") :])
        else:
            print(line)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return None, time.monotonic() - started, f"exit code {proc.returncode}"
    return result, time.monotonic() - started, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fraction", type=float, default=1.0, help="Scale of the loaded data (1.0 = 200k/1M)."
    )
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("-n", type=int, default=200, help="Sequential HTTP requests per endpoint.")
    parser.add_argument("--wrk-seconds", type=int, default=5)
    args = parser.parse_args()

    print("== 1/3 load_data ==", flush=True)
    load, load_s, load_err = run("load_data", ["--fraction", str(args.fraction)], timeout=3600)
    print("\n== 2/3 import_rows ==", flush=True)
    imp, imp_s, imp_err = run("import_rows", ["--rows", str(args.import_rows)], timeout=900)
    print("\n== 3/3 http_latency ==", flush=True)
    http, http_s, http_err = run(
        "http_latency", ["-n", str(args.n), "--wrk-seconds", str(args.wrk_seconds), "--explain"], timeout=1800
    )

    rows = []
    if load:
        rate = f"{load['rows_per_s']:,.0f} rows/s" if load.get("rows_per_s") else "already loaded"
        rows.append(
            ["load_data", f"{load['customers']:,} customers, {load['orders']:,} orders", rate, "-", "info"]
        )
    else:
        rows.append(["load_data", "-", "-", "-", f"ERROR: {load_err}"])
    if imp:
        verdict = "PASS" if imp["pass"] else "FAIL"
        rows.append(
            [
                "import_rows",
                f"{imp['rows']:,} CSV rows",
                f"{imp['rows_per_s']:,.0f} rows/s ({imp['rows_per_cpu_s']:,.0f} per CPU-s)",
                ">= 5,000 rows/s",
                verdict,
            ]
        )
    else:
        rows.append(["import_rows", "-", "-", ">= 5,000", f"ERROR: {imp_err}"])
    if http:
        from http_latency import verdict_of

        for r in http["results"]:
            wrk = r.get("wrk") or {}
            extra = f", wrk {wrk['rps']:.0f} req/s" if wrk.get("rps") else ""
            target = f"p95 <= {r['target']:.0f} ms" if r["target"] else "-"
            figure = f"p95 {r['p95']:.1f} ms{extra}"
            rows.append([r["name"], f"p50 {r['p50']:.1f} ms", figure, target, verdict_of(r)])
    else:
        rows.append(["http_latency", "-", "-", "-", f"ERROR: {http_err}"])
    print(f"\n== summary (load {load_s:.0f} s, import {imp_s:.0f} s, http {http_s:.0f} s; {load_note()}) ==")
    print(table(["bench", "what", "figure", "target", "verdict"], rows))
    failed = any(row[-1] not in {"PASS", "info"} for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
