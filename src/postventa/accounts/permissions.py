# Moved to postventa.core.permissions (core checks permissions too, and may not import accounts).
# This re-export goes once every import points at core.
from postventa.core.permissions import *  # noqa: F403
from postventa.core.permissions import (  # noqa: F401
    ALL_PERMISSIONS,
    ROLE_PERMISSIONS,
    SCOPE_AREAS,
    can,
    has_scope,
    permissions_of,
    require,
    require_scope,
)
