"""Coverage through the real database: the table of legal cases, lookups, repairs, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pv_warranties_helpers import make_asset, make_customer, make_product, utc

from postventa.aftercare.warranties import services
from postventa.aftercare.warranties.coverage import (
    coverage_for_asset,
    coverage_for_order,
    coverage_for_order_line,
    coverage_for_serial,
)
from postventa.aftercare.warranties.models import (
    ExtendedWarranty,
    GuaranteeExtension,
    TermsVersion,
    WarrantyProfile,
    WarrantyTerms,
)
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.models import OutboxEvent

D = dt.date

# (id, kind, agreed months, delivered_at (UTC) or None, purchased_on, customer tz, ship country, jurisdiction
#  setting, expected delivered_on, expected legal end, expected presumption end)
LEGAL_CASES = [
    (
        "goods-2021-12-31",
        "goods",
        None,
        utc(2021, 12, 31, 10),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2021, 12, 31),
        D(2023, 12, 31),
        D(2022, 6, 30),
    ),
    (
        "goods-2022-01-01",
        "goods",
        None,
        utc(2022, 1, 1, 10),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2022, 1, 1),
        D(2025, 1, 1),
        D(2024, 1, 1),
    ),
    (
        "tz-madrid-new-year",
        "goods",
        None,
        utc(2021, 12, 31, 23, 30),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2022, 1, 1),
        D(2025, 1, 1),
        D(2024, 1, 1),
    ),
    (
        "tz-new-york-new-year",
        "goods",
        None,
        utc(2022, 1, 1, 3, 0),
        None,
        "America/New_York",
        "ES",
        "ES",
        D(2021, 12, 31),
        D(2023, 12, 31),
        D(2022, 6, 30),
    ),
    (
        "leap-2024",
        "goods",
        None,
        utc(2024, 2, 29, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2024, 2, 29),
        D(2027, 2, 28),
        D(2026, 2, 28),
    ),
    (
        "leap-2020-old-law",
        "goods",
        None,
        utc(2020, 2, 29, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2020, 2, 29),
        D(2022, 2, 28),
        D(2020, 8, 29),
    ),
    (
        "month-end-31-aug",
        "goods",
        None,
        utc(2021, 8, 31, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2021, 8, 31),
        D(2023, 8, 31),
        D(2022, 2, 28),
    ),
    (
        "digital",
        "digital",
        None,
        utc(2023, 5, 10, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2023, 5, 10),
        D(2025, 5, 10),
        D(2024, 5, 10),
    ),
    (
        "service",
        "service",
        None,
        utc(2022, 3, 1, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2022, 3, 1),
        D(2024, 3, 1),
        D(2023, 3, 1),
    ),
    (
        "second-hand-agreed-1y",
        "second_hand",
        12,
        utc(2023, 1, 15, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2023, 1, 15),
        D(2024, 1, 15),
        D(2024, 1, 15),
    ),
    (
        "second-hand-agreed-6m-floored",
        "second_hand",
        6,
        utc(2023, 1, 15, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2023, 1, 15),
        D(2024, 1, 15),
        D(2024, 1, 15),
    ),
    (
        "second-hand-no-agreement",
        "second_hand",
        None,
        utc(2022, 6, 1, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2022, 6, 1),
        D(2025, 6, 1),
        D(2024, 6, 1),
    ),
    (
        "second-hand-old-law-18m",
        "second_hand",
        18,
        utc(2021, 6, 1, 12),
        None,
        "Europe/Madrid",
        "ES",
        "ES",
        D(2021, 6, 1),
        D(2022, 12, 1),
        D(2021, 12, 1),
    ),
    (
        "purchase-date-fallback",
        "goods",
        None,
        None,
        D(2023, 3, 14),
        "Europe/Madrid",
        "ES",
        "ES",
        D(2023, 3, 14),
        D(2026, 3, 14),
        D(2025, 3, 14),
    ),
    (
        "shipped-to-france-eu-minimum",
        "goods",
        None,
        utc(2023, 1, 1, 12),
        None,
        "Europe/Madrid",
        "FR",
        "ES",
        D(2023, 1, 1),
        D(2025, 1, 1),
        D(2024, 1, 1),
    ),
    (
        "eu-setting-no-country",
        "goods",
        None,
        utc(2023, 1, 1, 12),
        None,
        "Europe/Madrid",
        "",
        "EU",
        D(2023, 1, 1),
        D(2025, 1, 1),
        D(2024, 1, 1),
    ),
    (
        "eu-setting-shipped-to-spain",
        "goods",
        None,
        utc(2023, 1, 1, 12),
        None,
        "Europe/Madrid",
        "ES",
        "EU",
        D(2023, 1, 1),
        D(2026, 1, 1),
        D(2025, 1, 1),
    ),
]


@pytest.mark.parametrize("case", LEGAL_CASES, ids=[c[0] for c in LEGAL_CASES])
def test_table_of_legal_cases(case, db, settings):
    (
        _id,
        kind,
        agreed,
        delivered_at,
        purchased_on,
        tz,
        country,
        setting,
        delivered_on,
        legal_end,
        presumption,
    ) = case
    settings.WARRANTY_JURISDICTION = setting
    product = make_product()
    if kind != "goods":
        WarrantyProfile.objects.create(product=product, kind=kind, agreed_months=agreed)
    asset = make_asset(
        product=product,
        customer=make_customer(time_zone=tz),
        delivered_at=delivered_at,
        purchased_on=purchased_on,
        ship_country=country,
    )
    coverage = coverage_for_asset(asset, on=delivered_on, language="en")
    assert coverage.delivered_on == delivered_on
    assert coverage.legal_ends_on == legal_end
    assert coverage.presumption_until == presumption
    assert coverage.covered and coverage.covering.kind == "legal"
    # covered on the last day, not the day after
    assert coverage_for_asset(asset, on=legal_end).covered
    after = coverage_for_asset(asset, on=legal_end + dt.timedelta(days=1), language="en")
    assert not after.covered
    assert after.sentence.startswith("Not covered: the legal guarantee ended on")


def test_category_profile_is_the_default_and_product_profile_wins(db):
    from postventa.catalog.models import Category

    category = Category.objects.create(slug="apps", name_es="Aplicaciones")
    digital = make_product(category=category)
    goods = make_product(category=category)
    WarrantyProfile.objects.create(category=category, kind="digital")
    WarrantyProfile.objects.create(product=goods, kind="goods")
    on = D(2023, 1, 1)
    a = make_asset(product=digital, delivered_at=utc(2023, 1, 1, 12))
    b = make_asset(product=goods, delivered_at=utc(2023, 1, 1, 12))
    assert coverage_for_asset(a, on=on).legal_ends_on == D(2025, 1, 1)
    assert coverage_for_asset(b, on=on).legal_ends_on == D(2026, 1, 1)


def test_sentence_in_spanish_and_english(db):
    asset = make_asset(delivered_at=utc(2024, 3, 14, 12))
    es = coverage_for_asset(asset, on=D(2025, 1, 1), language="es")
    en = coverage_for_asset(asset, on=D(2025, 1, 1), language="en")
    assert en.sentence == (
        "Covered by the legal guarantee until 14 March 2027: if it fails, you are entitled to a repair "
        "or a replacement at no cost."
    )
    assert es.sentence == (
        "Cubierto por la garantía legal hasta el 14 de marzo de 2027: si falla, le corresponde reparación "
        "o sustitución sin coste."
    )
    assert "3 years" in en.covering.reason and "3 años" in es.covering.reason


def test_unknown_delivery_and_undelivered_order(db):
    unknown = make_asset()
    coverage = coverage_for_asset(unknown, language="en")
    assert not coverage.covered and coverage.delivered_on is None and coverage.guarantees == []
    assert "delivery date of this unit is unknown" in coverage.sentence
    pending = make_asset(status="shipped")
    coverage = coverage_for_asset(pending, language="en")
    assert not coverage.covered
    assert "starts when order PV-T" in coverage.sentence


def test_spare_parts(db):
    ended = make_product(manufacturing_ended_on=D(2020, 2, 29))
    current = make_product()
    a = make_asset(product=ended, purchased_on=D(2019, 5, 1))
    b = make_asset(product=current, purchased_on=D(2023, 5, 1))
    assert coverage_for_asset(a).spare_parts_until == D(2030, 2, 28)
    cov = coverage_for_asset(b, language="en")
    assert cov.spare_parts_until is None and "10 years after it stops being made" in cov.spare_parts_note


def test_commercial_warranty_from_product_months_takes_over_after_legal(db):
    product = make_product(warranty_months=60, brand="Fagor")
    asset = make_asset(product=product, delivered_at=utc(2022, 6, 1, 9))
    during = coverage_for_asset(asset, on=D(2024, 1, 1), language="en")
    assert [g.kind for g in during.guarantees] == ["legal", "commercial"]
    assert during.covering.kind == "legal"  # legal first while both cover
    later = coverage_for_asset(asset, on=D(2026, 1, 1), language="en")
    assert later.covered and later.covering.kind == "commercial"
    assert later.covering.ends_on == D(2027, 6, 1)
    assert later.sentence.startswith("Covered by the commercial warranty until 1 June 2027")
    gone = coverage_for_asset(asset, on=D(2027, 6, 2), language="en")
    assert not gone.covered
    assert "legal guarantee ended on 1 June 2025 and the commercial warranty on 1 June 2027" in gone.sentence


def _published_terms(admin_user, *, slug="fagor", when=None):
    terms = services.terms_create(
        acting_user=admin_user,
        slug=slug,
        title_es="Garantía Fagor",
        title_en="Fagor warranty",
        body_es="Cinco años en piezas.",
        body_en="Five years on parts.",
    )
    services.terms_version_publish(acting_user=admin_user, version=terms.versions.get(), now=when)
    return terms


def test_brand_plan_terms_keep_the_version_in_force_at_delivery(db, admin_user):
    terms = _published_terms(admin_user, when=utc(2022, 1, 1))
    product = make_product(brand="Fagor", warranty_months=36)
    services.plan_save(
        acting_user=admin_user,
        kind="commercial",
        name_es="garantía Fagor",
        name_en="Fagor warranty",
        brand="Fagor",
        terms=terms,
    )
    early = make_asset(product=product, delivered_at=utc(2023, 1, 10, 9))
    v2 = services.terms_version_create(
        acting_user=admin_user, terms=terms, body_es="Nuevo texto.", body_en="New text.", change_note="parts"
    )
    services.terms_version_publish(acting_user=admin_user, version=v2, now=utc(2024, 1, 1))
    late = make_asset(product=product, delivered_at=utc(2024, 6, 1, 9))
    v1 = terms.versions.get(number=1)
    early_cov = coverage_for_asset(early, on=D(2024, 7, 1))
    late_cov = coverage_for_asset(late, on=D(2024, 7, 1))
    assert early_cov.guarantees[1].terms_version_id == v1.pk
    assert late_cov.guarantees[1].terms_version_id == v2.pk
    assert (
        early_cov.guarantees[1].name == "garantía Fagor" or early_cov.guarantees[1].name == "Fagor warranty"
    )


def test_serial_lookup_errors_and_ambiguity(db):
    with pytest.raises(NotFound) as exc:
        coverage_for_serial("NOPE-1", language="en")
    assert "NOPE-1" in exc.value.message
    with pytest.raises(ValidationFailed):
        coverage_for_serial("   ")
    a = make_asset(serial="DUP-1", product=make_product("A-1"), purchased_on=D(2023, 1, 1))
    make_asset(serial="DUP-1", product=make_product("B-1"), purchased_on=D(2023, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        coverage_for_serial("DUP-1", language="en")
    assert exc.value.code == "serial_ambiguous" and "A-1, B-1" in exc.value.message
    assert coverage_for_serial("DUP-1", product="A-1").asset_id == a.pk
    assert coverage_for_serial(" DUP-1 ", product=a.product_id).asset_id == a.pk


def test_order_and_order_line_lookups(db):
    from postventa.orders.models import OrderLine

    asset = make_asset(delivered_at=utc(2023, 4, 1, 9))
    order = asset.order_line.order
    bare = OrderLine.objects.create(order=order, sku="X", description="Cable", product=None, position=2)
    coverages = coverage_for_order(order, on=D(2023, 5, 1))
    assert [c.asset_id for c in coverages] == [asset.pk, None]
    assert all(c.legal_ends_on == D(2026, 4, 1) for c in coverages)
    assert coverage_for_order_line(asset.order_line).asset_id == asset.pk
    assert coverage_for_order_line(bare).legal_ends_on == D(2026, 4, 1)
    with pytest.raises(NotFound):
        coverage_for_order(10**9)


def test_extend_after_repair_suspends_and_guarantees_the_fault(db):
    asset = make_asset(delivered_at=utc(2022, 3, 1, 9))
    ext = services.extend_after_repair(
        asset=asset,
        repair_started_on=D(2024, 5, 1),
        repair_completed_on=D(2024, 5, 21),
        fault="Bomba de desagüe",
        source_ref="repair:1",
    )
    assert ext.suspended_days == 20 and ext.repaired_fault_until == D(2025, 5, 21)
    again = services.extend_after_repair(
        asset=asset,
        repair_started_on=D(2024, 5, 1),
        repair_completed_on=D(2024, 5, 21),
        fault="Bomba de desagüe",
        source_ref="repair:1",
    )
    assert again.pk == ext.pk and GuaranteeExtension.objects.count() == 1
    assert OutboxEvent.objects.filter(type="warranty.guarantee_extended").count() == 1
    coverage = coverage_for_asset(asset, on=D(2025, 3, 10), language="en")
    assert coverage.legal_ends_on == D(2025, 3, 21)  # 1 March 2025 + 20 days
    assert coverage.covering.kind == "legal" and not coverage.covering.fault
    # after the (suspended) legal period, only the repaired fault is covered
    later = coverage_for_asset(asset, on=D(2025, 4, 1), language="en")
    assert later.covered and later.covering.fault == "Bomba de desagüe"
    assert "fault that was repaired" in later.sentence
    assert not coverage_for_asset(asset, on=D(2025, 5, 22)).covered


def test_extend_after_repair_outside_legal_or_eu_or_bad_input(db, settings):
    old = make_asset(delivered_at=utc(2019, 3, 1, 9))
    assert (
        services.extend_after_repair(
            asset=old,
            repair_started_on=D(2024, 5, 1),
            repair_completed_on=D(2024, 5, 3),
            fault="x",
            source_ref="r:2",
        )
        is None
    )
    asset = make_asset(delivered_at=utc(2023, 3, 1, 9))
    with pytest.raises(ValidationFailed):
        services.extend_after_repair(
            asset=asset,
            repair_started_on=D(2024, 5, 3),
            repair_completed_on=D(2024, 5, 1),
            fault="x",
            source_ref="r:3",
        )
    with pytest.raises(ValidationFailed):
        services.extend_after_repair(
            asset=asset,
            repair_started_on=D(2024, 5, 1),
            repair_completed_on=D(2024, 5, 2),
            fault=" ",
            source_ref="r:4",
        )
    settings.WARRANTY_JURISDICTION = "EU"
    assert (
        services.extend_after_repair(
            asset=make_asset(delivered_at=utc(2023, 3, 1, 9), ship_country=""),
            repair_started_on=D(2024, 5, 1),
            repair_completed_on=D(2024, 5, 3),
            fault="x",
            source_ref="r:5",
        )
        is None
    )
    assert GuaranteeExtension.objects.count() == 0
    settings.WARRANTY_JURISDICTION = "ES"
    services.extend_after_repair(
        asset=asset,
        repair_started_on=D(2024, 5, 1),
        repair_completed_on=D(2024, 5, 3),
        fault="x",
        source_ref="r:6",
    )
    with pytest.raises(Conflict):
        services.extend_after_repair(
            asset=make_asset(delivered_at=utc(2023, 3, 1, 9)),
            repair_started_on=D(2024, 5, 1),
            repair_completed_on=D(2024, 5, 3),
            fault="x",
            source_ref="r:6",
        )


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_lookup_queries_do_not_grow_with_guarantees(db, admin_user):
    terms = _published_terms(admin_user, slug="ext")
    product = make_product(warranty_months=48, brand="Fagor")
    services.plan_save(acting_user=admin_user, kind="commercial", name_es="Fagor", brand="Fagor", terms=terms)
    asset = make_asset(product=product, delivered_at=utc(2023, 1, 1, 9), serial="Q-1")
    version = TermsVersion.objects.get(terms=terms)
    ExtendedWarranty.objects.create(
        asset=asset,
        name_es="Extra",
        months=12,
        starts_on=D(2027, 1, 2),
        ends_on=D(2028, 1, 2),
        price="49.00",
        terms_version=version,
    )
    one = _count(lambda: coverage_for_serial("Q-1"))
    for n in range(6):
        ExtendedWarranty.objects.create(
            asset=asset,
            name_es=f"Extra {n}",
            months=12,
            starts_on=D(2028 + n, 1, 3),
            ends_on=D(2029 + n, 1, 2),
            price="49.00",
            terms_version=version,
        )
        GuaranteeExtension.objects.create(
            asset=asset,
            source_ref=f"q:{n}",
            jurisdiction_code="ES",
            repair_started_on=D(2024, 1, 1 + n),
            repair_completed_on=D(2024, 1, 2 + n),
            suspended_days=1,
            fault="f",
            repaired_fault_until=D(2025, 1, 2),
        )
    coverage = coverage_for_serial("Q-1")
    assert len(coverage.guarantees) == 2 + 7 + 6
    many = _count(lambda: coverage_for_serial("Q-1"))
    assert many == one <= 7
    # an order with several units costs the same as one
    order = asset.order_line.order
    assert _count(lambda: coverage_for_order(order)) <= 9


def test_terms_rules(db, admin_user, agent):
    from postventa.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.terms_create(acting_user=agent, title_es="X", body_es="Y")
    terms = services.terms_create(acting_user=admin_user, title_es="Términos", body_es="Texto")
    draft = terms.versions.get()
    with pytest.raises(ValidationFailed):  # English missing
        services.terms_version_publish(acting_user=admin_user, version=draft)
    services.terms_draft_update(acting_user=admin_user, version=draft, body_es="Texto", body_en="Text")
    services.terms_version_publish(acting_user=admin_user, version=draft)
    with pytest.raises(Conflict):
        services.terms_version_publish(acting_user=admin_user, version=draft)
    with pytest.raises(Conflict):
        services.terms_draft_update(acting_user=admin_user, version=draft, body_es="Otro")
    services.terms_version_create(acting_user=admin_user, terms=terms, body_es="v2")
    with pytest.raises(Conflict):
        services.terms_version_create(acting_user=admin_user, terms=terms, body_es="v3")
    with pytest.raises(Conflict):
        services.terms_create(acting_user=admin_user, title_es="Términos", body_es="Texto")
    assert WarrantyTerms.objects.count() == 1
    assert OutboxEvent.objects.filter(type="warranty_terms.published").count() == 1


def test_extended_warranty_sale(db, admin_user, agent, analyst):
    from postventa.core.errors import PermissionDenied

    terms = _published_terms(admin_user, slug="plus")
    plan = services.plan_save(
        acting_user=admin_user,
        kind="extended",
        name_es="Garantía Plus 2 años",
        name_en="Plus warranty 2 years",
        months=24,
        price="79.00",
        terms=terms,
    )
    asset = make_asset(product=make_product(warranty_months=48), delivered_at=utc(2023, 2, 1, 9))
    with pytest.raises(PermissionDenied):
        services.extended_warranty_sell(acting_user=analyst, asset=asset, plan=plan)
    row = services.extended_warranty_sell(acting_user=agent, asset=asset, plan=plan, now=utc(2024, 1, 1))
    # starts the day after the commercial warranty (4 years) ends
    assert row.starts_on == D(2027, 2, 2) and row.ends_on == D(2029, 2, 2)
    assert row.price == pytest.approx(79) and row.terms_version.number == 1
    v2 = services.terms_version_create(acting_user=admin_user, terms=terms, body_es="v2", body_en="v2")
    services.terms_version_publish(acting_user=admin_user, version=v2)
    row.refresh_from_db()
    assert row.terms_version.number == 1  # the buyer keeps what they bought
    coverage = coverage_for_asset(asset, on=D(2028, 1, 1), language="en")
    assert coverage.covering.kind == "extended" and coverage.covering.name == "Plus warranty 2 years"
    assert OutboxEvent.objects.filter(type="warranty.extended_sold").count() == 1
    with pytest.raises(ValidationFailed):
        services.extended_warranty_sell(acting_user=agent, asset=asset, plan=plan, months=200, price="10")
    with pytest.raises(ValidationFailed):
        services.extended_warranty_sell(acting_user=agent, asset=asset, terms=terms, months=12, price="-1")
    with pytest.raises(ValidationFailed):
        services.extended_warranty_sell(acting_user=agent, asset=make_asset(), plan=plan)
    assert ExtendedWarranty.objects.count() == 1


def test_profile_rejects_second_hand_under_a_year(db, admin_user):
    product = make_product()
    with pytest.raises(ValidationFailed):
        services.profile_set(acting_user=admin_user, product=product, kind="second_hand", agreed_months=6)
    services.profile_set(acting_user=admin_user, product=product, kind="second_hand", agreed_months=12)
    assert WarrantyProfile.objects.get(product=product).agreed_months == 12


def test_gdpr_export_lists_extended_warranties(db, admin_user):
    from postventa.core.registry import GDPR_EXPORTERS

    terms = _published_terms(admin_user, slug="gdpr")
    asset = make_asset(delivered_at=utc(2025, 1, 10, 9), serial="G-1")
    services.extended_warranty_sell(acting_user=admin_user, asset=asset, terms=terms, months=12, price="20")
    data = GDPR_EXPORTERS["warranties"](asset.customer)
    assert [w["serial_number"] for w in data["extended_warranties"]] == ["G-1"]
    assert data["extended_warranties"][0]["months"] == 12 and data["guarantee_extensions"] == []
    other = make_customer()
    assert GDPR_EXPORTERS["warranties"](other) == {"extended_warranties": [], "guarantee_extensions": []}


def test_empty_rules_table_falls_back_to_the_law(db):
    from postventa.aftercare.warranties.models import Jurisdiction

    Jurisdiction.objects.all().delete()
    asset = make_asset(delivered_at=utc(2022, 1, 1, 10))
    assert coverage_for_asset(asset, on=D(2024, 1, 1)).legal_ends_on == D(2025, 1, 1)
