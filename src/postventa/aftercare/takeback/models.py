"""Take-back and recycling: tables."""
