"""Global search: tickets, messages and customers the user may see, ranked, highlighted, filtered."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.console.mixins import render_page, staff_required
from postventa.core import search

MAX_QUERY = 200
PER_PAGE = 20
MAX_PAGE = search.RANK_WINDOW // PER_PAGE


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def _choices():
    """Status, channel, team and assignee options (from the helpdesk when it is installed)."""
    from postventa.accounts.selectors import team_list, user_list
    from postventa.helpdesk.models import Channel, Status

    return {
        "statuses": list(Status.choices),
        "channels": list(Channel.choices),
        "teams": [(t.pk, t.name) for t in team_list()],
        "assignees": [(u.pk, u.get_full_name() or u.username) for u in user_list(active=True)],
    }


def parse_filters(params, user) -> tuple[search.Filters, dict, list[str]]:
    """(Filters, the cleaned values for the form, error messages) from the query string."""
    errors: list[str] = []
    choices = _choices()
    statuses = tuple(s for s in params.getlist("status") if s in dict(choices["statuses"]))
    channels = tuple(c for c in params.getlist("channel") if c in dict(choices["channels"]))
    team = _int(params.get("team"))
    assignee_raw = params.get("assignee") or ""
    assignee = user.pk if assignee_raw == "me" else _int(assignee_raw)
    since, until = _date(params.get("from")), _date(params.get("to"))
    if params.get("from") and since is None or params.get("to") and until is None:
        errors.append(_("Dates must look like 2025-01-31."))
    if since and until and since > until:
        errors.append(_("The start date is after the end date."))
        since = until = None
    filters = search.Filters(
        statuses=statuses,
        channels=channels,
        team_id=team,
        assignee_id=assignee,
        unassigned=assignee_raw == "none",
        since=_day_start(since) if since else None,
        until=_day_start(until + dt.timedelta(days=1)) if until else None,
    )
    values = {
        "status": list(statuses),
        "channel": list(channels),
        "team": team or "",
        "assignee": assignee_raw if assignee_raw in ("me", "none") else (assignee or ""),
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
    }
    return filters, {**values, **choices}, errors


@staff_required()
def search_results(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    registered = search.indexers()
    visible = search.scopes_for_user(request.user)
    kind = request.GET.get("kind") or ""
    if kind not in visible:
        kind = ""
    filters, form, errors = parse_filters(request.GET, request.user)
    page = min(max(_int(request.GET.get("page")) or 1, 1), MAX_PAGE)
    hits = []
    if query:
        hits = search.search_for_user(
            request.user,
            query,
            kinds=[kind] if kind else None,
            filters=filters or None,
            limit=PER_PAGE + 1,
            offset=(page - 1) * PER_PAGE,
            scopes=visible,
        )
    has_next = len(hits) > PER_PAGE and page < MAX_PAGE
    hits = hits[:PER_PAGE]
    labels = {k: ix.label for k, ix in registered.items()}
    status_labels, channel_labels = dict(form["statuses"]), dict(form["channels"])
    rows = [
        {
            "hit": hit,
            "label": labels.get(hit.kind, hit.kind),
            "link": search.hit_link(hit),
            "status": status_labels.get(hit.status or "", ""),
            "channel": channel_labels.get(hit.channel or "", ""),
        }
        for hit in hits
    ]
    base = [(k, v) for k, vs in request.GET.lists() if k != "page" for v in vs]
    context = {
        "nav": "search",
        "q": query,
        "kind": kind,
        "kinds": [(k, labels[k]) for k in sorted(visible, key=lambda k: str(labels[k]))],
        "form": form,
        "errors": errors,
        "filtered": bool(filters),
        "rows": rows,
        "page": page,
        "start": (page - 1) * PER_PAGE + 1,
        "prev_url": "?" + urlencode([*base, ("page", page - 1)]) if page > 1 else "",
        "next_url": "?" + urlencode([*base, ("page", page + 1)]) if has_next else "",
        "window": search.RANK_WINDOW,
    }
    return render_page(request, "console/search/results.html", context)
