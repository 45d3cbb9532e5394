"""Repairs: tables."""
