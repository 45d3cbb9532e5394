"""Returns and refunds: tables."""
