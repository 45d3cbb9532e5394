"""The console's landing page: real counts of what needs attention."""

from __future__ import annotations

from postventa.console.mixins import render_page, staff_required
from postventa.customers.models import Customer


@staff_required()
def dashboard(request):
    context = {"nav": "dashboard", "customer_count": Customer.objects.filter(erased_at__isnull=True).count()}
    return render_page(request, "console/dashboard/dashboard.html", context)
