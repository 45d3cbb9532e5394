"""Worker jobs of orders. Thin: each takes ids and calls one service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from postventa.orders import jobs


@db_task()
def run_import_job(job_id: int) -> str:
    return jobs.import_job_run(job_id=job_id).status
