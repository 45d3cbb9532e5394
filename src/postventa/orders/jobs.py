"""Import jobs: an uploaded CSV processed by the worker while the console polls its progress."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core.errors import ApplicationError, ValidationFailed
from postventa.core.permissions import require
from postventa.orders.importing import import_csv
from postventa.orders.models import ImportJob


@transaction.atomic
def import_job_create(*, acting_user, upload, skip_invalid: bool = False) -> ImportJob:
    """Store the file and queue the job (after commit, so the worker sees the row)."""
    require(acting_user, "orders.import")
    if upload is None:
        raise ValidationFailed(_("Choose a CSV file to upload."), code="file_required")
    if upload.size > settings.MAX_IMPORT_BYTES:
        raise ValidationFailed(
            _("The file is too large (at most %(mb)s MB).") % {"mb": settings.MAX_IMPORT_BYTES // 2**20}
        )
    name = (upload.name or "orders.csv")[:200]
    if not name.lower().endswith((".csv", ".txt")):
        raise ValidationFailed(_("Upload a .csv file."), code="not_csv")
    job = ImportJob.objects.create(original_name=name, skip_invalid=skip_invalid, created_by=acting_user)
    job.file.save(name, upload, save=True)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from postventa.orders.tasks import run_import_job

    run_import_job(job_id)


def import_job_run(*, job_id: int) -> ImportJob:
    """Process a queued job; progress is written per chunk so the page can poll it."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING}:
        return job  # already finished: a retried task must not import twice
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def parsed(result) -> None:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=result.total_rows)

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=rows)

    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        result = import_csv(
            data,
            acting_user=job.created_by,
            skip_invalid=job.skip_invalid,
            progress=progress,
            on_parsed=parsed,
        )
    except (ValueError, ApplicationError) as exc:  # a broken file, or the uploader lost the permission
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            message=getattr(exc, "message", str(exc))[:500],
            finished_at=timezone.now(),
        )
    else:
        if result.written:
            message = _("%(created)s orders created, %(updated)s updated, %(unchanged)s unchanged.") % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
            status = ImportJob.Status.DONE
        else:
            message = _("Nothing was imported: fix the rows below, or import again skipping invalid rows.")
            status = ImportJob.Status.FAILED
        ImportJob.objects.filter(pk=job.pk).update(
            status=status,
            message=message,
            errors=result.errors[:1000],
            total_rows=result.total_rows,
            processed_rows=result.total_rows if result.written else 0,
            created_orders=result.created,
            updated_orders=result.updated,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job
