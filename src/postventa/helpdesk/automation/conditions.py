"""The closed vocabulary of rule conditions and actions: validation and matching.

Only what describes the request or the business relationship can be a condition. There is no key
for protected attributes (gender, nationality, age, religion, disability, health...): an unknown
key is refused, so such a rule can never be saved.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed
from postventa.helpdesk.models import Channel, Priority, Status

MAX_ITEMS = 50

ROUTING_KEYS = ("channels", "languages", "categories", "products", "customer_tags", "segments", "keywords")
TRIGGER_KEYS = ("channels", "priorities", "statuses", "keywords", "customer_tags")
AUTOMATION_KEYS = ("status", "hours", "no_customer_reply")
TRIGGER_ACTIONS = (
    "priority",
    "status",
    "team_id",
    "assignee_id",
    "add_tags",
    "remove_tags",
    "email_macro_id",
)
MACRO_ACTIONS = ("status", "priority", "team_id", "add_tags", "remove_tags")
AUTOMATION_ACTIONS = ("status", "priority", "add_tags", "remove_tags", "remind", "email_macro_id")

_CHOICES = {
    "channels": Channel.values,
    "languages": ["es", "en"],
    "priorities": Priority.values,
    "statuses": Status.values,
}


def fold(text: str) -> str:
    """Lower case without accents: "URGENTE", "Urgénte" and "urgente" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def contains_word(text: str, keywords: list[str]) -> bool:
    """Whether any keyword (or phrase) appears in `text` as whole words, ignoring case and accents."""
    haystack = fold(text)
    for keyword in keywords:
        needle = fold(keyword).strip()
        if needle and re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack):
            return True
    return False


def _strings(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",")]
    if not isinstance(value, (list, tuple)) or len(value) > MAX_ITEMS:
        raise ValidationFailed(
            _("Condition %(key)s must be a list of at most %(n)s values.") % {"key": key, "n": MAX_ITEMS},
            code="bad_condition",
        )
    out: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise ValidationFailed(
                _("Condition %(key)s has a value that is not text.") % {"key": key}, code="bad_condition"
            )
        text = " ".join(str(item).replace("\x00", "").split())[:100]
        if text and text not in out:
            out.append(text)
    allowed = _CHOICES.get(key)
    if allowed is not None:
        wrong = [v for v in out if v not in allowed]
        if wrong:
            raise ValidationFailed(
                _("Condition %(key)s does not accept %(values)s.") % {"key": key, "values": ", ".join(wrong)},
                code="bad_condition",
            )
    if key == "segments":
        if not all(v.isdigit() for v in out):
            raise ValidationFailed(_("Segments are given by their numbers."), code="bad_condition")
        out = [str(int(v)) for v in out]
    return out


def _refuse_unknown(data: Any, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed(_("%(what)s must be an object.") % {"what": what}, code="bad_condition")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ValidationFailed(
            _("Unknown %(what)s: %(keys)s. Allowed: %(allowed)s. Rules never use protected attributes.")
            % {"what": what, "keys": ", ".join(unknown), "allowed": ", ".join(allowed)},
            code="unknown_condition",
            extra={"unknown": unknown},
        )
    return data


def clean_list_conditions(data: Any, allowed: tuple[str, ...]) -> dict[str, list[str]]:
    """Validate routing or trigger conditions; empty lists are dropped."""
    data = _refuse_unknown(data, allowed, _("conditions"))
    out: dict[str, list[str]] = {}
    for key in allowed:
        if key in data:
            values = _strings(key, data[key])
            if values:
                out[key] = values
    return out


def clean_automation_conditions(data: Any) -> dict[str, Any]:
    data = _refuse_unknown(data, AUTOMATION_KEYS, _("conditions"))
    status = data.get("status")
    if status not in Status.values or status == Status.CLOSED:
        raise ValidationFailed(_("Choose the status the automation watches."), code="bad_condition")
    try:
        hours = int(data.get("hours"))
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give the number of hours, from 1 to 8760."), code="bad_condition")
    if not 1 <= hours <= 8760:
        raise ValidationFailed(_("Give the number of hours, from 1 to 8760."), code="bad_condition")
    return {"status": status, "hours": hours, "no_customer_reply": bool(data.get("no_customer_reply"))}


def _id(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationFailed(_("%(field)s must be a number.") % {"field": field}, code="bad_action")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(field)s must be a number.") % {"field": field}, code="bad_action")
    if not 1 <= number < 2**62:
        raise ValidationFailed(_("%(field)s must be a number.") % {"field": field}, code="bad_action")
    return number


def clean_actions(data: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """Validate the actions of a macro, trigger or automation (references are checked for existence)."""
    from postventa.accounts.models import Team, User
    from postventa.helpdesk.fields import clean_tags

    data = _refuse_unknown(data, allowed, _("actions"))
    out: dict[str, Any] = {}
    for key in allowed:
        value = data.get(key)
        if value in (None, "", [], False):
            continue
        if key == "status":
            if value not in Status.values or value == Status.NEW:
                raise ValidationFailed(_("Unknown status %(value)s.") % {"value": value}, code="bad_action")
            out[key] = value
        elif key == "priority":
            if value not in Priority.values:
                raise ValidationFailed(_("Unknown priority %(value)s.") % {"value": value}, code="bad_action")
            out[key] = value
        elif key in ("add_tags", "remove_tags"):
            tags = clean_tags(value)
            if tags:
                out[key] = tags
        elif key == "remind":
            out[key] = True
        elif key == "team_id":
            pk = _id(value, key)
            if pk and not Team.objects.filter(pk=pk).exists():
                raise ValidationFailed(_("That team does not exist."), code="bad_action")
            if pk:
                out[key] = pk
        elif key == "assignee_id":
            pk = _id(value, key)
            if pk and not User.objects.filter(pk=pk, is_active=True).exists():
                raise ValidationFailed(_("That person cannot be assigned tickets."), code="bad_action")
            if pk:
                out[key] = pk
        elif key == "email_macro_id":
            from postventa.helpdesk.automation.models import Macro

            pk = _id(value, key)
            if pk and not Macro.objects.filter(pk=pk, shared=True).exists():
                raise ValidationFailed(_("Choose a shared macro for the email."), code="bad_action")
            if pk:
                out[key] = pk
    return out


def ticket_changes(actions: dict[str, Any]) -> dict[str, Any]:
    """The part of `actions` that helpdesk.services.ticket_update understands."""
    return {
        k: v
        for k, v in actions.items()
        if k in ("status", "priority", "team_id", "assignee_id", "add_tags", "remove_tags")
    }
