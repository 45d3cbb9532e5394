import datetime as dt

import pytest
from django.utils import timezone
from pv_orders_helpers import make_customer, make_order

from postventa.catalog.models import Category, Product
from postventa.core.registry import GDPR_ERASERS, GDPR_EXPORTERS
from postventa.customers.models import Customer
from postventa.orders.models import Order


@pytest.mark.django_db
def test_gdpr_export_and_erase_keep_totals():
    customer = make_customer()
    order = make_order(customer)
    exported = GDPR_EXPORTERS["orders"](customer)
    assert exported[0]["number"] == "PV-1001"
    assert exported[0]["shipping_address"]["postcode"] == "28013"
    assert [line["line_total"] for line in exported[0]["lines"]] == ["499.90", "50.00"]
    from postventa.orders.models import CarrierInbound, ShipmentEvent
    from postventa.orders.shipments import carrier_event_apply, shipment_create, store_inbound

    shipment_create(acting_user=None, order=order, carrier="seur", tracking_number="G1")
    inbound = store_inbound(b'{"recipient": "Luc\xc3\xada Garc\xc3\xada, Calle Mayor 1"}')
    event = {
        "carrier": "seur",
        "tracking_number": "G1",
        "event_id": "g1",
        "code": "LABEL_CREATED",
        "occurred_at": timezone.now(),
        "description": "",
        "location": "Madrid",
    }
    carrier_event_apply(event=event, raw={"recipient": "Lucía García"}, inbound=inbound)
    GDPR_ERASERS["orders"](customer)
    assert ShipmentEvent.objects.get(carrier_event_id="g1").raw == {}
    assert CarrierInbound.objects.get(pk=inbound.pk).body == ""
    order.refresh_from_db()
    assert (order.ship_name, order.ship_line1, order.ship_postcode, order.ship_city) == ("", "", "", "")
    assert str(order.total) == "554.90"
    assert order.lines.count() == 2


@pytest.mark.django_db
def test_segment_conditions_bought_category_and_no_recent_order():
    segments = pytest.importorskip("postventa.customers.segments")
    wm = Category.objects.create(slug="lavadoras", name_es="Lavadoras")
    Product.objects.create(sku="WM-100", name_es="Lavadora", category=wm)
    buyer = make_customer("a@example.com")
    make_order(buyer, number="A1")
    idle = make_customer("b@example.com")
    old = make_order(idle, number="B1")
    Order.objects.filter(pk=old.pk).update(placed_at=timezone.now() - dt.timedelta(days=400))
    bought = segments.CONDITIONS["orders.bought_category"].fn
    quiet = segments.CONDITIONS["orders.no_order_in_days"].fn
    assert set(bought(Customer.objects.all(), {"category": "lavadoras"})) == {buyer, idle}
    assert list(bought(Customer.objects.all(), {"category": "lavadoras", "months": 6})) == [buyer]
    assert list(bought(Customer.objects.all(), {"category": "teles"})) == []
    assert set(quiet(Customer.objects.all(), {"days": 365})) == {idle}


@pytest.mark.django_db
def test_merge_mover_moves_orders():
    merge = pytest.importorskip("postventa.customers.merge")
    a, b = make_customer("a@example.com"), make_customer("b@example.com")
    make_order(a, number="A1")
    assert merge.MERGE_MOVERS["orders"](a, b) == 1
    assert Order.objects.get(number="A1").customer == b


@pytest.mark.django_db
def test_customer_panels_render(console_client):
    panels = pytest.importorskip("postventa.customers.panels")
    customer = make_customer()
    make_order(customer)
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string

    user = get_user_model().objects.get(username="alex.agent")
    rendered = {p["key"]: p for p in panels.panels_for(customer, user)}
    assert {"orders", "assets"} <= set(rendered)
    html = render_to_string(
        rendered["orders"]["template_name"], {**rendered["orders"]["context"], "customer": customer}
    )
    assert "PV-1001" in html


@pytest.mark.django_db
def test_customer_360_page_shows_orders_and_assets_panels(console_client, admin_user):
    from django.urls import reverse

    from postventa.catalog.services import asset_register

    customer = make_customer()
    make_order(customer)
    product = Product.objects.create(sku="WM-9", name_es="Lavadora nueve")
    asset_register(acting_user=admin_user, customer=customer, product=product, serial_number="SER-77")
    response = console_client.get(reverse("console:customer_detail", args=[customer.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="panel-orders"' in body and "PV-1001" in body
    assert 'id="panel-assets"' in body and "SER-77" in body
