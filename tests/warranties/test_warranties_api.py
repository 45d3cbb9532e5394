"""Warranties API through real HTTP with real API tokens."""

from __future__ import annotations

from pv_warranties_helpers import make_asset, make_product, utc

from postventa.accounts.tokens import token_create
from postventa.aftercare.warranties.models import ExtendedWarranty, TermsVersion, WarrantyTerms
from postventa.core.models import OutboxEvent


def test_coverage_by_each_key(api, db):
    asset = make_asset(delivered_at=utc(2024, 3, 14, 10), serial="API-1", product=make_product("API-SKU"))
    order = asset.order_line.order
    r = api.get("/api/v1/warranties/coverage", serial="API-1", on="2025-01-01", language="en")
    assert r.status_code == 200, r.content
    item = r.json()["items"][0]
    assert (
        item["asset_id"] == asset.pk and item["serial_number"] == "API-1" and item["product_sku"] == "API-SKU"
    )
    assert item["covered"] is True and item["covering"]["kind"] == "legal"
    assert item["legal_ends_on"] == "2027-03-14" and item["presumption_until"] == "2026-03-14"
    assert item["sentence"].startswith("Covered by the legal guarantee until 14 March 2027")
    es = api.get("/api/v1/warranties/coverage", asset_id=asset.pk, on="2025-01-01", language="es").json()
    assert es["items"][0]["sentence"].startswith(
        "Cubierto por la garantía legal hasta el 14 de marzo de 2027"
    )
    assert (
        api.get("/api/v1/warranties/coverage", order_id=order.pk).json()["items"][0]["asset_id"] == asset.pk
    )
    line = api.get("/api/v1/warranties/coverage", order_line_id=asset.order_line_id).json()
    assert line["items"][0]["delivered_on"] == "2024-03-14"


def test_coverage_bad_input(api, db):
    make_asset(serial="X-1")
    r = api.get("/api/v1/warranties/coverage", serial="NOPE-42", language="en")
    assert r.status_code == 404
    assert r.json()["code"] == "serial_not_found" and "NOPE-42" in r.json()["detail"]
    none = api.get("/api/v1/warranties/coverage")
    assert none.status_code == 422 and none.json()["code"] == "one_key_required"
    two = api.get("/api/v1/warranties/coverage", serial="X-1", asset_id=1)
    assert two.status_code == 422 and two.json()["extra"]["given"] == ["serial", "asset_id"]
    assert api.get("/api/v1/warranties/coverage", asset_id=10**9).status_code == 404
    assert api.get("/api/v1/warranties/coverage", order_id=10**9).status_code == 404
    assert api.get("/api/v1/warranties/coverage", asset_id="abc").status_code == 422
    assert api.get("/api/v1/warranties/coverage", asset_id=2**63).status_code in (404, 422)
    assert api.get("/api/v1/warranties/coverage", serial="X-1", on="2024-13-40").status_code == 422


def test_terms_lifecycle(api, db):
    r = api.post(
        "/api/v1/warranties/terms",
        {
            "title_es": "Garantía Plus",
            "title_en": "Plus warranty",
            "body_es": "Texto v1",
            "body_en": "Text v1",
        },
    )
    assert r.status_code == 201, r.content
    terms = r.json()
    assert terms["slug"] == "plus-warranty" and terms["current_version"] is None
    v1 = terms["versions"][0]
    assert v1["status"] == "draft"
    p = api.post(f"/api/v1/warranties/terms/{terms['id']}/versions/{v1['id']}/publish")
    assert p.status_code == 200 and p.json()["status"] == "published"
    again = api.post(f"/api/v1/warranties/terms/{terms['id']}/versions/{v1['id']}/publish")
    assert again.status_code == 409
    v2 = api.post(f"/api/v1/warranties/terms/{terms['id']}/versions", {"body_es": "v2", "body_en": "v2"})
    assert v2.status_code == 201 and v2.json()["number"] == 2
    dup = api.post(f"/api/v1/warranties/terms/{terms['id']}/versions", {"body_es": "v3"})
    assert dup.status_code == 409
    detail = api.get(f"/api/v1/warranties/terms/{terms['id']}").json()
    assert [v["number"] for v in detail["versions"]] == [2, 1] and detail["current_version"] == 1
    listing = api.get("/api/v1/warranties/terms").json()
    assert listing["items"][0]["id"] == terms["id"]
    assert api.get("/api/v1/warranties/terms/999999").status_code == 404
    bad = api.post("/api/v1/warranties/terms", {"title_es": "", "body_es": "x"})
    assert bad.status_code == 422
    assert WarrantyTerms.objects.count() == 1
    assert OutboxEvent.objects.filter(type="warranty_terms.published").count() == 1


def test_extended_warranty_sale_and_permissions(api, client, db, admin_user, agent, analyst):
    terms = WarrantyTerms.objects.create(slug="ext", title_es="Extendida")
    TermsVersion.objects.create(
        terms=terms, number=1, body_es="x", body_en="x", status="published", published_at=utc(2023, 1, 1)
    )
    asset = make_asset(delivered_at=utc(2025, 6, 1, 9))
    url = f"/api/v1/warranties/assets/{asset.pk}/extended-warranties"
    body = {"terms_id": terms.pk, "months": 24, "price": "89.90", "name_es": "Plus", "name_en": "Plus"}
    client.force_login(analyst)
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(agent)
    r = client.post(url, body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["starts_on"] == "2028-06-02" and r.json()["ends_on"] == "2030-06-02"
    assert [w["id"] for w in client.get(url).json()] == [r.json()["id"]]
    for bad in (
        {**body, "months": 0},
        {**body, "price": "-1"},
        {**body, "terms_id": None},
        {**body, "starts_on": "2020-01-01"},
    ):
        res = client.post(url, bad, content_type="application/json")
        assert res.status_code == 422, (bad, res.content)
    assert (
        client.post(
            "/api/v1/warranties/assets/999999/extended-warranties", body, content_type="application/json"
        ).status_code
        == 404
    )
    # agents may sell but not manage terms
    assert (
        client.post(
            "/api/v1/warranties/terms", {"title_es": "T", "body_es": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert ExtendedWarranty.objects.count() == 1
    # a read-only token cannot sell
    _, secret = token_create(acting_user=admin_user, owner=admin_user, name="r", scopes=["warranties:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    client.logout()
    assert (
        client.get("/api/v1/warranties/coverage", {"asset_id": asset.pk}, headers=headers).status_code == 200
    )
    assert client.post(url, body, content_type="application/json", headers=headers).status_code == 403
    assert ExtendedWarranty.objects.count() == 1
