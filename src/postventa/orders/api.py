"""REST endpoints of this app (mounted in postventa.api)."""

from ninja import Router

router = Router()
