"""Spanish laws cited as they are published (the reason a customer reads quotes them)."""

from django.db import migrations

ES_REF = "Real Decreto Legislativo 1/2007 (TRLGDCU), arts. 120-127, en la redacción del Real Decreto-ley 7/2021"
ES_OLD = "Real Decreto Legislativo 1/2007 (TRLGDCU), arts. 123-124, antes del Real Decreto-ley 7/2021"
NEW = {
    ("goods", "2022-01-01"): ES_REF.replace("arts. 120-127", "arts. 120 y 121"),
    ("second_hand", "2022-01-01"): ES_REF.replace("arts. 120-127", "art. 120.2"),
    ("digital", "2022-01-01"): ES_REF.replace("arts. 120-127", "arts. 120.1 y 121.2"),
    ("service", "2022-01-01"): ES_REF.replace("arts. 120-127", "arts. 120.1 y 121.2"),
}


def forwards(apps, schema_editor):
    Jurisdiction = apps.get_model("warranties", "Jurisdiction")
    LegalRule = apps.get_model("warranties", "LegalRule")
    Jurisdiction.objects.filter(code="ES", legal_reference__contains="as amended by").update(legal_reference=ES_REF)
    for rule in LegalRule.objects.filter(jurisdiction__code="ES"):
        if "as amended by" in rule.reference or "before Real Decreto-ley" in rule.reference:
            rule.reference = NEW.get((rule.kind, rule.delivered_from.isoformat()), ES_OLD)
            rule.save(update_fields=["reference"])


class Migration(migrations.Migration):
    dependencies = [("warranties", "0002_seed_jurisdictions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
