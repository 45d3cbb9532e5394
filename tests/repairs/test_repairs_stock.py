"""Spare-part stock: using a part decrements it atomically and never below zero."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from postventa.aftercare.repairs import services
from postventa.aftercare.repairs.models import PartUsage, SparePart
from postventa.core.errors import Conflict, ValidationFailed


@pytest.mark.django_db
def test_out_of_stock_is_a_clear_error_and_changes_nothing(make_repair, asset, spare_part, agent):
    repair = make_repair(asset, "in_repair")
    services.use_part(actor=agent, repair=repair, spare_part=spare_part, quantity=2)
    with pytest.raises(Conflict) as exc:
        services.use_part(actor=agent, repair=repair, spare_part=spare_part, quantity=2)
    assert exc.value.code == "out_of_stock"
    assert "1" in exc.value.message and "Bomba de desagüe" in exc.value.message
    assert SparePart.objects.get(pk=spare_part.pk).stock == 1
    assert PartUsage.objects.filter(repair=repair).count() == 1


@pytest.mark.django_db
def test_incompatible_part_and_wrong_status_refused(make_repair, asset, agent, admin_user):
    from postventa.catalog.services import product_create

    other = product_create(acting_user=admin_user, sku="TV-55", name_es="Televisor 55")
    part = services.spare_part_save(
        actor=admin_user, sku="PANEL", name_es="Panel", stock=5, compatible_product_ids=[other.pk]
    )
    repair = make_repair(asset, "in_repair")
    with pytest.raises(ValidationFailed) as exc:
        services.use_part(actor=agent, repair=repair, spare_part=part, quantity=1)
    assert exc.value.code == "part_not_compatible"
    received = make_repair(asset, "received")
    generic = services.spare_part_save(actor=admin_user, sku="TORN", name_es="Tornillo", stock=5)
    with pytest.raises(ValidationFailed):
        services.use_part(actor=agent, repair=received, spare_part=generic, quantity=1)
    assert SparePart.objects.get(pk=part.pk).stock == 5
    assert SparePart.objects.get(pk=generic.pk).stock == 5


@pytest.mark.django_db
def test_restock_never_below_zero(spare_part, admin_user, agent):
    with pytest.raises(Conflict):
        services.restock_part(actor=admin_user, spare_part=spare_part, delta=-4)
    assert services.restock_part(actor=admin_user, spare_part=spare_part, delta=-3).stock == 0
    from postventa.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.restock_part(actor=agent, spare_part=spare_part, delta=10)


@pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="concurrent writers need PostgreSQL (SQLite has one writer)"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_uses_of_the_last_unit(make_repair, make_asset, customer, agent, admin_user, product):
    part = services.spare_part_save(actor=admin_user, sku="LAST", name_es="Última", stock=1)
    repairs = [make_repair(make_asset(customer), "in_repair") for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def use(repair):
        try:
            barrier.wait(timeout=10)
            services.use_part(actor=agent, repair=repair, spare_part=part, quantity=1)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=use, args=(r,)) for r in repairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert SparePart.objects.get(pk=part.pk).stock == 0
    assert PartUsage.objects.filter(spare_part=part).count() == 1
