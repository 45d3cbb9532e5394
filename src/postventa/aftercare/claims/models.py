"""Warranty claims: tables."""
