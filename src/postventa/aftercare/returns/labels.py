"""The printable return label (PDF) rendered from a template with weasyprint."""

from __future__ import annotations

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from postventa.aftercare.returns.eligibility import active_policy
from postventa.aftercare.returns.models import ReturnRequest


def _qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def label_html(request: ReturnRequest, *, language: str | None = None) -> str:
    policy = active_policy()
    language = language or (request.customer.language or settings.LANGUAGE_CODE)[:2]
    with translation.override(language):
        return render_to_string(
            "returns/label.html",
            {
                "r": request,
                "order": request.order,
                "customer": request.customer,
                "lines": list(request.lines.select_related("order_line")),
                "policy": policy,
                "return_address": policy.return_address or getattr(settings, "BRAND_NAME", "Postventa"),
                "brand_name": getattr(settings, "BRAND_NAME", "Postventa"),
                "qr_svg": _qr_svg(request.number),
            },
        )


def label_pdf(request: ReturnRequest, *, language: str | None = None) -> bytes:
    """The label as PDF bytes (weasyprint is imported late: it loads pango)."""
    from weasyprint import HTML

    return HTML(string=label_html(request, language=language), base_url=settings.BASE_URL).write_pdf()
