from django.urls import path

from postventa.console.customers import actions, segment_views, views

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/timeline/", views.customer_timeline, name="customer_timeline"),
    path("<int:pk>/emails/add/", actions.contact_add, {"kind": "email"}, name="customer_email_add"),
    path("<int:pk>/emails/remove/", actions.contact_remove, {"kind": "email"}, name="customer_email_remove"),
    path("<int:pk>/phones/add/", actions.contact_add, {"kind": "phone"}, name="customer_phone_add"),
    path("<int:pk>/phones/remove/", actions.contact_remove, {"kind": "phone"}, name="customer_phone_remove"),
    path("<int:pk>/addresses/add/", actions.address_add, name="customer_address_add"),
    path(
        "<int:pk>/addresses/<int:address_id>/remove/", actions.address_remove, name="customer_address_remove"
    ),
    path("<int:pk>/consents/", actions.consent_change, name="customer_consent"),
    path("<int:pk>/notes/", actions.note_add, name="customer_note_add"),
    path("<int:pk>/export/", actions.customer_export, name="customer_export"),
    path("<int:pk>/erase/", actions.customer_erase, name="customer_erase"),
    path("<int:pk>/merge/", actions.customer_merge, name="customer_merge"),
    path("segments/", segment_views.segment_list, name="segment_list"),
    path("segments/new/", segment_views.segment_create, name="segment_create"),
    path("segments/<int:pk>/", segment_views.segment_detail, name="segment_detail"),
    path("segments/<int:pk>/edit/", segment_views.segment_edit, name="segment_edit"),
    path("segments/<int:pk>/delete/", segment_views.segment_delete, name="segment_delete"),
]
