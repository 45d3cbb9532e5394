"""Customer timeline sentences for notifications, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from postventa.notifications.models import Notification


def _status_label(status: str) -> str:
    try:
        return str(Notification.Status(status).label)
    except ValueError:
        return status


def render_sent(entry) -> str:
    return _("Email “%(subject)s” sent to %(to)s.") % {
        "subject": entry.data["subject"],
        "to": entry.data.get("to", ""),
    }


def render_failed(entry) -> str:
    data = entry.data
    if data.get("will_retry"):
        return _(
            "Email “%(subject)s” could not be sent (%(status)s, attempt %(attempts)s); it will be retried."
        ) % {
            "subject": data["subject"],
            "status": _status_label(data.get("status", "")),
            "attempts": data.get("attempts", 1),
        }
    return _("Email “%(subject)s” could not be sent (%(status)s) after %(attempts)s attempts.") % {
        "subject": data["subject"],
        "status": _status_label(data.get("status", "")),
        "attempts": data.get("attempts", 1),
    }
