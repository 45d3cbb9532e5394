"""Console: owner notices (recall, firmware update, end of life) with a preview and live progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from postventa.aftercare.maintenance import notices, selectors
from postventa.aftercare.maintenance.models import NoticeDelivery, OwnerNotice
from postventa.console.maintenance.views import _int, _page
from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.permissions import can

FIELDS = ("product", "kind", "serial_from", "serial_to", "numeric_serials", "subject_es", "subject_en",
          "message_es", "message_en")  # fmt: skip


@staff_required("maintenance.view")
def notice_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in OwnerNotice.Kind.values else ""
    page = _page(request, selectors.notice_list(kind=kind, product_id=_int(request.GET.get("product"))))
    return render_page(request, "console/maintenance/notice_list.html",
                       {"nav": "owner_notices", "page": page, "kinds": OwnerNotice.Kind.choices,
                        "filters": {"kind": kind}, "can_manage": can(request.user, "maintenance.manage")},
                       partial="console/maintenance/_notice_rows.html")  # fmt: skip


@staff_required("maintenance.manage")
@require_http_methods(["GET", "POST"])
def notice_new(request):
    from postventa.catalog.models import Product

    src = request.POST if request.method == "POST" else request.GET
    form = {k: src.get(k, "")[:5000] for k in FIELDS}
    form["numeric_serials"] = src.get("numeric_serials") == "on"
    product = Product.objects.filter(pk=_int(form["product"])).first() if form["product"] else None
    context = {"nav": "owner_notices", "form": form, "kinds": OwnerNotice.Kind.choices, "error": "", "preview": None,
               "products": list(Product.objects.filter(assets__isnull=False).distinct().order_by("sku")
                                .only("pk", "sku", "name_es", "name_en")[:500])}  # fmt: skip
    if request.method == "GET":
        return render_page(request, "console/maintenance/notice_new.html", context)
    try:
        if product is None:
            raise ApplicationError(_("Choose a product."))
        if request.POST.get("action") == "send":
            notice = notices.notice_send(
                acting_user=request.user, product=product, kind=form["kind"],
                serial_from=form["serial_from"], serial_to=form["serial_to"],
                numeric_serials=form["numeric_serials"], subject_es=form["subject_es"],
                subject_en=form["subject_en"], message_es=form["message_es"], message_en=form["message_en"],
            )  # fmt: skip
            messages.success(request, _("The notice is being sent to %(n)s owners.") % {"n": notice.owners_total})
            return redirect("console:owner_notice_detail", notice_id=notice.pk)
        context["preview"] = notices.notice_preview(product=product, serial_from=form["serial_from"].strip(),
                                                    serial_to=form["serial_to"].strip(),
                                                    numeric=form["numeric_serials"])  # fmt: skip
    except ApplicationError as exc:
        context["error"] = exc.message
        return render_page(request, "console/maintenance/notice_new.html", context, status=400)
    return render_page(request, "console/maintenance/notice_new.html", context)


@staff_required("maintenance.view")
def notice_detail(request, notice_id: int):
    try:
        notice = selectors.notice_get(notice_id)
    except ApplicationError:
        raise Http404
    status = request.GET.get("status", "")
    status = status if status in NoticeDelivery.Status.values else ""
    page = _page(request, selectors.delivery_list(notice, status=status))
    context = {"nav": "owner_notices", "notice": notice, "progress": notices.notice_progress(notice), "page": page,
               "statuses": NoticeDelivery.Status.choices, "filters": {"status": status}}  # fmt: skip
    return render_page(request, "console/maintenance/notice_detail.html", context,
                       partial="console/maintenance/_notice_progress.html")  # fmt: skip
