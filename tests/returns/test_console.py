"""Console returns: list filters and pages, detail actions by role, settings by supervisors, 360 panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from postventa.aftercare.returns import services
from postventa.aftercare.returns.models import Refund, ReturnPolicy, ReturnReason, ReturnRequest


def permission_denied_message():
    from django.utils.translation import gettext

    return gettext("You do not have permission to do this.")


@pytest.fixture
def order(customer, make_order):
    return make_order(customer, delivered=timezone.now() - dt.timedelta(days=2))


def _open(customer, order, sku="KETTLE-1", quantity=1, reason="changed_mind"):
    line = order.lines.get(sku=sku)
    return services.return_request_create(
        actor=None,
        customer=customer,
        order=order,
        lines=[{"order_line_id": line.pk, "quantity": quantity}],
        reason=reason,
    )


def test_list_filters_overdue_and_query_count(client, agent, customer, make_order):
    client.force_login(agent)
    orders = [make_order(customer, delivered=timezone.now() - dt.timedelta(days=2)) for _ in range(4)]
    returns = [_open(customer, o) for o in orders]
    ReturnRequest.objects.filter(pk=returns[0].pk).update(refund_due_by=timezone.now() - dt.timedelta(days=1))
    url = reverse("console:return_list")
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(url)
    assert res.status_code == 200
    assert all(r.number in res.content.decode() for r in returns)
    assert len(ctx.captured_queries) <= 12, [q["sql"] for q in ctx.captured_queries]
    res = client.get(url, {"overdue": "1"})
    assert [r.number for r in res.context["page"].items] == [returns[0].number]
    assert client.get(url, {"status": "rejected"}).context["page"].items == []
    assert len(client.get(url, {"reason": "changed_mind"}).context["page"].items) == 4


def test_agent_approves_receives_and_inspects_but_cannot_refund(client, agent, supervisor, customer, order):
    ReturnPolicy.objects.filter(is_active=True).update(auto_approve=False)
    r = _open(customer, order, quantity=2)
    client.force_login(agent)
    detail = reverse("console:return_detail", args=[r.pk])
    assert client.get(detail).status_code == 200
    client.post(reverse("console:return_transition", args=[r.pk]), {"status": "approved"})
    client.post(reverse("console:return_transition", args=[r.pk]), {"status": "received"})
    line = r.lines.get()
    client.post(
        reverse("console:return_inspect", args=[r.pk]),
        {
            f"condition_{line.pk}": "opened",
            f"accepted_{line.pk}": "on",
            f"restock_{line.pk}": "on",
            f"note_{line.pk}": "Box opened",
        },
    )
    r.refresh_from_db()
    line.refresh_from_db()
    assert r.status == "inspected" and line.restock is True and line.inspection_note == "Box opened"
    page = client.get(detail).content.decode()
    assert 'id="refund-form"' not in page
    res = client.post(
        reverse("console:return_refund", args=[r.pk]),
        {"amount": "10.00", "method": "bank_transfer"},
        follow=True,
    )
    assert [m.message for m in res.context["messages"]] == [str(permission_denied_message())]
    assert Refund.objects.count() == 0
    client.force_login(supervisor)
    assert 'id="refund-form"' in client.get(detail).content.decode()
    client.post(
        reverse("console:return_refund", args=[r.pk]),
        {"amount": "30.00", "method": "bank_transfer", "reference": "T-7"},
    )
    r.refresh_from_db()
    assert r.status == "refunded" and r.refunded_total == Decimal("30.00")
    res = client.post(
        reverse("console:return_refund", args=[r.pk]), {"amount": "999", "method": "cash"}, follow=True
    )
    assert "999" in " ".join(m.message for m in res.context["messages"])
    assert Refund.objects.count() == 1
    assert client.get(reverse("console:refund_list")).status_code == 200


def test_reject_needs_a_reason(client, agent, customer, order):
    ReturnPolicy.objects.filter(is_active=True).update(auto_approve=False)
    r = _open(customer, order)
    client.force_login(agent)
    res = client.post(reverse("console:return_transition", args=[r.pk]), {"status": "rejected"}, follow=True)
    r.refresh_from_db()
    assert r.status == "requested" and len(list(res.context["messages"])) == 1
    client.post(
        reverse("console:return_transition", args=[r.pk]),
        {"status": "rejected", "rejection_reason": "Outside"},
    )
    r.refresh_from_db()
    assert r.status == "rejected" and r.rejection_reason == "Outside"


def test_settings_are_for_supervisors(client, agent, supervisor, make_category):
    url = reverse("console:return_settings")
    client.force_login(agent)
    assert client.get(url).status_code == 403
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    res = client.post(url, {"name": "P", "withdrawal_days": "10", "business_window_days": "30", "refund_deadline_days": "14",
                            "auto_approve_max_amount": "100", "max_photo_mb": "5"})  # fmt: skip
    assert res.status_code == 422 and ReturnPolicy.objects.get(is_active=True).withdrawal_days == 14
    client.post(url, {"name": "P", "withdrawal_days": "14", "business_window_days": "45", "refund_deadline_days": "10",
                      "auto_approve_max_amount": "100", "max_photo_mb": "5", "auto_approve": "on"})  # fmt: skip
    assert ReturnPolicy.objects.get(is_active=True).business_window_days == 45
    category = make_category("hygiene")
    client.post(reverse("console:return_rule_save"), {"category": category.pk, "exclusion": "hygiene"})
    assert ReturnPolicy.objects.get(is_active=True).category_rules.get().exclusion == "hygiene"
    client.post(
        reverse("console:return_reason_save"),
        {"label_es": "Talla", "label_en": "Wrong size", "is_active": "on"},
    )
    assert ReturnReason.objects.get(code="wrong-size").label_es == "Talla"


def test_customer_360_panel_shows_returns_and_store_credit(client, supervisor, customer, order):
    from postventa.aftercare.returns.refunds import add_store_credit

    r = _open(customer, order)
    add_store_credit(actor=supervisor, customer=customer, amount=Decimal("7.00"))
    client.force_login(supervisor)
    page = client.get(reverse("console:customer_detail", args=[customer.pk])).content.decode()
    assert r.number in page and "store-credit-balance" in page and "7,00" in page
