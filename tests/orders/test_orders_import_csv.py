import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from pv_orders_helpers import make_customer

from postventa.catalog.models import Product
from postventa.core.models import OutboxEvent
from postventa.customers.models import Customer, CustomerEmail, CustomerPhone
from postventa.orders.importing import CSV_COLUMNS, import_csv
from postventa.orders.models import Order, OrderLine, OrderStatusChange


def row(ext="EXT-1", number="PV-1", email="marta@example.com", **extra):
    base = {
        "order_external_id": ext,
        "order_number": number,
        "customer_email": email,
        "customer_name": "Marta Ruiz",
        "customer_phone": "+34600111222",
        "customer_language": "es",
        "placed_at": "2026-11-01T10:00:00+01:00",
        "status": "paid",
        "currency": "EUR",
        "sku": "WM-100",
        "description": "Lavadora",
        "quantity": "1",
        "unit_price": "499.90",
        "shipping_total": "5.00",
        "tax_total": "0",
        "ship_name": "Marta Ruiz",
        "ship_line1": "Calle Sol 3",
        "ship_postcode": "41001",
        "ship_city": "Sevilla",
        "ship_country": "ES",
    }
    base.update(extra)
    return base


def to_csv(rows, delimiter=","):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


GOOD = [
    row(),
    row(sku="", description="Instalación", quantity="2", unit_price="25,00"),
    row(
        "EXT-2",
        "PV-2",
        "juan@example.com",
        customer_name="Juan Pérez",
        customer_language="en",
        sku="TV-1",
        description="Televisor",
        unit_price="300",
        placed_at="2026-11-02",
    ),
]


@pytest.mark.django_db
def test_good_file_creates_orders_lines_customers_and_events():
    Product.objects.create(sku="WM-100", name_es="Lavadora")
    existing = make_customer("juan@example.com", first_name="Juan")
    result = import_csv(to_csv(GOOD))
    assert result.written and not result.errors
    assert (result.total_rows, result.created, result.updated, result.unchanged) == (3, 2, 0, 0)
    first = Order.objects.get(external_id="EXT-1")
    assert str(first.total) == "554.90"
    assert [
        (li.sku, li.quantity, str(li.line_total), li.product_id is not None) for li in first.lines.all()
    ] == [
        ("WM-100", 1, "499.90", True),
        ("", 2, "50.00", False),
    ]
    assert (first.ship_postcode, first.status, first.placed_at.isoformat()) == (
        "41001",
        "paid",
        "2026-11-01T09:00:00+00:00",
    )
    marta = Customer.objects.get(email="marta@example.com")
    assert (marta.first_name, marta.last_name, marta.language) == ("Marta", "Ruiz", "es")
    assert CustomerEmail.objects.filter(email="marta@example.com", customer=marta, is_primary=True).exists()
    assert marta.phone == "+34600111222"
    assert CustomerPhone.objects.filter(number="+34600111222", customer=marta).exists()
    assert Order.objects.get(external_id="EXT-2").customer == existing
    assert OutboxEvent.objects.filter(type="order.created").count() == 2
    assert OrderStatusChange.objects.filter(
        order=first, from_status="", to_status="paid", source="import"
    ).exists()


@pytest.mark.django_db
def test_reimport_is_idempotent_and_changes_update():
    import_csv(to_csv(GOOD))
    events = OutboxEvent.objects.count()
    again = import_csv(to_csv(GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Order.objects.count() == 2 and OrderLine.objects.count() == 3
    assert OutboxEvent.objects.count() == events
    changed = [GOOD[0], GOOD[1], {**GOOD[2], "status": "shipped", "quantity": "2"}]
    third = import_csv(to_csv(changed))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    order = Order.objects.get(external_id="EXT-2")
    assert order.status == "shipped"
    assert str(order.total) == "605.00"
    assert order.status_changes.filter(from_status="paid", to_status="shipped", source="import").exists()
    assert OutboxEvent.objects.filter(type="order.status_changed", payload__order_id=order.pk).count() == 1


@pytest.mark.django_db
def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written():
    rows = [
        row(),
        row("EXT-2", "PV-2", "not-an-email"),
        row("EXT-3", "PV-3", quantity="zero"),
        row("EXT-4", "PV-4", status="teleported"),
        row("EXT-5", "PV-5", unit_price="12,5,0"),
        row("EXT-6", "PV-6"),
    ]
    result = import_csv(to_csv(rows))
    assert not result.written
    assert [e["row"] for e in result.errors] == [3, 4, 5, 6]
    assert "customer_email" in result.errors[0]["message"]
    assert "quantity" in result.errors[1]["message"]
    assert "teleported" in result.errors[2]["message"]
    assert "unit_price" in result.errors[3]["message"]
    assert Order.objects.count() == 0 and Customer.objects.count() == 0


@pytest.mark.django_db
def test_skip_invalid_imports_the_good_orders_only():
    rows = [
        row(),
        row("EXT-2", "PV-2", quantity="-1"),
        row("EXT-3", "PV-3"),
        row("EXT-3", "PV-3", unit_price="x"),
    ]
    result = import_csv(to_csv(rows), skip_invalid=True)
    assert result.written
    assert [e["row"] for e in result.errors] == [3, 5]
    # EXT-3 has one bad line: the whole order is skipped rather than imported half.
    assert list(Order.objects.values_list("external_id", flat=True)) == ["EXT-1"]
    assert result.skipped_rows == 3


@pytest.mark.django_db
def test_number_owned_by_another_order_and_inconsistent_rows():
    import_csv(to_csv([row()]))
    result = import_csv(to_csv([row("EXT-9", "PV-1")]))
    assert not result.written
    assert (
        result.errors == [{"row": 2, "message": "order_number PV-1 already belongs to another order."}]
        or "PV-1" in result.errors[0]["message"]
    )
    result = import_csv(to_csv([row("EXT-7", "PV-7"), row("EXT-7", "PV-8")]))
    assert [e["row"] for e in result.errors] == [3]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"order_external_id,order_number\nA,B\n", "customer_email"),
        ("Ñ".encode("latin-1") + b",x\n", "UTF-8"),
        (b"order_external_id,\x00\n", "NUL"),
    ],
)
def test_broken_files_raise_a_sentence(data, fragment):
    with translation.override("en"), pytest.raises(ValueError, match=fragment):
        import_csv(data)
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_semicolon_bom_and_wrong_column_count():
    data = "\ufeff".encode() + to_csv([row()], delimiter=";")
    assert import_csv(data).created == 1
    broken = to_csv([row("EXT-2", "PV-2")]) + b"EXT-3,PV-3,too-few\n"
    result = import_csv(broken)
    assert (
        result.errors == [{"row": 3, "message": "Expected 20 columns, found 3."}]
        or result.errors[0]["row"] == 3
    )
    assert not result.written


@pytest.mark.django_db
def test_unterminated_quote_is_reported():
    data = to_csv([row()]) + b'EXT-2,"PV-2,broken\n'
    with pytest.raises(ValueError):
        import_csv(data)


@pytest.mark.django_db
def test_cli_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv(GOOD))
    call_command("import_orders", str(good))
    assert "2 orders created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([row("EXT-5", "PV-5"), row("EXT-6", "PV-6", quantity="x")]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_orders", str(bad))
    assert "row 3:" in capsys.readouterr().err
    assert not Order.objects.filter(external_id="EXT-5").exists()
    call_command("import_orders", str(bad), "--skip-invalid")
    assert Order.objects.filter(external_id="EXT-5").exists()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_orders", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_cli_process_exit_status(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe garbage")
    proc = subprocess.run(
        [sys.executable, "-m", "postventa", "import-orders", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "UTF-8" in proc.stderr
