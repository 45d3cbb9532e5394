"""Owner notices: the range, each owner exactly once, retries send nothing twice, recalls vs the weekly cap."""

from __future__ import annotations

import pytest

from postventa.aftercare.maintenance import notices
from postventa.aftercare.maintenance.models import NoticeDelivery, OwnerNotice
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.notifications.models import Notification


@pytest.fixture
def owners(make_customer, product, make_asset):
    a = make_customer("Ana", "ana@example.com")
    b = make_customer("Bea", "bea@example.com")
    c = make_customer("Carlos", "carlos@example.com")
    d = make_customer("Dani", "dani@example.com")
    make_asset(a, product, "SN98")
    make_asset(a, product, "SN99")  # Ana owns two units in range: one email
    make_asset(b, product, "SN100")
    make_asset(c, product, "SN150")
    make_asset(d, product, "SN201")  # outside the range
    return a, b, c, d


def test_numeric_and_string_ranges_differ(owners, product):
    assert notices.notice_preview(product=product, serial_from="SN98", serial_to="SN150", numeric=True) == {
        "assets": 4, "owners": 3}  # fmt: skip
    # As strings "SN100" < "SN98": only SN98 and SN99 fall in ["SN98", "SN99"].
    assert notices.notice_preview(product=product, serial_from="SN98", serial_to="SN99") == {"assets": 2, "owners": 1}
    assert notices.notice_preview(product=product) == {"assets": 5, "owners": 4}


def test_recall_reaches_every_owner_in_range_once_and_a_retry_sends_nothing(
    smtp_server, owners, product, supervisor, drain_outbox
):
    a, b, c, d = owners
    b.max_messages_per_week = 0  # a recall is a legal duty: the weekly cap does not hold it
    b.save()
    notice = notices.notice_send(acting_user=supervisor, product=product, kind="safety_recall",
                                 serial_from="SN98", serial_to="SN150", numeric_serials=True,
                                 subject_es="Revisión de seguridad", message_es="Deje de usar la lavadora.")  # fmt: skip
    assert notice.owners_total == 3
    drain_outbox()
    smtp_server.wait_for(3)
    assert sorted(m["To"] for m in smtp_server.messages) == ["ana@example.com", "bea@example.com", "carlos@example.com"]
    notice.refresh_from_db()
    assert notice.status == OwnerNotice.Status.SENT
    assert set(NoticeDelivery.objects.values_list("status", flat=True)) == {"sent"}
    # Retry: the deliveries and the notification keys make it a no-op.
    NoticeDelivery.objects.update(status=NoticeDelivery.Status.PENDING)
    notices.notice_deliver(notice_id=notice.pk)
    drain_outbox()
    smtp_server.wait_for(4, timeout=0.5)
    assert len(smtp_server.messages) == 3
    assert Notification.objects.filter(template="owner_notice").count() == 3


def test_firmware_notice_respects_the_weekly_cap(smtp_server, owners, product, supervisor, drain_outbox):
    a, b, c, d = owners
    b.max_messages_per_week = 0
    b.save()
    notice = notices.notice_send(acting_user=supervisor, product=product, kind="firmware_update",
                                 subject_es="Nuevo firmware", message_es="Actualice el firmware.")  # fmt: skip
    drain_outbox()
    smtp_server.wait_for(3)
    assert len(smtp_server.messages) == 3
    held = NoticeDelivery.objects.get(notice=notice, customer=b)
    assert held.status == NoticeDelivery.Status.HELD
    assert notices.notice_progress(notice)["held"] == 1


def test_bad_notice_input_writes_nothing(owners, product, supervisor):
    with pytest.raises(ValidationFailed):
        notices.notice_send(acting_user=supervisor, product=product, kind="raffle", subject_es="x", message_es="y")
    with pytest.raises(ValidationFailed):
        notices.notice_send(acting_user=supervisor, product=product, kind="end_of_life", subject_es="", message_es="y")
    with pytest.raises(ValidationFailed):
        notices.notice_send(acting_user=supervisor, product=product, kind="end_of_life", subject_es="x",
                            message_es="y", serial_from="SN9", serial_to="SN1")  # fmt: skip
    with pytest.raises(ValidationFailed):
        notices.notice_send(acting_user=supervisor, product=product, kind="end_of_life", subject_es="x",
                            message_es="y", serial_from="ZZ1", serial_to="ZZ9")  # fmt: skip
    assert OwnerNotice.objects.count() == 0 and NoticeDelivery.objects.count() == 0


def test_agents_cannot_send_notices(owners, product, agent):
    with pytest.raises(PermissionDenied):
        notices.notice_send(acting_user=agent, product=product, kind="end_of_life", subject_es="x", message_es="y")
