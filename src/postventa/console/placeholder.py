"""Temporary view for URLs whose pages are being built (removed before this lands)."""

from django.http import HttpResponse


def pending(request, *args, **kwargs):
    return HttpResponse("pending")
