"""The customer's warranty claims in the portal: file one for one of my products, follow my claims.

Every lookup goes through the signed-in customer (request.portal_customer): another customer's
claim, product or photo is a plain 404. The coverage sentence is shown before the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from postventa.aftercare.claims import selectors, services
from postventa.aftercare.claims.models import ClaimChannel, ClaimPhoto, PreferredRemedy
from postventa.core.errors import ApplicationError, NotFound, RateLimited
from postventa.core.ratelimit import hit
from postventa.portal.auth import customer_required


@never_cache
@customer_required
def claim_list(request):
    customer = request.portal_customer
    claims = list(selectors.portal_claims(customer)[:200])
    has_assets = selectors.customer_assets(customer).exists()
    return render(
        request, "portal/claims/list.html", {"customer": customer, "claims": claims, "has_assets": has_assets}
    )


def _my_asset(request, asset_id):
    try:
        asset_id = int(asset_id or 0)
    except (TypeError, ValueError):
        raise Http404
    asset = (
        selectors.customer_assets(request.portal_customer).filter(pk=asset_id).first() if asset_id else None
    )
    if asset is None:
        raise Http404
    return asset


@never_cache
@require_http_methods(["GET", "POST"])
@customer_required
def claim_new(request):
    customer = request.portal_customer
    asset_param = request.POST.get("asset") if request.method == "POST" else request.GET.get("asset")
    if not asset_param:
        assets = list(selectors.customer_assets(customer)[:200])
        return render(request, "portal/claims/choose.html", {"customer": customer, "assets": assets})
    asset = _my_asset(request, asset_param)
    coverage = services.coverage_preview(asset)
    form = {"symptoms": "", "preferred_remedy": ""}
    error = None
    status = 200
    if request.method == "POST":
        form = {"symptoms": request.POST.get("symptoms", "")[:6000],
                "preferred_remedy": request.POST.get("preferred_remedy", "")[:16]}  # fmt: skip
        try:
            hit("portal_claim", f"customer:{customer.pk}", limit=5)
            claim = services.claim_file(
                customer=customer, asset=asset, symptoms=form["symptoms"], preferred_remedy=form["preferred_remedy"],
                photos=request.FILES.getlist("photos"), channel=ClaimChannel.PORTAL,
            )  # fmt: skip
        except ApplicationError as exc:
            error = exc.message
            status = 429 if isinstance(exc, RateLimited) else 422
        else:
            messages.success(request, _("Your claim %(number)s has been filed. We have sent you a confirmation by email.")
                             % {"number": claim.number})  # fmt: skip
            return redirect("portal:claim_detail", number=claim.number)
    from postventa.aftercare.claims.photos import max_bytes, max_photos

    context = {
        "customer": customer, "asset": asset, "coverage": coverage, "form": form, "error": error,
        "preferred": PreferredRemedy.choices, "max_photos": max_photos(), "max_mb": round(max_bytes() / 1048576, 1),
    }  # fmt: skip
    return render(request, "portal/claims/new.html", context, status=status)


@never_cache
@customer_required
def claim_detail(request, number: str):
    claim = selectors.portal_claim(request.portal_customer, number)
    if claim is None:
        raise Http404
    history = [h for h in claim.history.all() if h.public]
    return render(
        request,
        "portal/claims/detail.html",
        {
            "customer": request.portal_customer,
            "claim": claim,
            "history": history,
            "photos": list(claim.photos.all()),
        },
    )


@customer_required
def claim_photo(request, number: str, photo_id: int):
    from postventa.helpdesk.downloads import file_response

    photo = ClaimPhoto.objects.filter(
        pk=photo_id, claim__number=number[:24], claim__customer=request.portal_customer
    ).first()
    if photo is None:
        raise Http404
    try:
        return file_response(photo)
    except NotFound:
        raise Http404
