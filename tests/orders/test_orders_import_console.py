import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from test_orders_import_csv import GOOD, row, to_csv

from postventa.orders.jobs import import_job_run
from postventa.orders.models import ImportJob, Order


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.mark.django_db
def test_upload_page_renders_and_lists_columns(supervisor_client):
    response = supervisor_client.get("/console/orders/import/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "order_external_id" in body and "unit_price" in body


@pytest.mark.django_db(transaction=True)
def test_upload_runs_job_and_progress_page_polls_until_done(supervisor_client, supervisor, settings):
    upload = SimpleUploadedFile("orders.csv", to_csv(GOOD), content_type="text/csv")
    response = supervisor_client.post("/console/orders/import/", {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.created_by) == ("queued", supervisor)
    progress = supervisor_client.get(f"/console/orders/import/{job.pk}/", headers={"HX-Request": "true"})
    body = progress.content.decode()
    assert 'hx-trigger="every 1s"' in body and "<html" not in body
    import_job_run(job_id=job.pk)  # what the worker's task does
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows, job.created_orders) == ("done", 3, 3, 2)
    assert job.percent == 100
    done = supervisor_client.get(
        f"/console/orders/import/{job.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "every 1s" not in done  # polling stops
    assert Order.objects.count() == 2
    from postventa.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="orders.imported", actor=supervisor).count() == 1
    # A retried task does not import twice.
    assert import_job_run(job_id=job.pk).status == "done"


@pytest.mark.django_db
def test_job_with_bad_rows_lists_them_and_writes_nothing(supervisor_client, supervisor):
    upload = SimpleUploadedFile("bad.csv", to_csv([row(), row("E2", "N2", quantity="x")]))
    supervisor_client.post("/console/orders/import/", {"file": upload})
    job = import_job_run(job_id=ImportJob.objects.get().pk)
    assert job.status == "failed"
    assert job.errors[0]["row"] == 3
    page = supervisor_client.get(f"/console/orders/import/{job.pk}/").content.decode()
    assert '<td class="num">3</td>' in page
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_broken_file_fails_with_a_sentence(supervisor_client):
    supervisor_client.post("/console/orders/import/", {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00")})
    job = import_job_run(job_id=ImportJob.objects.get().pk)
    assert job.status == "failed" and job.message


@pytest.mark.django_db
def test_non_csv_upload_is_refused(supervisor_client):
    response = supervisor_client.post("/console/orders/import/", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_worker_task_runs_the_job(supervisor_client):
    from postventa.orders.tasks import run_import_job

    supervisor_client.post("/console/orders/import/", {"file": SimpleUploadedFile("o.csv", to_csv(GOOD))})
    job = ImportJob.objects.get()
    assert run_import_job.call_local(job.pk) == "done"
    assert Order.objects.count() == 2
