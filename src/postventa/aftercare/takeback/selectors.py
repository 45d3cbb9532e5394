"""Reads of take-back for the console, the portal and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from postventa.aftercare.takeback.models import DisposalInstruction, TakebackRequest
from postventa.core.errors import NotFound


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**62 else None


def request_list(
    *, status: str = "", method: str = "", customer_id: int | None = None, q: str = ""
) -> QuerySet:
    qs = TakebackRequest.objects.select_related("customer", "asset__product", "category")
    if status:
        qs = qs.filter(status=status)
    if method:
        qs = qs.filter(method=method)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(item_description__icontains=q) | Q(asset__serial_number=q))
    return qs


def request_get(request_id, *, customer=None) -> TakebackRequest:
    pk = _pk(request_id)
    qs = TakebackRequest.objects.select_related("customer", "asset__product", "category", "created_by")
    if customer is not None:
        qs = qs.filter(customer=customer)
    req = qs.prefetch_related("history__actor").filter(pk=pk).first() if pk else None
    if req is None:
        raise NotFound(_("That take-back request does not exist."))
    return req


def instruction_list() -> QuerySet[DisposalInstruction]:
    return DisposalInstruction.objects.select_related("category")


def instruction_for_category(category_id) -> DisposalInstruction | None:
    if not category_id:
        return None
    return DisposalInstruction.objects.select_related("category").filter(category_id=category_id).first()
