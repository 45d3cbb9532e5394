"""Outbox receivers of returns: tell the customer at each step."""

from __future__ import annotations
