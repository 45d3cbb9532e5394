"""Interest-free payment plans: tables."""
