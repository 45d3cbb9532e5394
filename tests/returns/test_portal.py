"""Portal returns: guest lookup (reveals nothing on a miss, rate limited), customer A vs B,
the request form with photos, the label PDF and photos served only to the owner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from postventa.aftercare.returns.models import ReturnLine, ReturnPhoto, ReturnRequest


@pytest.fixture
def order(customer, make_order):
    return make_order(customer, delivered=timezone.now() - dt.timedelta(days=2))


def _form(order, **quantities):
    by_sku = {line.sku: line for line in order.lines.all()}
    data = {f"qty_{line.pk}": "0" for line in by_sku.values()}
    data.update({f"qty_{by_sku[sku].pk}": str(q) for sku, q in quantities.items()})
    data.update({"reason": "damaged", "resolution": "refund", "reason_detail": "Dented lid"})
    return data


def test_guest_lookup_a_miss_looks_the_same_whatever_was_wrong(client, order, other_customer):
    url = reverse("portal:return_lookup")
    wrong_email = client.post(url, {"number": order.number, "email": "bruno@example.com"})
    no_order = client.post(url, {"number": "PV-NOPE", "email": "lucia@example.com"})
    assert wrong_email.status_code == no_order.status_code == 200
    assert wrong_email.context["not_found"] and no_order.context["not_found"]
    assert client.get(reverse("portal:return_new", args=[order.number])).status_code == 404


def test_guest_lookup_is_rate_limited(client, order, settings):
    settings.PUBLIC_RATE_LIMIT_PER_MINUTE = 3
    url = reverse("portal:return_lookup")
    codes = [client.post(url, {"number": "X", "email": "a@b.c"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_guest_returns_an_item_with_a_photo_and_sees_the_label(client, order, png_bytes):
    res = client.post(reverse("portal:return_lookup"), {"number": order.number, "email": "LUCIA@example.com"})
    assert res.status_code == 302 and res["Location"] == reverse("portal:return_new", args=[order.number])
    page = client.get(res["Location"])
    assert (
        "Puede devolverlo hasta el" in page.content.decode()
        or "You can return it until" in page.content.decode()
    )
    data = _form(order, **{"KETTLE-1": 1})
    data["photos"] = [SimpleUploadedFile("lid.png", png_bytes, content_type="image/png")]
    res = client.post(res["Location"], data)
    assert res.status_code == 302
    r = ReturnRequest.objects.get()
    assert res["Location"] == reverse("portal:return_detail", args=[r.number])
    assert r.status == "approved" and r.photos.count() == 1
    assert client.get(res["Location"]).status_code == 200
    label = client.get(reverse("portal:return_label", args=[r.number]))
    assert label.status_code == 200 and label["Content-Type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")
    photo = r.photos.get()
    got = client.get(reverse("portal:return_photo", args=[r.number, photo.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == png_bytes


def test_bad_quantities_and_files_show_the_reason_and_write_nothing(client, order, portal_login, customer):
    portal_login(client, customer)
    url = reverse("portal:return_new", args=[order.number])
    res = client.post(url, _form(order, **{"MUG-1": 4}))
    assert res.status_code == 422 and "como máximo 3" in res.context["error"]
    data = _form(order, **{"MUG-1": 1})
    data["photos"] = [SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")]
    res = client.post(url, data)
    assert res.status_code == 422 and "evil.png" in res.context["error"]
    assert (ReturnRequest.objects.count(), ReturnLine.objects.count(), ReturnPhoto.objects.count()) == (
        0,
        0,
        0,
    )


def test_customer_b_cannot_see_customer_as_order_return_label_or_photos(
    client, order, customer, other_customer, portal_login, png_bytes
):
    from postventa.aftercare.returns import services

    r = services.return_request_create(
        actor=None,
        customer=customer,
        order=order,
        lines=[{"order_line_id": order.lines.first().pk, "quantity": 1}],
        reason="quality",
        photos=[SimpleUploadedFile("a.png", png_bytes, content_type="image/png")],
    )
    photo = r.photos.get()
    portal_login(client, other_customer)
    for url in (
        reverse("portal:return_new", args=[order.number]),
        reverse("portal:return_detail", args=[r.number]),
        reverse("portal:return_label", args=[r.number]),
        reverse("portal:return_photo", args=[r.number, photo.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert r.number not in client.get(reverse("portal:returns")).content.decode()
    portal_login(client, customer)
    assert r.number in client.get(reverse("portal:returns")).content.decode()
    assert client.get(reverse("portal:return_detail", args=[r.number])).status_code == 200


def test_the_email_link_opens_the_return_and_a_forged_one_does_not(client, order, customer):
    from postventa.aftercare.returns import access, services

    r = services.return_request_create(
        actor=None, customer=customer, order=order,
        lines=[{"order_line_id": order.lines.first().pk, "quantity": 1}], reason="quality",
    )  # fmt: skip
    res = client.get(
        access.portal_url(r).replace("http://127.0.0.1:8000", "").replace("http://testserver", "")
    )
    assert res.status_code == 302
    assert client.get(res["Location"]).status_code == 200
    assert client.get(reverse("portal:return_link", args=["forged"])).status_code == 404
