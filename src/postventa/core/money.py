"""Money is Decimal with a currency code; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel.numbers import format_currency
from django.db import models
from django.utils.translation import get_language

CENT = Decimal("0.01")


class MoneyField(models.DecimalField):
    """An amount with two decimals; the currency lives in a sibling CharField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


def to_money(value) -> Decimal:
    """Parse user input into an amount with cents; raises ValueError with a clear message."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not an amount")
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def format_money(amount: Decimal | None, currency: str = "EUR", language: str | None = None) -> str:
    if amount is None:
        return ""
    locale = {"es": "es_ES", "en": "en_GB"}.get((language or get_language() or "es")[:2], "es_ES")
    return format_currency(amount, currency, locale=locale)
