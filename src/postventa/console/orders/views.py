"""Console pages for orders: list, detail with status buttons, and the CSV import with progress."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can
from postventa.orders import pipeline, selectors, services
from postventa.orders.import_parsing import CSV_COLUMNS, REQUIRED_COLUMNS
from postventa.orders.jobs import import_job_create
from postventa.orders.models import ImportJob
from postventa.orders.shipments import shipment_create

PAGE_SIZE = 50


def _day(value: str, *, end: bool = False) -> dt.datetime | None:
    day = parse_date(value or "") if value else None
    if day is None:
        return None
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start + dt.timedelta(days=1) if end else start


@staff_required("orders.view")
def order_list(request):
    g = request.GET
    status = g.get("status", "") if g.get("status", "") in pipeline.STATUSES else ""
    try:
        customer_id = int(g.get("customer") or 0) or None
    except ValueError:
        customer_id = None
    qs = selectors.order_list(
        status=status,
        customer_id=customer_id,
        placed_after=_day(g.get("from", "")),
        placed_before=_day(g.get("to", ""), end=True),
        q=g.get("q", "")[:40],
    )
    try:
        page = keyset_page(qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE, order_field="placed_at")
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE, order_field="placed_at")
    context = {
        "nav": "orders",
        "page": page,
        "statuses": pipeline.choices(),
        "filters": {"status": status, "q": g.get("q", ""), "from": g.get("from", ""), "to": g.get("to", ""),
                    "customer": customer_id or ""},
    }  # fmt: skip
    return render_page(
        request, "console/orders/order_list.html", context, partial="console/orders/_order_rows.html"
    )


def _detail_context(request, order) -> dict:
    return {
        "nav": "orders",
        "order": order,
        "next_statuses": [
            (code, pipeline.label(code), pipeline.STATUSES[code].tone) for code in order.next_statuses
        ],
        "can_change": can(request.user, "orders.change"),
    }


@staff_required("orders.view")
def order_detail(request, order_id: int):
    order = selectors.order_detail(order_id)
    if order is None:
        raise Http404
    return render_page(request, "console/orders/order_detail.html", _detail_context(request, order))


@require_POST
@staff_required("orders.change")
def order_status(request, order_id: int):
    order = get_object_or_404(selectors.order_list(), pk=order_id)
    error = None
    try:
        services.order_change_status(
            order=order,
            to_status=request.POST.get("status", "")[:20],
            acting_user=request.user,
            source="staff",
            note=request.POST.get("note", "")[:500],
        )
    except ApplicationError as exc:
        error = exc.message
    if request.htmx:
        context = {
            **_detail_context(request, selectors.order_detail(order_id)),
            "status_error": error,
            "oob": True,
        }
        return render_page(
            request, "console/orders/_status_panel.html", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Status changed."))
    return redirect("console:order_detail", order_id=order_id)


@require_POST
@staff_required("orders.change")
def order_shipment_create(request, order_id: int):
    order = get_object_or_404(selectors.order_list(), pk=order_id)
    try:
        shipment_create(
            acting_user=request.user,
            order=order,
            carrier=request.POST.get("carrier", "")[:40],
            tracking_number=request.POST.get("tracking_number", "")[:80],
            tracking_url=request.POST.get("tracking_url", "")[:500],
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Shipment added."))
    return redirect("console:order_detail", order_id=order_id)


@staff_required("orders.import")
def order_import(request):
    if request.method == "POST":
        try:
            job = import_job_create(
                acting_user=request.user,
                upload=request.FILES.get("file"),
                skip_invalid=request.POST.get("skip_invalid") == "on",
            )
        except ApplicationError as exc:
            flash_error(request, exc)
        else:
            return redirect("console:order_import_job", job_id=job.pk)
    context = {
        "nav": "import",
        "columns": CSV_COLUMNS,
        "required": REQUIRED_COLUMNS,
        "statuses": list(pipeline.STATUSES),
        "jobs": ImportJob.objects.select_related("created_by")[:10],
        "max_mb": settings.MAX_IMPORT_BYTES // 2**20,
    }
    return render_page(request, "console/orders/import.html", context)


@staff_required("orders.import")
def order_import_job(request, job_id: int):
    job = get_object_or_404(ImportJob, pk=job_id)
    context = {
        "nav": "import",
        "job": job,
        "finished": job.status in {ImportJob.Status.DONE, ImportJob.Status.FAILED},
    }
    return render_page(
        request, "console/orders/import_job.html", context, partial="console/orders/_import_progress.html"
    )
