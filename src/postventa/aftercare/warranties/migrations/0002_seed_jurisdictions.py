"""Seed the legal guarantee rules: Spain (default) and the EU directive's minimum."""

import datetime as dt

from django.db import migrations

EARLIEST = dt.date(1900, 1, 1)
REFORM = dt.date(2022, 1, 1)  # Real Decreto-ley 7/2021 applies to goods delivered from this day

ES_REF = "Real Decreto Legislativo 1/2007 (TRLGDCU), arts. 120-127, as amended by Real Decreto-ley 7/2021"
ES_OLD = "Real Decreto Legislativo 1/2007 (TRLGDCU), arts. 123-124, before Real Decreto-ley 7/2021"
EU_REF = "Directive (EU) 2019/771 and Directive (EU) 2019/770, minimum harmonised rules"

JURISDICTIONS = [
    {
        "code": "ES",
        "name_es": "España",
        "name_en": "Spain",
        "countries": "ES",
        "legal_reference": ES_REF,
        "spare_parts_years": 10,
        "suspend_during_repair": True,
        "repaired_fault_months": 12,
        "rules": [
            # kind, from, months, min_months, presumption_months, reference
            ("goods", EARLIEST, 24, None, 6, ES_OLD),
            ("goods", REFORM, 36, None, 24, ES_REF + ", art. 120 and 121"),
            ("second_hand", EARLIEST, 24, 12, 6, ES_OLD),
            ("second_hand", REFORM, 36, 12, 24, ES_REF + ", art. 120.2"),
            ("digital", EARLIEST, 24, None, 6, ES_OLD),
            ("digital", REFORM, 24, None, 12, ES_REF + ", art. 120.1 and 121.2"),
            ("service", EARLIEST, 24, None, 6, ES_OLD),
            ("service", REFORM, 24, None, 12, ES_REF + ", art. 120.1 and 121.2"),
        ],
    },
    {
        "code": "EU",
        "name_es": "Unión Europea (mínimo)",
        "name_en": "European Union (minimum)",
        # The other member states get the directive's minimum until their own rules are added.
        "countries": "AT,BE,BG,HR,CY,CZ,DK,EE,FI,FR,DE,GR,HU,IE,IT,LV,LT,LU,MT,NL,PL,PT,RO,SK,SI,SE",
        "legal_reference": EU_REF,
        "spare_parts_years": 0,
        "suspend_during_repair": False,
        "repaired_fault_months": 0,
        "rules": [
            ("goods", EARLIEST, 24, None, 12, EU_REF),
            ("second_hand", EARLIEST, 24, 12, 12, EU_REF),
            ("digital", EARLIEST, 24, None, 12, EU_REF),
            ("service", EARLIEST, 24, None, 12, EU_REF),
        ],
    },
]


def seed(apps, schema_editor):
    Jurisdiction = apps.get_model("warranties", "Jurisdiction")
    LegalRule = apps.get_model("warranties", "LegalRule")
    for data in JURISDICTIONS:
        data = dict(data)
        rules = data.pop("rules")
        jurisdiction, _created = Jurisdiction.objects.get_or_create(code=data["code"], defaults=data)
        for kind, start, months, min_months, presumption, reference in rules:
            LegalRule.objects.get_or_create(
                jurisdiction=jurisdiction,
                kind=kind,
                delivered_from=start,
                defaults={
                    "months": months,
                    "min_months": min_months,
                    "presumption_months": presumption,
                    "reference": reference,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("warranties", "Jurisdiction").objects.filter(code__in=["ES", "EU"]).delete()


class Migration(migrations.Migration):
    dependencies = [("warranties", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
