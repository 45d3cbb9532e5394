"""POST-only console actions on one customer: contacts, addresses, consents, notes, GDPR, merge."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.customers.forms import AddressForm, ConsentForm
from postventa.console.customers.views import _get_or_404, consent_grid
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.customers import consents, gdpr, merge, selectors, services
from postventa.customers.models import ConsentSource, Purpose


def _back(customer, anchor: str = ""):
    response = redirect("console:customer_detail", customer.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@require_POST
@staff_required("customers.change")
def contact_add(request, pk: int, kind: str):
    customer = _get_or_404(pk)
    value = request.POST.get("value", "")
    primary = request.POST.get("primary") == "on"
    try:
        if kind == "email":
            services.customer_email_add(
                customer=customer, acting_user=request.user, email=value, primary=primary
            )
        else:
            services.customer_phone_add(
                customer=customer, acting_user=request.user, phone=value, primary=primary
            )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Contact added."))
    return _back(customer, "contacts")


@require_POST
@staff_required("customers.change")
def contact_remove(request, pk: int, kind: str):
    customer = _get_or_404(pk)
    value = request.POST.get("value", "")
    try:
        if kind == "email":
            services.customer_email_remove(customer=customer, acting_user=request.user, email=value)
        else:
            services.customer_phone_remove(customer=customer, acting_user=request.user, phone=value)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Contact removed."))
    return _back(customer, "contacts")


@require_POST
@staff_required("customers.change")
def address_add(request, pk: int):
    customer = _get_or_404(pk)
    form = AddressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the address: street, postcode and city are required."))
        return _back(customer, "addresses")
    try:
        services.customer_address_add(customer=customer, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Address added."))
    return _back(customer, "addresses")


@require_POST
@staff_required("customers.change")
def address_remove(request, pk: int, address_id: int):
    customer = _get_or_404(pk)
    try:
        services.customer_address_remove(customer=customer, acting_user=request.user, address_id=address_id)
    except ApplicationError as exc:
        flash_error(request, exc)
    return _back(customer, "addresses")


@require_POST
@staff_required("customers.change")
def consent_change(request, pk: int):
    """Grant or withdraw one consent; HTMX gets the consents card back, others a redirect."""
    customer = _get_or_404(pk)
    form = ConsentForm(request.POST)
    error = None
    if form.is_valid():
        d = form.cleaned_data
        fn = consents.consent_grant if d["action"] == "grant" else consents.consent_withdraw
        proof = {"recorded_by": request.user.get_username()}
        if d.get("note"):
            proof["text"] = d["note"]
        try:
            fn(
                customer=customer,
                channel=d["channel"],
                purpose=d["purpose"],
                source=ConsentSource.CONSOLE,
                acting_user=request.user,
                proof=proof,
            )
        except ApplicationError as exc:
            error = exc.message
    else:
        error = _("Choose a channel, a purpose and an action.")
    if getattr(request, "htmx", False):
        context = {"customer": customer, "consent_rows": consent_grid(customer), "purposes": Purpose}
        context["perms"] = {"change": True}
        context["consent_error"] = error
        return render_page(request, "console/customers/_consents.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Consent updated."))
    return _back(customer, "consents")


@require_POST
@staff_required("customers.change")
def note_add(request, pk: int):
    customer = _get_or_404(pk)
    try:
        services.customer_note_add(
            customer=customer, acting_user=request.user, text=request.POST.get("text", "")
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Note added."))
    return _back(customer, "timeline")


@staff_required("customers.export")
def customer_export(request, pk: int):
    customer = _get_or_404(pk)
    data = gdpr.customer_export(customer=customer, acting_user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response


@staff_required("customers.erase")
def customer_erase(request, pk: int):
    customer = _get_or_404(pk)
    holds = gdpr.erase_holds(customer)
    if request.method == "POST":
        if request.POST.get("confirm") != str(customer.pk):
            messages.error(request, _("Type the customer number to confirm the erasure."))
        else:
            try:
                gdpr.customer_erase(customer=customer, acting_user=request.user)
            except ApplicationError as exc:
                flash_error(request, exc)
            else:
                messages.success(request, _("The customer's personal data was erased."))
                return _back(customer)
    context = {"nav": "customers", "customer": customer, "holds": holds}
    return render_page(request, "console/customers/customer_erase.html", context)


@staff_required("customers.merge")
def customer_merge(request, pk: int):
    """Fold a duplicate (chosen by search) into this customer, which is kept."""
    target = _get_or_404(pk)
    if request.method == "POST":
        try:
            source = selectors.customer_get(request.POST.get("source_id"))
            merge.customer_merge(source=source, target=target, acting_user=request.user)
        except (ApplicationError, NotFound) as exc:
            flash_error(request, exc)
        else:
            messages.success(
                request, _("Customer #%(source)s was merged into this customer.") % {"source": source.pk}
            )
            return _back(target)
    q = request.GET.get("q", "").strip()[:200]
    candidates = []
    if q:
        candidates = list(selectors.customer_search(q=q).exclude(pk=target.pk).prefetch_related("tags")[:20])
    context = {"nav": "customers", "customer": target, "q": q, "candidates": candidates}
    return render_page(
        request,
        "console/customers/customer_merge.html",
        context,
        partial="console/customers/_merge_candidates.html",
    )
