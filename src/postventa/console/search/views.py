"""Global search: every searchable kind the user may see, ranked and highlighted."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from postventa.console.mixins import render_page, staff_required
from postventa.core import search

MAX_QUERY = 200


def _link(indexer, object_id: str) -> str:
    if not indexer or not indexer.url_name:
        return ""
    try:
        return reverse(indexer.url_name, args=[object_id])
    except NoReverseMatch:
        return ""


@staff_required()
def search_results(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    kind = request.GET.get("kind") or None
    registered = search.indexers()
    hits = (
        search.search_for_user(request.user, query, kinds=[kind] if kind else None, limit=50) if query else []
    )
    groups: dict[str, dict] = {}
    for hit in hits:
        indexer = registered.get(hit.kind)
        label = indexer.label if indexer else hit.kind
        group = groups.setdefault(hit.kind, {"kind": hit.kind, "label": label, "hits": [], "rows": []})
        group["hits"].append(hit)
        group["rows"].append((hit, _link(indexer, hit.object_id)))
    context = {
        "nav": "search",
        "q": query,
        "kind": kind or "",
        "kinds": [(k, ix.label) for k, ix in sorted(registered.items())],
        "groups": list(groups.values()),  # in the order of the best hit of each kind
        "total": len(hits),
    }
    return render_page(request, "console/search/results.html", context)
