"""Console pages for segments: list with live counts, create/edit with preview, members."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.customers.forms import SegmentForm, condition_help
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can
from postventa.customers import segments, selectors
from postventa.customers.models import Segment

MEMBERS_PAGE = 25


def _segment_or_404(pk):
    try:
        return selectors.segment_get(pk)
    except NotFound:
        raise Http404


@staff_required("customers.view")
def segment_list(request):
    rows = []
    for segment in Segment.objects.all():
        try:
            count = selectors.segment_count(segment)
        except ApplicationError:  # a condition whose app was removed: show it, do not crash the list
            count = None
        rows.append({"segment": segment, "count": count})
    context = {"nav": "segments", "rows": rows, "can_change": can(request.user, "segments.change")}
    return render_page(request, "console/customers/segment_list.html", context)


def _form_page(request, form, segment=None, status=200, preview=None):
    context = {
        "nav": "segments",
        "form": form,
        "segment": segment,
        "condition_help": condition_help(),
        "preview": preview,
    }
    return render_page(
        request,
        "console/customers/segment_form.html",
        context,
        partial="console/customers/_segment_preview.html",
        status=status,
    )


def _handle_form(request, segment=None):
    initial = SegmentForm.initial_for(segment) if segment else {"match": "all"}
    form = SegmentForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, segment)
    if not form.is_valid():
        return _form_page(request, form, segment, status=422)
    try:
        definition = form.definition()
        if "preview" in request.POST:
            qs = segments.segment_queryset(definition)
            preview = {"count": qs.count(), "members": list(qs.order_by("-id")[:10])}
            return _form_page(request, form, segment, preview=preview)
        d = form.cleaned_data
        if segment is None:
            segment = segments.segment_create(
                acting_user=request.user, name=d["name"], description=d["description"], definition=definition
            )
        else:
            segments.segment_update(
                segment=segment,
                acting_user=request.user,
                name=d["name"],
                description=d["description"],
                definition=definition,
            )
    except django_forms.ValidationError as exc:
        form.add_error("definition_json", exc)
        return _form_page(request, form, segment, status=422)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _form_page(request, form, segment, status=422)
    messages.success(request, _("Segment saved."))
    return redirect("console:segment_detail", segment.pk)


@staff_required("segments.change")
def segment_create(request):
    return _handle_form(request)


@staff_required("segments.change")
def segment_edit(request, pk: int):
    return _handle_form(request, _segment_or_404(pk))


@staff_required("customers.view")
def segment_detail(request, pk: int):
    segment = _segment_or_404(pk)
    try:
        qs = selectors.segment_members(segment)
        count = qs.count()
        page = keyset_page(qs, cursor=request.GET.get("cursor") or None, page_size=MEMBERS_PAGE)
        members, next_cursor, error = page.items, page.next_cursor, None
    except ApplicationError as exc:
        count, members, next_cursor, error = None, [], None, exc.message
    context = {
        "nav": "segments",
        "segment": segment,
        "count": count,
        "members": members,
        "next_cursor": next_cursor,
        "error": error,
        "can_change": can(request.user, "segments.change"),
        "is_first_page": not request.GET.get("cursor"),
    }
    return render_page(request, "console/customers/segment_detail.html", context)


@require_POST
@staff_required("segments.change")
def segment_delete(request, pk: int):
    segment = _segment_or_404(pk)
    try:
        segments.segment_delete(segment=segment, acting_user=request.user)
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("console:segment_detail", segment.pk)
    messages.success(request, _("Segment deleted."))
    return redirect("console:segment_list")
