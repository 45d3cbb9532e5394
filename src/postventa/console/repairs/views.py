"""Console pages for repairs: list, intake, the workshop detail page, photos, spare parts."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.aftercare.repairs import selectors, services
from postventa.aftercare.repairs.models import QuoteLine, RepairPhoto, RepairStatus
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can

PAGE_SIZE = 50
TONES = {
    "received": "info",
    "diagnosing": "info",
    "quote_sent": "warn",
    "approved": "brand",
    "rejected": "danger",
    "in_repair": "brand",
    "waiting_parts": "warn",
    "repaired": "ok",
    "returned": "ok",
    "closed": "",
}


def _technicians():
    from postventa.accounts.models import User

    return [
        u
        for u in User.objects.filter(is_active=True).order_by("first_name", "username")
        if can(u, "repairs.change")
    ]


def _repair_or_404(repair_id: int):
    try:
        return selectors.repair_get(repair_id)
    except NotFound:
        raise Http404


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


@staff_required("repairs.view")
def repair_list(request):
    g = request.GET
    status = g.get("status", "")
    if status not in RepairStatus.values and status != "open":
        status = ""
    technician = g.get("technician", "")
    warranty = g.get("warranty", "")
    qs = selectors.repair_list(
        status=status or None,
        technician_id=_int(technician),
        unassigned=technician == "none",
        under_warranty={"yes": True, "no": False}.get(warranty),
        customer_id=_int(g.get("customer")),
        asset_id=_int(g.get("asset")),
        q=g.get("q", "")[:40] or None,
    )
    try:
        page = keyset_page(qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE)
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE)
    for repair in page.items:
        repair.tone = TONES.get(repair.status, "")
    context = {
        "nav": "repairs",
        "page": page,
        "statuses": RepairStatus.choices,
        "technicians": _technicians(),
        "filters": {"status": status, "technician": technician, "warranty": warranty, "q": g.get("q", "")},
        "can_change": can(request.user, "repairs.change"),
    }
    return render_page(request, "console/repairs/list.html", context, partial="console/repairs/_rows.html")


@staff_required("repairs.change")
def repair_create(request):
    from postventa.catalog.models import Asset

    asset = None
    asset_id = _int(request.POST.get("asset_id") or request.GET.get("asset"))
    serial = (request.POST.get("serial") or request.GET.get("serial") or "").strip()
    if asset_id:
        asset = Asset.objects.select_related("product", "customer").filter(pk=asset_id).first()
    elif serial:
        matches = list(
            Asset.objects.select_related("product", "customer").filter(serial_number__iexact=serial)[:2]
        )
        asset = matches[0] if len(matches) == 1 else None
    errors = []
    values = {"fault": "", "accessories": "", "under_warranty": False, "serial": serial}
    if request.method == "POST":
        values = {
            "fault": request.POST.get("fault", ""),
            "accessories": request.POST.get("accessories", ""),
            "under_warranty": request.POST.get("under_warranty") == "on",
            "serial": serial,
        }
        if asset is None:
            errors.append(_("Find the asset by its serial number first."))
        else:
            try:
                repair = services.open_repair(
                    actor=request.user,
                    asset=asset,
                    fault=values["fault"],
                    under_warranty=values["under_warranty"],
                    accessories=values["accessories"],
                    photos=request.FILES.getlist("photos"),
                )
            except ApplicationError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, _("Repair %(number)s opened.") % {"number": repair.number})
                return redirect("console:repair_detail", repair.pk)
    elif serial and asset is None:
        errors.append(_("No single asset has that serial number."))
    context = {"nav": "repairs", "asset": asset, "values": values, "errors": errors}
    return render_page(
        request,
        "console/repairs/create.html",
        context,
        status=400 if errors and request.method == "POST" else 200,
    )


def _detail_context(request, repair) -> dict:
    lines = selectors.quote_lines(repair)
    summary = selectors.quote_summary(repair, lines)
    blank = max(3, 6 - len(lines))
    from postventa.aftercare.payment_plans.selectors import plan_list

    return {
        "nav": "repairs",
        "repair": repair,
        "tone": TONES.get(repair.status, ""),
        "quote": summary,
        "blank_lines": range(blank),
        "line_kinds": QuoteLine.Kind.choices,
        "parts_used": selectors.part_usages(repair),
        "available_parts": list(selectors.parts_for(repair))
        if repair.status in ("in_repair", "waiting_parts")
        else [],
        "all_parts": list(selectors.spare_part_list().filter(is_active=True)),
        "timeline": selectors.timeline(repair),
        "photos": list(repair.photos.all()),
        "technicians": _technicians(),
        "targets": [(s, RepairStatus(s).label) for s in services.allowed_targets(repair)],
        "can_change": can(request.user, "repairs.change"),
        "can_plan": can(request.user, "plans.change"),
        "plans": list(plan_list(repair_id=repair.pk)) if can(request.user, "plans.view") else [],
        "editable_quote": repair.status in ("received", "diagnosing"),
        "plan_possible": (
            not repair.under_warranty
            and repair.quote_decided_at is not None
            and repair.status not in ("rejected", "quote_sent", "diagnosing", "received")
            and summary["customer_total"] > 0
        ),
    }


@staff_required("repairs.view")
def repair_detail(request, repair_id: int):
    repair = _repair_or_404(repair_id)
    return render_page(request, "console/repairs/detail.html", _detail_context(request, repair))


def _action(request, repair_id: int, fn, success: str):
    repair = _repair_or_404(repair_id)
    try:
        fn(repair)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, success)
    return redirect("console:repair_detail", repair.pk)


@require_POST
@staff_required("repairs.change")
def repair_diagnose(request, repair_id: int):
    return _action(
        request,
        repair_id,
        lambda r: services.save_diagnosis(
            actor=request.user, repair=r, diagnosis=request.POST.get("diagnosis", "")
        ),
        _("Diagnosis saved."),
    )


def _lines_from_post(post) -> list[dict]:
    kinds = post.getlist("kind")
    rows = []
    for i, kind in enumerate(kinds):
        desc = post.getlist("description")[i] if i < len(post.getlist("description")) else ""
        qty = post.getlist("quantity")[i] if i < len(post.getlist("quantity")) else ""
        price = post.getlist("unit_price")[i] if i < len(post.getlist("unit_price")) else ""
        part = post.getlist("spare_part_id")[i] if i < len(post.getlist("spare_part_id")) else ""
        if not (desc.strip() or qty.strip() or price.strip() or part.strip()):
            continue  # an empty row of the editor
        rows.append(
            {
                "kind": kind,
                "description": desc,
                "quantity": qty,
                "unit_price": price,
                "spare_part_id": _int(part),
            }
        )
    return rows


@require_POST
@staff_required("repairs.change")
def repair_quote(request, repair_id: int):
    return _action(
        request,
        repair_id,
        lambda r: services.set_quote(
            actor=request.user,
            repair=r,
            lines=_lines_from_post(request.POST),
            vat_rate=request.POST.get("vat_rate"),
        ),
        _("Quote saved."),
    )


@require_POST
@staff_required("repairs.change")
def repair_send_quote(request, repair_id: int):
    return _action(
        request,
        repair_id,
        lambda r: services.send_quote(actor=request.user, repair=r),
        _("Quote sent: the customer gets an email with a link to approve or reject it."),
    )


@require_POST
@staff_required("repairs.change")
def repair_decision(request, repair_id: int):
    approve = request.POST.get("decision") == "approve"
    return _action(
        request,
        repair_id,
        lambda r: services.record_quote_decision(
            actor=request.user, repair=r, approve=approve, comment=request.POST.get("comment", "")
        ),
        _("The customer's answer was recorded."),
    )


@require_POST
@staff_required("repairs.change")
def repair_transition(request, repair_id: int):
    return _action(
        request,
        repair_id,
        lambda r: services.transition_repair(
            actor=request.user,
            repair=r,
            to_status=request.POST.get("to_status", ""),
            note=request.POST.get("note", ""),
        ),
        _("Status changed."),
    )


@require_POST
@staff_required("repairs.change")
def repair_use_part(request, repair_id: int):
    def use(repair):
        part_id = _int(request.POST.get("spare_part_id"))
        if part_id is None:
            raise NotFound(_("Choose a spare part."))
        part = selectors.spare_part_get(part_id)
        services.use_part(
            actor=request.user,
            repair=repair,
            spare_part=part,
            quantity=_int(request.POST.get("quantity")) or 0,
        )

    return _action(request, repair_id, use, _("Part used; stock updated."))


@require_POST
@staff_required("repairs.change")
def repair_assign(request, repair_id: int):
    from postventa.accounts.models import User

    def assign(repair):
        user_id = _int(request.POST.get("technician"))
        technician = User.objects.filter(pk=user_id).first() if user_id else None
        services.assign_technician(actor=request.user, repair=repair, technician=technician)

    return _action(request, repair_id, assign, _("Technician assigned."))


@require_POST
@staff_required("repairs.change")
def repair_complete(request, repair_id: int):
    return _action(
        request,
        repair_id,
        lambda r: services.complete_repair(
            actor=request.user, repair=r, report=request.POST.get("report", "")
        ),
        _("Repair completed: the customer is told it is ready."),
    )


@require_POST
@staff_required("repairs.change")
def repair_add_photos(request, repair_id: int):
    return _action(
        request,
        repair_id,
        lambda r: services.add_photos(actor=request.user, repair=r, photos=request.FILES.getlist("photos")),
        _("Photos added."),
    )


@staff_required("repairs.view")
def repair_photo(request, repair_id: int, photo_id: int):
    photo = RepairPhoto.objects.filter(pk=photo_id, repair_id=repair_id).first() if _int(photo_id) else None
    if photo is None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="{photo.original_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@staff_required("repairs.view")
def spare_part_list(request):
    from postventa.catalog.models import Product

    g = request.GET
    qs = selectors.spare_part_list(
        q=g.get("q", "")[:60] or None, low_stock=g.get("low") == "1"
    ).prefetch_related("compatible_products")
    try:
        page = keyset_page(qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE)
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE)
    can_manage = can(request.user, "repairs.manage")
    context = {
        "nav": "repairs",
        "page": page,
        "filters": {"q": g.get("q", ""), "low": g.get("low", "")},
        "can_manage": can_manage,
        "products": list(
            Product.objects.filter(is_active=True)
            .order_by("sku")
            .only("pk", "sku", "name_es", "name_en")[:500]
        )
        if can_manage
        else [],
    }
    return render_page(request, "console/repairs/parts.html", context)


@require_POST
@staff_required("repairs.manage")
def spare_part_create(request):
    p = request.POST
    try:
        part = services.spare_part_save(
            actor=request.user,
            sku=p.get("sku", ""),
            name_es=p.get("name_es", ""),
            name_en=p.get("name_en", ""),
            unit_price=p.get("unit_price", "0") or "0",
            stock=_int(p.get("stock")) or 0,
            compatible_product_ids=[i for i in (_int(v) for v in p.getlist("products")) if i],
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Spare part %(sku)s added.") % {"sku": part.sku})
    return redirect("console:spare_part_list")


@require_POST
@staff_required("repairs.manage")
def spare_part_restock(request, part_id: int):
    try:
        part = selectors.spare_part_get(part_id)
    except NotFound:
        raise Http404
    try:
        delta = int(request.POST.get("delta", ""))
    except ValueError:
        delta = 0
    try:
        services.restock_part(
            actor=request.user, spare_part=part, delta=delta, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Stock updated."))
    return redirect(reverse("console:spare_part_list") + f"?q={part.sku}")
