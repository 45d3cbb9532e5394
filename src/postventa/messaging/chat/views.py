"""The public demo page: a blank "shop" page with the widget embedded, for manual testing."""

from __future__ import annotations

from django.shortcuts import render

from postventa.messaging.chat.models import WidgetConfig
from postventa.messaging.chat.snippets import snippet


def demo(request):
    widgets = WidgetConfig.objects.filter(is_active=True)
    key = request.GET.get("key", "")[:40]
    widget = widgets.filter(key=key).first() if key else widgets.first()
    return render(
        request, "chat/demo.html", {"widget": widget, "snippet": snippet(widget, request) if widget else ""}
    )
