"""Channels in and out: each channel is its own Django app under this package."""
