"""Rendering a notification from its template triple in the customer's language.

A template is a folder `notifications/<name>/` holding `subject.txt`, `body.txt` and
`body.html`, found through Django's template loaders, so any app can ship its own under
`<app>/templates/notifications/<name>/`. HTML bodies extend `notifications/_layout.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def language_for(customer) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (getattr(customer, "language", "") or "")[:2]
    return language if language in codes else settings.LANGUAGE_CODE


def _plain(name: str, context: dict[str, Any]) -> str:
    # Text parts are not HTML: autoescaping would turn "O'Brien" into "O&#x27;Brien".
    return get_template(name).template.render(Context(context, autoescape=False))


def render(template: str, context: dict[str, Any], *, language: str, customer=None) -> Rendered:
    if not template or "/" in template or template.startswith("."):
        raise ValidationFailed(_("Unknown notification template %(name)s.") % {"name": template})
    base = f"notifications/{template}"
    full = {
        "brand_name": getattr(settings, "BRAND_NAME", "Postventa"),
        "base_url": settings.BASE_URL,
        "customer": customer,
        "customer_name": getattr(customer, "display_name", "") if customer is not None else "",
        **context,
        "language": language,
    }
    with translation.override(language):
        try:
            subject = " ".join(_plain(f"{base}/subject.txt", full).split())
            text = _plain(f"{base}/body.txt", full).strip() + "\n"
            html = get_template(f"{base}/body.html").render(full)
        except TemplateDoesNotExist as exc:
            raise ValidationFailed(
                _("Unknown notification template %(name)s.") % {"name": template}, extra={"missing": str(exc)}
            )
    return Rendered(subject=subject[:300], text=text, html=html)
