"""Settings > Webhooks: subscriptions, their delivery log, test sends and secret rotation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.mixins import render_page, staff_required
from postventa.core import webhooks
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.models import WebhookDelivery, WebhookSubscription
from postventa.core.pagination import keyset_page

DELIVERY_PAGE_SIZE = 25


def _is_admin(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", "") == "admin")


def _form_context(request, *, subscription=None, values=None, error: str = "") -> dict:
    if values is None and subscription is not None:
        values = {
            "name": subscription.name,
            "url": subscription.url,
            "event_types": subscription.event_types,
            "is_active": subscription.is_active,
            "allow_private_network": subscription.allow_private_network,
        }
    values = values or {"event_types": [], "is_active": True}
    return {
        "nav": "settings",
        "subscription": subscription,
        "values": values,
        "event_types": webhooks.event_type_list(),
        "can_allow_private": _is_admin(request.user),
        "private_allowed_globally": settings.WEBHOOKS_ALLOW_PRIVATE,
        "error": error,
    }


def _posted(request) -> dict:
    post = request.POST
    return {
        "name": post.get("name", ""),
        "url": post.get("url", ""),
        "event_types": post.getlist("event_types"),
        "is_active": post.get("is_active") == "on",
        "allow_private_network": post.get("allow_private_network") == "on",
    }


def _get_or_404(subscription_id: int) -> WebhookSubscription:
    try:
        return WebhookSubscription.objects.get(pk=subscription_id)
    except WebhookSubscription.DoesNotExist:
        raise Http404


@staff_required("webhooks.manage")
def webhook_list(request):
    subscriptions = WebhookSubscription.objects.annotate(
        delivered_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.DELIVERED)),
        pending_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
        problem_count=Count(
            "deliveries",
            filter=Q(deliveries__status__in=[WebhookDelivery.Status.FAILED, WebhookDelivery.Status.REFUSED]),
        ),
    ).order_by("name", "id")
    context = {"nav": "settings", "subscriptions": list(subscriptions[:500])}
    return render_page(request, "console/settings/webhooks/list.html", context)


@staff_required("webhooks.manage")
def webhook_create(request):
    if request.method == "POST":
        values = _posted(request)
        try:
            subscription = webhooks.webhook_subscription_create(acting_user=request.user, **values)
        except ApplicationError as exc:
            context = _form_context(request, values=values, error=exc.message)
            return render_page(request, "console/settings/webhooks/form.html", context, status=400)
        messages.success(
            request, _("Subscription created. Copy the signing secret into your receiving system.")
        )
        return redirect("console:webhook_detail", subscription_id=subscription.pk)
    return render_page(request, "console/settings/webhooks/form.html", _form_context(request))


@staff_required("webhooks.manage")
def webhook_edit(request, subscription_id: int):
    subscription = _get_or_404(subscription_id)
    if request.method == "POST":
        values = _posted(request)
        if not _is_admin(request.user):
            values.pop("allow_private_network")  # the box is not shown to them: keep what is set
        try:
            webhooks.webhook_subscription_update(
                acting_user=request.user, subscription_id=subscription.pk, **values
            )
        except ApplicationError as exc:
            context = _form_context(request, subscription=subscription, values=values, error=exc.message)
            return render_page(request, "console/settings/webhooks/form.html", context, status=400)
        messages.success(request, _("Subscription saved."))
        return redirect("console:webhook_detail", subscription_id=subscription.pk)
    context = _form_context(request, subscription=subscription)
    return render_page(request, "console/settings/webhooks/form.html", context)


@staff_required("webhooks.manage")
def webhook_detail(request, subscription_id: int):
    subscription = _get_or_404(subscription_id)
    status = request.GET.get("status") or None
    try:
        deliveries = webhooks.delivery_list(user=request.user, subscription_id=subscription.pk, status=status)
        page = keyset_page(deliveries, cursor=request.GET.get("cursor") or None, page_size=DELIVERY_PAGE_SIZE)
    except NotFound:
        raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("console:webhook_detail", subscription_id=subscription.pk)
    context = {
        "nav": "settings",
        "subscription": subscription,
        "deliveries": page.items,
        "next_cursor": page.next_cursor,
        "status": status or "",
        "statuses": WebhookDelivery.Status.choices,
        "event_labels": dict(webhooks.event_type_list()),
    }
    return render_page(
        request,
        "console/settings/webhooks/detail.html",
        context,
        partial="console/settings/webhooks/_deliveries.html",
    )


@staff_required("webhooks.manage")
@require_POST
def webhook_delete(request, subscription_id: int):
    try:
        webhooks.webhook_subscription_delete(acting_user=request.user, subscription_id=subscription_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("console:webhook_list")
    messages.success(request, _("Subscription deleted. Nothing more will be sent to it."))
    return redirect("console:webhook_list")


@staff_required("webhooks.manage")
@require_POST
def webhook_rotate(request, subscription_id: int):
    try:
        webhooks.webhook_subscription_rotate_secret(acting_user=request.user, subscription_id=subscription_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.warning(
            request,
            _("New signing secret created. Deliveries are signed with it from now on: update your receiver."),
        )
    return redirect("console:webhook_detail", subscription_id=subscription_id)


@staff_required("webhooks.manage")
@require_POST
def webhook_test(request, subscription_id: int):
    try:
        delivery = webhooks.webhook_subscription_test_send(
            acting_user=request.user, subscription_id=subscription_id
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if delivery.status == WebhookDelivery.Status.DELIVERED:
            messages.success(
                request,
                _("Test event delivered: the endpoint answered HTTP %(status)s.")
                % {"status": delivery.response_status},
            )
        else:
            messages.error(
                request, _("The test event was not delivered: %(error)s") % {"error": delivery.last_error}
            )
    return redirect("console:webhook_detail", subscription_id=subscription_id)


@staff_required("webhooks.manage")
@require_POST
def webhook_redeliver(request, subscription_id: int, delivery_id: int):
    try:
        webhooks.webhook_delivery_redeliver(
            acting_user=request.user, delivery_id=delivery_id, subscription_id=subscription_id
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Delivery queued again; the worker sends it within a minute."))
    return redirect("console:webhook_detail", subscription_id=subscription_id)
