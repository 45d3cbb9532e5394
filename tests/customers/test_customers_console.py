"""Console pages for customers and segments: render, act, permissions, query counts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from postventa.customers import panels as panels_module
from postventa.customers.consents import consent_grant
from postventa.customers.models import Consent, ConsentEvent, Customer, Segment, TimelineEntry
from postventa.customers.services import customer_address_add, customer_create, customer_note_add


@pytest.fixture
def no_panels():
    saved = dict(panels_module.PANELS)
    panels_module.PANELS.clear()
    yield panels_module.PANELS
    panels_module.PANELS.clear()
    panels_module.PANELS.update(saved)


@pytest.fixture
def ana(agent):
    c = customer_create(
        acting_user=agent,
        first_name="Ana",
        last_name="López",
        emails=["ana@example.com"],
        phones=["600111222"],
        tags=["vip"],
        external_ids={"shop": "S-1"},
    )
    customer_address_add(customer=c, acting_user=agent, line1="C/ Mayor 1", postcode="28013", city="Madrid")
    return c


@pytest.mark.django_db
def test_list_renders_searches_and_is_bounded(console_client, agent, django_assert_max_num_queries):
    for i in range(30):
        customer_create(
            acting_user=agent, first_name=f"Person{i:02d}", emails=[f"p{i}@example.com"], tags=["a", "b"]
        )
    url = reverse("console:customer_list")
    with django_assert_max_num_queries(8):
        r = console_client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Person29" in html and "Person04" not in html  # 25 per page, newest first
    assert "cursor=" in html
    r = console_client.get(url, {"q": "p7@example.com"})
    assert "Person07" in r.content.decode() and "Person08" not in r.content.decode()
    r = console_client.get(url, {"q": "Person1"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.content.decode() and "Person12" in r.content.decode()
    assert console_client.get(url, {"cursor": "garbage"}).status_code == 200


@pytest.mark.django_db
def test_detail_360_renders_everything_with_bounded_queries(
    console_client, agent, ana, no_panels, django_assert_max_num_queries
):
    for i in range(30):
        customer_note_add(customer=ana, acting_user=agent, text=f"note number {i}")
    consent_grant(customer=ana, channel="email", purpose="marketing", source="web_form")
    url = reverse("console:customer_detail", args=[ana.pk])
    with django_assert_max_num_queries(13):
        r = console_client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    for text in (
        "Ana López",
        "ana@example.com",
        "+34600111222",
        "vip",
        "C/ Mayor 1",
        "S-1",
        "note number 29",
    ):
        assert text in html
    assert "note number 5" not in html  # paginated: only the newest 20 entries
    assert reverse("console:customer_timeline", args=[ana.pk]) in html
    # The "older" page via HTMX returns only list items.
    cursor = r.context["timeline_next"]
    r = console_client.get(
        reverse("console:customer_timeline", args=[ana.pk]),
        {"cursor": cursor},
        headers={"HX-Request": "true"},
    )
    assert (
        r.status_code == 200 and "note number 5" in r.content.decode() and "<html" not in r.content.decode()
    )


@pytest.mark.django_db
def test_registered_panels_render_on_360(console_client, ana, no_panels, tmp_path, settings):
    template_dir = tmp_path / "tpl"
    (template_dir / "x").mkdir(parents=True)
    (template_dir / "x" / "panel.html").write_text("<p>Orders of {{ customer.first_name }}: {{ total }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}]
    panels_module.register_panel("orders", "Orders", "x/panel.html", lambda c, u: {"total": 3}, order=10)
    panels_module.register_panel("hidden", "Hidden", "x/panel.html", lambda c, u: None, order=20)
    html = console_client.get(reverse("console:customer_detail", args=[ana.pk])).content.decode()
    assert "Orders of Ana: 3" in html
    assert 'id="panel-orders"' in html and 'id="panel-hidden"' not in html


@pytest.mark.django_db
def test_create_and_edit_pages(console_client, ana):
    r = console_client.get(reverse("console:customer_create"))
    assert r.status_code == 200
    r = console_client.post(
        reverse("console:customer_create"),
        {
            "kind": "person",
            "first_name": "Bea",
            "emails": "Bea@Example.com, bea2@example.com",
            "phones": "611 222 333",
            "language": "en",
            "time_zone": "Europe/Madrid",
            "tags": "b2b, vip",
            "attributes": "size=M",
        },
    )
    assert r.status_code == 302
    bea = Customer.objects.get(first_name="Bea")
    assert bea.email == "bea@example.com" and bea.phone == "+34611222333" and bea.attributes == {"size": "M"}
    # Duplicate email: the form shows the service's sentence, nothing is created.
    r = console_client.post(
        reverse("console:customer_create"),
        {
            "kind": "person",
            "first_name": "X",
            "emails": "ana@example.com",
            "language": "es",
            "time_zone": "UTC",
        },
    )
    assert r.status_code == 422 and "ya pertenece a otro cliente" in r.content.decode()
    url = reverse("console:customer_edit", args=[ana.pk])
    assert console_client.get(url).status_code == 200
    r = console_client.post(
        url,
        {
            "kind": "person",
            "first_name": "Anabel",
            "language": "es",
            "time_zone": "Europe/Madrid",
            "tags": "vip",
            "quiet_start": "22:00",
            "quiet_end": "08:00",
        },
    )
    assert r.status_code == 302
    ana.refresh_from_db()
    assert ana.first_name == "Anabel" and str(ana.quiet_end) == "08:00:00"


@pytest.mark.django_db
def test_consent_buttons_htmx_and_plain(console_client, ana):
    url = reverse("console:customer_consent", args=[ana.pk])
    r = console_client.post(
        url, {"channel": "sms", "purpose": "marketing", "action": "grant"}, headers={"HX-Request": "true"}
    )
    assert (
        r.status_code == 200 and 'id="consents"' in r.content.decode() and "<html" not in r.content.decode()
    )
    assert Consent.objects.get(customer=ana, channel="sms", purpose="marketing").status == "granted"
    r = console_client.post(url, {"channel": "sms", "purpose": "marketing", "action": "withdraw"})
    assert r.status_code == 302
    assert Consent.objects.get(customer=ana, channel="sms", purpose="marketing").source == "console"
    assert ConsentEvent.objects.filter(customer=ana).count() == 2
    r = console_client.post(
        url, {"channel": "fax", "purpose": "marketing", "action": "grant"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 422


@pytest.mark.django_db
def test_contacts_addresses_notes(console_client, ana):
    console_client.post(reverse("console:customer_email_add", args=[ana.pk]), {"value": "ANA2@example.com"})
    console_client.post(reverse("console:customer_phone_add", args=[ana.pk]), {"value": "0044 7700 900123"})
    assert sorted(ana.emails.values_list("email", flat=True)) == ["ana2@example.com", "ana@example.com"]
    assert ana.phones.filter(number="+447700900123").exists()
    console_client.post(
        reverse("console:customer_email_remove", args=[ana.pk]), {"value": "ana2@example.com"}
    )
    assert ana.emails.count() == 1
    r = console_client.post(
        reverse("console:customer_phone_add", args=[ana.pk]), {"value": "12"}, follow=True
    )
    assert "not a valid phone" in r.content.decode() or "no es un teléfono" in r.content.decode()
    console_client.post(
        reverse("console:customer_address_add", args=[ana.pk]),
        {"kind": "billing", "line1": "Gran Vía 2", "postcode": "28013", "city": "Madrid", "country": "ES"},
    )
    assert ana.addresses.count() == 2
    address = ana.addresses.get(line1="Gran Vía 2")
    console_client.post(reverse("console:customer_address_remove", args=[ana.pk, address.pk]))
    assert ana.addresses.count() == 1
    console_client.post(reverse("console:customer_note_add", args=[ana.pk]), {"text": "Called back"})
    assert TimelineEntry.objects.filter(customer=ana, kind="note.added", data__text="Called back").exists()


@pytest.mark.django_db
def test_gdpr_buttons_need_permissions(client, agent, supervisor, ana):
    client.force_login(agent)
    detail = client.get(reverse("console:customer_detail", args=[ana.pk])).content.decode()
    assert reverse("console:customer_export", args=[ana.pk]) not in detail
    assert client.get(reverse("console:customer_export", args=[ana.pk])).status_code == 403
    assert client.get(reverse("console:customer_erase", args=[ana.pk])).status_code == 403
    assert client.get(reverse("console:customer_merge", args=[ana.pk])).status_code == 403
    client.force_login(supervisor)
    detail = client.get(reverse("console:customer_detail", args=[ana.pk])).content.decode()
    assert reverse("console:customer_export", args=[ana.pk]) in detail
    r = client.get(reverse("console:customer_export", args=[ana.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert json.loads(r.content)["customer"]["first_name"] == "Ana"


@pytest.mark.django_db
def test_erase_page_confirmation_and_hold(client, supervisor, ana):
    client.force_login(supervisor)
    url = reverse("console:customer_erase", args=[ana.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"confirm": "wrong"})
    ana.refresh_from_db()
    assert ana.erased_at is None
    Customer.objects.filter(pk=ana.pk).update(legal_hold_reason="Court case 7/2026")
    r = client.get(url)
    assert "Court case 7/2026" in r.content.decode()
    client.post(url, {"confirm": str(ana.pk)})
    ana.refresh_from_db()
    assert ana.erased_at is None
    Customer.objects.filter(pk=ana.pk).update(legal_hold_reason="")
    r = client.post(url, {"confirm": str(ana.pk)})
    assert r.status_code == 302
    ana.refresh_from_db()
    assert ana.erased_at is not None and ana.first_name == ""


@pytest.mark.django_db
def test_merge_page(client, supervisor, ana):
    dup = customer_create(
        acting_user=supervisor, first_name="Ana", last_name="L.", emails=["ana.l@example.com"]
    )
    client.force_login(supervisor)
    url = reverse("console:customer_merge", args=[ana.pk])
    assert client.get(url).status_code == 200
    r = client.get(url, {"q": "ana.l@"})
    html = r.content.decode()
    assert "ana.l@example.com" in html
    r = client.post(url, {"source_id": dup.pk})
    assert r.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into_id == ana.pk
    assert ana.emails.filter(email="ana.l@example.com").exists()
    r = client.post(url, {"source_id": "999999"}, follow=True)
    assert r.status_code == 200


@pytest.mark.django_db
def test_pages_404_for_unknown_customer(console_client):
    assert console_client.get(reverse("console:customer_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_segment_pages(client, analyst, agent, ana, django_assert_max_num_queries):
    customer_create(acting_user=agent, first_name="Ben", language="en")
    client.force_login(analyst)
    r = client.post(
        reverse("console:segment_create"),
        {"name": "VIP", "match": "all", "cond_0_key": "tag", "cond_0_value": "vip", "preview": "1"},
    )
    assert r.status_code == 200 and r.context["preview"]["count"] == 1
    assert Segment.objects.count() == 0  # preview does not save
    r = client.post(
        reverse("console:segment_create"),
        {
            "name": "VIP",
            "match": "all",
            "cond_0_key": "tag",
            "cond_0_value": "vip",
            "cond_1_key": "has_email",
            "cond_1_value": "",
        },
    )
    assert r.status_code == 302
    segment = Segment.objects.get(name="VIP")
    assert segment.definition == {
        "match": "all",
        "conditions": [
            {"key": "tag", "params": {"tag": "vip"}},
            {"key": "has_email", "params": {"value": True}},
        ],
    }
    r = client.post(
        reverse("console:segment_create"),
        {"name": "Bad", "match": "all", "cond_0_key": "created_within_days", "cond_0_value": "ten"},
    )
    assert r.status_code == 422 and Segment.objects.count() == 1
    for i in range(4):
        Segment.objects.create(
            name=f"S{i}", definition={"match": "all", "conditions": [{"key": "has_email", "params": {}}]}
        )
    with django_assert_max_num_queries(14):
        r = client.get(reverse("console:segment_list"))
    assert r.status_code == 200 and "VIP" in r.content.decode()
    r = client.get(reverse("console:segment_detail", args=[segment.pk]))
    assert r.status_code == 200 and r.context["count"] == 1 and "Ana López" in r.content.decode()
    r = client.get(reverse("console:segment_edit", args=[segment.pk]))
    assert r.status_code == 200 and 'value="vip"' in r.content.decode()
    r = client.post(
        reverse("console:segment_edit", args=[segment.pk]),
        {
            "name": "English",
            "match": "all",
            "definition_json": '{"conditions": [{"key": "language", "params": {"language": "en"}}]}',
        },
    )
    assert r.status_code == 302
    segment.refresh_from_db()
    assert segment.name == "English"
    r = client.post(reverse("console:segment_delete", args=[segment.pk]))
    assert r.status_code == 302 and not Segment.objects.filter(pk=segment.pk).exists()
    # Agents may look at segments but not change them.
    client.force_login(agent)
    assert client.get(reverse("console:segment_list")).status_code == 200
    assert client.get(reverse("console:segment_create")).status_code == 403


@pytest.mark.django_db
def test_360_with_every_registered_panel(admin_client, ana, django_user_model, django_assert_max_num_queries):
    # The panels other apps registered (orders, owned products...) render inside the page; a panel
    # may hide itself when it has nothing to show for this customer (its context is None).
    admin = django_user_model.objects.get(pk=admin_client.session["_auth_user_id"])
    keys = [p.key for p in panels_module.PANELS.values() if p.context_fn(ana, admin) is not None]
    assert "orders" in keys
    with django_assert_max_num_queries(13 + 3 * len(keys)):
        r = admin_client.get(reverse("console:customer_detail", args=[ana.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    for key in keys:
        assert f'id="panel-{key}"' in html
    assert "could not be loaded" not in html and "no se ha podido cargar" not in html


@pytest.mark.django_db
def test_broken_panel_does_not_break_the_page(console_client, ana, no_panels):
    panels_module.register_panel("broken", "Broken", "does/not/exist.html", lambda c, u: {}, order=1)
    r = console_client.get(reverse("console:customer_detail", args=[ana.pk]))
    assert r.status_code == 200
    assert 'id="panel-broken"' in r.content.decode() and 'class="alert error"' in r.content.decode()
