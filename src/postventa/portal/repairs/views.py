"""The customer's repairs in the portal, and the quote decision page reached from the emailed link.

Signed-in pages look everything up through request.portal_customer (another customer's repair is
a 404). The quote page needs no sign-in: the signed single-use link is the authorisation, and it
only ever opens the repair it was made for.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from postventa.aftercare.repairs import quote_links, selectors, services
from postventa.aftercare.repairs.models import RepairPhoto, RepairStatus
from postventa.core.errors import ApplicationError, NotFound
from postventa.portal.auth import customer_required

# What the customer sees: the whole pipeline, in order, with the current step marked.
CUSTOMER_STEPS = [
    RepairStatus.RECEIVED,
    RepairStatus.DIAGNOSING,
    RepairStatus.QUOTE_SENT,
    RepairStatus.APPROVED,
    RepairStatus.IN_REPAIR,
    RepairStatus.REPAIRED,
    RepairStatus.RETURNED,
    RepairStatus.CLOSED,
]


@customer_required
def repair_list(request):
    repairs = list(
        selectors.repair_list(customer_id=request.portal_customer.pk).order_by("-created_at", "-id")[:100]
    )
    return render(
        request, "portal/repairs/list.html", {"customer": request.portal_customer, "repairs": repairs}
    )


def _steps(repair) -> list[dict]:
    order = [s.value for s in CUSTOMER_STEPS]
    current = repair.status
    if current == RepairStatus.REJECTED:
        current_index = order.index(RepairStatus.APPROVED)
    elif current == RepairStatus.WAITING_PARTS:
        current_index = order.index(RepairStatus.IN_REPAIR)
    else:
        current_index = order.index(current)
    return [
        {"label": s.label, "done": i < current_index, "now": i == current_index}
        for i, s in enumerate(CUSTOMER_STEPS)
    ]


@customer_required
def repair_detail(request, number: str):
    try:
        repair = selectors.repair_by_number(number, customer_id=request.portal_customer.pk)
    except NotFound:
        raise Http404
    lines = selectors.quote_lines(repair)
    context = {
        "customer": request.portal_customer,
        "repair": repair,
        "steps": _steps(repair),
        "quote": selectors.quote_summary(repair, lines) if repair.quote_version else None,
        "photos": list(repair.photos.all()),
        "plans": list(repair.payment_plans.filter(customer=request.portal_customer)),
    }
    return render(request, "portal/repairs/detail.html", context)


@customer_required
def repair_photo(request, number: str, photo_id: int):
    photo = (
        RepairPhoto.objects.select_related("repair")
        .filter(pk=photo_id, repair__number=number, repair__customer=request.portal_customer)
        .first()
        if 0 < photo_id < 2**62
        else None
    )
    if photo is None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def quote_decision(request, number: str, token: str):
    """Approve or reject the quote from the emailed link, in the customer's language, without signing in."""
    try:
        row = quote_links.verify(repair_number=number, token=token)
    except ApplicationError as exc:
        return render(request, "portal/repairs/quote_link_invalid.html", {"message": exc.message}, status=404)
    repair = row.repair
    language = (repair.customer.language or "es")[:2]
    with translation.override(language):
        error = ""
        if request.method == "POST":
            decision = request.POST.get("decision")
            if decision not in ("approve", "reject"):
                error = translation.gettext("Choose whether you approve or reject the quote.")
            else:
                try:
                    repair = services.decide_quote_by_link(
                        repair_number=number,
                        token=token,
                        approve=decision == "approve",
                        comment=request.POST.get("comment", ""),
                    )
                except ApplicationError as exc:
                    error = exc.message
                else:
                    response = render(
                        request, "portal/repairs/quote_done.html", {"repair": repair, "language": language}
                    )
                    response["Content-Language"] = language
                    return response
        lines = selectors.quote_lines(repair)
        context = {
            "repair": repair,
            "quote": selectors.quote_summary(repair, lines),
            "lines": [
                {
                    "line": ln,
                    "description": ln.spare_part.name_in(language) if ln.spare_part_id else ln.description,
                }
                for ln in lines
            ],
            "error": error,
            "language": language,
            "expires_at": row.expires_at,
        }
        response = render(request, "portal/repairs/quote.html", context, status=400 if error else 200)
        response["Content-Language"] = language
        return response
