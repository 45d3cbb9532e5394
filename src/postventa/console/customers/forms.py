"""Console forms for customers and segments. They only parse input; services hold the rules."""

from __future__ import annotations

import json
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from postventa.customers.models import Address, Channel, Customer, Language, Purpose
from postventa.customers.segments import CONDITIONS

COMMON_ZONES = [
    "Europe/Madrid",
    "Atlantic/Canary",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Paris",
    "America/Mexico_City",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
    "UTC",
]


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace("\n", ",").split(",") if part.strip()]


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices)
    first_name = forms.CharField(label=_("First name"), max_length=120, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=160, required=False)
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    tax_id = forms.CharField(label=_("Tax id"), max_length=32, required=False)
    emails = forms.CharField(
        label=_("Emails"),
        required=False,
        help_text=_("Separate several with commas; the first is the primary."),
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        help_text=_("9-digit Spanish numbers get +34; others need +country."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in COMMON_ZONES])
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate with commas."))
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    max_messages_per_week = forms.IntegerField(
        label=_("Max messages per week"), required=False, min_value=0, max_value=1000
    )
    attributes = forms.CharField(
        label=_("Custom attributes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name=value."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, editing: bool = False, extra_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if extra_zone and extra_zone not in COMMON_ZONES:
            self.fields["time_zone"].choices = [(extra_zone, extra_zone), *self.fields["time_zone"].choices]
        if editing:  # contacts are added and removed one by one on the 360 page
            del self.fields["emails"]
            del self.fields["phones"]

    def clean_attributes(self) -> dict[str, str]:
        attributes = {}
        for n, line in enumerate((self.cleaned_data.get("attributes") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep or not name.strip():
                raise forms.ValidationError(_("Line %(n)s is not name=value.") % {"n": n})
            attributes[name.strip()] = value.strip()
        return attributes

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone."))
        return value

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = _split(data.get("tags", ""))
        if "emails" in data:
            data["emails"] = _split(data["emails"])
            data["phones"] = _split(data["phones"])
        return data

    @staticmethod
    def initial_for(customer: Customer) -> dict:
        return {
            "kind": customer.kind,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "company_name": customer.company_name,
            "tax_id": customer.tax_id,
            "language": customer.language,
            "time_zone": customer.time_zone,
            "tags": ", ".join(t.name for t in customer.tags.all()),
            "quiet_start": customer.quiet_start,
            "quiet_end": customer.quiet_end,
            "max_messages_per_week": customer.max_messages_per_week,
            "attributes": "\n".join(f"{k}={v}" for k, v in (customer.attributes or {}).items()),
            "notes": customer.notes,
        }


class AddressForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Address.Kind.choices)
    line1 = forms.CharField(label=_("Address"), max_length=200)
    line2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16)
    city = forms.CharField(label=_("City"), max_length=120)
    region = forms.CharField(label=_("Province / region"), max_length=120, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, initial="ES")
    is_default = forms.BooleanField(label=_("Default address"), required=False)


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)
    purpose = forms.ChoiceField(choices=Purpose.choices)
    action = forms.ChoiceField(choices=[("grant", "grant"), ("withdraw", "withdraw")])
    note = forms.CharField(max_length=300, required=False)


SEGMENT_ROWS = 5


def condition_choices():
    return [("", "—")] + [
        (c.key, str(c.label)) for c in sorted(CONDITIONS.values(), key=lambda c: str(c.label))
    ]


_EXAMPLES = {"number": "30", "language": "es", "tag": "vip", "bool": "", "text": "…"}


def condition_help() -> list[tuple[str, str]]:
    """(label, an example value) for each registered condition, for the form's help box."""
    rows = []
    for c in sorted(CONDITIONS.values(), key=lambda c: str(c.label)):
        if len(c.params) == 1:
            example = _EXAMPLES.get(next(iter(c.params.values())), "…")
        else:
            example = "; ".join(f"{name}={_EXAMPLES.get(kind, '…')}" for name, kind in c.params.items())
        rows.append((str(c.label), example))
    return rows


def parse_condition_value(key: str, text: str) -> dict:
    """The params dict from the row's single text box: a bare value for one-parameter conditions,
    "name=value; name=value" for several."""
    condition = CONDITIONS.get(key)
    text = (text or "").strip()
    names = list(condition.params) if condition else []
    if len(names) == 0:
        return {}
    if len(names) == 1:
        if condition.params[names[0]] == "bool":
            return {names[0]: text.lower() not in ("no", "false", "0", "n")}
        return {names[0]: text} if text else {}
    params = {}
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        if sep and name.strip():
            params[name.strip()] = value.strip()
    return params


def format_condition_value(key: str, params: dict) -> str:
    condition = CONDITIONS.get(key)
    names = list(condition.params) if condition else list(params)
    if len(names) == 1:
        value = params.get(names[0], "")
        if isinstance(value, bool):
            return "" if value else "no"
        return str(value)
    return "; ".join(f"{k}={v}" for k, v in params.items())


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    match = forms.ChoiceField(
        label=_("Customers must match"), choices=[("all", _("all conditions")), ("any", _("any condition"))]
    )
    definition_json = forms.CharField(
        label=_("Definition (JSON, advanced)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_("If filled, it replaces the conditions above."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(SEGMENT_ROWS):
            self.fields[f"cond_{i}_key"] = forms.ChoiceField(
                label=_("Condition"), choices=condition_choices(), required=False
            )
            self.fields[f"cond_{i}_value"] = forms.CharField(label=_("Value"), required=False, max_length=300)

    def rows(self):
        return [(self[f"cond_{i}_key"], self[f"cond_{i}_value"]) for i in range(SEGMENT_ROWS)]

    def definition(self) -> dict:
        raw = (self.cleaned_data.get("definition_json") or "").strip()
        if raw:
            try:
                return json.loads(raw)
            except json.JSONDecodeError:
                raise forms.ValidationError(_("The JSON definition is not valid JSON."))
        conditions = []
        for i in range(SEGMENT_ROWS):
            key = self.cleaned_data.get(f"cond_{i}_key")
            if key:
                conditions.append(
                    {
                        "key": key,
                        "params": parse_condition_value(key, self.cleaned_data.get(f"cond_{i}_value")),
                    }
                )
        return {"match": self.cleaned_data.get("match") or "all", "conditions": conditions}

    @staticmethod
    def initial_for(segment) -> dict:
        initial = {
            "name": segment.name,
            "description": segment.description,
            "match": segment.definition.get("match", "all"),
        }
        conditions = segment.definition.get("conditions", [])
        if len(conditions) > SEGMENT_ROWS:
            initial["definition_json"] = json.dumps(segment.definition, ensure_ascii=False)
            return initial
        for i, item in enumerate(conditions):
            initial[f"cond_{i}_key"] = item["key"]
            initial[f"cond_{i}_value"] = format_condition_value(item["key"], item.get("params", {}))
        return initial
