"""Segments: saved filters over customers, built from registered conditions.

A definition is {"match": "all" | "any", "conditions": [{"key": "...", "params": {...}}, ...]}.
Apps add conditions from their AppConfig.ready() (orders adds "bought in category", "no order"):

    from postventa.customers.segments import register_condition

    def bought_category(qs, params):
        months = int(params["months"]) ...            # raise ValidationFailed on bad params
        return qs.filter(pk__in=Order.objects.filter(...).values("customer_id"))

    register_condition("orders.bought_category", _("Bought a product of category"), bought_category,
                       params={"category": "text", "months": "number"})

`fn(queryset, params) -> queryset` must only narrow the queryset (filter), never slice or order.
`params` (optional) names each parameter and its input kind ("text", "number", "language", "tag",
"bool"), used by the console form and to refuse unknown parameters.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from postventa.core import audit
from postventa.core.errors import Conflict, ValidationFailed
from postventa.core.permissions import require
from postventa.customers.models import Customer, Language, Segment
from postventa.customers.normalise import reject_nul

ConditionFn = Callable[[QuerySet, dict[str, Any]], QuerySet]


@dataclass(frozen=True)
class Condition:
    key: str
    label: Any
    fn: ConditionFn
    params: dict[str, str] = field(default_factory=dict)


CONDITIONS: dict[str, Condition] = {}
_ALIAS_IDS = itertools.count()
MAX_CONDITIONS = 20


def register_condition(
    key: str, label: Any, fn: ConditionFn, *, params: dict[str, str] | None = None
) -> None:
    """Register a segment condition; see the module docstring."""
    CONDITIONS[key] = Condition(key, label, fn, dict(params or {}))


def int_param(params: dict[str, Any], name: str, *, minimum: int = 0, maximum: int = 36500) -> int:
    """An integer parameter, or ValidationFailed with a sentence (shared with other apps' conditions)."""
    value = params.get(name)
    try:
        number = int(value)
        if isinstance(value, bool) or str(number) != str(value).strip():
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed(_("“%(name)s” must be a whole number.") % {"name": name}, code="bad_condition")
    if not minimum <= number <= maximum:
        raise ValidationFailed(
            _("“%(name)s” must be between %(min)s and %(max)s.")
            % {"name": name, "min": minimum, "max": maximum},
            code="bad_condition",
        )
    return number


def text_param(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise ValidationFailed(_("“%(name)s” is required.") % {"name": name}, code="bad_condition")
    return str(value).strip()[:200]


def _bool_param(params: dict[str, Any], name: str) -> bool:
    value = params.get(name, True)
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValidationFailed(_("“%(name)s” must be true or false.") % {"name": name}, code="bad_condition")


def _language(qs: QuerySet, params: dict[str, Any]) -> QuerySet:
    value = text_param(params, "language")
    if value not in Language.values:
        raise ValidationFailed(
            _("The language must be one of: %(choices)s.") % {"choices": ", ".join(Language.values)}
        )
    return qs.filter(language=value)


def _tag(qs: QuerySet, params: dict[str, Any]) -> QuerySet:
    name = text_param(params, "tag").lower()
    return qs.filter(pk__in=Customer.tags.through.objects.filter(tag__name=name).values("customer_id"))


def _created_within(qs: QuerySet, params: dict[str, Any]) -> QuerySet:
    days = int_param(params, "days", minimum=1)
    return qs.filter(created_at__gte=timezone.now() - dt.timedelta(days=days))


def _has_email(qs: QuerySet, params: dict[str, Any]) -> QuerySet:
    return qs.exclude(email="") if _bool_param(params, "value") else qs.filter(email="")


def _has_phone(qs: QuerySet, params: dict[str, Any]) -> QuerySet:
    return qs.exclude(phone="") if _bool_param(params, "value") else qs.filter(phone="")


def _attribute(qs: QuerySet, params: dict[str, Any]) -> QuerySet:
    key = text_param(params, "key")
    value = params.get("value")
    if not isinstance(value, str | int | float | bool):
        raise ValidationFailed(_("“%(name)s” is required.") % {"name": "value"}, code="bad_condition")
    # KeyTransform takes the key literally: a key named "contains" or "a__b" is never read as a lookup.
    # A fresh alias per condition, so two attribute conditions in one segment do not share one.
    alias = f"_segment_attr_{next(_ALIAS_IDS)}"
    qs = qs.alias(**{alias: KeyTransform(key, "attributes")})
    # Attribute values come from forms as text: match either the JSON string or the number.
    variants = Q(**{alias: value})
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"-?[0-9]{1,17}", stripped):
            variants |= Q(**{alias: int(stripped)})
        if stripped.lower() in ("true", "false"):
            variants |= Q(**{alias: stripped.lower() == "true"})
    return qs.filter(variants)


register_condition("language", gettext_lazy("Language is"), _language, params={"language": "language"})
register_condition("tag", gettext_lazy("Has tag"), _tag, params={"tag": "tag"})
register_condition(
    "created_within_days",
    gettext_lazy("Created in the last N days"),
    _created_within,
    params={"days": "number"},
)
register_condition("has_email", gettext_lazy("Has an email"), _has_email, params={"value": "bool"})
register_condition("has_phone", gettext_lazy("Has a phone"), _has_phone, params={"value": "bool"})
register_condition(
    "attribute", gettext_lazy("Attribute equals"), _attribute, params={"key": "text", "value": "text"}
)


def validate_definition(definition: Any) -> dict[str, Any]:
    """The definition in canonical form; ValidationFailed with a sentence when it is not valid."""
    reject_nul(definition)
    if not isinstance(definition, dict):
        raise ValidationFailed(
            _("A segment definition must be an object with “match” and “conditions”."), code="bad_definition"
        )
    match = definition.get("match", "all")
    if match not in ("all", "any"):
        raise ValidationFailed(_("“match” must be “all” or “any”."), code="bad_definition")
    conditions = definition.get("conditions", [])
    if not isinstance(conditions, list) or not conditions:
        raise ValidationFailed(_("Add at least one condition."), code="bad_definition")
    if len(conditions) > MAX_CONDITIONS:
        raise ValidationFailed(_("A segment can have at most %(max)s conditions.") % {"max": MAX_CONDITIONS})
    clean = []
    base = Customer.objects.none()
    for i, item in enumerate(conditions, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise ValidationFailed(_("Condition %(n)s must have a “key”.") % {"n": i}, code="bad_definition")
        condition = CONDITIONS.get(item["key"])
        if condition is None:
            raise ValidationFailed(
                _("Condition %(n)s: unknown condition “%(key)s”.") % {"n": i, "key": item["key"]},
                code="unknown_condition",
            )
        params = item.get("params") or {}
        if not isinstance(params, dict):
            raise ValidationFailed(_("Condition %(n)s: parameters must be an object.") % {"n": i})
        if condition.params:
            unknown = sorted(set(params) - set(condition.params))
            if unknown:
                raise ValidationFailed(
                    _("Condition %(n)s: unknown parameters %(names)s.")
                    % {"n": i, "names": ", ".join(unknown)}
                )
        try:
            condition.fn(base, params)  # validates params without running a query
        except ValidationFailed as exc:
            raise ValidationFailed(
                _("Condition %(n)s: %(error)s") % {"n": i, "error": exc.message}, code="bad_condition"
            )
        clean.append({"key": item["key"], "params": params})
    return {"match": match, "conditions": clean}


def segment_queryset(definition: dict[str, Any]) -> QuerySet:
    """Customers matching the definition (live, erased and merged customers excluded)."""
    definition = validate_definition(definition)
    base = Customer.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    if definition["match"] == "all":
        qs = base
        for item in definition["conditions"]:
            qs = CONDITIONS[item["key"]].fn(qs, item["params"])
        return qs
    q = Q()
    for item in definition["conditions"]:
        q |= Q(pk__in=CONDITIONS[item["key"]].fn(Customer.objects.all(), item["params"]).values("pk"))
    return base.filter(q)


def _clean_name(name: str) -> str:
    reject_nul(name)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the segment a name."), code="segment_name_missing")
    if len(name) > 120:
        raise ValidationFailed(_("The name is too long (at most 120 characters)."))
    return name


@transaction.atomic
def segment_create(*, acting_user, name: str, definition: dict[str, Any], description: str = "") -> Segment:
    if acting_user is not None:
        require(acting_user, "segments.change")
    name = _clean_name(name)
    reject_nul(description)
    definition = validate_definition(definition)
    if Segment.objects.filter(name=name).exists():
        raise Conflict(
            _("A segment named “%(name)s” already exists.") % {"name": name}, code="segment_name_taken"
        )
    try:
        with transaction.atomic():
            segment = Segment.objects.create(
                name=name,
                description=(description or "").strip(),
                definition=definition,
                created_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
    except IntegrityError:
        raise Conflict(
            _("A segment named “%(name)s” already exists.") % {"name": name}, code="segment_name_taken"
        )
    audit.record(
        actor=acting_user,
        action="segment.created",
        target=segment,
        changes={"definition": [None, definition]},
    )
    return segment


@transaction.atomic
def segment_update(
    *,
    segment: Segment,
    acting_user,
    name: str | None = None,
    definition: dict[str, Any] | None = None,
    description: str | None = None,
) -> Segment:
    if acting_user is not None:
        require(acting_user, "segments.change")
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    before = audit.snapshot(segment, ("name", "description", "definition"))
    if name is not None:
        name = _clean_name(name)
        if Segment.objects.filter(name=name).exclude(pk=segment.pk).exists():
            raise Conflict(
                _("A segment named “%(name)s” already exists.") % {"name": name}, code="segment_name_taken"
            )
        segment.name = name
    if description is not None:
        reject_nul(description)
        segment.description = description.strip()
    if definition is not None:
        segment.definition = validate_definition(definition)
    changes = audit.diff(before, audit.snapshot(segment, before))
    if changes:
        segment.save()
        audit.record(actor=acting_user, action="segment.updated", target=segment, changes=changes)
    return segment


@transaction.atomic
def segment_delete(*, segment: Segment, acting_user) -> None:
    if acting_user is not None:
        require(acting_user, "segments.change")
    audit.record(actor=acting_user, action="segment.deleted", target=segment)
    segment.delete()
