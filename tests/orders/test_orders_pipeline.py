from decimal import Decimal

import pytest
from django.utils import translation
from pv_orders_helpers import make_order, walk

from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent
from postventa.customers.models import TimelineEntry
from postventa.orders import pipeline, services
from postventa.orders.models import OrderStatusChange

LEGAL = [
    ("pending_payment", "paid"),
    ("pending_payment", "rejected"),
    ("pending_payment", "cancelled"),
    ("paid", "preparing"),
    ("paid", "cancelled"),
    ("preparing", "shipped"),
    ("shipped", "out_for_delivery"),
    ("shipped", "delivered"),
    ("out_for_delivery", "delivered"),
    ("out_for_delivery", "delivery_failed"),
    ("delivery_failed", "out_for_delivery"),
    ("delivery_failed", "returned"),
    ("delivery_failed", "cancelled"),
]
ILLEGAL = [
    ("pending_payment", "shipped"),
    ("pending_payment", "delivered"),
    ("paid", "pending_payment"),
    ("shipped", "preparing"),
    ("delivered", "shipped"),
    ("delivered", "cancelled"),
    ("cancelled", "paid"),
    ("rejected", "paid"),
    ("out_for_delivery", "shipped"),
    ("returned", "delivered"),
]

# How to reach each status from pending_payment through legal moves.
ROUTE = {
    "pending_payment": [],
    "paid": ["paid"],
    "preparing": ["paid", "preparing"],
    "shipped": ["paid", "preparing", "shipped"],
    "out_for_delivery": ["paid", "preparing", "shipped", "out_for_delivery"],
    "delivered": ["paid", "preparing", "shipped", "delivered"],
    "delivery_failed": ["paid", "preparing", "shipped", "delivery_failed"],
    "returned": ["paid", "preparing", "shipped", "delivery_failed", "returned"],
    "cancelled": ["cancelled"],
    "rejected": ["rejected"],
}


def test_pipeline_table_matches_configuration():
    for from_status, to_status in LEGAL:
        assert pipeline.is_allowed(from_status, to_status), (from_status, to_status)
    for from_status, to_status in ILLEGAL:
        assert not pipeline.is_allowed(from_status, to_status), (from_status, to_status)
    assert set(pipeline.TRANSITIONS) == set(pipeline.STATUSES)
    assert pipeline.STATUSES["pending_payment"].customer_visible is False
    assert pipeline.STATUSES["shipped"].customer_visible is True


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_legal_transition_is_applied_and_recorded(from_status, to_status, agent):
    order = walk(make_order(), *ROUTE[from_status])
    change = services.order_change_status(
        order=order, to_status=to_status, acting_user=agent, source="staff", note="ok"
    )
    order.refresh_from_db()
    assert order.status == to_status
    assert (change.from_status, change.to_status, change.acting_user, change.note) == (
        from_status,
        to_status,
        agent,
        "ok",
    )
    event = OutboxEvent.objects.filter(type="order.status_changed").order_by("-occurred_at").first()
    assert event.payload["from"] == from_status
    assert event.payload["to"] == to_status
    assert event.payload["number"] == "PV-1001"
    assert event.payload["customer_id"] == order.customer_id
    assert TimelineEntry.objects.filter(
        customer=order.customer, kind="order.status_changed", data__to=to_status
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_illegal_transition_is_refused_naming_both_statuses(from_status, to_status):
    order = walk(make_order(), *ROUTE[from_status])
    history_before = OrderStatusChange.objects.filter(order=order).count()
    with pytest.raises(ValidationFailed) as info:
        services.order_change_status(order=order, to_status=to_status, source="staff")
    assert info.value.code == "illegal_transition"
    assert info.value.extra == {"from": from_status, "to": to_status}
    assert pipeline.label(from_status) in info.value.message
    assert pipeline.label(to_status) in info.value.message
    order.refresh_from_db()
    assert order.status == from_status
    assert OrderStatusChange.objects.filter(order=order).count() == history_before


@pytest.mark.django_db
def test_full_history_keeps_every_step_with_who_and_source(agent):
    order = make_order()
    walk(order, "paid", source="import")
    services.order_change_status(
        order=order, to_status="preparing", acting_user=agent, source="staff", note="picked"
    )
    history = list(order.status_changes.order_by("occurred_at", "id"))
    assert [(h.from_status, h.to_status, h.source) for h in history] == [
        ("", "pending_payment", "api"),
        ("pending_payment", "paid", "import"),
        ("paid", "preparing", "staff"),
    ]
    assert history[-1].who == str(agent)
    with translation.override("en"):
        assert history[1].who == "Import"


@pytest.mark.django_db
def test_unknown_status_and_analyst_are_refused(analyst):
    order = make_order()
    with pytest.raises(ValidationFailed) as info:
        services.order_change_status(order=order, to_status="teleported", source="staff")
    assert info.value.code == "unknown_status"
    with pytest.raises(PermissionDenied):
        services.order_change_status(order=order, to_status="paid", acting_user=analyst, source="staff")


@pytest.mark.django_db
def test_totals_are_decimal_sums_of_lines():
    order = make_order()
    assert order.subtotal == Decimal("549.90")
    assert order.total == Decimal("554.90")
    assert [line.line_total for line in order.lines.all()] == [Decimal("499.90"), Decimal("50.00")]


def test_path_to_walks_skipped_steps():
    assert pipeline.path_to("preparing", "delivered") == ["shipped", "delivered"]
    assert pipeline.path_to("out_for_delivery", "shipped") is None
    assert pipeline.path_to("delivered", "delivered") == []
