"""Maintenance and owner notices: tables."""
