"""The built-in return reasons and a default policy (Spanish law: 14 days; our own 30)."""

from django.db import migrations

REASONS = [
    # code, Spanish, English, business pays the return shipping
    ("quality", "No estoy satisfecho con la calidad o el uso", "Dissatisfied with the quality or use", False),
    ("changed_mind", "He cambiado de opinión", "Changed my mind", False),
    ("ordered_wrong", "Pedí el artículo equivocado", "Ordered the wrong item", False),
    ("damaged", "Llegó dañado o roto", "Arrived damaged or broken", True),
    ("wrong_sent", "Recibí un artículo distinto al pedido", "Received a different item than ordered", True),
    ("late_lost", "El envío llegó tarde o se perdió", "Shipment late or lost", True),
]


def forwards(apps, schema_editor):
    ReturnReason = apps.get_model("returns", "ReturnReason")
    ReturnPolicy = apps.get_model("returns", "ReturnPolicy")
    for position, (code, es, en, business) in enumerate(REASONS, start=1):
        ReturnReason.objects.get_or_create(
            code=code,
            defaults={
                "label_es": es,
                "label_en": en,
                "business_pays_shipping": business,
                "is_builtin": True,
                "position": position * 10,
            },
        )
    if not ReturnPolicy.objects.exists():
        ReturnPolicy.objects.create(
            name="Política de devoluciones",
            is_active=True,
            withdrawal_days=14,
            business_window_days=30,
            refund_deadline_days=14,
            auto_approve=True,
            auto_approve_max_amount="150.00",
            auto_approve_only_withdrawal=True,
            instructions_es=(
                "Embale los artículos con sus accesorios, pegue la etiqueta en el paquete y "
                "entréguelo en cualquier punto de recogida."
            ),
            instructions_en=(
                "Pack the items with their accessories, stick the label on the parcel and "
                "hand it in at any drop-off point."
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
