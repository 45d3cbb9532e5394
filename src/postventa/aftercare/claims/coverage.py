"""The warranty coverage of a unit, frozen as a claim's snapshot (warranties app computes it).

What the customer was told when filing stays on the claim: which guarantee covered the unit,
until when, whether a defect was still presumed to exist at delivery, and the sentence shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Snapshot:
    covered: bool
    kind: str  # legal / commercial / extended, "" when nothing covers the unit
    ends_on: dt.date | None
    presumption_until: dt.date | None
    presumption_applies: bool
    sentence: str
    data: dict[str, Any] = field(default_factory=dict)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else None


def _guarantee(status) -> dict[str, Any] | None:
    if status is None:
        return None
    return {
        "kind": str(getattr(status, "kind", "") or ""),
        "starts_on": _iso(getattr(status, "starts_on", None)),
        "ends_on": _iso(getattr(status, "ends_on", None)),
        "name": str(getattr(status, "name", "") or ""),
        "reason": str(getattr(status, "reason", "") or ""),
        "fault": str(getattr(status, "fault", "") or ""),
        "terms_version_id": getattr(status, "terms_version_id", None),
    }


def customer_today(customer, now: dt.datetime) -> dt.date:
    """The calendar day in the customer's own time zone (coverage is counted in days)."""
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(customer.time_zone or "Europe/Madrid")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Europe/Madrid")
    return now.astimezone(zone).date()


def snapshot_for(asset, *, on: dt.date, language: str | None = None) -> Snapshot:
    from postventa.aftercare.warranties.coverage import coverage_for_asset

    coverage = coverage_for_asset(asset, on=on, language=language)
    covering = getattr(coverage, "covering", None)
    presumption_until = getattr(coverage, "presumption_until", None)
    data: dict[str, Any] = {
        "on": on.isoformat(),
        "covered": bool(coverage.covered),
        "covering": _guarantee(covering),
        "presumption_until": _iso(presumption_until),
        "sentence": str(getattr(coverage, "sentence", "") or ""),
        "language": language or "",
        "delivered_on": _iso(getattr(coverage, "delivered_on", None)),
        "legal_ends_on": _iso(getattr(coverage, "legal_ends_on", None)),
        "jurisdiction": str(getattr(coverage, "jurisdiction", "") or ""),
    }
    # Every guarantee the unit had that day (legal, commercial, extended), for the record.
    guarantees = getattr(coverage, "guarantees", None)
    if guarantees:
        data["guarantees"] = [_guarantee(g) for g in guarantees]
    return Snapshot(
        covered=bool(coverage.covered),
        kind=str(getattr(covering, "kind", "") or "") if covering is not None else "",
        ends_on=getattr(covering, "ends_on", None) if covering is not None else None,
        presumption_until=presumption_until,
        presumption_applies=bool(presumption_until and on <= presumption_until),
        sentence=data["sentence"],
        data=data,
    )
