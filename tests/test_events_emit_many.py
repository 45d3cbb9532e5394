"""emit_many writes the same outbox rows as emit(), and the worker delivers them the same way."""

import pytest

from postventa.core.events import emit_many, receiver
from postventa.core.models import OutboxEvent

seen = []


@receiver("customer.updated", key="tests.emit_many_probe")
def _probe(event):
    seen.append((event.type, event.payload["n"], event.customer_id))


@pytest.mark.django_db
def test_emit_many_writes_pending_rows_that_the_worker_delivers(drain_outbox):
    seen.clear()
    written = emit_many([{"type": "customer.updated", "payload": {"n": i}, "customer_id": 100 + i} for i in range(3)])

    assert written == 3
    rows = list(OutboxEvent.objects.filter(type="customer.updated").order_by("customer_id"))
    assert [r.payload["n"] for r in rows] == [0, 1, 2]
    assert all(r.status == OutboxEvent.Status.PENDING for r in rows)
    assert len({r.id for r in rows}) == 3

    drain_outbox()
    assert sorted(seen) == [("customer.updated", i, 100 + i) for i in range(3)]
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {OutboxEvent.Status.DONE}


@pytest.mark.django_db
def test_emit_many_refuses_an_unregistered_type_and_writes_nothing():
    with pytest.raises(ValueError, match="unknown event type"):
        emit_many([{"type": "customer.updated", "payload": {}}, {"type": "no.such", "payload": {}}])
    assert OutboxEvent.objects.count() == 0
