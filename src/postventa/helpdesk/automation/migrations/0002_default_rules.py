"""The issue's three examples as default rules; idempotent (keyed by seed_key, never duplicated)."""

from django.db import migrations

TRIGGERS = [
    {
        "seed_key": "urgent-keyword",
        "name": "Urgent in the message -> high priority",
        "event": "ticket.message_added",
        "position": 10,
        "conditions": {"keywords": ["urgente", "urgent"], "priorities": ["low", "normal"]},
        "actions": {"priority": "high"},
    },
]
AUTOMATIONS = [
    {
        "seed_key": "close-solved-7d",
        "name": "Close solved tickets after 7 days without a customer reply",
        "position": 10,
        "conditions": {"status": "solved", "hours": 168, "no_customer_reply": True},
        "actions": {"status": "closed"},
    },
    {
        "seed_key": "remind-pending-3d",
        "name": "Remind the customer after 3 days pending",
        "position": 20,
        "conditions": {"status": "pending", "hours": 72, "no_customer_reply": True},
        "actions": {"remind": True},
    },
]


def seed(apps, schema_editor):
    Trigger = apps.get_model("helpdesk_automation", "Trigger")
    Automation = apps.get_model("helpdesk_automation", "Automation")
    for row in TRIGGERS:
        Trigger.objects.get_or_create(seed_key=row["seed_key"], defaults={**row, "active": True})
    for row in AUTOMATIONS:
        Automation.objects.get_or_create(seed_key=row["seed_key"], defaults={**row, "active": True})


def unseed(apps, schema_editor):
    keys = [r["seed_key"] for r in TRIGGERS + AUTOMATIONS]
    apps.get_model("helpdesk_automation", "Trigger").objects.filter(seed_key__in=keys).delete()
    apps.get_model("helpdesk_automation", "Automation").objects.filter(seed_key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("helpdesk_automation", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
