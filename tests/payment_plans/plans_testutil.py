"""Helpers shared by the payment plan tests (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
