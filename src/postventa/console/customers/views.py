"""Console pages for customers: list, create/edit and the customer 360."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from postventa.console.customers.forms import AddressForm, CustomerForm
from postventa.console.mixins import render_page, rendered_panels, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can
from postventa.customers import selectors, services
from postventa.customers.models import Channel, ConsentStatus, Language, Purpose, Tag
from postventa.customers.panels import panels_for
from postventa.customers.timeline import icon, render

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
TIMELINE_PAGE = 20


def _get_or_404(customer_id):
    try:
        return selectors.customer_360(customer_id)
    except NotFound:
        raise Http404


@staff_required("customers.view")
def customer_list(request):
    q = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "").strip()[:60]
    language = request.GET.get("language", "")
    if language not in Language.values:
        language = ""
    qs = selectors.customer_search(q=q, tag=tag, language=language).prefetch_related("tags")
    try:
        page = keyset_page(qs, cursor=request.GET.get("cursor") or None, page_size=PAGE_SIZE)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE)
    context = {
        "nav": "customers",
        "customers": page.items,
        "next_cursor": page.next_cursor,
        "q": q,
        "tag": tag,
        "language": language,
        "languages": Language.choices,
        "tags": Tag.objects.all()[:200],
        "can_change": can(request.user, "customers.change"),
        "is_first_page": not request.GET.get("cursor"),
    }
    return render_page(
        request,
        "console/customers/customer_list.html",
        context,
        partial="console/customers/_customer_rows.html",
    )


@staff_required("customers.change")
def customer_create(request):
    form = CustomerForm(request.POST or None, initial={"language": "es", "time_zone": "Europe/Madrid"})
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(acting_user=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Customer created."))
            return redirect("console:customer_detail", customer.pk)
    status = 422 if request.method == "POST" else 200
    return render_page(
        request, "console/customers/customer_form.html", {"nav": "customers", "form": form}, status=status
    )


@staff_required("customers.change")
def customer_edit(request, pk: int):
    customer = _get_or_404(pk)
    form = CustomerForm(
        request.POST or None,
        initial=CustomerForm.initial_for(customer),
        editing=True,
        extra_zone=customer.time_zone,
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        tags = data.pop("tags")
        try:
            with transaction.atomic():  # fields and tags are saved together or not at all
                services.customer_update(customer=customer, acting_user=request.user, data=data)
                services.customer_tags_set(customer=customer, acting_user=request.user, tags=tags)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Customer saved."))
            return redirect("console:customer_detail", customer.pk)
    status = 422 if request.method == "POST" else 200
    context = {"nav": "customers", "form": form, "customer": customer}
    return render_page(request, "console/customers/customer_form.html", context, status=status)


def timeline_page(customer, cursor: str | None):
    page = keyset_page(
        selectors.timeline_for(customer), cursor=cursor, page_size=TIMELINE_PAGE, order_field="occurred_at"
    )
    items = [{"entry": e, "text": render(e), "icon": icon(e)} for e in page.items]
    return items, page.next_cursor


def consent_grid(customer) -> list[dict]:
    """Rows per channel, one cell per purpose, with the current state and whether contact is allowed."""
    current = selectors.consents_for(customer)
    rows = []
    for channel in Channel:
        cells = []
        for purpose in Purpose:
            consent = current.get((channel.value, purpose.value))
            status = consent.status if consent else ""
            if purpose == Purpose.TRANSACTIONAL:
                allowed = status != ConsentStatus.WITHDRAWN
            else:
                allowed = status == ConsentStatus.GRANTED
            cells.append({"purpose": purpose, "consent": consent, "status": status, "allowed": allowed})
        rows.append({"channel": channel, "cells": cells})
    return rows


def detail_context(request, customer) -> dict:
    user = request.user
    try:
        timeline, timeline_next = timeline_page(customer, request.GET.get("tl_cursor") or None)
    except ApplicationError:
        timeline, timeline_next = timeline_page(customer, None)
    panels = rendered_panels(request, panels_for(customer, user), customer=customer)
    return {
        "nav": "customers",
        "customer": customer,
        "timeline": timeline,
        "timeline_next": timeline_next,
        "consent_rows": consent_grid(customer),
        "purposes": Purpose,
        "panels": panels,
        "address_form": AddressForm(initial={"country": "ES"}),
        "merged_into": customer.merged_into,
        "perms": {
            "change": can(user, "customers.change")
            and not customer.erased_at
            and not customer.merged_into_id,
            "merge": can(user, "customers.merge") and not customer.erased_at and not customer.merged_into_id,
            "export": can(user, "customers.export"),
            "erase": can(user, "customers.erase") and not customer.erased_at,
        },
    }


@staff_required("customers.view")
def customer_detail(request, pk: int):
    customer = _get_or_404(pk)
    return render_page(request, "console/customers/customer_detail.html", detail_context(request, customer))


@staff_required("customers.view")
def customer_timeline(request, pk: int):
    """The next page of the timeline (HTMX "older" button), or the 360 page without HTMX."""
    customer = _get_or_404(pk)
    if not getattr(request, "htmx", False):
        return redirect(f"{customer_detail_url(customer)}?tl_cursor={request.GET.get('cursor', '')}")
    try:
        timeline, timeline_next = timeline_page(customer, request.GET.get("cursor") or None)
    except ApplicationError:
        raise Http404
    context = {"customer": customer, "timeline": timeline, "timeline_next": timeline_next}
    return render_page(request, "console/customers/_timeline_items.html", context)


def customer_detail_url(customer) -> str:
    from django.urls import reverse

    return reverse("console:customer_detail", args=[customer.pk])
