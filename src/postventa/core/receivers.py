"""Outbox receivers of the shared kernel."""
