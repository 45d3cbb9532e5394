"""The bench loader (bench/load_data.py) on a tiny scale, so model changes cannot break it unseen."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from postventa.customers.models import Customer, CustomerEmail, TimelineEntry
from postventa.demo import loader
from postventa.orders import pipeline
from postventa.orders.models import Order, OrderLine, OrderStatusChange

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import load_data  # noqa: E402


@pytest.mark.django_db
def test_bench_loader_fills_every_column_and_writes_legal_histories():
    # given: the demo catalog and staff, as load_data.main() prepares them
    loader.load(customers=0, orders=0)
    now = timezone.now()
    rng = random.Random(1)
    # when
    customer_rows, _ = load_data.load_customers(40, now, rng)
    order_rows, _, orders = load_data.load_orders(150, now, rng, print)
    again = load_data.load_orders(150, now, rng, print)
    # then
    assert customer_rows == 160  # customer, email, phone, address each
    assert Customer.objects.count() == 40
    assert CustomerEmail.objects.filter(email__endswith="@bench.example.com").count() == 40
    assert orders == Order.objects.count() == 150
    assert again[0] == 0  # already loaded: nothing added
    assert OrderLine.objects.count() >= 150
    assert TimelineEntry.objects.filter(kind="order.created").count() == 150
    for order in Order.objects.prefetch_related("status_changes"):
        history = list(order.status_changes.all())
        assert history[0].to_status == pipeline.INITIAL
        for before, after in zip(history, history[1:], strict=False):
            assert pipeline.is_allowed(before.to_status, after.to_status)
        assert history[-1].to_status == order.status
        assert order.placed_at > now - dt.timedelta(days=731)
    assert OrderStatusChange.objects.count() > 150
    # The sequences were reset after explicit ids: the ORM can still insert.
    created = Customer.objects.create(first_name="Nueva")
    assert created.pk > max(Customer.objects.exclude(pk=created.pk).values_list("pk", flat=True))
