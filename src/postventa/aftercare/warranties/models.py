"""Warranties and coverage: tables."""
