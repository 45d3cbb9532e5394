"""Segments: built-in conditions, match all/any, registry for other apps, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from postventa.core.errors import Conflict, PermissionDenied, ValidationFailed
from postventa.customers import segments as seg
from postventa.customers.models import Customer
from postventa.customers.selectors import segment_count, segment_members
from postventa.customers.services import customer_create


@pytest.fixture
def people(agent):
    ana = customer_create(
        acting_user=agent,
        first_name="Ana",
        emails=["ana@example.com"],
        tags=["vip"],
        attributes={"tier": "gold"},
    )
    ben = customer_create(
        acting_user=agent, first_name="Ben", language="en", phones=["600111222"], tags=["vip"]
    )
    old = customer_create(
        acting_user=agent, first_name="Old", emails=["old@example.com"], attributes={"tier": 2}
    )
    Customer.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    return {"ana": ana, "ben": ben, "old": old}


def _ids(definition):
    return sorted(seg.segment_queryset(definition).values_list("first_name", flat=True))


def cond(condition_key, **params):
    return {"key": condition_key, "params": params}


@pytest.mark.django_db
def test_builtin_conditions(people):
    assert _ids({"conditions": [cond("language", language="en")]}) == ["Ben"]
    assert _ids({"conditions": [cond("tag", tag="vip")]}) == ["Ana", "Ben"]
    assert _ids({"conditions": [cond("created_within_days", days=30)]}) == ["Ana", "Ben"]
    assert _ids({"conditions": [cond("has_email", value=True)]}) == ["Ana", "Old"]
    assert _ids({"conditions": [cond("has_email", value=False)]}) == ["Ben"]
    assert _ids({"conditions": [cond("has_phone")]}) == ["Ben"]
    assert _ids({"conditions": [cond("attribute", key="tier", value="gold")]}) == ["Ana"]
    assert _ids({"conditions": [cond("attribute", key="tier", value="2")]}) == ["Old"]


@pytest.mark.django_db
def test_match_all_and_any(people):
    both = [cond("tag", tag="vip"), cond("has_email", value=True)]
    assert _ids({"match": "all", "conditions": both}) == ["Ana"]
    assert _ids({"match": "any", "conditions": both}) == ["Ana", "Ben", "Old"]


@pytest.mark.django_db
def test_registered_condition_from_another_app(people):
    saved = dict(seg.CONDITIONS)
    try:
        seg.register_condition(
            "test.first_letter",
            "First letter",
            lambda qs, params: qs.filter(first_name__startswith=seg.text_param(params, "letter")),
            params={"letter": "text"},
        )
        assert _ids({"conditions": [cond("test.first_letter", letter="O")]}) == ["Old"]
        with pytest.raises(ValidationFailed):
            seg.validate_definition({"conditions": [cond("test.first_letter")]})
    finally:
        seg.CONDITIONS.clear()
        seg.CONDITIONS.update(saved)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "definition",
    [
        None,
        [],
        {"conditions": []},
        {"match": "some", "conditions": [cond("has_email")]},
        {"conditions": [cond("nope")]},
        {"conditions": [cond("created_within_days", days="ten")]},
        {"conditions": [cond("created_within_days", days=-3)]},
        {"conditions": [cond("language", language="fr")]},
        {"conditions": [cond("tag", tag="vip", extra=1)]},
        {"conditions": ["tag"]},
    ],
)
def test_invalid_definitions_are_refused(definition):
    with pytest.raises(ValidationFailed):
        seg.validate_definition(definition)


@pytest.mark.django_db
def test_segment_crud_counts_and_permissions(people, analyst, agent):
    segment = seg.segment_create(
        acting_user=analyst, name="VIP", definition={"conditions": [cond("tag", tag="vip")]}
    )
    assert segment_count(segment) == 2
    assert sorted(c.first_name for c in segment_members(segment)) == ["Ana", "Ben"]
    with pytest.raises(Conflict):
        seg.segment_create(acting_user=analyst, name="VIP", definition={"conditions": [cond("has_email")]})
    with pytest.raises(PermissionDenied):  # agents cannot change segments
        seg.segment_create(acting_user=agent, name="X", definition={"conditions": [cond("has_email")]})
    seg.segment_update(
        segment=segment, acting_user=analyst, definition={"conditions": [cond("language", language="en")]}
    )
    segment.refresh_from_db()
    assert segment_count(segment) == 1
    # Live counts: a new matching customer is counted at once.
    customer_create(acting_user=agent, first_name="Eve", language="en")
    assert segment_count(segment) == 2
    seg.segment_delete(segment=segment, acting_user=analyst)
    from postventa.customers.models import Segment

    assert Segment.objects.count() == 0


@pytest.mark.django_db
def test_attribute_keys_are_literal_and_conditions_combine(agent):
    customer_create(
        acting_user=agent, first_name="Ana", attributes={"contains": "x", "tier": "gold", "size": 38}
    )
    customer_create(acting_user=agent, first_name="Ben", attributes={"tier": "gold", "size": 40})
    assert _ids({"conditions": [cond("attribute", key="contains", value="x")]}) == ["Ana"]
    both = [cond("attribute", key="tier", value="gold"), cond("attribute", key="size", value="38")]
    assert _ids({"match": "all", "conditions": both}) == ["Ana"]
    assert _ids({"match": "any", "conditions": both}) == ["Ana", "Ben"]
    assert _ids({"conditions": [cond("attribute", key="a__b", value="²")]}) == []


@pytest.mark.django_db
def test_nul_characters_are_refused():
    with pytest.raises(ValidationFailed):
        seg.validate_definition({"conditions": [cond("tag", tag="v\x00ip")]})
