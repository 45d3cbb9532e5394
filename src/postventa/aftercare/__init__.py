"""Aftercare: warranties, claims, returns and refunds, repairs, payment plans, maintenance, take-back.

Each domain is its own Django app (label in brackets) so its tables, migrations and catalogs
stay separate: warranties, claims, returns (with refunds and store credit), repairs (with spare
parts), payment_plans, maintenance (with owner notices), takeback.
"""
