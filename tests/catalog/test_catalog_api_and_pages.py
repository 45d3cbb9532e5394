import pytest
from django.db import IntegrityError

from postventa.accounts.tokens import token_create
from postventa.catalog import services
from postventa.catalog.models import Asset, Category, Product
from postventa.core.errors import Conflict, PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent
from postventa.core.registry import GDPR_ERASERS, GDPR_EXPORTERS
from postventa.customers.models import Customer, TimelineEntry


@pytest.fixture
def customer(db):
    return Customer.objects.create(first_name="Ana", email="ana@example.com")


@pytest.fixture
def catalog(db, admin_user):
    wm = Category.objects.create(slug="washing-machines", name_es="Lavadoras", name_en="Washing machines")
    tv = Category.objects.create(slug="tv", name_es="Televisores", name_en="Televisions")
    p1 = services.product_create(
        acting_user=admin_user,
        sku="WM-1",
        name_es="Lavadora Eco",
        name_en="Eco washer",
        category_id=wm.pk,
        brand="Bosch",
        price="499.90",
        warranty_months=24,
    )
    p2 = services.product_create(
        acting_user=admin_user, sku="TV-1", name_es="Televisor 55", category_id=tv.pk, brand="LG", price="699"
    )
    return {"wm": wm, "tv": tv, "p1": p1, "p2": p2}


def test_product_create_validates_and_emits(catalog, admin_user, agent):
    assert str(catalog["p1"].price) == "499.90"
    assert OutboxEvent.objects.filter(type="product.created", payload__sku="WM-1").exists()
    with pytest.raises(Conflict):
        services.product_create(acting_user=admin_user, sku="WM-1", name_es="Otra")
    with pytest.raises(ValidationFailed):
        services.product_create(acting_user=admin_user, sku="X", name_es="X", price="-1")
    with pytest.raises(ValidationFailed):
        services.product_create(acting_user=admin_user, sku="X", name_es="X", currency="euro")
    with pytest.raises(PermissionDenied):
        services.product_create(acting_user=agent, sku="X", name_es="X")


def test_localised_name_falls_back(catalog):
    from django.utils import translation

    with translation.override("en"):
        assert catalog["p1"].name == "Eco washer"
        assert catalog["p2"].name == "Televisor 55"
    with translation.override("es"):
        assert catalog["p1"].name == "Lavadora Eco"


def test_serial_numbers_unique_per_product(catalog, customer, admin_user):
    services.asset_register(
        acting_user=admin_user, customer=customer, product=catalog["p1"], serial_number="SN1"
    )
    # Same serial on another product is fine.
    services.asset_register(
        acting_user=admin_user, customer=customer, product=catalog["p2"], serial_number="SN1"
    )
    with pytest.raises(Conflict):
        services.asset_register(
            acting_user=admin_user, customer=customer, product=catalog["p1"], serial_number=" SN1 "
        )
    with pytest.raises(IntegrityError):
        Asset.objects.create(customer=customer, product=catalog["p1"], serial_number="SN1")


def test_self_registered_asset_needs_proof_and_records_timeline(catalog, customer):
    with pytest.raises(ValidationFailed):
        services.asset_register(
            acting_user=None,
            customer=customer,
            product=catalog["p1"],
            serial_number="S9",
            source="self_registered",
        )
    asset = services.asset_register(
        acting_user=None,
        customer=customer,
        product=catalog["p1"],
        serial_number="S9",
        source="self_registered",
        notes="Ticket de compra en tienda 12",
    )
    assert asset.source == "self_registered"
    assert TimelineEntry.objects.filter(customer=customer, kind="asset.registered").count() == 1
    assert OutboxEvent.objects.filter(type="asset.registered", customer_id=customer.pk).count() == 1


def test_api_products_filters_and_crud(api, catalog):
    assert [p["sku"] for p in api.get("/api/v1/catalog/products", q="lavadora").json()["items"]] == ["WM-1"]
    assert [p["sku"] for p in api.get("/api/v1/catalog/products", category="tv").json()["items"]] == ["TV-1"]
    assert [p["sku"] for p in api.get("/api/v1/catalog/products", brand="bosch").json()["items"]] == ["WM-1"]
    created = api.post(
        "/api/v1/catalog/products",
        {
            "sku": "FR-1",
            "name_es": "Frigorífico",
            "price": "899.00",
            "maintenance_interval_months": 12,
            "is_recyclable": True,
            "attributes": {"litros": 300},
        },
    )
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert api.patch(f"/api/v1/catalog/products/{pid}", {"brand": "Balay"}).json()["brand"] == "Balay"
    assert api.post("/api/v1/catalog/products", {"sku": "FR-1", "name_es": "x"}).status_code == 409
    assert (
        api.post("/api/v1/catalog/products", {"sku": "FR-2", "name_es": "x", "price": "abc"}).status_code
        == 422
    )
    assert api.delete(f"/api/v1/catalog/products/{pid}").status_code == 204
    assert api.get(f"/api/v1/catalog/products/{pid}").status_code == 404


def test_api_assets_crud_and_serial_lookup(api, catalog, customer):
    created = api.post(
        "/api/v1/catalog/assets",
        {
            "customer_id": customer.pk,
            "product_id": catalog["p1"].pk,
            "serial_number": "ABC-1",
            "purchased_on": "2025-03-01",
        },
    )
    assert created.status_code == 201, created.content
    aid = created.json()["id"]
    found = api.get("/api/v1/catalog/assets/by-serial/ABC-1").json()
    assert [(a["id"], a["sku"]) for a in found] == [(aid, "WM-1")]
    assert (
        api.post(
            "/api/v1/catalog/assets",
            {"customer_id": customer.pk, "product_id": catalog["p1"].pk, "serial_number": "ABC-1"},
        ).status_code
        == 409
    )
    assert api.patch(f"/api/v1/catalog/assets/{aid}", {"notes": "revisada"}).json()["notes"] == "revisada"
    assert api.get("/api/v1/catalog/assets", customer_id=customer.pk).json()["items"][0]["id"] == aid
    assert (
        api.post(
            "/api/v1/catalog/assets",
            {"customer_id": 999999, "product_id": catalog["p1"].pk, "serial_number": "Z"},
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/catalog/assets/{aid}").status_code == 204


def test_api_permissions(client, catalog, analyst, agent, supervisor):
    _, secret = token_create(acting_user=supervisor, owner=supervisor, name="r", scopes=["catalog:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/catalog/products", headers=headers).status_code == 200
    denied = client.post(
        "/api/v1/catalog/products",
        {"sku": "N", "name_es": "N"},
        content_type="application/json",
        headers=headers,
    )
    assert denied.status_code == 403
    client.force_login(analyst)
    assert client.get("/api/v1/catalog/assets").status_code == 200
    assert (
        client.post(
            "/api/v1/catalog/products", {"sku": "N", "name_es": "N"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(agent)
    assert (
        client.post(
            "/api/v1/catalog/products", {"sku": "N", "name_es": "N"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert not Product.objects.filter(sku="N").exists()


def test_console_pages_render_with_bounded_queries(
    console_client, catalog, customer, admin_user, django_assert_max_num_queries
):
    for i in range(20):
        services.product_create(
            acting_user=admin_user, sku=f"P-{i}", name_es=f"Producto {i}", category_id=catalog["wm"].pk
        )
        services.asset_register(
            acting_user=admin_user, customer=customer, product=catalog["p1"], serial_number=f"SN-{i}"
        )
    with django_assert_max_num_queries(8):
        response = console_client.get("/console/catalog/products/")
    assert response.status_code == 200 and "P-19" in response.content.decode()
    filtered = console_client.get("/console/catalog/products/", {"category": "tv"}).content.decode()
    assert "TV-1" in filtered and "P-19" not in filtered
    with django_assert_max_num_queries(8):
        response = console_client.get("/console/catalog/assets/")
    assert response.status_code == 200 and "SN-19" in response.content.decode()
    asset = Asset.objects.get(serial_number="SN-3")
    assert "SN-3" in console_client.get(f"/console/catalog/assets/{asset.pk}/").content.decode()
    detail = console_client.get(f"/console/catalog/products/{catalog['p1'].pk}/")
    assert detail.status_code == 200 and "SN-3" in detail.content.decode()
    assert console_client.get("/console/catalog/products/999999/").status_code == 404


def test_gdpr_export_and_erase_of_assets(catalog, customer, admin_user):
    services.asset_register(
        acting_user=admin_user,
        customer=customer,
        product=catalog["p1"],
        serial_number="G1",
        notes="vive en Calle Falsa 1",
    )
    exported = GDPR_EXPORTERS["assets"](customer)
    assert exported[0]["serial_number"] == "G1" and exported[0]["notes"] == "vive en Calle Falsa 1"
    GDPR_ERASERS["assets"](customer)
    asset = Asset.objects.get(serial_number="G1")
    assert asset.notes == "" and asset.customer == customer
