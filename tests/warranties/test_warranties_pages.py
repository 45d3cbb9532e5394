"""Console and portal pages of warranties through the Django test client (real DB, real templates)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from pv_warranties_helpers import make_asset, make_customer, make_product, utc

from postventa.aftercare.warranties import services
from postventa.aftercare.warranties.models import ExtendedWarranty, LegalRule, TermsVersion, WarrantyPlan
from postventa.catalog.models import Asset


def _login_customer(client, customer):
    from postventa.helpdesk import portal_auth

    session = client.session
    session[portal_auth.SESSION_KEY] = customer.pk
    session.save()
    return client


def _terms_with_version(admin_user, slug="plus"):
    terms = services.terms_create(
        acting_user=admin_user,
        slug=slug,
        title_es="Garantía Plus",
        title_en="Plus warranty",
        body_es="Cubre piezas y mano de obra.",
        body_en="Covers parts and labour.",
    )
    services.terms_version_publish(acting_user=admin_user, version=terms.versions.get())
    return terms


def test_console_lookup_by_serial_and_order(console_client, db, django_assert_max_num_queries):
    asset = make_asset(delivered_at=utc(2024, 3, 14, 10), serial="CON-1")
    r = console_client.get("/console/warranties/", {"q": "CON-1", "on": "2025-01-01"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "CON-1" in body and "14 de marzo de 2027" in body and "14 de marzo de 2026" in body
    order = asset.order_line.order
    with django_assert_max_num_queries(30):
        r = console_client.get("/console/warranties/", {"q": order.number})
    assert r.status_code == 200 and "CON-1" in r.content.decode()
    missing = console_client.get("/console/warranties/", {"q": "NOPE-9"})
    assert missing.status_code == 200 and "NOPE-9" in missing.content.decode()
    assert console_client.get("/console/warranties/", {"q": "CON-1", "on": "bad"}).status_code == 200
    # HTMX: only the results fragment
    frag = console_client.get("/console/warranties/", {"q": "CON-1"}, headers={"HX-Request": "true"})
    assert "<html" not in frag.content.decode() and "CON-1" in frag.content.decode()


def test_console_ambiguous_serial_lists_products(console_client, db):
    make_asset(serial="AMB-1", product=make_product("AAA-1"), purchased_on=utc(2023, 1, 1).date())
    make_asset(serial="AMB-1", product=make_product("BBB-1"), purchased_on=utc(2023, 1, 1).date())
    body = console_client.get("/console/warranties/", {"q": "AMB-1"}).content.decode()
    assert "AAA-1" in body and "BBB-1" in body and "product=AAA-1" in body
    body = console_client.get("/console/warranties/", {"q": "AMB-1", "product": "BBB-1"}).content.decode()
    assert "BBB-1" in body and "garantía legal" in body


def test_terms_management_needs_manage(client, db, agent, supervisor):
    client.force_login(agent)
    assert client.get("/console/warranties/terms/").status_code == 200
    assert client.get("/console/warranties/terms/new/").status_code in (302, 403)
    client.force_login(supervisor)
    r = client.post("/console/warranties/terms/new/", {"title_es": "", "body_es": "x"})
    assert r.status_code == 422
    r = client.post(
        "/console/warranties/terms/new/",
        {"title_es": "Garantía Oro", "title_en": "Gold warranty", "body_es": "Texto", "body_en": "Text"},
    )
    assert r.status_code == 302
    terms_url = r["Location"]
    page = client.get(terms_url).content.decode()
    assert "Garantía Oro" in page and "Publicar esta versión" in page
    version = TermsVersion.objects.get()
    r = client.post(f"{terms_url}versions/{version.pk}/publish/")
    assert r.status_code == 302
    version.refresh_from_db()
    assert version.status == "published"
    client.post(f"{terms_url}draft/", {"body_es": "Texto 2", "body_en": "Text 2", "change_note": "más claro"})
    assert TermsVersion.objects.filter(status="draft", number=2).exists()
    client.force_login(agent)
    assert client.post(f"{terms_url}draft/", {"body_es": "hack"}).status_code in (302, 403)
    assert not TermsVersion.objects.filter(body_es="hack").exists()


def test_plans_and_rules_pages(client, db, supervisor, agent, admin_user):
    terms = _terms_with_version(admin_user)
    client.force_login(supervisor)
    r = client.post(
        "/console/warranties/plans/",
        {
            "kind": "extended",
            "name_es": "Plus 2 años",
            "name_en": "Plus 2 years",
            "terms_id": terms.pk,
            "months": "24",
            "price": "79.00",
            "currency": "EUR",
        },
    )
    assert r.status_code == 302 and WarrantyPlan.objects.get().months == 24
    bad = client.post(
        "/console/warranties/plans/", {"kind": "commercial", "name_es": "X", "terms_id": terms.pk}
    )
    assert bad.status_code == 422 and WarrantyPlan.objects.count() == 1
    assert "Plus 2 años" in client.get("/console/warranties/plans/").content.decode()
    rules_page = client.get("/console/warranties/rules/").content.decode()
    assert "Real Decreto Legislativo 1/2007" in rules_page
    r = client.post(
        "/console/warranties/rules/",
        {
            "jurisdiction": "EU",
            "kind": "goods",
            "delivered_from": "2030-01-01",
            "months": "36",
            "presumption_months": "12",
        },
    )
    assert r.status_code == 302
    assert LegalRule.objects.filter(jurisdiction__code="EU", delivered_from="2030-01-01", months=36).exists()
    bad = client.post(
        "/console/warranties/rules/",
        {
            "jurisdiction": "EU",
            "kind": "goods",
            "delivered_from": "2031-01-01",
            "months": "12",
            "presumption_months": "24",
        },
    )
    assert bad.status_code == 422
    client.force_login(agent)
    assert (
        client.post(
            "/console/warranties/rules/",
            {
                "jurisdiction": "ES",
                "kind": "goods",
                "delivered_from": "2031-01-01",
                "months": "1",
                "presumption_months": "1",
            },
        ).status_code
        == 404
    )
    assert not LegalRule.objects.filter(delivered_from="2031-01-01").exists()


def test_extended_sale_page_and_panels(client, db, agent, analyst, admin_user):
    terms = _terms_with_version(admin_user)
    plan = services.plan_save(
        acting_user=admin_user,
        kind="extended",
        name_es="Plus 2 años",
        name_en="Plus 2 years",
        months=24,
        price="79.00",
        terms=terms,
    )
    asset = make_asset(delivered_at=utc(2025, 6, 1, 9), serial="EXT-1")
    url = f"/console/warranties/assets/{asset.pk}/extended/"
    client.force_login(analyst)
    assert client.get(url).status_code in (302, 403)
    client.force_login(agent)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"plan_id": "", "terms_id": terms.pk, "months": "12", "price": "abc"})
    assert bad.status_code == 422 and ExtendedWarranty.objects.count() == 0
    r = client.post(url, {"plan_id": plan.pk})
    assert r.status_code == 302
    row = ExtendedWarranty.objects.get()
    assert row.sold_by == agent and str(row.starts_on) == "2028-06-02"
    # asset page and customer 360 show coverage
    from django.urls import reverse

    asset_page = client.get(reverse("console:asset_detail", args=[asset.pk])).content.decode()
    assert "Plus 2 años" in asset_page and "Vender garantía extendida" in asset_page

    page = client.get(reverse("console:customer_detail", args=[asset.customer_id])).content.decode()
    assert "EXT-1" in page and "Cubierto por la garantía legal" in page


def test_portal_products_and_terms_isolation(client, db, admin_user):
    terms = _terms_with_version(admin_user)
    a = make_customer("a@example.com")
    b = make_customer("b@example.com")
    asset_a = make_asset(customer=a, delivered_at=utc(2025, 6, 1, 9), serial="PA-1")
    make_asset(customer=b, delivered_at=utc(2025, 6, 1, 9), serial="PB-1")
    sale = services.extended_warranty_sell(
        acting_user=admin_user, asset=asset_a, terms=terms, months=12, price="30"
    )
    # a new version later: A keeps version 1
    v2 = services.terms_version_create(acting_user=admin_user, terms=terms, body_es="Nuevo", body_en="New")
    services.terms_version_publish(acting_user=admin_user, version=v2)
    assert client.get("/products/").status_code == 302  # sign in first
    _login_customer(client, a)
    page = client.get("/products/").content.decode()
    assert "PA-1" in page and "PB-1" not in page
    assert f"/products/terms/{sale.terms_version_id}/" in page
    assert f"/claims/new/?asset={asset_a.pk}" in page
    terms_page = client.get(f"/products/terms/{sale.terms_version_id}/")
    assert terms_page.status_code == 200 and "Cubre piezas y mano de obra." in terms_page.content.decode()
    assert client.get(f"/products/terms/{v2.pk}/").status_code == 404  # not the version A holds
    _login_customer(client, b)
    assert "PA-1" not in client.get("/products/").content.decode()
    assert client.get(f"/products/terms/{sale.terms_version_id}/").status_code == 404


def test_portal_register_product(client, db):
    customer = make_customer()
    product = make_product("REG-1")
    _login_customer(client, customer)
    assert client.get("/products/register/").status_code == 200
    proof = SimpleUploadedFile("factura.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    bad = client.post(
        "/products/register/", {"product": "REG-1", "serial_number": "", "purchased_on": "2099-01-01"}
    )
    assert bad.status_code == 422 and Asset.objects.count() == 0
    body = bad.content.decode()
    assert "número de serie" in body.lower() and "futuro" in body
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    r = client.post(
        "/products/register/",
        {"product": "REG-1", "serial_number": "S-9", "purchased_on": "2024-05-01", "proof": exe},
    )
    assert r.status_code == 422 and Asset.objects.count() == 0
    r = client.post(
        "/products/register/",
        {"product": "REG-1", "serial_number": "S-9", "purchased_on": "2024-05-01", "proof": proof},
    )
    assert r.status_code == 302
    asset = Asset.objects.get()
    assert asset.customer == customer and asset.product == product and asset.source == "self_registered"
    assert asset.proof_of_purchase.name
    page = client.get("/products/").content.decode()
    assert "S-9" in page and "1 de mayo de 2027" in page
    proof2 = SimpleUploadedFile("factura.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    dup = client.post(
        "/products/register/",
        {"product": "REG-1", "serial_number": "S-9", "purchased_on": "2024-05-01", "proof": proof2},
    )
    assert dup.status_code == 422 and Asset.objects.count() == 1
