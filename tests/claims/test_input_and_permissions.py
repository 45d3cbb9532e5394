"""Bad input gets a clear error and writes nothing; staff roles and customer A vs B are kept apart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postventa.aftercare.claims import services
from postventa.aftercare.claims.models import ClaimPhoto, ClaimSequence, WarrantyClaim
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent
from postventa.helpdesk.models import Ticket

from .conftest import png

pytestmark = pytest.mark.django_db


def _nothing_written():
    assert WarrantyClaim.objects.count() == 0
    assert Ticket.objects.count() == 0
    assert ClaimPhoto.objects.count() == 0
    assert not OutboxEvent.objects.filter(type__startswith="claim.").exists()
    assert not ClaimSequence.objects.filter(last_value__gt=0).exists()


def test_unknown_serial_is_a_clear_error(customer_a, asset_a):
    with pytest.raises(ValidationFailed) as exc:
        services.claim_file(customer=customer_a, serial="NOPE-404", symptoms="Does not switch on at all.",
                            channel="chatbot")  # fmt: skip
    assert exc.value.code == "unknown_serial" and "NOPE-404" in exc.value.message
    _nothing_written()


def test_someone_elses_unit_is_refused(customer_a, asset_b):
    with pytest.raises(ValidationFailed) as exc:
        services.claim_file(
            customer=customer_a, asset=asset_b, symptoms="Does not switch on at all.", channel="portal"
        )
    assert exc.value.code == "asset_not_owned"
    with pytest.raises(ValidationFailed) as exc:
        services.claim_file(customer=customer_a, serial=asset_b.serial_number, symptoms="Does not switch on at all.",
                            channel="chatbot")  # fmt: skip
    assert exc.value.code == "asset_not_owned"
    _nothing_written()


def test_oversized_or_fake_photo_rejects_the_whole_claim(customer_a, asset_a, settings):
    settings.CLAIMS_PHOTO_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as exc:
        services.claim_file(customer=customer_a, asset=asset_a, symptoms="Door seal leaks water.", channel="portal",
                            photos=[png("ok.png"), png("huge.png", size=4096)])  # fmt: skip
    assert exc.value.code == "photo_too_large" and "huge.png" in exc.value.message
    from django.core.files.uploadedfile import SimpleUploadedFile

    script = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        services.claim_file(customer=customer_a, asset=asset_a, symptoms="Door seal leaks water.", channel="portal",
                            photos=[script])  # fmt: skip
    assert exc.value.code == "photo_bad_type"
    _nothing_written()


def test_short_symptoms_and_bad_preference(customer_a, asset_a):
    with pytest.raises(ValidationFailed) as exc:
        services.claim_file(customer=customer_a, asset=asset_a, symptoms="broken", channel="portal")
    assert exc.value.code == "symptoms_required"
    with pytest.raises(ValidationFailed) as exc:
        services.claim_file(customer=customer_a, asset=asset_a, symptoms="Door seal leaks water.", channel="portal",
                            preferred_remedy="money")  # fmt: skip
    assert exc.value.code == "bad_preferred_remedy"
    _nothing_written()


def test_portal_form_errors_are_shown_and_nothing_is_kept(
    client, customer_a, asset_a, portal_login, settings
):
    settings.CLAIMS_PHOTO_MAX_BYTES = 1024
    portal_login(client, customer_a)
    res = client.post(reverse("portal:claim_new"), {"asset": asset_a.pk, "symptoms": "It makes a loud bang.",
                                                    "photos": [png("huge.png", size=5000)]})  # fmt: skip
    assert res.status_code == 422
    assert "huge.png" in res.content.decode() and "It makes a loud bang." in res.content.decode()
    _nothing_written()


def test_portal_customer_a_never_sees_b(
    client, customer_a, customer_b, asset_a, asset_b, file_claim, portal_login
):
    claim_b = file_claim(customer_b, asset_b, photos=[png()])
    portal_login(client, customer_a)
    assert client.get(reverse("portal:claim_detail", args=[claim_b.number])).status_code == 404
    photo = claim_b.photos.get()
    assert client.get(reverse("portal:claim_photo", args=[claim_b.number, photo.pk])).status_code == 404
    assert client.get(reverse("portal:claim_new"), {"asset": asset_b.pk}).status_code == 404
    res = client.post(
        reverse("portal:claim_new"), {"asset": asset_b.pk, "symptoms": "Trying to claim B's washer."}
    )
    assert res.status_code == 404
    listing = client.get(reverse("portal:claims")).content.decode()
    assert claim_b.number not in listing
    assert WarrantyClaim.objects.filter(customer=customer_a).count() == 0
    # B sees their own, with the photo
    portal_login(client, customer_b)
    assert client.get(reverse("portal:claim_detail", args=[claim_b.number])).status_code == 200
    res = client.get(reverse("portal:claim_photo", args=[claim_b.number, photo.pk]))
    assert res.status_code == 200 and res["Content-Type"] == "image/png"


def test_portal_needs_sign_in(client):
    res = client.get(reverse("portal:claims"))
    assert res.status_code == 302 and reverse("portal:help_login") in res["Location"]


def test_staff_roles(client, agent, analyst, customer_a, asset_a, file_claim):
    claim = file_claim(customer_a, asset_a, photos=[png()])
    # the analyst reads but cannot act
    client.force_login(analyst)
    assert client.get(reverse("console:claim_detail", args=[claim.pk])).status_code == 200
    assert (
        client.get(reverse("console:claim_photo", args=[claim.pk, claim.photos.get().pk])).status_code == 200
    )
    assert client.post(reverse("console:claim_action", args=[claim.pk, "review"])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.claim_start_review(claim=claim, actor=analyst)
    claim.refresh_from_db()
    assert claim.status == "submitted"
    # the agent works the claim
    client.force_login(agent)
    res = client.post(reverse("console:claim_action", args=[claim.pk, "review"]))
    assert res.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "in_review"
    # rejecting without a reason re-renders with the error, nothing changes
    res = client.post(reverse("console:claim_action", args=[claim.pk, "reject"]), {"reason": "no"})
    assert res.status_code == 422 and "motivo" in res.content.decode()
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_staff_pages_need_login(client, customer_a, asset_a, file_claim):
    claim = file_claim(customer_a, asset_a)
    assert client.get(reverse("console:claim_list")).status_code == 302
    assert client.get(reverse("console:claim_detail", args=[claim.pk])).status_code == 302
